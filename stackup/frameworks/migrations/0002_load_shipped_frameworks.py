"""Load the two frameworks that ship with Stack Up from stackup/frameworks/data/.

The files are read as they are when the migration runs. When a shipped framework gets a new
version, add a new data migration that loads it: this one has run already on existing sites.

Only the pure validator is imported here, never the app's models: the historical model from
``apps.get_model`` is used instead.
"""

from pathlib import Path

from django.db import migrations

from stackup.frameworks.validation import content_hash, load_framework_file

DATA = Path(__file__).resolve().parent.parent / "data"
SHIPPED = ("collaboration-health-check.yaml", "citizen-digital-services.yaml")


def load_shipped(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    frameworks = Framework.objects.using(schema_editor.connection.alias)
    for name in SHIPPED:
        document = load_framework_file(DATA / name)
        digest = content_hash(document)
        existing = frameworks.filter(slug=document["id"], version=document["version"]).first()
        if existing is not None:
            if existing.content_hash != digest:
                raise RuntimeError(
                    f"{document['id']} version {document['version']} is already stored with "
                    f"different content from {name}."
                )
            continue
        frameworks.create(
            slug=document["id"],
            version=document["version"],
            title=document["title"],
            document=document,
            content_hash=digest,
            source_name=name,
        )


def _in_use(framework):
    """True when any row of any model refers to the framework (see Framework.is_in_use)."""
    for relation in framework._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        related = relation.related_model._base_manager.using(framework._state.db)
        if related.filter(**{relation.field.name: framework}).exists():
            return True
    return False


def unload_shipped(apps, schema_editor):
    """Remove the shipped versions again, except any that a round or other record uses."""
    Framework = apps.get_model("frameworks", "Framework")
    frameworks = Framework.objects.using(schema_editor.connection.alias)
    for name in SHIPPED:
        document = load_framework_file(DATA / name)
        for framework in frameworks.filter(slug=document["id"], version=document["version"]):
            if not _in_use(framework):
                framework.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_shipped, unload_shipped),
    ]

"""Storing frameworks (services), reading them (selectors), and keeping them unchanged (model)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from stackup.frameworks import selectors
from stackup.frameworks.models import Framework, FrameworkChangeForbidden
from stackup.frameworks.services import (
    FrameworkVersionConflict,
    StoreResult,
    framework_store,
)
from stackup.frameworks.validation import (
    FrameworkError,
    content_hash,
    parse_framework,
)
from tests.frameworks.factories import framework_dict, to_yaml


def parsed(**changes) -> dict:
    return parse_framework(to_yaml(framework_dict(**changes)), source="youth.yaml")


# ---------------------------------------------------------------------------------------------
# framework_store


@pytest.mark.django_db
def test_store_creates_a_new_version():
    document = parsed()
    result = framework_store(document=document, source_name="youth.yaml")
    assert isinstance(result, StoreResult)
    assert result.created and not result.unchanged
    framework = result.framework
    assert (framework.slug, framework.version, framework.title) == (
        "youth-partnership-check",
        1,
        "Youth partnership check",
    )
    assert framework.content_hash == content_hash(document)
    assert framework.source_name == "youth.yaml"
    assert framework.created_at is not None
    assert framework.created_at.tzinfo is not None
    framework.refresh_from_db()
    assert framework.as_document() == document


@pytest.mark.django_db
def test_storing_a_framework_is_audited_once(coordinator):
    from stackup.core.models import AuditEvent

    before = AuditEvent.objects.count()
    framework_store(document=parsed(), source_name="youth.yaml", acting_user=coordinator)
    framework_store(document=parsed(), source_name="youth.yaml", acting_user=coordinator)
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.action, e.actor) for e in events] == [("framework.store", coordinator)]
    assert "youth-partnership-check version 1" in events[0].summary


@pytest.mark.django_db
def test_storing_the_same_content_again_is_unchanged():
    first = framework_store(document=parsed(), source_name="youth.yaml").framework
    again = framework_store(document=parsed(), source_name="another-name.yaml")
    assert again.unchanged and not again.created
    assert again.framework.pk == first.pk
    assert again.framework.source_name == "youth.yaml"
    assert Framework.objects.filter(slug="youth-partnership-check").count() == 1


@pytest.mark.django_db
def test_different_content_under_a_stored_version_is_a_conflict():
    framework_store(document=parsed(), source_name="youth.yaml")
    with pytest.raises(FrameworkVersionConflict) as caught:
        framework_store(document=parsed(title="Another title"), source_name="youth.yaml")
    assert str(caught.value) == (
        "youth-partnership-check version 1 is already stored with different content. "
        "Give your file a new version number (for example version: 2) and load it again."
    )
    assert (caught.value.slug, caught.value.version, caught.value.next_version) == (
        "youth-partnership-check",
        1,
        2,
    )
    assert Framework.objects.get(slug="youth-partnership-check").title == (
        "Youth partnership check"
    )


@pytest.mark.django_db
def test_a_conflict_suggests_the_next_free_version():
    for version in (1, 2, 3):
        framework_store(document=parsed(version=version), source_name="youth.yaml")
    with pytest.raises(FrameworkVersionConflict, match=r"\(for example version: 4\)"):
        framework_store(document=parsed(version=2, title="Changed"), source_name="youth.yaml")


@pytest.mark.django_db
def test_an_invalid_document_is_refused_and_nothing_is_stored():
    document = parsed()
    document["themes"][0]["items"][1]["id"] = "YV1"
    before = Framework.objects.count()
    with pytest.raises(FrameworkError) as caught:
        framework_store(document=document, source_name="youth.yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        "youth.yaml: themes[0].items[1].id: 'YV1' is used more than once "
        "(also at themes[0].items[0].id)"
    ]
    assert Framework.objects.count() == before


@pytest.mark.django_db
def test_a_document_is_normalised_before_it_is_stored():
    # As written in a file rather than as the validator returns it: white space around text,
    # optional keys left out.
    raw = framework_dict(title="  Youth partnership check \n")
    del raw["benefits"]
    result = framework_store(document=raw, source_name="youth.yaml")
    stored = result.framework.as_document()
    assert stored["title"] == "Youth partnership check"
    assert stored["benefits"] == []
    assert stored["themes"][0]["items"][1]["plain_statement"] is None
    # The normalised form is the same content.
    again = framework_store(document=stored, source_name="youth.yaml")
    assert again.unchanged


# ---------------------------------------------------------------------------------------------
# A stored framework never changes


@pytest.mark.django_db
def test_saving_a_stored_framework_with_a_changed_document_raises():
    framework = Framework.objects.get(slug="collaboration-health-check", version=1)
    original = framework.content_hash
    framework.document["themes"][0]["items"][0]["statement"] = "Something else."
    with pytest.raises(FrameworkChangeForbidden, match="content_hash"):
        framework.save()
    framework.refresh_from_db()
    assert framework.content_hash == original
    assert content_hash(framework.document) == original


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"), [("title", "New title"), ("version", 9), ("slug", "renamed")]
)
def test_saving_a_stored_framework_with_a_changed_identity_raises(field, value):
    framework = Framework.objects.get(slug="collaboration-health-check", version=1)
    setattr(framework, field, value)
    with pytest.raises(FrameworkChangeForbidden, match=field):
        framework.save()
    assert Framework.objects.filter(slug="collaboration-health-check", version=1).exists()


@pytest.mark.django_db
def test_saving_a_stored_framework_unchanged_is_allowed():
    framework = Framework.objects.get(slug="collaboration-health-check", version=1)
    framework.source_name = "renamed.yaml"
    framework.save()
    framework.refresh_from_db()
    assert framework.source_name == "renamed.yaml"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["document", "content_hash", "title", "slug", "version"])
def test_bulk_changes_to_what_a_framework_says_are_refused(field):
    values = {
        "document": {"id": "x"},
        "content_hash": "0" * 64,
        "title": "x",
        "slug": "x",
        "version": 9,
    }
    with pytest.raises(FrameworkChangeForbidden):
        Framework.objects.update(**{field: values[field]})
    framework = Framework.objects.get(slug="collaboration-health-check", version=1)
    setattr(framework, field, values[field])
    with pytest.raises(FrameworkChangeForbidden):
        Framework.objects.bulk_update([framework], [field])
    assert Framework.objects.filter(slug="collaboration-health-check", version=1).exists()


@pytest.mark.django_db
def test_a_new_row_must_match_its_document():
    document = parsed()
    with pytest.raises(ValueError, match="do not match the document"):
        Framework.objects.create(
            slug="something-else", version=1, title=document["title"], document=document
        )
    with pytest.raises(ValueError, match="content_hash does not match"):
        Framework.objects.create(
            slug=document["id"],
            version=1,
            title=document["title"],
            document=document,
            content_hash="0" * 64,
        )
    assert not Framework.objects.filter(slug="youth-partnership-check").exists()


# ---------------------------------------------------------------------------------------------
# Selectors


@pytest.mark.django_db
def test_selectors_list_get_and_find_the_newest_version():
    for version in (1, 3, 2):
        framework_store(document=parsed(version=version), source_name="youth.yaml")

    listed = [(f.slug, f.version) for f in selectors.framework_list()]
    assert listed == [
        ("citizen-digital-services", 1),
        ("collaboration-health-check", 1),
        ("youth-partnership-check", 3),
        ("youth-partnership-check", 2),
        ("youth-partnership-check", 1),
    ]
    latest = [(f.slug, f.version) for f in selectors.framework_latest_versions()]
    assert latest == [
        ("citizen-digital-services", 1),
        ("collaboration-health-check", 1),
        ("youth-partnership-check", 3),
    ]
    assert selectors.framework_versions(slug="youth-partnership-check") == [3, 2, 1]
    assert selectors.framework_versions(slug="nothing") == []
    assert selectors.framework_versions_by_slug() == {
        "citizen-digital-services": [1],
        "collaboration-health-check": [1],
        "youth-partnership-check": [3, 2, 1],
    }
    assert selectors.framework_get(slug="youth-partnership-check").version == 3
    assert selectors.framework_get(slug="youth-partnership-check", version=2).version == 2
    with pytest.raises(Framework.DoesNotExist):
        selectors.framework_get(slug="youth-partnership-check", version=4)
    with pytest.raises(Framework.DoesNotExist):
        selectors.framework_get(slug="nothing")


# ---------------------------------------------------------------------------------------------
# Whether a framework is in use: any row of any model that refers to it


@pytest.fixture
def framework_user(transactional_db):
    """A model with a foreign key to Framework, standing in for the rounds still to come.

    Its reverse relation is hidden (``related_name="+"``), the hardest case to find.
    """

    class FrameworkUser(models.Model):
        framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "frameworks"

        def __str__(self) -> str:
            return f"uses {self.framework_id}"

    with connection.schema_editor() as editor:
        editor.create_model(FrameworkUser)
    try:
        yield FrameworkUser
    finally:
        FrameworkUser.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.delete_model(FrameworkUser)
        del apps.all_models["frameworks"]["frameworkuser"]
        apps.clear_cache()


def test_a_framework_is_in_use_when_anything_refers_to_it(framework_user):
    used = Framework.objects.get(slug="collaboration-health-check")
    unused = Framework.objects.get(slug="citizen-digital-services")
    assert not used.is_in_use()
    framework_user.objects.create(framework=used)
    assert used.is_in_use()
    assert not unused.is_in_use()

    out = StringIO()
    call_command("list_frameworks", stdout=out)
    in_use = {line.split()[0]: line.split()[-1] for line in out.getvalue().splitlines()[2:]}
    assert in_use == {"citizen-digital-services": "no", "collaboration-health-check": "yes"}

"""Stored assessment frameworks: one row per framework id and version, never changed once stored."""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stackup.frameworks import documents
from stackup.frameworks.validation import content_hash

#: Fields that say what a stored framework is; none of them may change once it is stored.
IMMUTABLE_FIELDS = frozenset({"slug", "version", "title", "document", "content_hash"})


class FrameworkChangeForbidden(Exception):
    """Something tried to change a framework that is already stored."""


class FrameworkQuerySet(models.QuerySet):
    """Refuses bulk changes to what a stored framework says."""

    def update(self, **kwargs: Any) -> int:
        _refuse(kwargs.keys())
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse(fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)


def _refuse(fields: Any) -> None:
    changed = IMMUTABLE_FIELDS.intersection(fields)
    if changed:
        raise FrameworkChangeForbidden(
            "A stored framework cannot be changed (" + ", ".join(sorted(changed)) + "). "
            "Load the new content as a new version instead."
        )


class Framework(models.Model):
    """One version of an assessment framework, as loaded from its file.

    ``document`` holds the normalised framework (see :mod:`stackup.frameworks.validation`);
    ``content_hash`` is the SHA-256 of its canonical JSON. A stored version is never changed:
    results are compared round by round through its item ids, so a different text needs a new
    version number. Store frameworks with :func:`stackup.frameworks.services.framework_store`.
    """

    slug = models.SlugField(_("framework id"), max_length=64, db_index=False)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    document = models.JSONField(_("document"))
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    source_name = models.CharField(_("loaded from"), max_length=255)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_slug_version"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="framework_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store a new framework; refuse to change one that is stored already."""
        digest = content_hash(self.document)
        stored = None
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values("slug", "version", "title", "content_hash")
                .first()
            )
        if stored is not None:
            current = {
                "slug": self.slug,
                "version": self.version,
                "title": self.title,
                "content_hash": digest,
            }
            changed = sorted(key for key, value in stored.items() if current[key] != value)
            if changed or self.content_hash != stored["content_hash"]:
                _refuse(changed or ["content_hash"])
        else:
            if self.content_hash and self.content_hash != digest:
                raise ValueError("content_hash does not match the document")
            fields = (self.slug, self.version, self.title)
            document_says = tuple(self.document.get(key) for key in ("id", "version", "title"))
            if fields != document_says:
                raise ValueError(
                    f"slug, version and title {fields!r} do not match the document "
                    f"{document_says!r}"
                )
            self.content_hash = digest
        super().save(*args, **kwargs)

    def as_document(self) -> dict[str, Any]:
        """The normalised framework, as the validator returned it when it was loaded."""
        return documents.from_storage(self.document)

    @property
    def theme_count(self) -> int:
        return len(self.document["themes"])

    @property
    def item_count(self) -> int:
        return documents.item_count(self.document)

    def is_in_use(self) -> bool:
        """True when any row of any model refers to this framework (a round that uses it, say).

        Every relation pointing here is checked, whatever model it comes from, including ones
        with no reverse accessor (``related_name="+"``), so models added later are covered.
        """
        for relation in self._meta.get_fields(include_hidden=True):
            if not (relation.is_relation and relation.auto_created and not relation.concrete):
                continue
            related = relation.related_model._base_manager.using(self._state.db)
            if related.filter(**{relation.field.name: self}).exists():
                return True
        return False

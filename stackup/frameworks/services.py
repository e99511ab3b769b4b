"""Storing assessment frameworks. Reads are in :mod:`stackup.frameworks.selectors`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from stackup.core.audit import audit_log
from stackup.frameworks import documents
from stackup.frameworks.models import Framework
from stackup.frameworks.validation import content_hash, parse_framework

__all__ = ["FrameworkVersionConflict", "StoreResult", "framework_store"]


@dataclass(frozen=True)
class StoreResult:
    """What :func:`framework_store` did: stored a new version, or found it stored already."""

    framework: Framework
    created: bool

    @property
    def unchanged(self) -> bool:
        return not self.created


class FrameworkVersionConflict(Exception):
    """The framework's id and version are stored already, with different content."""

    def __init__(self, *, slug: str, version: int, next_version: int) -> None:
        self.slug = slug
        self.version = version
        self.next_version = next_version
        super().__init__(
            f"{slug} version {version} is already stored with different content. "
            f"Give your file a new version number (for example version: {next_version}) "
            "and load it again."
        )


def _normalised(document: dict[str, Any], source_name: str) -> dict[str, Any]:
    """``document`` checked again and normalised; raises ``FrameworkError`` if it is not valid.

    A document that came from the validator comes back equal to itself, so storing it twice
    gives the same content hash.
    """
    return parse_framework(documents.to_yaml(document), source=source_name)


def framework_store(*, document: dict[str, Any], source_name: str, acting_user=None) -> StoreResult:
    """Store one version of a framework, or find it already stored with the same content.

    ``document`` is a framework as :func:`~stackup.frameworks.validation.parse_framework`
    returns it; it is checked again here, so an invalid one raises
    :class:`~stackup.frameworks.validation.FrameworkError` and nothing is stored.
    ``source_name`` records where it came from, such as the file's name.

    Raises :class:`FrameworkVersionConflict` when the same id and version are stored already
    with different content: a stored framework is never changed.
    """
    doc = _normalised(document, source_name)
    digest = content_hash(doc)
    slug, version = doc["id"], doc["version"]

    def compare(existing: Framework) -> StoreResult:
        if existing.content_hash == digest:
            return StoreResult(framework=existing, created=False)
        highest = Framework.objects.filter(slug=slug).aggregate(v=Max("version"))["v"]
        raise FrameworkVersionConflict(
            slug=slug, version=version, next_version=max(highest or 0, version) + 1
        )

    with transaction.atomic():
        existing = Framework.objects.filter(slug=slug, version=version).first()
        if existing is not None:
            return compare(existing)
        try:
            with transaction.atomic():
                framework = Framework.objects.create(
                    slug=slug,
                    version=version,
                    title=doc["title"],
                    document=doc,
                    content_hash=digest,
                    source_name=source_name[:255],
                )
                audit_log(
                    action="framework.store",
                    summary=f"Stored framework {slug} version {version} from {source_name}",
                    actor=acting_user,
                    target=framework,
                )
        except IntegrityError:
            # Someone else stored the same id and version a moment ago.
            return compare(Framework.objects.get(slug=slug, version=version))
    return StoreResult(framework=framework, created=True)

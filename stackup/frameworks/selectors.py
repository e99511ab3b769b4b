"""Reading stored frameworks. Every framework is public: there is nothing here to hide."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from stackup.frameworks.models import Framework

__all__ = [
    "framework_get",
    "framework_latest_versions",
    "framework_list",
    "framework_versions",
    "framework_versions_by_slug",
]


def framework_list() -> QuerySet[Framework]:
    """Every stored version of every framework, by id and then newest version first."""
    return Framework.objects.order_by("slug", "-version")


def framework_latest_versions() -> QuerySet[Framework]:
    """The newest stored version of each framework, by id."""
    newest = (
        Framework.objects.filter(slug=OuterRef("slug")).order_by("-version").values("version")[:1]
    )
    return Framework.objects.filter(version=Subquery(newest)).order_by("slug")


def framework_versions(*, slug: str) -> list[int]:
    """The stored version numbers of one framework, newest first; empty if there are none."""
    return list(
        Framework.objects.filter(slug=slug).order_by("-version").values_list("version", flat=True)
    )


def framework_versions_by_slug() -> dict[str, list[int]]:
    """The stored version numbers of every framework, newest first, by framework id."""
    versions: dict[str, list[int]] = {}
    for slug, version in framework_list().values_list("slug", "version"):
        versions.setdefault(slug, []).append(version)
    return versions


def framework_get(*, slug: str, version: int | None = None) -> Framework:
    """One stored framework: the given version, or the newest when ``version`` is None.

    Raises ``Framework.DoesNotExist`` when there is no such framework or version.
    """
    frameworks = Framework.objects.filter(slug=slug)
    if version is None:
        framework = frameworks.order_by("-version").first()
        if framework is None:
            raise Framework.DoesNotExist(f"There is no framework with the id {slug!r}.")
        return framework
    return frameworks.get(version=version)

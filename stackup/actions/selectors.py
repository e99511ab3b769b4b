"""Reading action plans, benefit claims, risks and the framework they point at.

Nothing here changes data. Everything is scoped to one partnership: an id from
another partnership is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from stackup.actions.models import (
    Action,
    ActionNote,
    BenefitClaim,
    PublicPageSettings,
    Risk,
    RiskStatus,
)
from stackup.partnerships.models import Organisation, Partnership, Round, RoundStatus

__all__ = [
    "BenefitRow",
    "FrameworkIndex",
    "action_get",
    "actions_for",
    "benefit_rows",
    "framework_index",
    "key_leader_risks",
    "public_page_enabled",
    "risk_get",
    "risks_for",
]


# --- The framework an action or a benefit points at --------------------------------------


@dataclass(frozen=True)
class FrameworkIndex:
    """The ids and titles of one framework's themes, items and benefits, for lookups."""

    slug: str
    version: int
    title: str
    themes: dict[str, str]  # id -> title
    items: dict[str, dict[str, str]]  # id -> {"theme": theme id, "statement": text}
    benefits: list[dict[str, str]]  # [{"id", "title", "description"}] in the framework's order

    def theme_title(self, theme_id: str) -> str:
        return self.themes.get(theme_id, theme_id)

    def item_statement(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return item["statement"] if item else item_id


def _index(document: dict[str, Any]) -> FrameworkIndex:
    themes = {theme["id"]: theme["title"] for theme in document["themes"]}
    items = {
        item["id"]: {"theme": theme["id"], "statement": item["statement"]}
        for theme in document["themes"]
        for item in theme["items"]
    }
    benefits = [
        {
            "id": entry["id"],
            "title": entry.get("title", entry["id"]),
            "description": entry.get("description", ""),
        }
        for entry in document.get("benefits") or []
    ]
    return FrameworkIndex(
        slug=document["id"],
        version=document["version"],
        title=document["title"],
        themes=themes,
        items=items,
        benefits=benefits,
    )


def _rounds(partnership: Partnership) -> QuerySet[Round]:
    return Round.objects.filter(partnership=partnership).select_related("framework")


def framework_index(
    *, partnership: Partnership, prefer_used: bool = False
) -> FrameworkIndex | None:
    """The framework of the partnership's latest round, or None if it has no rounds.

    ``prefer_used``: the latest round that is not a draft, if there is one (the
    framework people have answered), else the latest round.
    """
    rounds = _rounds(partnership).order_by("-created_at", "-pk")
    round_ = None
    if prefer_used:
        round_ = rounds.exclude(status=RoundStatus.DRAFT).first()
    round_ = round_ or rounds.first()
    if round_ is None:
        return None
    return _index(round_.framework.as_document())


# --- Actions ------------------------------------------------------------------------------


def actions_for(
    *,
    partnership: Partnership,
    status: str | None = None,
    owner: Organisation | None = None,
) -> QuerySet[Action]:
    """The partnership's actions, due first, with their owners and notes in two more queries."""
    actions = (
        Action.objects.filter(partnership=partnership)
        .select_related("owner")
        .prefetch_related(Prefetch("notes", queryset=ActionNote.objects.order_by("-date", "-pk")))
        .order_by(F("due_on").asc(nulls_last=True), "title", "pk")
    )
    if status:
        actions = actions.filter(status=status)
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions


def action_get(*, partnership: Partnership, action_id: int) -> Action | None:
    return actions_for(partnership=partnership).filter(pk=action_id).first()


# --- Benefits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitRow:
    id: str
    title: str
    description: str
    claim: BenefitClaim | None


def benefit_rows(*, partnership: Partnership, index: FrameworkIndex | None) -> list[BenefitRow]:
    """Each of the framework's benefits with the partnership's claim, if it made one."""
    if index is None:
        return []
    claims = {c.benefit_id: c for c in BenefitClaim.objects.filter(partnership=partnership)}
    return [
        BenefitRow(
            id=benefit["id"],
            title=benefit["title"],
            description=benefit["description"],
            claim=claims.get(benefit["id"]),
        )
        for benefit in index.benefits
    ]


# --- Risks --------------------------------------------------------------------------------


def risks_for(*, partnership: Partnership) -> QuerySet[Risk]:
    """Open risks first, each group highest score (likelihood times impact) first."""
    return (
        Risk.objects.filter(partnership=partnership)
        .select_related("owner")
        .annotate(score_value=F("likelihood") * F("impact"))
        .order_by(F("status").desc(), "-score_value", "-impact", "title", "pk")
    )


def risk_get(*, partnership: Partnership, risk_id: int) -> Risk | None:
    return risks_for(partnership=partnership).filter(pk=risk_id).first()


def key_leader_risks(*, partnership: Partnership) -> QuerySet[Risk]:
    return risks_for(partnership=partnership).filter(
        key_leader_dependency=True, status=RiskStatus.OPEN
    )


# --- The public page switch ---------------------------------------------------------------


def public_page_enabled(*, partnership: Partnership) -> bool:
    return PublicPageSettings.objects.filter(
        partnership=partnership, public_page_enabled=True
    ).exists()

"""What respondents said, next to what the partnership claims and does.

The action plan, the benefits tracker and the risk register each show a little of the
results beside the partnership's own records. All of it comes from the results document,
so it is subject to the same anonymity rules, and a person sees only the rounds whose
results their role lets them read (viewers: published rounds only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stackup.partnerships.access import Access, Permission
from stackup.partnerships.models import Partnership, Round, RoundStatus
from stackup.results.document import RESULT_STATUSES, results_document, round_order
from stackup.results.presentation import SIGNIFICANCE

#: The theme whose weakness flags the risk that the partnership depends on a few leaders.
SUSTAINABILITY_THEME = "sustainability"
#: Below this share of positive answers (per cent), a theme counts as weak.
WEAK_PCT_POSITIVE = 50.0


def visible_result_rounds(partnership: Partnership, acc: Access | None) -> list[Round]:
    """Rounds whose results this person may read, oldest first."""
    statuses = (
        RESULT_STATUSES
        if acc is not None and acc.can(Permission.VIEW_UNPUBLISHED_RESULTS)
        else (RoundStatus.PUBLISHED,)
    )
    rounds = Round.objects.filter(partnership=partnership, status__in=statuses).select_related(
        "framework", "partnership"
    )
    return sorted(rounds, key=round_order)


@dataclass(frozen=True)
class Movement:
    """How a theme or statement moved between the two latest rounds."""

    from_round: str
    to_round: str
    before: float | None
    after: float | None
    difference: float | None
    p_adjusted: float | None
    unit: str  # "mean" (theme, 1-5) or "pct_positive" (statement, per cent)

    @property
    def significant(self) -> bool:
        return self.p_adjusted is not None and self.p_adjusted < SIGNIFICANCE


def movements(rounds: list[Round]) -> dict[tuple[str, str], Movement]:
    """{("theme"|"item", id): Movement} between the last two rounds in ``rounds``."""
    if len(rounds) < 2:
        return {}
    before, after = rounds[-2], rounds[-1]
    change = results_document(after, compare_to=before)["change"]
    found: dict[tuple[str, str], Movement] = {}
    for row in change["themes"]:
        found[("theme", row["id"])] = Movement(
            from_round=before.name,
            to_round=after.name,
            before=row["mean_from"],
            after=row["mean_to"],
            difference=row["difference"],
            p_adjusted=row["welch_p_holm"],
            unit="mean",
        )
    for row in change["items"]:
        found[("item", row["id"])] = Movement(
            from_round=before.name,
            to_round=after.name,
            before=row["pct_positive_from"],
            after=row["pct_positive_to"],
            difference=row["difference_pp"],
            p_adjusted=row["p_holm"],
            unit="pct_positive",
        )
    return found


def documents(rounds: list[Round]) -> list[dict[str, Any]]:
    """Each round's results document, in the same order: read once, used by several views."""
    return [results_document(round_) for round_ in rounds]


def benefit_perceptions(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest round's share of respondents who said each benefit was achieved."""
    if not documents:
        return {"round": None, "shares": {}}
    latest = documents[-1]
    return {
        "round": latest["round"],
        "shares": {row["id"]: row["share_achieved"] for row in latest["benefits"]},
    }


def barrier_ratings(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Each barrier's mean rating (0 not at all to 3 a lot) in every round, oldest first."""
    by_barrier: dict[str, dict[str, float | None]] = {}
    titles: dict[str, str] = {}
    for document in documents:
        titles.update(document["labels"]["barriers"])
        for row in document["barriers"]:
            by_barrier.setdefault(row["id"], {})[document["round"]] = row["mean"]
    return {
        "rounds": [document["round"] for document in documents],
        "barriers": [
            {"id": barrier_id, "title": titles.get(barrier_id, barrier_id), "means": means}
            for barrier_id, means in by_barrier.items()
        ],
    }


def sustainability_warning(documents: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Details when the latest round's sustainability theme is weak, else None.

    Weak means banded "concern", or fewer than half of the answers positive.
    """
    if not documents:
        return None
    document = documents[-1]
    for theme in document["themes"]:
        if theme["id"] != SUSTAINABILITY_THEME or theme["mean"] is None:
            continue
        weak = theme["band"] == "concern" or (
            theme["pct_positive"] is not None and theme["pct_positive"] < WEAK_PCT_POSITIVE
        )
        if weak:
            return {
                "round": document["round"],
                "title": document["labels"]["themes"][theme["id"]]["title"],
                "mean": theme["mean"],
                "pct_positive": theme["pct_positive"],
            }
    return None

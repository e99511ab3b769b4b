"""Conversation starters: the parts of a round's results most worth talking about.

Three kinds, each drawn from the results document (:func:`stackup.results.document.
results_document`) and so subject to the same anonymity rules as everything else:

* ``low_score`` — the statements with the lowest mean score;
* ``disagreement`` — the statements on which people disagree most (lowest rwg, then
  lowest Leik consensus);
* ``gap`` — the widest gaps between perspectives (service users and everyone else,
  frontline staff and senior leaders), by the size of Cliff's delta. Only comparisons the
  engine computed appear, and it computes none where a side is too small or suppressed.

A statement is considered only when at least the minimum group size gave it a valid answer,
and nothing is offered when the round as a whole is below that size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: How many starters of each kind are offered.
PER_KIND = 3

LOW_SCORE = "low_score"
DISAGREEMENT = "disagreement"
GAP = "gap"
KINDS = (LOW_SCORE, DISAGREEMENT, GAP)


@dataclass(frozen=True)
class Starter:
    kind: str
    theme: str
    #: The statement talked about; for a gap, the theme's statement with the lowest mean.
    item: str | None
    statement: str
    prompt: str
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A stable name for linking an action to this starter."""
        if self.kind == GAP:
            return f"{GAP}:{self.numbers['comparison']}:{self.theme}"
        return f"{self.kind}:{self.item}"


def _items_worth_discussing(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    floor = document["min_group_size"]
    return [
        item
        for item in document["items"]
        if item["n_valid"] is not None and item["n_valid"] >= floor and item["mean"] is not None
    ]


def _item_starter(kind: str, item: Mapping[str, Any], labels: Mapping[str, Any]) -> Starter:
    label = labels["items"][item["id"]]
    return Starter(
        kind=kind,
        theme=item["theme"],
        item=item["id"],
        statement=label["statement"],
        prompt=label["prompt"],
        numbers={
            "mean": item["mean"],
            "pct_positive": item["pct_positive"],
            "dont_know_share": item["dont_know_share"],
            "rwg": item["rwg"],
            "leik_consensus": item["leik_consensus"],
            "n_valid": item["n_valid"],
            "frequencies": dict(item["frequencies"]),
        },
    )


def by_disagreement(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Items from the least agreement to the most: lowest rwg, then lowest Leik consensus.

    Items without an rwg (fewer than two valid answers) come last.
    """

    def key(item: Mapping[str, Any]) -> tuple:
        rwg, leik = item["rwg"], item["leik_consensus"]
        return (
            rwg is None,
            rwg if rwg is not None else 0.0,
            leik if leik is not None else 1.0,
            item["id"],
        )

    return sorted(items, key=key)


def conversation_starters(document: Mapping[str, Any]) -> dict[str, list[Starter]]:
    """Up to :data:`PER_KIND` starters of each kind, most telling first."""
    found: dict[str, list[Starter]] = {kind: [] for kind in KINDS}
    if not document["available"]:
        return found
    labels = document["labels"]
    items = _items_worth_discussing(document)

    for item in sorted(items, key=lambda i: (i["mean"], i["id"]))[:PER_KIND]:
        found[LOW_SCORE].append(_item_starter(LOW_SCORE, item, labels))

    for item in by_disagreement(items)[:PER_KIND]:
        found[DISAGREEMENT].append(_item_starter(DISAGREEMENT, item, labels))

    by_theme: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        by_theme.setdefault(item["theme"], []).append(item)
    gaps = [c for c in document["comparisons"] if c["cliffs_delta"] is not None]
    gaps.sort(key=lambda c: (-abs(c["cliffs_delta"]), c["name"], c["theme"]))
    for comparison in gaps[:PER_KIND]:
        theme_items = by_theme.get(comparison["theme"]) or []
        lowest = min(theme_items, key=lambda i: (i["mean"], i["id"]), default=None)
        item_label = labels["items"][lowest["id"]] if lowest else {}
        found[GAP].append(
            Starter(
                kind=GAP,
                theme=comparison["theme"],
                item=lowest["id"] if lowest else None,
                statement=item_label.get("statement", ""),
                prompt=item_label.get("prompt", ""),
                numbers={
                    "comparison": comparison["name"],
                    "n_a": comparison["n_a"],
                    "n_b": comparison["n_b"],
                    "mean_a": comparison["mean_a"],
                    "mean_b": comparison["mean_b"],
                    "difference": comparison["difference"],
                    "cliffs_delta": comparison["cliffs_delta"],
                    "magnitude": comparison["magnitude"],
                    "welch_p_holm": comparison["welch_p_holm"],
                },
            )
        )
    return found

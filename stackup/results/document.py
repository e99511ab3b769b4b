"""The results document of a round: the one source of every number that Stack Up shows.

:func:`results_document` reads a round's responses, runs the pure analysis engine
(:mod:`stackup.results.analysis`) and adds what the report needs around it: titles, the
benefits and barriers respondents reported, and comments. The report pages, every export
(JSON, CSV, ODS, PDF) and the ``stackup results`` command all call it, so their numbers
cannot differ.

Anonymity rules applied here, on top of the engine's group suppression:

* A round with fewer respondents than its minimum group size shows no numbers at all:
  ``available`` is false and every statistic is null.
* Comments on a theme appear only when at least :data:`COMMENT_THRESHOLD` people (and at
  least the minimum group size) commented on it, sorted alphabetically so their order says
  nothing about who wrote them or when.
* Results exist only for closed and published rounds, so no one can watch them move as
  individual responses arrive and work out one person's answers by subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from stackup.partnerships.models import Round, RoundStatus, Sector
from stackup.responding.answers import BARRIER_LEVELS, DONT_KNOW
from stackup.responding.models import Response, RoleLevel
from stackup.results import analysis

SCHEMA = "stackup.results/1"

#: The fewest people who must have commented on a theme before any comment is shown.
COMMENT_THRESHOLD = 10

#: The stakeholder group of a person who uses services.
SERVICE_USER = "service_user"

#: Round statuses whose results can be seen.
RESULT_STATUSES = (RoundStatus.CLOSED, RoundStatus.PUBLISHED)

THEME_NUMBERS = (
    "n_scored",
    "n_excluded",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "index_0_100",
    "pct_positive",
    "dont_know_share",
    "rwg_j",
    "rstar_wg_j",
    "ad",
    "alpha",
    "band",
)
ITEM_NUMBERS = (
    "n_valid",
    "n_dont_know",
    "n_skipped",
    "dont_know_share",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "pct_positive",
    "pct_positive_ci95_low",
    "pct_positive_ci95_high",
    "rwg",
    "ad",
    "leik_consensus",
)


class ResultsNotAvailable(Exception):
    """The round has no results to show yet (it is not closed or published)."""


def has_results(round_: Round) -> bool:
    return round_.status in RESULT_STATUSES


def engine_framework(document: Mapping[str, Any]) -> analysis.Framework:
    """The analysis engine's view of a stored framework document."""
    scale = document["scale"]
    themes = []
    items = []
    for theme in document["themes"]:
        themes.append(analysis.Theme(id=theme["id"], item_ids=[i["id"] for i in theme["items"]]))
        for item in theme["items"]:
            items.append(
                analysis.Item(
                    id=item["id"],
                    theme=theme["id"],
                    reverse_keyed=bool(item.get("reverse_keyed")),
                )
            )
    return analysis.Framework(
        scale=analysis.Scale(
            min=int(scale["min"]),
            max=int(scale["max"]),
            positive=tuple(int(p) for p in scale["positive"]),
        ),
        themes=themes,
        items=items,
    )


def stakeholder_group(
    *, uses_services: bool | None, sector: str, organisation_sector: str | None
) -> str | None:
    """``service_user`` for people who use services, otherwise their sector's slug."""
    if uses_services:
        return SERVICE_USER
    return sector or organisation_sector or None


_RESPONSE_FIELDS = (
    "answers",
    "uses_services",
    "sector",
    "role_level",
    "organisation__name",
    "organisation__sector",
    "comments",
    "benefits",
    "barriers",
)


class _RoundData:
    """A round's responses, read once, in the shapes the engine and the extras need."""

    def __init__(self, framework: analysis.Framework, rows: Iterable[tuple]):
        scale = framework.scale
        index = {item_id: j for j, item_id in enumerate(framework.item_ids)}
        codes: list[np.ndarray] = []
        groups: list[str | None] = []
        roles: list[str | None] = []
        organisations: list[str | None] = []
        self.comments: list[dict] = []
        self.benefits: list[dict] = []
        self.barriers: list[dict] = []
        for (
            answers,
            uses_services,
            sector,
            role_level,
            organisation,
            organisation_sector,
            comments,
            benefits,
            barriers,
        ) in rows:
            row = np.zeros(len(index), dtype=np.int8)
            for item_id, value in (answers or {}).items():
                j = index.get(item_id)
                if j is None:
                    continue
                if value == DONT_KNOW:
                    row[j] = analysis.DONT_KNOW_CODE
                elif (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and scale.min <= value <= scale.max
                ):
                    row[j] = value
            codes.append(row)
            groups.append(
                stakeholder_group(
                    uses_services=uses_services,
                    sector=sector,
                    organisation_sector=organisation_sector,
                )
            )
            roles.append(role_level or None)
            organisations.append(organisation or None)
            self.comments.append(comments or {})
            self.benefits.append(benefits or {})
            self.barriers.append(barriers or {})
        matrix = np.vstack(codes) if codes else np.zeros((0, len(index)), dtype=np.int8)
        self.matrix = analysis.ResponseMatrix.from_arrays(
            framework.item_ids,
            matrix,
            stakeholder_group=groups,
            role_level=roles,
            organisation=organisations,
        )


def _read_round(round_: Round, framework: analysis.Framework) -> _RoundData:
    rows = (
        Response.objects.filter(round=round_)
        .order_by("pk")
        .values_list(*_RESPONSE_FIELDS)
        .iterator(chunk_size=2000)
    )
    return _RoundData(framework, rows)


def round_order(round_: Round) -> tuple:
    """Sort key for a partnership's rounds: by opening date (set-up day when there is none)."""
    return (round_.opens_on or round_.created_at.date(), round_.created_at)


def previous_round(round_: Round) -> Round | None:
    """The partnership's latest round before this one with results on the same answer scale.

    Rounds are ordered by their opening date (the day they were set up when they have none).
    """
    scale = round_.framework.as_document()["scale"]
    candidates = (
        Round.objects.filter(partnership_id=round_.partnership_id, status__in=RESULT_STATUSES)
        .exclude(pk=round_.pk)
        .select_related("framework")
    )
    here = round_order(round_)
    earlier = sorted((r for r in candidates if round_order(r) < here), key=round_order)
    for candidate in reversed(earlier):
        theirs = candidate.framework.as_document()["scale"]
        if (theirs["min"], theirs["max"]) == (scale["min"], scale["max"]):
            return candidate
    return None


def _labels(document: Mapping[str, Any], round_: Round) -> dict[str, Any]:
    scale = document["scale"]
    organisations = {
        name: name
        for name in round_.partnership.organisations.order_by("name").values_list("name", flat=True)
    }
    return {
        "themes": {
            theme["id"]: {"title": theme["title"], "description": theme.get("description", "")}
            for theme in document["themes"]
        },
        "items": {
            item["id"]: {
                "theme": theme["id"],
                "statement": item["statement"],
                "plain_statement": item.get("plain_statement") or "",
                "prompt": item.get("prompt") or "",
                "reverse_keyed": bool(item.get("reverse_keyed")),
            }
            for theme in document["themes"]
            for item in theme["items"]
        },
        "scale": {
            "min": scale["min"],
            "max": scale["max"],
            "labels": {str(k): v for k, v in scale["labels"].items()},
            "dont_know": scale.get("dont_know", "Don't know"),
            "positive": list(scale["positive"]),
        },
        "benefits": {b["id"]: b["title"] for b in document.get("benefits") or []},
        "barriers": {b["id"]: b["title"] for b in document.get("barriers") or []},
        "groups": {
            "stakeholder_group": {
                SERVICE_USER: _("People who use services"),
                **{value: str(label) for value, label in Sector.choices},
            },
            "role_level": {value: str(label) for value, label in RoleLevel.choices},
            "organisation": organisations,
        },
    }


def _benefit_rows(
    document: Mapping[str, Any], data: _RoundData, *, available: bool
) -> list[dict[str, Any]]:
    n = len(data.benefits)
    rows = []
    for entry in document.get("benefits") or []:
        count = sum(1 for chosen in data.benefits if chosen.get(entry["id"]) is True)
        rows.append(
            {
                "id": entry["id"],
                "n_respondents": n if available else None,
                "n_achieved": count if available else None,
                "share_achieved": count / n if available and n else None,
            }
        )
    return rows


def _barrier_rows(
    document: Mapping[str, Any], data: _RoundData, *, available: bool
) -> list[dict[str, Any]]:
    rows = []
    for entry in document.get("barriers") or []:
        given = [answers.get(entry["id"]) for answers in data.barriers]
        rated = [v for v in given if isinstance(v, int) and not isinstance(v, bool)]
        rated = [v for v in rated if v in BARRIER_LEVELS]
        n_dk = sum(1 for v in given if v == DONT_KNOW)
        row: dict[str, Any] = {
            "id": entry["id"],
            "rank": None,
            "n_rated": None,
            "n_dont_know": None,
            "frequencies": {str(level): None for level in BARRIER_LEVELS},
            "mean": None,
            "share_somewhat_or_a_lot": None,
        }
        if available:
            row["n_rated"] = len(rated)
            row["n_dont_know"] = n_dk
            row["frequencies"] = {str(level): rated.count(level) for level in BARRIER_LEVELS}
            if rated:
                row["mean"] = sum(rated) / len(rated)
                row["share_somewhat_or_a_lot"] = sum(1 for v in rated if v >= 2) / len(rated)
        rows.append(row)
    ranked = sorted((r for r in rows if r["mean"] is not None), key=lambda r: (-r["mean"], r["id"]))
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))


def comment_threshold(min_group_size: int) -> int:
    return max(COMMENT_THRESHOLD, min_group_size)


def _comment_rows(
    document: Mapping[str, Any], data: _RoundData, *, min_group_size: int, available: bool
) -> list[dict[str, Any]]:
    threshold = comment_threshold(min_group_size)
    rows = []
    for theme in document["themes"]:
        texts = []
        for comments in data.comments:
            text = comments.get(theme["id"])
            if isinstance(text, str) and text.strip():
                texts.append(text.strip())
        shown = available and len(texts) >= threshold
        rows.append(
            {
                "theme": theme["id"],
                "n_commented": len(texts) if available else None,
                "shown": shown,
                "texts": sorted(texts, key=lambda t: (t.casefold(), t)) if shown else None,
            }
        )
    return rows


def _blank(rows: list[dict], keys: Iterable[str]) -> None:
    for row in rows:
        for key in keys:
            row[key] = None
        if "frequencies" in row:
            row["frequencies"] = dict.fromkeys(row["frequencies"])


def results_document(round_: Round, *, compare_to: Round | None = None) -> dict[str, Any]:
    """Every number of a round's results, as the ``stackup.results/1`` document.

    ``compare_to`` is an earlier round of the same partnership: the document's ``change``
    then compares this round with it. Numbers are unrounded; anything suppressed or not
    computable is None.
    """
    if not has_results(round_):
        raise ResultsNotAvailable(round_.status)
    if compare_to is not None:
        if compare_to.partnership_id != round_.partnership_id:
            raise ValueError("a round can only be compared with a round of its own partnership")
        if compare_to.pk == round_.pk:
            raise ValueError("a round cannot be compared with itself")
        if not has_results(compare_to):
            raise ResultsNotAvailable(compare_to.status)

    document = round_.framework.as_document()
    framework = engine_framework(document)
    data = _read_round(round_, framework)
    min_group_size = round_.min_group_size
    result = analysis.analyse_round(framework, data.matrix, min_group_size=min_group_size)
    available = data.matrix.n_respondents >= min_group_size
    if not available:
        _blank(result["themes"], THEME_NUMBERS)
        _blank(result["items"], ITEM_NUMBERS)

    change = None
    if compare_to is not None:
        earlier_framework = engine_framework(compare_to.framework.as_document())
        earlier = _read_round(compare_to, earlier_framework)
        change = {
            "from_round": compare_to.name,
            **analysis.analyse_change(
                earlier_framework,
                earlier.matrix,
                framework,
                data.matrix,
                min_group_size=max(min_group_size, compare_to.min_group_size),
            ),
        }

    return {
        "schema": SCHEMA,
        "partnership": round_.partnership.name,
        "partnership_slug": round_.partnership.slug,
        "round": round_.name,
        "round_status": round_.status,
        "framework": {
            "id": round_.framework.slug,
            "version": round_.framework.version,
            "title": document["title"],
        },
        "n_respondents": data.matrix.n_respondents,
        "min_group_size": min_group_size,
        "available": available,
        "themes": result["themes"],
        "items": result["items"],
        "groups": result["groups"],
        "comparisons": result["comparisons"],
        "change": change,
        "benefits": _benefit_rows(document, data, available=available),
        "barriers": _barrier_rows(document, data, available=available),
        "comments": _comment_rows(
            document, data, min_group_size=min_group_size, available=available
        ),
        "labels": _labels(document, round_),
    }

"""Rounds with responses for the report's tests, made through the services like real ones.

``respond(round_, small_group=True)`` gives a round 40 responses: 37 professionals in
two sectors and three role levels, and three people who use services whose theme scores
are all exactly 4/3 (two answer 1 throughout, one answers 2), a mean that nothing else
in the report comes near, so a test can look for it and be sure it is nowhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from stackup.partnerships import services
from stackup.partnerships.models import Round, RoundStatus
from stackup.responding import services as responding_services

#: The small group's theme mean, and how it would look on a page if it leaked.
SMALL_GROUP_MEAN = 4 / 3
SMALL_GROUP_TEXTS = ("1.33", "1.3")

#: The theme that gets enough comments to show them, and one that gets too few.
COMMENTED_THEME = "sharing_power"
FEW_COMMENTS_THEME = "common_purpose"
COMMENT = "Decisions are still made before the partnership meets"

#: The report's pages that show one round (the theme pages and the downloads aside).
REPORT_PAGES = [
    "overview",
    "perspectives",
    "agreement",
    "balance",
    "benefits_barriers",
    "change",
    "comments",
    "methodology",
]


def _answer(item: dict[str, Any], value: int) -> int:
    """The stored answer that counts as ``value`` once reverse-keyed items are turned round."""
    return 6 - value if item.get("reverse_keyed") else value


def entries(framework: dict[str, Any], *, small_group: bool = True) -> list[dict[str, Any]]:
    themes = framework["themes"]
    benefits = [b["id"] for b in framework.get("benefits") or []]
    barriers = [b["id"] for b in framework.get("barriers") or []]
    rows = []
    roles = ["frontline"] * 15 + ["manager"] * 12 + ["senior_leader"] * 10
    for i, role in enumerate(roles):
        entry: dict[str, Any] = {
            "answers": {},
            "comments": {},
            "sector": "council" if i % 2 == 0 else "nhs",
            "role_level": role,
            "uses_services": False,
            "channel": "online",
        }
        lift = {"frontline": 0, "manager": 1, "senior_leader": 1}[role]
        for t, theme in enumerate(themes):
            for j, item in enumerate(theme["items"]):
                if (i + j) % 11 == 5:
                    entry["answers"][item["id"]] = "DK"
                    continue
                value = min(5, 2 + (i + j + t) % 3 + lift)
                entry["answers"][item["id"]] = _answer(item, value)
        if i < 12:
            entry["comments"][COMMENTED_THEME] = f"{COMMENT} ({i + 1})"
        if i < 4:
            entry["comments"][FEW_COMMENTS_THEME] = f"Too few to show ({i + 1})"
        entry["benefits"] = [b for k, b in enumerate(benefits) if (i + k) % 3 == 0]
        entry["barriers"] = {b: (i + k) % 4 for k, b in enumerate(barriers)}
        rows.append(entry)
    if small_group:
        for value in (1, 1, 2):
            entry = {"answers": {}, "uses_services": True, "channel": "paper"}
            for theme in themes:
                for item in theme["items"]:
                    entry["answers"][item["id"]] = _answer(item, value)
            rows.append(entry)
    return rows


def _record(round_: Round, rows: list[dict[str, Any]], *, status: str, **kwargs) -> Round:
    """Open ``round_`` if it is a draft, record ``rows``, then move it on to ``status``."""
    if round_.status == RoundStatus.DRAFT:
        round_ = services.round_set_status(round=round_, status=RoundStatus.OPEN)
    responding_services.responses_bulk_record(round=round_, entries=rows, **kwargs)
    for step in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        if round_.status == status:
            break
        round_ = services.round_set_status(round=round_, status=step)
    round_.refresh_from_db()
    return round_


def respond(round_: Round, *, small_group: bool = True, status: str = RoundStatus.PUBLISHED):
    """Open ``round_``, record the responses, then move it on to ``status``."""
    return _record(
        round_,
        entries(round_.framework.as_document(), small_group=small_group),
        status=status,
        submitted_on=dt.date(2026, 3, 16),
    )


def respond_few(round_: Round, count: int = 3, status: str = RoundStatus.PUBLISHED) -> Round:
    """A round with fewer respondents than its minimum group size."""
    rows = entries(round_.framework.as_document(), small_group=False)[:count]
    return _record(round_, rows, status=status)

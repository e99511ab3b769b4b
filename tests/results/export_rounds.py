"""Rounds with known answers for the export, command and schema tests.

Every round here is made through the services, like a real one: a partnership, its
organisations, a round that is opened, answered and closed. The answers are written out so
that the tests can work out from them, independently of the engine, what any group's mean
would be.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Organisation, Round, RoundStatus, Sector
from stackup.responding import services as responding_services
from tests.responding.factories import build_world

#: The small test framework: theme "voice" (YV1, YV2 reverse-keyed), theme "joint_work" (JW1).
THEMES = {"voice": ("YV1", "YV2"), "joint_work": ("JW1",)}
REVERSED = {"YV2"}


@dataclass
class Person:
    organisation: str  # a key of SmallGroupsRound.organisations
    role_level: str
    uses_services: bool
    yv1: int
    yv2: int  # as answered (reverse-keyed)
    jw1: int
    comment: str = ""

    def theme_score(self, theme: str) -> float:
        values = {"YV1": self.yv1, "YV2": 6 - self.yv2, "JW1": self.jw1}
        scores = [values[item] for item in THEMES[theme]]
        return sum(scores) / len(scores)


@dataclass
class SmallGroupsRound:
    round: Round
    people: list[Person]
    organisations: dict[str, Organisation] = field(default_factory=dict)

    def group_mean(self, dimension: str, group: str, theme: str) -> float:
        members = [p for p in self.people if self._group_of(p, dimension) == group]
        return sum(p.theme_score(theme) for p in members) / len(members)

    def group_size(self, dimension: str, group: str) -> int:
        return sum(1 for p in self.people if self._group_of(p, dimension) == group)

    def _group_of(self, person: Person, dimension: str) -> str:
        if dimension == "organisation":
            return self.organisations[person.organisation].name
        if dimension == "role_level":
            return person.role_level
        return "service_user" if person.uses_services else "council"


def _entry(person: Person, organisation: Organisation) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "answers": {"YV1": person.yv1, "YV2": person.yv2, "JW1": person.jw1},
        "organisation": organisation,
        "role_level": person.role_level,
        "uses_services": person.uses_services,
        "channel": "online",
        "benefits": {"better_coordination": True} if person.jw1 >= 4 else {},
        "barriers": {"short_term_funding": min(3, max(0, person.jw1 - 2))},
    }
    if not person.uses_services:
        entry["sector"] = Sector.COUNCIL
    if person.comment:
        entry["comments"] = {"voice": person.comment}
    return entry


def record(round_: Round, entries: list[dict[str, Any]]) -> None:
    responding_services.responses_bulk_record(
        round=round_, entries=entries, submitted_on=dt.date(2026, 3, 10)
    )


def close(round_: Round, *, publish: bool = False) -> Round:
    partnership_services.round_set_status(round=round_, status=RoundStatus.CLOSED)
    if publish:
        partnership_services.round_set_status(round=round_, status=RoundStatus.PUBLISHED)
    round_.refresh_from_db()
    return round_


# The people of the round with small groups. Organisation "trust" has 3 people (primary
# suppression), so "homes" (9), the smallest other, is hidden too (complementary). Role level
# "manager" has 4 (primary), so "senior_leader" (7) is hidden too. The trust's answers are
# low and unusual, so its means are numbers that appear nowhere else.
_COUNCIL = [
    ("frontline", False, 4, 2, 4),
    ("frontline", False, 5, 1, 5),
    ("frontline", True, 4, 2, 5),
    ("frontline", True, 5, 2, 4),
    ("frontline", False, 4, 1, 4),
    ("frontline", True, 3, 2, 4),
    ("senior_leader", False, 4, 2, 5),
    ("senior_leader", False, 5, 1, 4),
    ("senior_leader", True, 4, 3, 5),
    ("manager", False, 3, 2, 4),
    ("manager", True, 4, 2, 3),
    ("frontline", False, 5, 2, 5),
]
_HOMES = [
    ("frontline", False, 3, 3, 3),
    ("frontline", True, 4, 3, 4),
    ("frontline", True, 3, 2, 3),
    ("frontline", False, 4, 3, 4),
    ("senior_leader", False, 3, 3, 4),
    ("senior_leader", True, 4, 2, 3),
    ("senior_leader", False, 3, 3, 3),
    ("manager", False, 4, 4, 1),
    ("manager", True, 4, 2, 3),
]
_TRUST = [
    ("frontline", True, 1, 5, 1),
    ("frontline", False, 1, 5, 2),
    ("senior_leader", False, 2, 5, 2),
]
#: The comment only three people wrote: below the comment threshold, so never shown.
SECRET_COMMENT = "Only the trust's three people wrote this secret remark."


def small_groups_round(*, slug: str = "riverside", round_name: str = "Spring 2026"):
    world = build_world(slug=slug, round_name=round_name, invitations=1)
    council, homes = world.organisations
    trust = partnership_services.organisation_add(
        partnership=world.partnership, name="Riverside Youth Trust", sector=Sector.EDUCATION
    )
    organisations = {"council": council, "homes": homes, "trust": trust}
    people = []
    for key, rows in (("council", _COUNCIL), ("homes", _HOMES), ("trust", _TRUST)):
        for role, uses, yv1, yv2, jw1 in rows:
            people.append(
                Person(
                    key,
                    role,
                    uses,
                    yv1,
                    yv2,
                    jw1,
                    comment=SECRET_COMMENT if key == "trust" else "",
                )
            )
    record(world.round, [_entry(p, organisations[p.organisation]) for p in people])
    return SmallGroupsRound(round=close(world.round), people=people, organisations=organisations)


def tiny_round(*, slug: str = "riverside", n: int = 4):
    """A round with fewer respondents than its minimum group size (5): nothing may show."""
    world = build_world(slug=slug, invitations=1)
    council = world.organisations[0]
    people = [Person("council", "frontline", False, 2, 3, 1 + i % 2, comment="") for i in range(n)]
    people[0].yv1 = 1
    record(world.round, [_entry(p, council) for p in people])
    return SmallGroupsRound(
        round=close(world.round), people=people, organisations={"council": council}
    )


def demo_like_rounds(*, slug: str = "riverside", n: int = 60, seed: int = 7):
    """Two closed rounds of the shipped framework with varied answers, benefits, barriers and
    comments (enough on one theme to be shown): (earlier, later)."""
    from tests.responding.factories import store_shipped_framework

    store_shipped_framework()
    world = build_world(
        framework_slug="collaboration-health-check", slug=slug, round_name="Autumn 2025"
    )
    framework = world.round.framework.as_document()
    items = [item["id"] for theme in framework["themes"] for item in theme["items"]]
    first_theme = framework["themes"][0]["id"]
    benefits = [b["id"] for b in framework.get("benefits") or []]
    barriers = [b["id"] for b in framework.get("barriers") or []]

    def entries(rng: random.Random, count: int, shift: int) -> list[dict[str, Any]]:
        out = []
        for i in range(count):
            answers = {item: rng.choice([1, 2, 3, 4, 5, 5 if shift else 3, "DK"]) for item in items}
            if i % 11 == 0:
                answers.pop(items[0])
            out.append(
                {
                    "answers": answers,
                    "organisation": world.organisations[i % 2],
                    "role_level": ["frontline", "manager", "senior_leader"][i % 3],
                    "uses_services": i % 4 == 0,
                    "channel": "online",
                    "benefits": {b: True for b in benefits if rng.random() < 0.4},
                    "barriers": {b: rng.choice([0, 1, 2, 3, "DK"]) for b in barriers},
                    "comments": {first_theme: f"Comment number {i} on the first theme."}
                    if i % 3 == 0
                    else {},
                }
            )
        return out

    rng = random.Random(seed)
    record(world.round, entries(rng, n, 0))
    earlier = close(world.round, publish=True)
    later = partnership_services.round_create(
        partnership=world.partnership,
        name="Spring 2026",
        framework_slug="collaboration-health-check",
    )
    partnership_services.round_set_status(round=later, status=RoundStatus.OPEN)
    record(later, entries(rng, n, 1))
    later = close(later)
    return earlier, later

"""The fictional demo partnership that ``make run`` shows. Safe to run again.

Everything is made through the same services as the coordinator's pages, so
the demo's audit log reads as it would for real (the changes are by "system").
Nothing is random except the invitation tokens and the open link code, which
must be: a second run finds everything in place and makes nothing. The responses are
made up by a random generator with a fixed seed, so every run makes the same answers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from stackup.accounts.models import User
from stackup.partnerships import services
from stackup.partnerships.models import (
    Membership,
    Organisation,
    Partnership,
    Role,
    Round,
    RoundStatus,
    Sector,
)

DEMO_SLUG = "riverside"
DEMO_PASSWORD = "stack-up-demo"  # noqa: S105 - a published demo credential, never used in production
DEMO_COORDINATOR = "coordinator@demo.example"
DEMO_FRAMEWORK = "collaboration-health-check"

ORGANISATIONS = [
    ("Riverside Borough Council", Sector.COUNCIL),
    ("Riverside and Vale NHS Trust", Sector.NHS),
    ("Riverside Primary Care Network", Sector.NHS),
    ("Vale Police", Sector.POLICE),
    ("Vale Fire and Rescue Service", Sector.FIRE_RESCUE),
    ("Riverside Homes", Sector.HOUSING),
    ("Riverside Community Voluntary Service", Sector.VOLUNTARY_COMMUNITY),
    ("Care at Home Riverside Ltd", Sector.PRIVATE_PROVIDER),
    ("Riverside College", Sector.EDUCATION),
]

# (email, full name, role, organisation for a partner lead)
PEOPLE = [
    (DEMO_COORDINATOR, "Demo Coordinator", Role.COORDINATOR, None),
    ("viewer@demo.example", "Demo Viewer", Role.VIEWER, None),
    ("helper@demo.example", "Demo Helper", Role.HELPER, None),
    ("lead@demo.example", "Demo Partner Lead", Role.PARTNER_LEAD, "Riverside and Vale NHS Trust"),
]

# The open round's 40 invitations, by organisation: the same spread every time.
SPRING_INVITATIONS = {
    "Riverside Borough Council": 8,
    "Riverside and Vale NHS Trust": 7,
    "Riverside Primary Care Network": 3,
    "Vale Police": 5,
    "Vale Fire and Rescue Service": 3,
    "Riverside Homes": 4,
    "Riverside Community Voluntary Service": 5,
    "Care at Home Riverside Ltd": 2,
    "Riverside College": 3,
}


@dataclass(frozen=True)
class DemoRound:
    name: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    open_link: bool


SPRING_2025 = DemoRound(
    "Spring 2025", dt.date(2025, 3, 3), dt.date(2025, 4, 4), RoundStatus.PUBLISHED, False
)
AUTUMN = DemoRound(
    "Autumn 2025", dt.date(2025, 10, 6), dt.date(2025, 11, 7), RoundStatus.PUBLISHED, False
)
SPRING = DemoRound("Spring 2026", dt.date(2026, 3, 2), dt.date(2026, 4, 30), RoundStatus.OPEN, True)
# The steps each status takes from a new (draft) round.
_STEPS = {
    RoundStatus.DRAFT: [],
    RoundStatus.OPEN: [RoundStatus.OPEN],
    RoundStatus.CLOSED: [RoundStatus.OPEN, RoundStatus.CLOSED],
    RoundStatus.PUBLISHED: [RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED],
}


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    #: One link of each kind made in this run, to try the respondent's side with.
    sample_invitation_url: str | None = None
    open_link_url: str | None = None
    sign_ins: list[tuple[str, str]] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.created.append(text)


@transaction.atomic
def load_demo() -> DemoReport:
    report = DemoReport()
    partnership = _partnership(report)
    organisations = _organisations(partnership, report)
    _people(partnership, organisations, report)
    # Made oldest first, so that the newest round is listed first.
    earlier = _round(partnership, SPRING_2025, report)
    autumn = _round(partnership, AUTUMN, report)
    spring = _round(partnership, SPRING, report)
    _invitations(spring, organisations, report)
    for spec, round_ in ((SPRING_2025, earlier), (AUTUMN, autumn), (SPRING, spring)):
        _responses(round_, spec, organisations, report)
    if spring.open_link_enabled and spring.open_code:
        report.open_link_url = services.open_link_url(spring.open_code)
    report.sign_ins = [(email, role.label) for email, _name, role, _org in PEOPLE]
    return report


def _partnership(report: DemoReport) -> Partnership:
    partnership = Partnership.objects.filter(slug=DEMO_SLUG).first()
    if partnership is None:
        partnership = services.partnership_create(
            slug=DEMO_SLUG,
            name="Riverside Together",
            area="Riverside (a fictional borough)",
            description=(
                "A fictional partnership of public services, charities and residents "
                "in the borough of Riverside, used to show how Stack Up works."
            ),
        )
        report.note(f"partnership {partnership.name}")
    return partnership


def _organisations(partnership: Partnership, report: DemoReport) -> dict[str, Organisation]:
    existing = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    for name, sector in ORGANISATIONS:
        if name not in existing:
            existing[name] = services.organisation_add(
                partnership=partnership, name=name, sector=sector
            )
            report.note(f"organisation {name}")
    return existing


def _people(
    partnership: Partnership, organisations: dict[str, Organisation], report: DemoReport
) -> None:
    emails = [email for email, _name, _role, _org in PEOPLE]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    members = set(
        Membership.objects.filter(partnership=partnership, user__email__in=emails).values_list(
            "user__email", flat=True
        )
    )
    password_hash = None  # hashed once, only if needed: hashing is slow on purpose
    for email, full_name, role, organisation_name in PEOPLE:
        if email not in users:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User(email=email, full_name=full_name, password=password_hash)
            user.save()
            users[email] = user
            report.note(f"user {email}")
        if email not in members:
            services.user_add(
                email=email,
                partnership=partnership,
                role=role,
                organisation=organisations[organisation_name] if organisation_name else None,
            )
            report.note(f"{role.label.lower()} role for {email}")


def _round(partnership: Partnership, spec: DemoRound, report: DemoReport) -> Round:
    round_ = Round.objects.filter(partnership=partnership, name=spec.name).first()
    if round_ is not None:
        return round_
    round_ = services.round_create(
        partnership=partnership,
        name=spec.name,
        framework_slug=DEMO_FRAMEWORK,
        opens_on=spec.opens_on,
        closes_on=spec.closes_on,
        open_link_enabled=spec.open_link,
    )
    for status in _STEPS[spec.status]:
        round_ = services.round_set_status(round=round_, status=status)
    report.note(f"round {spec.name} ({round_.get_status_display().lower()})")
    return round_


def _invitations(round_: Round, organisations: dict[str, Organisation], report: DemoReport) -> None:
    if round_.invitations.exists() or not round_.is_open:
        return
    for name, count in SPRING_INVITATIONS.items():
        issued = services.invitations_create(
            round=round_, count=count, organisation=organisations[name]
        )
        if report.sample_invitation_url is None:
            report.sample_invitation_url = issued[0].url
    report.note(f"{sum(SPRING_INVITATIONS.values())} invitations to round {round_.name}")


# --- Responses ----------------------------------------------------------------------------

RESPONSE_SEED = 20251006
# How many responses each round gets, and the day they are dated.
RESPONSE_COUNTS = {SPRING_2025.name: 131, AUTUMN.name: 164, SPRING.name: 118}
# The themes where people who use services see things differently from senior leaders.
CONTESTED_THEMES = ("sharing_power", "service_user_perspective")
# Typical agreement (1 to 5) by kind of person: (contested themes, other themes).
TYPICAL = {
    "service_user": (2.1, 3.0),
    "frontline": (2.9, 3.2),
    "manager": (3.4, 3.5),
    "senior_leader": (4.1, 3.8),
}
COMMENTS = {
    "service_user_perspective": [
        "We get asked for our views but rarely hear what happened next.",
        "The residents' panel has made a real difference this year.",
        "Meetings are in office hours, so most of us cannot come.",
    ],
    "sharing_power": [
        "Decisions are still made by the council before the partnership meets.",
        "The budget is held by one organisation and it shows.",
        "Smaller charities have a genuine say now.",
    ],
    "common_purpose": ["We agree on the goals but not on how to get there."],
    "whole_system": ["Data sharing between health and housing is still very slow."],
    "sustainability": ["Everything depends on one-year funding."],
}


def _responses(
    round_: Round, spec: DemoRound, organisations: dict[str, Organisation], report: DemoReport
) -> None:
    """A few hundred made-up responses, the same every time; none if the round has some."""
    from stackup.responding import services as responding_services
    from stackup.responding.journey import framework_document

    if round_.responses.exists() or round_.status == RoundStatus.DRAFT:
        return
    framework = framework_document(round_)
    # A generator per round, so that one round's answers never change the other's.
    rng = random.Random(f"{RESPONSE_SEED}:{spec.name}")  # noqa: S311 - made-up answers, not secrets
    members = [organisations[name] for name, _sector in ORGANISATIONS]
    benefits = [entry["id"] for entry in framework.get("benefits") or []]
    barriers = [entry["id"] for entry in framework.get("barriers") or []]
    # Each round is a little better on the contested themes than the one before: things moved on.
    lift = {SPRING_2025.name: -0.3, SPRING.name: 0.3}.get(spec.name, 0.0)
    entries = []
    for _number in range(RESPONSE_COUNTS[spec.name]):
        kind = rng.choices(
            ["service_user", "frontline", "manager", "senior_leader"], weights=[22, 38, 25, 15]
        )[0]
        entry: dict = {
            "channel": rng.choices(["online", "paper", "phone"], weights=[84, 11, 5])[0],
            "answers": {},
            "comments": {},
        }
        if kind == "service_user":
            entry["uses_services"] = True
        else:
            organisation = rng.choice(members)
            if rng.random() < 0.9:
                entry["organisation"] = organisation
            if rng.random() < 0.95:
                entry["sector"] = organisation.sector
            if rng.random() < 0.95:
                entry["role_level"] = kind
            entry["uses_services"] = rng.random() < 0.15
        contested, other = TYPICAL[kind]
        person = rng.gauss(0, 0.4)  # some people agree with everything more than others
        for theme in framework["themes"]:
            typical = contested + lift if theme["id"] in CONTESTED_THEMES else other
            for item in theme["items"]:
                chance = rng.random()
                if chance < 0.03:
                    continue  # left blank
                if chance < 0.09 or (
                    kind == "service_user" and theme["id"] == "whole_system" and chance < 0.2
                ):
                    entry["answers"][item["id"]] = "DK"
                    continue
                score = round(typical + person + rng.gauss(0, 0.8))
                score = min(5, max(1, score))
                # Stored as answered: people who agree overall disagree with a
                # reverse-keyed statement.
                entry["answers"][item["id"]] = 6 - score if item.get("reverse_keyed") else score
            if theme["id"] in COMMENTS and rng.random() < 0.12:
                entry["comments"][theme["id"]] = rng.choice(COMMENTS[theme["id"]])
        entry["benefits"] = [b for b in benefits if rng.random() < 0.35]
        entry["barriers"] = {
            b: rng.choice([0, 1, 1, 2, 2, 3, "DK"]) for b in barriers if rng.random() < 0.9
        }
        entries.append(entry)
    count = responding_services.responses_bulk_record(
        round=round_, entries=entries, submitted_on=spec.opens_on + dt.timedelta(days=14)
    )
    report.note(f"{count} responses to round {round_.name}")

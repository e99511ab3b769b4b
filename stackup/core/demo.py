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
from django.utils import timezone

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
    _action_plan(partnership, organisations, report)
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


# --- Action plan, benefits and risks --------------------------------------------------------

# (title, why, theme id, item id, owner, lead person, due date, status, public, notes)
DEMO_ACTIONS = [
    (
        "Hold partnership meetings in the evening twice a year, in community venues",
        "People who use services scored “service users take part regularly and locally” "
        "lowest of all, and said meetings in office hours shut them out.",
        "service_user_perspective",
        "SU4",
        "Riverside Community Voluntary Service",
        "Community Engagement Manager",
        dt.date(2026, 6, 30),
        "in_progress",
        True,
        [
            (dt.date(2025, 12, 10), "First evening meeting held at Riverside Library: 34 came."),
            (dt.date(2026, 2, 18), "Second venue booked at the Vale Community Centre for June."),
        ],
    ),
    (
        "Publish what changed after each residents' panel",
        "Residents said they are asked for their views but rarely hear what happened next.",
        "service_user_perspective",
        "SU2",
        "Riverside Borough Council",
        "Head of Policy and Partnerships",
        dt.date(2026, 3, 31),
        "done",
        True,
        [(dt.date(2026, 1, 20), "“You said, we did” update now goes out after every panel.")],
    ),
    (
        "Give the residents' panel a vote on the prevention fund",
        "The gap between service users and senior leaders was widest on sharing power.",
        "sharing_power",
        "SP3",
        "Riverside Borough Council",
        "Director of Communities",
        dt.date(2026, 9, 30),
        "not_started",
        True,
        [],
    ),
    (
        "Agree a data-sharing protocol between health and housing",
        "Frontline staff said data sharing between health and housing is still very slow.",
        "whole_system",
        "WS2",
        "Riverside and Vale NHS Trust",
        "Information Governance Lead",
        dt.date(2026, 5, 31),
        "in_progress",
        False,
        [(dt.date(2026, 2, 3), "Draft protocol shared with Riverside Homes for comment.")],
    ),
    (
        "Joint induction on partnership working for new frontline staff",
        "Staff are challenged to work together but not always supported or trained to.",
        "common_purpose",
        "CP2",
        "Vale Police",
        "Neighbourhood Policing Inspector",
        dt.date(2026, 7, 31),
        "not_started",
        False,
        [],
    ),
    (
        "Write partnership working into each member's business plan",
        "Few believe the collaboration would survive the departure of its key leaders.",
        "sustainability",
        "SUS2",
        "Riverside Borough Council",
        "Chief Executive's Office",
        dt.date(2026, 11, 30),
        "in_progress",
        True,
        [(dt.date(2026, 1, 15), "Template paragraph agreed by the partnership board.")],
    ),
    (
        "Pool the small grants budgets of the council and the trust",
        "The budget is held by one organisation and it shows.",
        "sharing_power",
        "",
        "Riverside and Vale NHS Trust",
        "Director of Finance",
        None,
        "dropped",
        False,
        [(dt.date(2026, 2, 25), "Dropped for this year: the trust's budget is not yet settled.")],
    ),
    (
        "Open the fire service's safe and well visits to housing referrals",
        "Partners want more joined-up help for older people living alone.",
        "whole_system",
        "",
        "Vale Fire and Rescue Service",
        "Prevention Manager",
        dt.date(2026, 4, 30),
        "done",
        True,
        [(dt.date(2026, 3, 12), "Riverside Homes now refers directly; 41 visits so far.")],
    ),
]

# (benefit id, status, claim, evidence, links)
DEMO_BENEFITS = [
    (
        "new_or_improved_services",
        "realised",
        "A joint hospital discharge team of council, trust and Care at Home staff.",
        "Delayed discharges fell from 38 to 21 a month over the year.",
        "https://www.example.org/riverside/discharge-review-2025",
    ),
    (
        "integrated_approach",
        "emerging",
        "Fire, police and housing visits for older people living alone are joined up.",
        "41 referrals from Riverside Homes to safe and well visits since March.",
        "",
    ),
    (
        "knowledge_sharing",
        "realised",
        "Partners run a monthly learning session open to every member's staff.",
        "Ten sessions held; 240 places taken, a third of them by charities.",
        "https://www.example.org/riverside/learning-sessions",
    ),
    (
        "united_voice",
        "emerging",
        "The partnership made one joint response to the regional transport consultation.",
        "",
        "",
    ),
    ("better_use_of_resources", "aimed_for", "Shared buildings for neighbourhood teams.", "", ""),
]

# (title, description, likelihood, impact, owner, mitigation, key leader dependency)
DEMO_RISKS = [
    (
        "The partnership depends on two or three key leaders",
        "Much of the goodwill rests on the council's chief executive and the trust's director "
        "of strategy.",
        4,
        5,
        "Riverside Borough Council",
        "Write partnership working into business plans; deputies attend every board.",
        True,
    ),
    (
        "One-year funding ends before the prevention work shows results",
        "",
        4,
        4,
        "Riverside Borough Council",
        "Make the case for three-year funding to each member's budget round.",
        False,
    ),
    (
        "Residents lose faith if the panel's advice is not acted on",
        "",
        3,
        4,
        "Riverside Community Voluntary Service",
        "Publish what changed after each panel; report back on the public page.",
        False,
    ),
    (
        "Data sharing stalls on information governance",
        "",
        3,
        3,
        "Riverside and Vale NHS Trust",
        "Agree one protocol for all members, signed off by each data protection officer.",
        False,
    ),
    (
        "Smaller charities cannot spare staff for partnership meetings",
        "",
        2,
        3,
        "Riverside Community Voluntary Service",
        "Meetings online as well as in person; papers a week ahead.",
        False,
    ),
]


def _action_plan(
    partnership: Partnership, organisations: dict[str, Organisation], report: DemoReport
) -> None:
    """The demo's action plan, benefit claims, risks and public page; each made only once."""
    from stackup.actions import services as action_services
    from stackup.actions.models import Action, BenefitClaim, PublicPageSettings, Risk

    if not Action.objects.filter(partnership=partnership).exists():
        for title, why, theme, item, owner, lead, due, status, public, notes in DEMO_ACTIONS:
            action = action_services.action_create(
                partnership=partnership,
                title=title,
                why=why,
                theme_id=theme,
                item_id=item,
                owner=organisations[owner],
                lead_person=lead,
                due_on=due,
                status=status,
                public=public,
            )
            for date, text in notes:
                # Never after today, which a note may not be.
                day = min(date, timezone.localdate())
                action_services.action_note_add(action=action, date=day, text=text)
        report.note(f"{len(DEMO_ACTIONS)} actions in the action plan")
    claimed = set(
        BenefitClaim.objects.filter(partnership=partnership).values_list("benefit_id", flat=True)
    )
    for benefit_id, status, claim, evidence, links in DEMO_BENEFITS:
        if benefit_id not in claimed:
            action_services.benefit_claim_save(
                partnership=partnership,
                benefit_id=benefit_id,
                claim=claim,
                evidence=evidence,
                evidence_links=links,
                status=status,
            )
            report.note(f"benefit claim {benefit_id}")
    if not Risk.objects.filter(partnership=partnership).exists():
        for title, description, likelihood, impact, owner, mitigation, key in DEMO_RISKS:
            action_services.risk_create(
                partnership=partnership,
                title=title,
                description=description,
                likelihood=likelihood,
                impact=impact,
                owner=organisations[owner],
                mitigation=mitigation,
                key_leader_dependency=key,
            )
        report.note(f"{len(DEMO_RISKS)} risks in the risk register")
    if not PublicPageSettings.objects.filter(partnership=partnership).exists():
        action_services.public_page_set(partnership=partnership, enabled=True)
        report.note("public page switched on")

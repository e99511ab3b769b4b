"""The fictional demo partnership that ``make run`` shows. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from stackup.accounts.models import User
from stackup.partnerships.models import Membership, Organisation, Partnership, Role, Sector

DEMO_SLUG = "riverside"
DEMO_PASSWORD = "stack-up-demo"  # noqa: S105 - a published demo credential, never used in production
DEMO_COORDINATOR = "coordinator@demo.example"

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


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.created.append(text)


@transaction.atomic
def load_demo() -> DemoReport:
    report = DemoReport()
    partnership, made = Partnership.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Riverside Together",
            "area": "Riverside (a fictional borough)",
            "description": (
                "A fictional partnership of public services, charities and residents "
                "in the borough of Riverside, used to show how Stack Up works."
            ),
        },
    )
    if made:
        report.note(f"partnership {partnership.name}")
    for name, sector in ORGANISATIONS:
        _org, made = Organisation.objects.get_or_create(
            partnership=partnership, name=name, defaults={"sector": sector}
        )
        if made:
            report.note(f"organisation {name}")
    coordinator = User.objects.filter(email=DEMO_COORDINATOR).first()
    if coordinator is None:
        coordinator = User.objects.create_user(
            DEMO_COORDINATOR, DEMO_PASSWORD, full_name="Demo Coordinator"
        )
        report.note(f"user {DEMO_COORDINATOR}")
    _membership, made = Membership.objects.get_or_create(
        partnership=partnership, user=coordinator, defaults={"role": Role.COORDINATOR}
    )
    if made:
        report.note("coordinator role")
    return report

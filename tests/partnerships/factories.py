"""Partnerships, people and rounds for the tests, made through the services like real ones."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from stackup.accounts.models import User
from stackup.partnerships import services
from stackup.partnerships.models import Membership, Organisation, Partnership, Role, Round

PASSWORD = "a-long-test-password-1"
DEFAULT_FRAMEWORK = "collaboration-health-check"


def make_user(email: str, password: str = PASSWORD) -> User:
    return User.objects.create_user(email, password)


def make_partnership(
    slug: str = "riverside", name: str = "Riverside Together", area: str = "Riverside"
) -> Partnership:
    return services.partnership_create(slug=slug, name=name, area=area)


def make_organisation(partnership: Partnership, name: str, sector: str = "council") -> Organisation:
    return services.organisation_add(partnership=partnership, name=name, sector=sector)


def make_member(
    partnership: Partnership,
    email: str,
    role: str,
    *,
    organisation: Organisation | None = None,
    password: str = PASSWORD,
) -> Membership:
    """A person with a password and a role in ``partnership``."""
    added = services.user_add(
        email=email, partnership=partnership, role=role, organisation=organisation
    )
    if added.user_created:
        added.user.set_password(password)
        added.user.save(update_fields=["password"])
    return added.membership


def make_round(partnership: Partnership, name: str = "Spring 2026", **settings) -> Round:
    ensure_shipped_frameworks()
    return services.round_create(
        partnership=partnership, name=name, framework_slug=DEFAULT_FRAMEWORK, **settings
    )


def ensure_shipped_frameworks() -> None:
    """Store the shipped frameworks again if a transactional test emptied the tables."""
    from stackup.frameworks.models import Framework

    if Framework.objects.filter(slug=DEFAULT_FRAMEWORK).exists():
        return
    from stackup.frameworks.services import framework_store
    from stackup.frameworks.validation import load_framework_file
    from tests.frameworks.factories import SHIPPED

    for path in SHIPPED.values():
        framework_store(document=load_framework_file(path), source_name=path.name)


@dataclass
class World:
    """Two partnerships: "ours", with someone in every role, and "theirs"."""

    partnership: Partnership
    organisation: Organisation
    round: Round
    coordinator: User
    partner_lead: User
    viewer: User
    helper: User
    members: dict[str, Membership] = field(default_factory=dict)
    other_partnership: Partnership | None = None
    other_coordinator: User | None = None
    other_round: Round | None = None
    other_organisation: Organisation | None = None
    other_membership: Membership | None = None


def build_world() -> World:
    ensure_shipped_frameworks()
    ours = make_partnership("riverside", "Riverside Together", "Riverside")
    council = make_organisation(ours, "Riverside Council", "council")
    make_organisation(ours, "Riverside NHS Trust", "nhs")
    members = {
        Role.COORDINATOR: make_member(ours, "coordinator@example.org", Role.COORDINATOR),
        Role.PARTNER_LEAD: make_member(
            ours, "lead@example.org", Role.PARTNER_LEAD, organisation=council
        ),
        Role.VIEWER: make_member(ours, "viewer@example.org", Role.VIEWER),
        Role.HELPER: make_member(ours, "helper@example.org", Role.HELPER),
    }
    round_ = make_round(ours, "Spring 2026")

    theirs = make_partnership("hillside", "Hillside Alliance Secret", "Hillside")
    their_org = make_organisation(theirs, "Hillside Hidden Housing", "housing")
    their_coordinator = make_member(theirs, "them@example.org", Role.COORDINATOR)
    their_viewer = make_member(theirs, "their-viewer@example.org", Role.VIEWER)
    their_round = make_round(theirs, "Hillside Confidential Round")
    return World(
        partnership=ours,
        organisation=council,
        round=round_,
        coordinator=members[Role.COORDINATOR].user,
        partner_lead=members[Role.PARTNER_LEAD].user,
        viewer=members[Role.VIEWER].user,
        helper=members[Role.HELPER].user,
        members=members,
        other_partnership=theirs,
        other_coordinator=their_coordinator.user,
        other_round=their_round,
        other_organisation=their_org,
        other_membership=their_viewer,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()

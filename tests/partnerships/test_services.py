"""The services: every change they make, every refusal, and the audit row each change writes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships import services, tokens
from stackup.partnerships.models import (
    ROUND_TRANSITIONS,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Role,
    Round,
    RoundStatus,
)
from stackup.partnerships.services import ServiceError
from stackup.responding.models import Draft
from tests.partnerships.helpers import snapshot

pytestmark = pytest.mark.django_db

FRAMEWORK = "collaboration-health-check"


# ---------------------------------------------------------------------------------------------
# Helpers


def refused(call, *, field: str | None = "unset", containing: str = "") -> ServiceError:
    """Run ``call``; assert it raises ServiceError and changes nothing at all."""
    before = snapshot()
    with pytest.raises(ServiceError) as caught:
        call()
    assert snapshot() == before
    if field != "unset":
        assert caught.value.field == field
    assert containing in caught.value.message
    return caught.value


class Audited:
    """Asserts that the block wrote exactly one audit row, with this action and actor."""

    def __init__(self, action: str, actor, partnership=None):
        self.action, self.actor, self.partnership = action, actor, partnership

    def __enter__(self):
        self.last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return self

    def __exit__(self, exc_type, *args):
        if exc_type is not None:
            return False
        new = list(AuditEvent.objects.filter(id__gt=self.last))
        assert len(new) == 1, [(e.action, e.summary) for e in new]
        self.event = new[0]
        assert self.event.action == self.action
        if self.actor is None:
            assert self.event.actor is None
            assert self.event.actor_label == "system"
        else:
            assert self.event.actor == self.actor
            assert self.event.actor_label == self.actor.email
        if self.partnership is not None:
            assert self.event.partnership == self.partnership
        return False


@pytest.fixture
def actor(db) -> User:
    return User.objects.create_user("actor@example.org", "a-long-password-1")


@pytest.fixture
def partnership(db) -> Partnership:
    return services.partnership_create(slug="riverside", name="Riverside Together")


@pytest.fixture
def council(partnership) -> Organisation:
    return services.organisation_add(
        partnership=partnership, name="Riverside Council", sector="council"
    )


@pytest.fixture
def other_partnership(db) -> Partnership:
    return services.partnership_create(slug="hillside", name="Hillside")


@pytest.fixture
def round_(partnership) -> Round:
    return services.round_create(
        partnership=partnership, name="Spring 2026", framework_slug=FRAMEWORK
    )


def round_in(status: str, partnership: Partnership, name: str = "R") -> Round:
    round_ = services.round_create(partnership=partnership, name=name, framework_slug=FRAMEWORK)
    path = {
        RoundStatus.DRAFT: [],
        RoundStatus.OPEN: ["open"],
        RoundStatus.CLOSED: ["open", "closed"],
        RoundStatus.PUBLISHED: ["open", "closed", "published"],
    }[status]
    for step in path:
        round_ = services.round_set_status(round=round_, status=step)
    assert round_.status == status
    return round_


# ---------------------------------------------------------------------------------------------
# Partnerships


def test_partnership_create_makes_it_and_audits_who(actor):
    with Audited("partnership.create", actor) as audit:
        made = services.partnership_create(
            slug=" Riverside-Together ",
            name="  Riverside   Together ",
            area="Riverside",
            description="A partnership.",
            acting_user=actor,
        )
    made.refresh_from_db()
    assert (made.slug, made.name, made.area, made.description) == (
        "riverside-together",
        "Riverside Together",
        "Riverside",
        "A partnership.",
    )
    assert audit.event.partnership == made
    assert audit.event.object_id == str(made.pk)


def test_a_command_run_is_audited_as_the_system():
    with Audited("partnership.create", None):
        services.partnership_create(slug="vale", name="Vale", acting_user=None)


def test_partnership_create_refuses_a_duplicate_short_name(partnership):
    refused(
        lambda: services.partnership_create(slug="RIVERSIDE", name="Another"),
        field="slug",
        containing="already exists",
    )


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "   ",
        "two words",
        "under_score",
        "-leading",
        "trailing-",
        "double--hyphen",
        "café",
        "a/b",
        "x" * 61,
    ],
)
def test_partnership_create_refuses_a_bad_short_name(db, slug):
    refused(lambda: services.partnership_create(slug=slug, name="Name"), field="slug")


def test_partnership_create_refuses_a_short_name_the_pages_need(db):
    refused(lambda: services.partnership_create(slug="new", name="Name"), field="slug")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"area": "x" * 201}, "area"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_partnership_create_refuses_missing_or_overlong_text(db, changes, field):
    arguments = {"slug": "vale", "name": "Vale", **changes}
    refused(lambda: services.partnership_create(**arguments), field=field)


def test_partnership_update_changes_the_details_but_not_the_short_name(partnership, actor):
    with Audited("partnership.update", actor, partnership) as audit:
        services.partnership_update(
            partnership=partnership, name="Riverside Works", area="The borough", acting_user=actor
        )
    partnership.refresh_from_db()
    assert (partnership.slug, partnership.name, partnership.area) == (
        "riverside",
        "Riverside Works",
        "The borough",
    )
    assert audit.event.data["before"]["name"] == "Riverside Together"


def test_partnership_update_refuses_an_empty_name(partnership):
    refused(lambda: services.partnership_update(partnership=partnership, name=""), field="name")


# ---------------------------------------------------------------------------------------------
# Organisations


def test_organisation_add_makes_it_and_audits_who(partnership, actor):
    with Audited("organisation.add", actor, partnership):
        organisation = services.organisation_add(
            partnership=partnership, name="Vale Police", sector="police", acting_user=actor
        )
    assert organisation.partnership == partnership
    assert (organisation.name, organisation.sector) == ("Vale Police", "police")


def test_organisation_add_refuses_an_unknown_sector_and_lists_the_sectors(partnership):
    error = refused(
        lambda: services.organisation_add(partnership=partnership, name="X", sector="spaceships"),
        field="sector",
    )
    assert "council" in error.message and "fire_rescue" in error.message


@pytest.mark.parametrize("name", ["Riverside Council", "riverside council", " RIVERSIDE  COUNCIL "])
def test_organisation_add_refuses_a_duplicate_whatever_its_case(partnership, council, name):
    refused(
        lambda: services.organisation_add(partnership=partnership, name=name, sector="nhs"),
        field="name",
    )


def test_the_same_organisation_name_may_be_in_two_partnerships(council, other_partnership):
    services.organisation_add(
        partnership=other_partnership, name="Riverside Council", sector="council"
    )
    assert Organisation.objects.filter(name="Riverside Council").count() == 2


def test_organisation_add_refuses_an_empty_name(partnership):
    refused(
        lambda: services.organisation_add(partnership=partnership, name=" ", sector="nhs"),
        field="name",
    )


def test_organisation_update_renames_and_changes_sector(partnership, council, actor):
    with Audited("organisation.update", actor, partnership) as audit:
        services.organisation_update(
            organisation=council,
            name="Riverside Borough Council",
            sector="other",
            acting_user=actor,
        )
    council.refresh_from_db()
    assert (council.name, council.sector) == ("Riverside Borough Council", "other")
    assert audit.event.data["before"] == {"name": "Riverside Council", "sector": "council"}


def test_organisation_update_may_change_only_the_case_of_its_own_name(council):
    services.organisation_update(organisation=council, name="RIVERSIDE COUNCIL")
    council.refresh_from_db()
    assert council.name == "RIVERSIDE COUNCIL"
    assert council.sector == "council"


def test_organisation_update_refuses_another_organisations_name(partnership, council):
    police = services.organisation_add(partnership=partnership, name="Vale Police", sector="police")
    refused(
        lambda: services.organisation_update(organisation=police, name="riverside council"),
        field="name",
    )
    refused(
        lambda: services.organisation_update(organisation=police, name="Vale", sector="army"),
        field="sector",
    )


# ---------------------------------------------------------------------------------------------
# People


def test_user_add_makes_an_account_without_a_password(partnership, actor):
    with Audited("membership.add", actor, partnership):
        added = services.user_add(
            email=" New.Person@Example.ORG ",
            partnership=partnership,
            role=Role.VIEWER,
            full_name="New Person",
            acting_user=actor,
        )
    assert added.user_created
    assert added.user.email == "new.person@example.org"
    assert added.user.full_name == "New Person"
    assert not added.user.has_usable_password()
    assert added.membership.role == Role.VIEWER
    assert added.membership.partnership == partnership


def test_user_add_gives_an_existing_person_a_role_and_keeps_their_password(partnership, actor):
    added = services.user_add(email="ACTOR@example.org", partnership=partnership, role="helper")
    assert not added.user_created
    assert added.user == actor
    actor.refresh_from_db()
    assert actor.check_password("a-long-password-1")


def test_user_add_makes_a_partner_lead_for_an_organisation(partnership, council):
    added = services.user_add(
        email="lead@example.org", partnership=partnership, role="partner_lead", organisation=council
    )
    assert added.membership.organisation == council


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "two@at@example.org"])
def test_user_add_refuses_a_bad_email_address(partnership, email):
    refused(
        lambda: services.user_add(email=email, partnership=partnership, role="viewer"),
        field="email",
    )


def test_user_add_refuses_an_unknown_role(partnership):
    refused(
        lambda: services.user_add(email="a@example.org", partnership=partnership, role="boss"),
        field="role",
    )


def test_user_add_refuses_a_partner_lead_without_an_organisation(partnership):
    refused(
        lambda: services.user_add(
            email="a@example.org", partnership=partnership, role="partner_lead"
        ),
        field="organisation",
    )


def test_user_add_refuses_an_organisation_from_another_partnership(partnership, other_partnership):
    theirs = services.organisation_add(partnership=other_partnership, name="X", sector="nhs")
    refused(
        lambda: services.user_add(
            email="a@example.org", partnership=partnership, role="partner_lead", organisation=theirs
        ),
        field="organisation",
    )


def test_user_add_refuses_a_second_role_in_the_same_partnership(partnership, actor):
    services.user_add(email=actor.email, partnership=partnership, role="viewer")
    refused(
        lambda: services.user_add(email=actor.email, partnership=partnership, role="coordinator"),
        field="email",
        containing="already has a role",
    )


@pytest.fixture
def two_people(partnership, council):
    coordinator = services.user_add(
        email="coord@example.org", partnership=partnership, role="coordinator"
    ).membership
    viewer = services.user_add(
        email="viewer@example.org", partnership=partnership, role="viewer"
    ).membership
    return coordinator, viewer


def test_membership_change_role(two_people, council, actor, partnership):
    _coordinator, viewer = two_people
    with Audited("membership.change_role", actor, partnership) as audit:
        services.membership_change_role(
            membership=viewer, role="partner_lead", organisation=council, acting_user=actor
        )
    viewer.refresh_from_db()
    assert (viewer.role, viewer.organisation) == ("partner_lead", council)
    assert audit.event.data["before"] == {"role": "viewer", "organisation": None}


def test_membership_change_role_refuses_a_partner_lead_without_organisation(two_people):
    _coordinator, viewer = two_people
    refused(
        lambda: services.membership_change_role(membership=viewer, role="partner_lead"),
        field="organisation",
    )
    refused(lambda: services.membership_change_role(membership=viewer, role="king"), field="role")


def test_the_only_coordinator_cannot_be_demoted_or_removed(two_people):
    coordinator, _viewer = two_people
    refused(
        lambda: services.membership_change_role(membership=coordinator, role="viewer"),
        field="role",
        containing="only coordinator",
    )
    refused(
        lambda: services.membership_remove(membership=coordinator), containing="only coordinator"
    )


def test_a_coordinator_can_go_once_there_is_another(two_people, actor, partnership):
    coordinator, viewer = two_people
    services.membership_change_role(membership=viewer, role="coordinator")
    with Audited("membership.remove", actor, partnership) as audit:
        services.membership_remove(membership=coordinator, acting_user=actor)
    assert not Membership.objects.filter(pk=coordinator.pk).exists()
    assert User.objects.filter(email="coord@example.org").exists()  # the account stays
    assert audit.event.data == {"email": "coord@example.org", "role": "coordinator"}


# ---------------------------------------------------------------------------------------------
# Rounds


def test_round_create_makes_a_draft_with_the_newest_framework(partnership, actor):
    with Audited("round.create", actor, partnership):
        made = services.round_create(
            partnership=partnership,
            name="Spring 2026",
            framework_slug=FRAMEWORK,
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 1),
            acting_user=actor,
        )
    made.refresh_from_db()
    assert made.status == RoundStatus.DRAFT
    assert (made.framework.slug, made.framework.version) == (FRAMEWORK, 1)
    assert made.min_group_size == 5
    assert (made.opens_on, made.closes_on) == (dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert not made.open_link_enabled and made.open_code is None


def test_round_create_with_an_open_link_gets_a_typable_code(partnership):
    made = services.round_create(
        partnership=partnership,
        name="R",
        framework_slug=FRAMEWORK,
        framework_version=1,
        min_group_size=3,
        open_link_enabled=True,
        ask_sector=False,
    )
    made.refresh_from_db()
    assert made.open_link_enabled
    assert tokens.normalise_open_code(made.open_code) == made.open_code
    assert services.open_link_url(made.open_code).endswith(f"/r/{made.open_code}/")
    assert made.ask_sector is False and made.ask_organisation is True


@pytest.mark.parametrize("name", ["Spring 2026", "SPRING 2026", " spring   2026 "])
def test_round_create_refuses_a_duplicate_name(partnership, round_, name):
    refused(
        lambda: services.round_create(partnership=partnership, name=name, framework_slug=FRAMEWORK),
        field="name",
        containing="already has a round",
    )


def test_two_partnerships_may_each_have_a_round_of_the_same_name(round_, other_partnership):
    services.round_create(
        partnership=other_partnership, name="Spring 2026", framework_slug=FRAMEWORK
    )


@pytest.mark.parametrize("size", [2, 0, -1, 101, "5", 5.0, True])
def test_round_create_refuses_a_bad_minimum_group_size(partnership, size):
    refused(
        lambda: services.round_create(
            partnership=partnership, name="R", framework_slug=FRAMEWORK, min_group_size=size
        ),
        field="min_group_size",
    )


def test_round_create_refuses_closing_before_opening(partnership):
    refused(
        lambda: services.round_create(
            partnership=partnership,
            name="R",
            framework_slug=FRAMEWORK,
            opens_on=dt.date(2026, 3, 2),
            closes_on=dt.date(2026, 3, 1),
        ),
        field="closes_on",
    )


def test_round_create_refuses_a_date_that_is_not_a_date(partnership):
    refused(
        lambda: services.round_create(
            partnership=partnership, name="R", framework_slug=FRAMEWORK, opens_on="2026-03-01"
        ),
        field="opens_on",
    )
    refused(
        lambda: services.round_create(
            partnership=partnership,
            name="R",
            framework_slug=FRAMEWORK,
            closes_on=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        ),
        field="closes_on",
    )


def test_round_create_refuses_an_unknown_framework_or_version(partnership):
    refused(
        lambda: services.round_create(partnership=partnership, name="R", framework_slug="nope"),
        field="framework",
        containing="no framework called nope",
    )
    refused(
        lambda: services.round_create(
            partnership=partnership, name="R", framework_slug=FRAMEWORK, framework_version=99
        ),
        field="framework",
        containing="version 99",
    )


def test_round_create_refuses_an_empty_name(partnership):
    refused(
        lambda: services.round_create(partnership=partnership, name="", framework_slug=FRAMEWORK),
        field="name",
    )


def _settings(round_: Round, **changes) -> dict:
    settings = {
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "min_group_size": round_.min_group_size,
        "ask_organisation": round_.ask_organisation,
        "ask_sector": round_.ask_sector,
        "ask_role_level": round_.ask_role_level,
        "ask_uses_services": round_.ask_uses_services,
        "open_link_enabled": round_.open_link_enabled,
    }
    settings.update(changes)
    return settings


def test_round_update_changes_settings_and_records_what_changed(round_, actor, partnership):
    with Audited("round.update", actor, partnership) as audit:
        services.round_update(
            round=round_,
            name="Spring 2026 (staff)",
            acting_user=actor,
            **_settings(round_, min_group_size=7, ask_role_level=False, open_link_enabled=True),
        )
    round_.refresh_from_db()
    assert round_.name == "Spring 2026 (staff)"
    assert round_.min_group_size == 7
    assert round_.ask_role_level is False
    assert round_.open_link_enabled and round_.open_code
    assert audit.event.data["before"] == {
        "name": "Spring 2026",
        "min_group_size": 5,
        "ask_role_level": True,
        "open_link": False,
    }


def test_switching_the_open_link_off_and_on_keeps_its_code(round_):
    services.round_update(round=round_, **_settings(round_, open_link_enabled=True))
    code = Round.objects.get(pk=round_.pk).open_code
    services.round_update(round=round_, **_settings(round_, open_link_enabled=False))
    assert Round.objects.get(pk=round_.pk).open_link_enabled is False
    services.round_update(round=round_, **_settings(round_, open_link_enabled=True))
    assert Round.objects.get(pk=round_.pk).open_code == code


def test_round_update_refuses_to_change_the_questions_once_open(partnership):
    opened = round_in(RoundStatus.OPEN, partnership)
    refused(
        lambda: services.round_update(round=opened, **_settings(opened, ask_sector=False)),
        field="ask_organisation",
    )
    # Other settings may still change.
    services.round_update(round=opened, **_settings(opened, min_group_size=6))
    assert Round.objects.get(pk=opened.pk).min_group_size == 6


def test_round_update_refuses_bad_settings_and_a_taken_name(partnership, round_):
    services.round_create(partnership=partnership, name="Autumn", framework_slug=FRAMEWORK)
    refused(
        lambda: services.round_update(round=round_, **_settings(round_, min_group_size=2)),
        field="min_group_size",
    )
    refused(
        lambda: services.round_update(
            round=round_,
            **_settings(round_, opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 4, 1)),
        ),
        field="closes_on",
    )
    refused(
        lambda: services.round_update(round=round_, name="AUTUMN", **_settings(round_)),
        field="name",
    )


LEGAL = [(start, end) for start, ends in ROUND_TRANSITIONS.items() for end in ends]
ILLEGAL = [
    (start, end)
    for start, end in itertools.product(RoundStatus.values, RoundStatus.values)
    if (start, end) not in LEGAL
]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_each_allowed_status_move_is_made_and_audited(partnership, actor, start, end):
    round_ = round_in(start, partnership)
    with Audited("round.status", actor, partnership) as audit:
        moved = services.round_set_status(round=round_, status=end, acting_user=actor)
    assert moved.status == end
    assert round_.status == end  # the caller's copy is brought up to date
    assert Round.objects.get(pk=round_.pk).status == end
    assert (audit.event.data["from"], audit.event.data["to"]) == (start, end)


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_each_other_status_move_is_refused(partnership, start, end):
    round_ = round_in(start, partnership)
    refused(lambda: services.round_set_status(round=round_, status=end), field="status")


def test_an_unknown_status_is_refused(round_):
    refused(lambda: services.round_set_status(round=round_, status="archived"), field="status")


def test_closing_a_round_deletes_its_drafts_and_only_its_own(partnership):
    closing = round_in(RoundStatus.OPEN, partnership, "Closing")
    other = round_in(RoundStatus.OPEN, partnership, "Other")
    invitation = services.invitations_create(round=closing, count=1)[0].invitation
    Draft.objects.create(round=closing, invitation=invitation, data={"a": 1})
    Draft.objects.create(round=closing, resume_token_hash="b" * 64, data={})
    kept = Draft.objects.create(round=other, data={})
    with Audited("round.status", None) as audit:
        services.round_set_status(round=closing, status="closed")
    assert list(Draft.objects.all()) == [kept]
    assert audit.event.data["drafts_deleted"] == 2
    assert Invitation.objects.filter(pk=invitation.pk).exists()


# ---------------------------------------------------------------------------------------------
# Invitations


def test_invitations_create_makes_links_and_keeps_only_their_hashes(
    round_, council, actor, settings
):
    settings.STACKUP_BASE_URL = "https://stackup.example"
    with Audited("invitations.create", actor, round_.partnership) as audit:
        issued = services.invitations_create(
            round=round_, count=3, organisation=council, acting_user=actor
        )
    assert len(issued) == 3
    assert len({i.token for i in issued}) == 3
    for item in issued:
        assert item.url == f"https://stackup.example/i/{item.token}/"
        stored = Invitation.objects.get(pk=item.invitation.pk)
        assert stored.token_hash == tokens.hash_token(item.token)
        assert stored.organisation == council
        assert (stored.started, stored.used, stored.email) == (False, False, "")
        assert services.invitation_for_token(item.token) == stored
    assert audit.event.data["count"] == 3
    assert all(i.token not in str(audit.event.data) + audit.event.summary for i in issued)


def test_invitations_create_by_email_makes_one_link_per_address(round_):
    issued = services.invitations_create(
        round=round_,
        emails=["A@Example.org", "", "  b@example.org ", "a@example.org"],
    )
    assert [i.invitation.email for i in issued] == ["a@example.org", "b@example.org"]


def test_invitations_may_be_made_for_an_open_round(partnership):
    opened = round_in(RoundStatus.OPEN, partnership)
    assert len(services.invitations_create(round=opened, count=1)) == 1


@pytest.mark.parametrize("status", [RoundStatus.CLOSED, RoundStatus.PUBLISHED])
def test_invitations_create_refuses_a_closed_round(partnership, status):
    closed = round_in(status, partnership)
    refused(lambda: services.invitations_create(round=closed, count=1), containing="closed")


@pytest.mark.parametrize("count", [0, -1, True, "3", services.MAX_INVITATIONS_AT_ONCE + 1])
def test_invitations_create_refuses_a_bad_count(round_, count):
    refused(lambda: services.invitations_create(round=round_, count=count), field="count")


def test_invitations_create_allows_the_most_at_once(round_):
    issued = services.invitations_create(round=round_, count=services.MAX_INVITATIONS_AT_ONCE)
    assert Invitation.objects.filter(round=round_).count() == len(issued) == 10_000


def test_invitations_create_refuses_a_bad_email_line_naming_it(round_):
    error = refused(
        lambda: services.invitations_create(
            round=round_, emails=["good@example.org", "not an address", "also@example.org"]
        ),
        field="emails",
    )
    assert error.message == (
        "Line 2 is not an email address in the correct format: “not an address”. "
        "Write addresses like name@example.org, one on each line"
    )


def test_invitations_by_email_and_the_email_form_read_addresses_the_same_way(round_):
    """One reading of addresses serves both (names, separators and repeats included)."""
    lines = ["Ana <Ana@Example.org>; bo@example.org", "", "ana@example.org"]
    issued = services.invitations_create(round=round_, emails=lines)
    assert [i.invitation.email for i in issued] == ["ana@example.org", "bo@example.org"]
    assert services.parse_addresses("\n".join(lines)) == ["ana@example.org", "bo@example.org"]


def test_invitations_create_refuses_only_blank_email_lines(round_):
    refused(lambda: services.invitations_create(round=round_, emails=["", "  "]), field="emails")


def test_invitations_create_refuses_an_organisation_from_another_partnership(
    round_, other_partnership
):
    theirs = services.organisation_add(partnership=other_partnership, name="X", sector="nhs")
    refused(
        lambda: services.invitations_create(round=round_, count=1, organisation=theirs),
        field="organisation",
    )


@pytest.mark.parametrize(
    "token", ["", "short", "x" * 32, "x" * 33, None, 42, "A" * 31 + "\n", "é" * 32]
)
def test_invitation_for_token_finds_nothing_for_a_wrong_token(round_, token):
    services.invitations_create(round=round_, count=2)
    assert services.invitation_for_token(token) is None


def test_invitation_replace_gives_a_new_link_and_the_old_one_stops(round_, actor):
    old = services.invitations_create(round=round_, count=1)[0]
    with Audited("invitation.replace", actor, round_.partnership):
        new = services.invitation_replace(invitation=old.invitation, acting_user=actor)
    assert new.token != old.token
    assert new.invitation.pk == old.invitation.pk
    assert services.invitation_for_token(old.token) is None
    assert services.invitation_for_token(new.token).pk == old.invitation.pk


def test_the_email_worker_can_make_and_replace_links_without_an_audit_row_each(round_, actor):
    """For a batch, which is audited once as a whole (see test_emailing)."""
    before = AuditEvent.objects.count()
    issued = services.invitations_create(
        round=round_, emails=["ana@example.org"], acting_user=actor, audit=False
    )
    old = issued[0]
    new = services.invitation_replace(invitation=old.invitation, acting_user=actor, audit=False)
    assert AuditEvent.objects.count() == before
    assert services.invitation_for_token(old.token) is None
    assert services.invitation_for_token(new.token).email == "ana@example.org"


def test_invitation_replace_refuses_a_used_link(round_):
    issued = services.invitations_create(round=round_, count=1)[0]
    Invitation.objects.filter(pk=issued.invitation.pk).update(used=True)
    refused(lambda: services.invitation_replace(invitation=issued.invitation), containing="used")


def test_invitation_replace_refuses_a_link_in_a_closed_round(partnership):
    opened = round_in(RoundStatus.OPEN, partnership)
    issued = services.invitations_create(round=opened, count=1)[0]
    services.round_set_status(round=opened, status="closed")
    refused(lambda: services.invitation_replace(invitation=issued.invitation), containing="closed")


def test_partnership_update_keeps_what_it_is_not_given(db):
    made = services.partnership_create(slug="vale", name="Vale", area="The Vale", description="D")
    services.partnership_update(partnership=made, name="Vale Together")
    made.refresh_from_db()
    assert (made.name, made.area, made.description) == ("Vale Together", "The Vale", "D")
    services.partnership_update(partnership=made, name="Vale Together", area="", description="")
    made.refresh_from_db()
    assert (made.area, made.description) == ("", "")

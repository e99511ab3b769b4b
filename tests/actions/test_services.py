"""The action plan's services: what they accept, what they refuse, and the audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from stackup.actions import selectors, services
from stackup.actions.models import (
    Action,
    ActionNote,
    BenefitClaim,
    PublicPageSettings,
    Risk,
)
from stackup.actions.services import ServiceError
from stackup.core.models import AuditEvent
from stackup.partnerships.models import RoundStatus
from stackup.partnerships.services import round_set_status
from tests.actions.factories import make_action, make_risk
from tests.partnerships.factories import make_partnership

pytestmark = pytest.mark.django_db


def _state():
    return (
        AuditEvent.objects.count(),
        list(Action.objects.order_by("pk").values()),
        list(ActionNote.objects.order_by("pk").values()),
        list(BenefitClaim.objects.order_by("pk").values()),
        list(Risk.objects.order_by("pk").values()),
        list(PublicPageSettings.objects.order_by("pk").values()),
    )


# --- Actions ------------------------------------------------------------------------------


def test_an_action_is_made_and_audited(world):
    action = make_action(
        world.partnership,
        "  Hold   meetings\nin the evening ",
        owner=world.organisation,
        why="Line one\r\nLine two",
        lead_person="Head of Engagement",
        status="in_progress",
        public=True,
    )
    action.refresh_from_db()
    assert action.title == "Hold meetings in the evening"
    assert action.why == "Line one\nLine two"
    assert (action.theme_id, action.item_id) == ("service_user_perspective", "SU4")
    assert (action.owner, action.status, action.public) == (world.organisation, "in_progress", True)
    event = AuditEvent.objects.get(action="action.create")
    assert event.partnership == world.partnership
    assert event.object_id == str(action.pk)
    assert event.data["owner"] == world.organisation.name


def test_an_item_alone_fills_in_its_theme(world):
    action = make_action(world.partnership, theme_id="", item_id="SP3")
    assert action.theme_id == "sharing_power"


def test_no_link_to_the_framework_is_allowed(world):
    action = make_action(world.partnership, theme_id="", item_id="")
    assert (action.theme_id, action.item_id) == ("", "")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the action"),
        ({"title": "   \n "}, "title", "Enter the action"),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        ({"why": "x" * 5001}, "why", "5000 characters or fewer"),
        ({"lead_person": "x" * 201}, "lead_person", "200 characters or fewer"),
        ({"theme_id": "no_such_theme"}, "theme_id", "Select a theme from the list"),
        ({"theme_id": "x" * 10_000}, "theme_id", "Select a theme from the list"),
        ({"item_id": "ZZ9"}, "item_id", "Select a statement from the list"),
        ({"theme_id": "sharing_power", "item_id": "SU1"}, "item_id", "chosen theme"),
        ({"status": "finished"}, "status", "Select the action's status"),
        ({"status": None}, "status", "Select the action's status"),
        ({"public": "yes"}, "public", "Select yes or no"),
        ({"due_on": "2026-13-01"}, "due_on", "must be a real date"),
        ({"due_on": dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)}, "due_on", "must be a real date"),
        ({"due_on": dt.date(1066, 10, 14)}, "due_on", "between 2000 and 2100"),
        ({"due_on": dt.date(9999, 12, 31)}, "due_on", "between 2000 and 2100"),
    ],
)
def test_bad_action_input_is_refused_and_changes_nothing(world, fields, field, message):
    existing = make_action(world.partnership, owner=world.organisation)
    before = _state()
    values = {"title": "A fine action", **fields}
    with pytest.raises(ServiceError) as created:
        services.action_create(partnership=world.partnership, **values)
    assert created.value.field == field
    assert message in created.value.message
    with pytest.raises(ServiceError) as updated:
        services.action_update(action=existing, **values)
    assert updated.value.field == field
    assert _state() == before


def test_an_organisation_of_another_partnership_is_refused(world):
    existing = make_action(world.partnership, owner=world.organisation)
    before = _state()
    with pytest.raises(ServiceError, match="not in this partnership") as error:
        services.action_create(
            partnership=world.partnership, title="Theirs", owner=world.other_organisation
        )
    assert error.value.field == "owner"
    with pytest.raises(ServiceError, match="not in this partnership"):
        services.action_update(action=existing, title="Theirs", owner=world.other_organisation)
    with pytest.raises(ServiceError, match="not in this partnership"):
        services.risk_create(
            partnership=world.partnership,
            title="Theirs",
            likelihood=1,
            impact=1,
            owner=world.other_organisation,
        )
    assert _state() == before


def test_themes_need_a_round_to_come_from(db):
    partnership = make_partnership("lonely", "No Rounds Yet")
    with pytest.raises(ServiceError, match="Set up a round first"):
        services.action_create(partnership=partnership, title="x", theme_id="sharing_power")
    # Without a link to the framework, an action needs no round.
    assert services.action_create(partnership=partnership, title="x").pk


def test_an_update_records_before_and_after(world):
    action = make_action(world.partnership, owner=world.organisation)
    services.action_update(
        action=action,
        title="Hold meetings at weekends",
        status="done",
        owner=None,
        theme_id="common_purpose",
    )
    action.refresh_from_db()
    assert (action.title, action.status, action.owner, action.item_id) == (
        "Hold meetings at weekends",
        "done",
        None,
        "",
    )
    event = AuditEvent.objects.get(action="action.update")
    assert event.data["before"]["status"] == "not_started"
    assert event.data["after"]["status"] == "done"
    assert event.data["before"]["owner"] == world.organisation.name


def test_a_deleted_action_takes_its_notes_and_leaves_an_audit_row(world):
    action = make_action(world.partnership)
    services.action_note_add(action=action, date=dt.date(2026, 1, 5), text="Started")
    services.action_delete(action=action)
    assert not Action.objects.exists() and not ActionNote.objects.exists()
    event = AuditEvent.objects.get(action="action.delete")
    assert event.data["notes"] == 1 and event.data["title"] == action.title


# --- Progress notes -----------------------------------------------------------------------


def test_a_note_is_dated_and_audited(world):
    action = make_action(world.partnership)
    note = services.action_note_add(
        action=action,
        date=dt.date(2026, 2, 1),
        text="  Venue booked.  ",
        acting_user=world.coordinator,
    )
    assert (note.text, note.author, note.date) == (
        "Venue booked.",
        world.coordinator,
        dt.date(2026, 2, 1),
    )
    event = AuditEvent.objects.get(action="action.note")
    assert event.actor == world.coordinator and event.data["date"] == "2026-02-01"


@pytest.mark.parametrize(
    ("date", "text", "message"),
    [
        (dt.date(2026, 2, 1), "", "Enter the progress note"),
        (dt.date(2026, 2, 1), "x" * 5001, "5000 characters or fewer"),
        ("yesterday", "Done", "must be a real date"),
        (None, "Done", "must be a real date"),
        (dt.date(1999, 12, 31), "Done", "between 2000 and 2100"),
        ("future", "Done", "today or in the past"),
    ],
)
def test_bad_notes_are_refused(world, date, text, message):
    from django.utils import timezone

    if date == "future":
        date = timezone.localdate() + dt.timedelta(days=1)
    action = make_action(world.partnership)
    before = _state()
    with pytest.raises(ServiceError, match=message):
        services.action_note_add(action=action, date=date, text=text)
    assert _state() == before


# --- Benefits -----------------------------------------------------------------------------


def test_a_benefit_claim_is_made_then_changed(world):
    claim = services.benefit_claim_save(
        partnership=world.partnership,
        benefit_id="wider_reach",
        claim="We reach new groups",
        evidence="Numbers up",
        evidence_links=" https://www.example.org/a \r\n\r\nhttp://example.org/b?x=1\n",
        status="emerging",
    )
    assert claim.links == ["https://www.example.org/a", "http://example.org/b?x=1"]
    again = services.benefit_claim_save(
        partnership=world.partnership, benefit_id="wider_reach", claim="More", status="realised"
    )
    assert again.pk == claim.pk
    assert BenefitClaim.objects.get().status == "realised"
    assert AuditEvent.objects.filter(action="benefit.save").count() == 2


def test_one_claim_per_benefit_per_partnership_in_the_database(world):
    services.benefit_claim_save(partnership=world.partnership, benefit_id="wider_reach")
    with pytest.raises(IntegrityError):
        BenefitClaim.objects.create(partnership=world.partnership, benefit_id="wider_reach")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"benefit_id": "world_peace"}, "not in this partnership's framework"),
        ({"benefit_id": None}, "not in this partnership's framework"),
        ({"status": "guaranteed"}, "Select how far the benefit has got"),
        ({"claim": "x" * 5001}, "5000 characters or fewer"),
        ({"evidence": "x" * 5001}, "5000 characters or fewer"),
        ({"evidence_links": "javascript:alert(1)"}, "Link 1 must be a web address"),
        ({"evidence_links": "https://ok.example.org\nftp://example.org/x"}, "Link 2 must be"),
        ({"evidence_links": "www.example.org"}, "Link 1 must be a web address"),
        ({"evidence_links": "https://example.org/" + "a" * 500}, "500 characters or fewer"),
        ({"evidence_links": "\n".join(["https://example.org"] * 21)}, "20 links or fewer"),
    ],
)
def test_bad_benefit_claims_are_refused(world, fields, message):
    before = _state()
    values = {"benefit_id": "wider_reach", **fields}
    with pytest.raises(ServiceError, match=message):
        services.benefit_claim_save(partnership=world.partnership, **values)
    assert _state() == before


def test_benefits_come_from_the_latest_round_that_is_not_a_draft(world):
    # The world's only round is a draft: its framework is used.
    index = selectors.framework_index(partnership=world.partnership, prefer_used=True)
    assert index.slug == "collaboration-health-check"
    from stackup.partnerships import services as partnership_services

    newer = partnership_services.round_create(
        partnership=world.partnership,
        name="Digital 2026",
        framework_slug="citizen-digital-services",
    )
    assert selectors.framework_index(partnership=world.partnership, prefer_used=True).slug == (
        "citizen-digital-services"
    )
    round_set_status(round=world.round, status=RoundStatus.OPEN)
    # Now the older, opened round is preferred over the newer draft one.
    assert selectors.framework_index(partnership=world.partnership, prefer_used=True).slug == (
        "collaboration-health-check"
    )
    assert selectors.framework_index(partnership=world.partnership).slug == (
        "citizen-digital-services"
    )
    assert newer.framework.slug == "citizen-digital-services"


# --- Risks --------------------------------------------------------------------------------


def test_risks_are_scored_and_sorted(world):
    make_risk(world.partnership, "Small", likelihood=1, impact=2)
    make_risk(world.partnership, "Big", likelihood=5, impact=4)
    closed = make_risk(world.partnership, "Closed but bigger", likelihood=5, impact=5)
    services.risk_close(risk=closed)
    make_risk(world.partnership, "Leaders", likelihood=3, impact=5, key_leader_dependency=True)
    risks = list(selectors.risks_for(partnership=world.partnership))
    assert [(r.title, r.score) for r in risks] == [
        ("Big", 20),
        ("Leaders", 15),
        ("Small", 2),
        ("Closed but bigger", 25),
    ]
    assert [r.title for r in selectors.key_leader_risks(partnership=world.partnership)] == [
        "Leaders"
    ]
    assert AuditEvent.objects.filter(action="risk.close").count() == 1
    with pytest.raises(ServiceError, match="already closed"):
        services.risk_close(risk=closed)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"likelihood": 0}, "likelihood"),
        ({"likelihood": 6}, "likelihood"),
        ({"likelihood": "3"}, "likelihood"),
        ({"likelihood": True}, "likelihood"),
        ({"impact": -1}, "impact"),
        ({"impact": 2.5}, "impact"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"mitigation": "x" * 5001}, "mitigation"),
        ({"description": "x" * 5001}, "description"),
        ({"status": "ignored"}, "status"),
        ({"key_leader_dependency": "no"}, "key_leader_dependency"),
    ],
)
def test_bad_risks_are_refused(world, fields, field):
    risk = make_risk(world.partnership)
    before = _state()
    values = {"title": "A risk", "likelihood": 2, "impact": 2, **fields}
    with pytest.raises(ServiceError) as created:
        services.risk_create(partnership=world.partnership, **values)
    assert created.value.field == field
    with pytest.raises(ServiceError):
        services.risk_update(risk=risk, **values)
    assert _state() == before


def test_the_database_refuses_scores_out_of_range(world):
    with pytest.raises(IntegrityError):
        Risk.objects.create(partnership=world.partnership, title="x", likelihood=6, impact=1)


# --- The public page switch ---------------------------------------------------------------


def test_the_public_page_is_off_until_switched_on(world):
    assert selectors.public_page_enabled(partnership=world.partnership) is False
    services.public_page_set(
        partnership=world.partnership, enabled=True, acting_user=world.coordinator
    )
    assert selectors.public_page_enabled(partnership=world.partnership) is True
    assert selectors.public_page_enabled(partnership=world.other_partnership) is False
    services.public_page_set(partnership=world.partnership, enabled=False)
    assert selectors.public_page_enabled(partnership=world.partnership) is False
    events = AuditEvent.objects.filter(action="public_page.set").order_by("pk")
    assert [e.data["after"] for e in events] == [True, False]
    with pytest.raises(ServiceError):
        services.public_page_set(partnership=world.partnership, enabled="yes")

"""The action plan, benefits and risk pages: who may do what, forms and their errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from stackup.actions import services
from stackup.actions.models import Action, ActionNote, BenefitClaim, Risk
from stackup.actions.views import ACTIONS_PER_PAGE
from stackup.core.models import AuditEvent
from stackup.partnerships.models import Membership, Role
from tests.actions.factories import make_action, make_risk
from tests.partnerships.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"actions:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _snapshot():
    return (
        AuditEvent.objects.count(),
        list(Action.objects.order_by("pk").values()),
        list(ActionNote.objects.order_by("pk").values()),
        list(BenefitClaim.objects.order_by("pk").values()),
        list(Risk.objects.order_by("pk").values()),
    )


ACTION_POST = {
    "title": "Hold meetings in the evening",
    "why": "Service users cannot come in office hours.",
    "theme_id": "service_user_perspective",
    "item_id": "SU4",
    "owner": "",
    "lead_person": "Community Engagement Manager",
    "due_on-day": "30",
    "due_on-month": "6",
    "due_on-year": "2026",
    "status": "in_progress",
    "public": "yes",
}


# --- Partner leads: only their own organisation's actions --------------------------------


def test_a_partner_lead_edits_their_own_organisations_action(world):
    action = make_action(world.partnership, owner=world.organisation)
    client = _client(world.partner_lead)
    assert client.get(_url("action_edit", world, action_id=action.pk)).status_code == 200
    response = client.post(
        _url("action_edit", world, action_id=action.pk),
        {**ACTION_POST, "owner": str(world.organisation.pk), "status": "done"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert AuditEvent.objects.get(action="action.update").actor == world.partner_lead


def test_a_partner_lead_cannot_touch_another_organisations_action(world):
    nhs = world.partnership.organisations.get(name="Riverside NHS Trust")
    theirs = make_action(world.partnership, "The trust's action", owner=nhs)
    unowned = make_action(world.partnership, "Nobody's action")
    client = _client(world.partner_lead)
    before = _snapshot()
    for action in (theirs, unowned):
        for name in ("action_edit", "action_note_add", "action_delete"):
            url = _url(name, world, action_id=action.pk)
            assert client.get(url).status_code == 403, name
            post = {
                **ACTION_POST,
                "owner": str(world.organisation.pk),
                "date-day": "1",
                "date-month": "2",
                "date-year": "2026",
                "text": "Sneaky note",
            }
            assert client.post(url, post).status_code == 403, name
    assert _snapshot() == before
    # They can read it, but are offered no way to change it.
    page = client.get(_url("action_detail", world, action_id=theirs.pk))
    assert page.status_code == 200
    assert _url("action_edit", world, action_id=theirs.pk) not in page.content.decode()


def test_a_partner_lead_cannot_give_their_action_to_another_organisation(world):
    nhs = world.partnership.organisations.get(name="Riverside NHS Trust")
    action = make_action(world.partnership, owner=world.organisation)
    client = _client(world.partner_lead)
    before = _snapshot()
    for owner in (str(nhs.pk), "", str(world.other_organisation.pk)):
        response = client.post(
            _url("action_edit", world, action_id=action.pk), {**ACTION_POST, "owner": owner}
        )
        assert response.status_code == 200
        assert "Select an organisation from the list" in response.content.decode()
    assert _snapshot() == before


def test_a_partner_lead_adds_actions_only_for_their_organisation(world):
    client = _client(world.partner_lead)
    page = client.get(_url("action_add", world)).content.decode()
    assert "Riverside NHS Trust" not in page and "No organisation" not in page
    response = client.post(
        _url("action_add", world), {**ACTION_POST, "owner": str(world.organisation.pk)}
    )
    assert response.status_code == 302
    assert Action.objects.get().owner == world.organisation


def test_a_partner_lead_with_no_organisation_cannot_add_actions(world):
    # Their organisation was removed from the partnership (the role keeps no organisation).
    membership = make_member(
        world.partnership, "loose@example.org", Role.PARTNER_LEAD, organisation=world.organisation
    )
    Membership.objects.filter(pk=membership.pk).update(organisation=None)
    lead = membership.user
    assert _client(lead).get(_url("action_add", world)).status_code == 403


# --- The coordinator's forms --------------------------------------------------------------


def test_a_coordinator_adds_an_action_and_a_note(world):
    client = _client(world.coordinator)
    response = client.post(_url("action_add", world), ACTION_POST)
    action = Action.objects.get()
    assert response["Location"] == _url("action_detail", world, action_id=action.pk)
    assert (action.due_on, action.public, action.owner) == (dt.date(2026, 6, 30), True, None)
    response = client.post(
        _url("action_note_add", world, action_id=action.pk),
        {"date-day": "3", "date-month": "Feb", "date-year": "2026", "text": "Venue booked"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Venue booked" in page and "3 February 2026" in page
    assert "Appreciating the service user" in page  # the theme's title


def test_the_action_form_shows_every_error(world):
    client = _client(world.coordinator)
    before = _snapshot()
    response = client.post(
        _url("action_add", world),
        {
            "title": "x" * 201,
            "theme_id": "forged",
            "item_id": "forged",
            "owner": str(world.other_organisation.pk),
            "due_on-day": "31",
            "due_on-month": "2",
            "due_on-year": "2026",
            "status": "finished",
            "public": "perhaps",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    for message in (
        "Action must be 200 characters or fewer",
        "Select a theme from the list",
        "Select a statement from the list",
        "Select an organisation from the list",
        "Due date must be a real date",
        "Select the action&#39;s status",
        "Select yes if the action is shown on the public page",
    ):
        assert message in page, message
    assert "Hillside" not in page
    assert _snapshot() == before


def test_an_empty_post_is_an_error_not_a_blank_form(world):
    response = _client(world.coordinator).post(_url("action_add", world), {})
    assert "Enter what will be done" in response.content.decode()


def test_a_service_error_lands_on_its_field(world):
    response = _client(world.coordinator).post(
        _url("action_add", world),
        {**ACTION_POST, "theme_id": "sharing_power", "item_id": "SU1"},
    )
    assert "The statement must be one of the chosen theme" in response.content.decode()
    assert not Action.objects.exists()


def test_bad_note_dates_are_refused(world):
    action = make_action(world.partnership)
    client = _client(world.coordinator)
    before = _snapshot()
    for day, month, year, message in [
        ("", "", "", "Enter the date"),
        ("30", "2", "2026", "Date must be a real date"),
        ("1", "1", "26", "Year must include 4 numbers"),
        ("1", "1", "3000", "between 2000 and 2100"),
    ]:
        response = client.post(
            _url("action_note_add", world, action_id=action.pk),
            {"date-day": day, "date-month": month, "date-year": year, "text": "x"},
        )
        assert message in response.content.decode(), message
    assert _snapshot() == before


def test_deleting_needs_a_confirmation(world):
    action = make_action(world.partnership)
    client = _client(world.coordinator)
    page = client.get(_url("action_delete", world, action_id=action.pk)).content.decode()
    assert "Are you sure you want to delete this action?" in page
    assert Action.objects.exists()
    response = client.post(_url("action_delete", world, action_id=action.pk))
    assert response["Location"] == _url("action_list", world)
    assert not Action.objects.exists()


def test_another_partnerships_ids_are_not_found(world):
    theirs = make_action(world.other_partnership, "Hillside secret action", theme_id="", item_id="")
    their_risk = make_risk(world.other_partnership, "Hillside secret risk")
    client = _client(world.coordinator)
    before = _snapshot()
    for name, kwargs in [
        ("action_detail", {"action_id": theirs.pk}),
        ("action_edit", {"action_id": theirs.pk}),
        ("action_note_add", {"action_id": theirs.pk}),
        ("action_delete", {"action_id": theirs.pk}),
        ("risk_edit", {"risk_id": their_risk.pk}),
        ("risk_close", {"risk_id": their_risk.pk}),
        ("benefit_edit", {"benefit_id": "no_such_benefit"}),
    ]:
        url = _url(name, world, **kwargs)
        responses = [client.get(url)]
        if name != "action_detail":
            responses.append(client.post(url, {**ACTION_POST, "text": "x"}))
        for response in responses:
            assert response.status_code == 404, name
            assert "Hillside" not in response.content.decode()
    assert _snapshot() == before


# --- The list: filters and pages ----------------------------------------------------------


def test_the_list_filters_by_status_and_owner(world):
    nhs = world.partnership.organisations.get(name="Riverside NHS Trust")
    make_action(world.partnership, "Council thing", owner=world.organisation, status="done")
    make_action(world.partnership, "Trust thing", owner=nhs, status="done")
    make_action(world.partnership, "Council other", owner=world.organisation)
    make_action(world.other_partnership, "Hillside thing", theme_id="", item_id="")
    client = _client(world.viewer)
    page = client.get(_url("action_list", world)).content.decode()
    assert "3 actions" in page and "Hillside" not in page
    page = client.get(_url("action_list", world), {"status": "done"}).content.decode()
    assert "Council thing" in page and "Trust thing" in page and "Council other" not in page
    page = client.get(
        _url("action_list", world), {"status": "done", "owner": world.organisation.pk}
    ).content.decode()
    assert "1 action matches" in page and "Trust thing" not in page


def test_forged_filters_are_an_error(world):
    make_action(world.partnership)
    response = _client(world.viewer).get(
        _url("action_list", world), {"status": "nonsense", "owner": world.other_organisation.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Select a status from the list" in page
    assert "Select an organisation from the list" in page
    assert "Hold meetings in the evening" in page  # shown unfiltered


def test_the_list_is_paged_and_keeps_its_filters(world):
    Action.objects.bulk_create(
        [
            Action(partnership=world.partnership, title=f"Action {n:03}", status="done")
            for n in range(ACTIONS_PER_PAGE + 5)
        ]
    )
    client = _client(world.viewer)
    first = client.get(_url("action_list", world), {"status": "done"}).content.decode()
    assert "Action 000" in first and f"Action {ACTIONS_PER_PAGE:03}" not in first
    assert "status=done&amp;page=2" in first
    second = client.get(_url("action_list", world), {"status": "done", "page": 2})
    assert f"Action {ACTIONS_PER_PAGE:03}" in second.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(20):
        action = make_action(world.partnership, f"Action {n}", owner=world.organisation)
        services.action_note_add(action=action, date=dt.date(2026, 1, 1), text="note")
    client = _client(world.viewer)
    with django_assert_max_num_queries(20):
        client.get(_url("action_list", world))
    with django_assert_max_num_queries(20):
        client.get(_url("action_print", world))


def test_the_printable_version_has_every_action_and_the_print_stylesheet(world):
    for n in range(3):
        make_action(world.partnership, f"Printed action {n}", owner=world.organisation)
    page = _client(world.viewer).get(_url("action_print", world)).content.decode()
    assert all(f"Printed action {n}" in page for n in range(3))
    assert 'media="print"' in page and "actions-print.css" in page
    assert "Not started: 3." in page


# --- Benefits, risks and the public page --------------------------------------------------


def test_the_benefits_tracker_lists_the_frameworks_benefits(world):
    services.benefit_claim_save(
        partnership=world.partnership,
        benefit_id="wider_reach",
        claim="New groups reached",
        evidence_links="https://www.example.org/evidence",
        status="realised",
    )
    client = _client(world.viewer)
    page = client.get(_url("benefit_list", world)).content.decode()
    assert "Wider reach or new beneficiary groups" in page
    assert "Mutual support" in page  # a benefit with no claim yet
    assert "New groups reached" in page and 'href="https://www.example.org/evidence"' in page
    assert _url("benefit_edit", world, benefit_id="wider_reach") not in page  # a viewer
    assert "Respondents who saw this benefit" not in page  # no perceptions given


def test_a_coordinator_saves_a_benefit_claim(world):
    client = _client(world.coordinator)
    url = _url("benefit_edit", world, benefit_id="united_voice")
    response = client.post(
        url,
        {
            "claim": "One voice",
            "evidence": "Joint response",
            "evidence_links": "https://a.example.org",
            "status": "emerging",
        },
    )
    assert response.status_code == 302
    assert BenefitClaim.objects.get().status == "emerging"
    before = _snapshot()
    bad = client.post(
        url, {"evidence_links": "https://a.example.org\njavascript:alert(1)", "status": "emerging"}
    )
    assert "Link 2 must be a web address" in bad.content.decode()
    assert _snapshot() == before


def test_the_risk_register_warns_of_key_leader_dependency(world):
    make_risk(world.partnership, "Funding ends", likelihood=2, impact=2)
    make_risk(world.partnership, "It all rests on the chief executive", key_leader_dependency=True)
    page = _client(world.viewer).get(_url("risk_list", world)).content.decode()
    assert "depends on a few key leaders" in page
    assert page.index("It all rests on") < page.index("Funding ends")  # 12 before 4


def test_a_coordinator_adds_and_closes_a_risk(world):
    client = _client(world.coordinator)
    response = client.post(
        _url("risk_add", world),
        {
            "title": "Leaders leave",
            "likelihood": "4",
            "impact": "5",
            "owner": str(world.organisation.pk),
            "key_leader_dependency": "yes",
            "status": "open",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.score, risk.key_leader_dependency, risk.owner) == (20, True, world.organisation)
    before = _snapshot()
    bad = client.post(
        _url("risk_edit", world, risk_id=risk.pk),
        {"title": "", "likelihood": "9", "impact": "0", "status": "open"},
    )
    page = bad.content.decode()
    assert "Enter the risk" in page and "Select how likely the risk is" in page
    assert _snapshot() == before
    client.post(_url("risk_close", world, risk_id=risk.pk))
    risk.refresh_from_db()
    assert risk.status == "closed"


def test_the_public_page_switch(world):
    client = _client(world.coordinator)
    url = _url("public_page_settings", world)
    assert "It is now switched off." in client.get(url).content.decode()
    client.post(url, {"enabled": "yes"})
    page = client.get(url).content.decode()
    assert "It is now switched on, at" in page
    assert f'href="/you-said-we-did/{world.partnership.slug}/"' in page
    before = AuditEvent.objects.count()
    response = client.post(url, {"enabled": "maybe"})
    assert "Select yes to show the public page" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_partnership_page_links_to_the_new_pages(world):
    page = _client(world.viewer).get(
        reverse("partnerships:detail", kwargs={"slug": world.partnership.slug})
    )
    body = page.content.decode()
    for name in ("action_list", "benefit_list", "risk_list"):
        assert _url(name, world) in body
    assert _url("public_page_settings", world) not in body
    coordinator = _client(world.coordinator).get(
        reverse("partnerships:detail", kwargs={"slug": world.partnership.slug})
    )
    assert _url("public_page_settings", world) in coordinator.content.decode()


def test_an_organisation_added_later_is_offered(world):
    make_organisation(world.partnership, "Riverside Fire", "fire_rescue")
    page = _client(world.coordinator).get(_url("action_add", world)).content.decode()
    assert "Riverside Fire" in page


# --- The places the results fill in later -------------------------------------------------


def _render_with(world, view_name: str, template: str, **extra) -> str:
    """Render a page's template with its view's context plus ``extra``."""
    from django.shortcuts import render as django_render

    from stackup.actions import views

    captured = {}

    def capture(request, name, context, status=200):
        captured.update(context)
        return django_render(request, name, context, status=status)

    client = _client(world.viewer)
    original = views.render
    views.render = capture
    try:
        client.get(_url(view_name, world))
    finally:
        views.render = original
    request = client.get(_url(view_name, world)).wsgi_request
    return django_render(request, template, {**captured, **extra}).content.decode()


def test_the_benefits_page_shows_perceptions_when_given(world):
    page = _render_with(
        world,
        "benefit_list",
        "actions/benefit_list.html",
        perceptions={"wider_reach": {"share": 0.42}, "united_voice": None},
    )
    assert "Respondents who saw this benefit" in page
    assert "42%" in page
    assert "Not shown, to protect anonymity" in page


def test_the_risk_register_shows_a_sustainability_warning_when_given(world):
    page = _render_with(
        world,
        "risk_list",
        "actions/risk_list.html",
        sustainability_warning="Sustainability is the weakest theme this round.",
    )
    assert "Sustainability is the weakest theme this round." in page

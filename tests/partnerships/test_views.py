"""The coordinator's pages: each form's success and error paths, and queries that do not grow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markupsafe import escape

from stackup.core.models import AuditEvent
from stackup.partnerships import services
from stackup.partnerships.models import Invitation, Membership, Organisation, Role, Round
from stackup.responding.models import Draft
from tests.partnerships.factories import (
    World,
    build_world,
    make_member,
    make_organisation,
    make_round,
    make_user,
)


@pytest.fixture
def w(db) -> World:
    return build_world()


@pytest.fixture
def client_for(w):
    def make(user=None, **options) -> Client:
        client = Client(**options)
        client.force_login(user or w.coordinator)
        return client

    return make


@pytest.fixture
def coord(client_for) -> Client:
    return client_for()


def url(name: str, w: World, **kwargs) -> str:
    return reverse(f"partnerships:{name}", kwargs={"slug": w.partnership.slug, **kwargs})


def state() -> tuple:
    """Everything a failed form must leave as it was."""
    return (
        AuditEvent.objects.count(),
        list(Organisation.objects.order_by("pk").values_list("pk", "name", "sector")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(
            Round.objects.order_by("pk").values_list(
                "pk",
                "name",
                "status",
                "opens_on",
                "closes_on",
                "min_group_size",
                "ask_organisation",
                "ask_sector",
                "ask_role_level",
                "ask_uses_services",
                "open_link_enabled",
            )
        ),
    )


def assert_form_errors(response, *messages: str) -> str:
    """The form came back (no redirect) with a GOV.UK error summary listing ``messages``."""
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title[^>]*>\s*Error:", html), "the page title must start with Error:"
    assert 'class="govuk-error-summary"' in html
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    for message in messages:
        assert escape(message) in summary, f"{message!r} not in the error summary"
    return html


def last_audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("at", "id")


def notification(response) -> str:
    """The success banner's text after following a redirect."""
    html = response.content.decode()
    assert "govuk-notification-banner--success" in html
    return html


# --- Organisations --------------------------------------------------------------------------


def test_add_organisation(w, coord):
    response = coord.post(
        url("organisation_add", w),
        {"name": "  Riverside   Fire and Rescue ", "sector": "fire_rescue"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("organisations", w)
    organisation = Organisation.objects.get(
        partnership=w.partnership, name="Riverside Fire and Rescue"
    )
    assert organisation.sector == "fire_rescue"
    event = last_audit("organisation.add")
    assert event.actor == w.coordinator
    assert event.partnership == w.partnership
    page = coord.get(response["Location"])
    assert "Riverside Fire and Rescue added" in notification(page)
    assert "Riverside Fire and Rescue" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Enter the organisation's name", "Select the organisation's sector"]),
        ({"name": "   ", "sector": ""}, ["Enter the organisation's name"]),
        (
            {"name": "x" * 10_000, "sector": "council"},
            ["Organisation name must be 200 characters or fewer"],
        ),
        (
            {"name": "Riverside Police", "sector": "secret-police"},
            ["Select the organisation's sector"],
        ),
        ({"name": "riverside council", "sector": "council"}, ["already a member"]),
    ],
    ids=["empty", "blank", "10000-characters", "unknown-sector", "duplicate"],
)
def test_add_organisation_errors(w, coord, data, messages):
    before = state()
    response = coord.post(url("organisation_add", w), data)
    html = assert_form_errors(response, *messages)
    assert state() == before
    if len(data.get("name", "")) > 1000:
        assert "x" * 10_000 in html  # what was typed comes back to be corrected


# --- People ---------------------------------------------------------------------------------


def test_add_person_shows_the_link_once_and_sends_nothing(w, coord):
    mail.outbox.clear()
    response = coord.post(
        url("person_add", w), {"email": " New.Person@Example.org ", "role": "viewer"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("person_added", w)
    membership = Membership.objects.get(
        partnership=w.partnership, user__email="new.person@example.org"
    )
    assert membership.role == Role.VIEWER
    assert not membership.user.has_usable_password()
    assert last_audit("membership.add").actor == w.coordinator

    first = coord.get(response["Location"])
    html = notification(first)
    link = re.search(r"(http://\S+/account/password-reset/[^<\s]+)", html)
    assert link, "the one-time link is shown"
    assert "Give them this link" in html
    assert "new.person@example.org added with the role viewer" in html
    # The link works: it opens the page to set a password.
    opened = Client().get(link.group(1).replace("http://127.0.0.1:8000", ""), follow=True)
    assert "Set a new password" in opened.content.decode()

    again = coord.get(response["Location"]).content.decode()
    assert "/account/password-reset/" not in again
    assert "The link is no longer shown" in again
    assert mail.outbox == []


def test_add_person_who_has_an_account_gets_no_link(w, coord):
    # Someone with an account (here in another partnership) keeps their password:
    # no link that could take over their account is shown to this coordinator.
    response = coord.post(url("person_add", w), {"email": "them@example.org", "role": "viewer"})
    assert response.status_code == 302
    html = coord.get(response["Location"]).content.decode()
    assert "/account/password-reset/" not in html
    assert "already has a Stack Up account" in html


def test_add_partner_lead_with_organisation(w, coord):
    response = coord.post(
        url("person_add", w),
        {"email": "lead2@example.org", "role": "partner_lead", "organisation": w.organisation.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="lead2@example.org")
    assert membership.organisation == w.organisation


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Enter their email address", "Select a role"]),
        (
            {"email": "not-an-email", "role": "viewer"},
            ["Enter an email address in the correct format, like name@example.org"],
        ),
        (
            {"email": "a" * 10_000 + "@example.org", "role": "viewer"},
            ["Email address must be 254 characters or fewer"],
        ),
        ({"email": "x@example.org", "role": "superuser"}, ["Select a role"]),
        (
            {"email": "x@example.org", "role": "partner_lead"},
            ["Choose the organisation this partner lead looks after"],
        ),
        (
            {"email": "x@example.org", "role": "partner_lead", "organisation": "999999"},
            ["Select an organisation from the list"],
        ),
        ({"email": "viewer@example.org", "role": "helper"}, ["already has a role"]),
    ],
    ids=[
        "empty",
        "bad-email",
        "10000-characters",
        "unknown-role",
        "lead-without-organisation",
        "unknown-organisation",
        "already-a-member",
    ],
)
def test_add_person_errors(w, coord, data, messages):
    before = state()
    users = w.coordinator.__class__.objects.count()
    assert_form_errors(coord.post(url("person_add", w), data), *messages)
    assert state() == before
    assert w.coordinator.__class__.objects.count() == users


def test_add_person_with_another_partnerships_organisation_is_refused(w, coord):
    before = state()
    response = coord.post(
        url("person_add", w),
        {"email": "x@example.org", "role": "partner_lead", "organisation": w.other_organisation.pk},
    )
    html = assert_form_errors(response, "Select an organisation from the list")
    assert w.other_organisation.name not in html
    assert state() == before


def test_change_role(w, coord):
    viewer = w.members[Role.VIEWER]
    response = coord.post(
        url("person_role", w, membership_id=viewer.pk),
        {"role": "partner_lead", "organisation": w.organisation.pk},
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.role, viewer.organisation) == (Role.PARTNER_LEAD, w.organisation)
    assert last_audit("membership.change_role").actor == w.coordinator
    assert "now has the role partner lead" in notification(coord.get(response["Location"]))


def test_change_role_of_the_only_coordinator_is_refused(w, coord):
    before = state()
    response = coord.post(
        url("person_role", w, membership_id=w.members[Role.COORDINATOR].pk), {"role": "viewer"}
    )
    assert_form_errors(response, "is the only coordinator")
    assert state() == before


def test_remove_person_asks_first(w, coord):
    viewer = w.members[Role.VIEWER]
    page = coord.get(url("person_remove", w, membership_id=viewer.pk)).content.decode()
    assert "Are you sure you want to remove viewer@example.org?" in page
    assert Membership.objects.filter(pk=viewer.pk).exists()

    response = coord.post(url("person_remove", w, membership_id=viewer.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert last_audit("membership.remove").actor == w.coordinator
    assert "no longer has a role" in notification(coord.get(response["Location"]))


def test_removing_the_only_coordinator_is_refused(w, coord):
    before = state()
    response = coord.post(url("person_remove", w, membership_id=w.members[Role.COORDINATOR].pk))
    assert_form_errors(response, "is the only coordinator")
    assert state() == before


# --- Rounds ---------------------------------------------------------------------------------

ROUND = {
    "name": "Autumn 2026",
    "framework": "collaboration-health-check:1",
    "opens_on-day": "1",
    "opens_on-month": "9",
    "opens_on-year": "2026",
    "closes_on-day": "30",
    "closes_on-month": "9",
    "closes_on-year": "2026",
    "min_group_size": "7",
    "questions": ["organisation", "role_level"],
    "open_link": "yes",
}


def test_create_round(w, coord):
    response = coord.post(url("round_create", w), ROUND)
    assert response.status_code == 302
    round_ = Round.objects.get(partnership=w.partnership, name="Autumn 2026")
    assert response["Location"] == url("round_detail", w, round_id=round_.pk)
    assert round_.status == "draft"
    assert (round_.framework.slug, round_.framework.version) == ("collaboration-health-check", 1)
    assert (round_.opens_on, round_.closes_on) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert round_.min_group_size == 7
    assert (round_.ask_organisation, round_.ask_sector) == (True, False)
    assert (round_.ask_role_level, round_.ask_uses_services) == (True, False)
    assert round_.open_link_enabled and round_.open_code
    assert last_audit("round.create").actor == w.coordinator

    page = coord.get(response["Location"])
    html = notification(page)
    assert round_.open_code in html
    assert f"/r/{round_.open_code}/" in html
    assert "1 September 2026" in html and "30 September 2026" in html


def test_create_round_accepts_month_names_and_no_dates(w, coord):
    data = {**ROUND, "opens_on-month": "Sept", "closes_on-day": "", "closes_on-month": ""}
    data["closes_on-year"] = ""
    assert coord.post(url("round_create", w), data).status_code == 302
    round_ = Round.objects.get(name="Autumn 2026")
    assert (round_.opens_on, round_.closes_on) == (dt.date(2026, 9, 1), None)


def test_new_round_form_has_good_defaults(w, coord):
    html = coord.get(url("round_create", w)).content.decode()
    assert 'name="min_group_size" type="text" spellcheck="false" value="5"' in html
    assert html.count('name="questions" type="checkbox"') == 4
    assert html.count("checked") == 5  # four questions and "No" for the open link


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {
                "name": "",
                "framework": "",
                "min_group_size": "",
                "open_link": "",
            },
            [
                "Enter a name for the round",
                "Select a framework",
                "Enter the minimum group size",
                "Select yes if anyone with the link or code can answer",
            ],
        ),
        ({"name": "spring 2026"}, ["This partnership already has a round called spring 2026"]),
        (
            {"min_group_size": "2"},
            ["Minimum group size must be 3 or more, so that nobody's answers can be picked out"],
        ),
        ({"min_group_size": "five"}, ["Minimum group size must be a whole number, like 5"]),
        ({"min_group_size": "4.5"}, ["Minimum group size must be a whole number, like 5"]),
        ({"min_group_size": "101"}, ["The minimum group size must be 100 or fewer"]),
        (
            {"closes_on-day": "31", "closes_on-month": "8"},
            ["Closing date must be the same as or after the opening date"],
        ),
        ({"opens_on-day": "31", "opens_on-month": "2"}, ["Opening date must be a real date"]),
        ({"opens_on-day": "0"}, ["Opening date must be a real date"]),
        ({"opens_on-month": "13"}, ["Opening date must be a real date"]),
        ({"opens_on-day": "x1"}, ["Opening date must be a real date"]),
        ({"opens_on-month": ""}, ["Opening date must include a month"]),
        ({"closes_on-day": "", "closes_on-year": ""}, ["Closing date must include a day and year"]),
        ({"opens_on-year": "26"}, ["Year must include 4 numbers"]),
        ({"name": "x" * 10_000}, ["Round name must be 100 characters or fewer"]),
        ({"framework": "no-such-framework:1"}, ["Select a framework from the list"]),
        ({"framework": "x" * 10_000}, ["Select a framework from the list"]),
        ({"questions": ["organisation", "date_of_birth"]}, ["Select only the questions listed"]),
        ({"open_link": "maybe"}, ["Select yes if anyone with the link or code can answer"]),
    ],
    ids=[
        "empty",
        "duplicate-name",
        "min-group-size-2",
        "min-group-size-words",
        "min-group-size-fraction",
        "min-group-size-too-big",
        "closing-before-opening",
        "31-february",
        "day-0",
        "month-13",
        "day-not-a-number",
        "missing-month",
        "missing-day-and-year",
        "two-digit-year",
        "10000-characters",
        "unknown-framework",
        "hostile-framework",
        "unknown-question",
        "unknown-open-link-value",
    ],
)
def test_create_round_errors(w, coord, changes, messages):
    before = state()
    response = coord.post(url("round_create", w), {**ROUND, **changes})
    assert_form_errors(response, *messages)
    assert state() == before


def test_round_date_error_marks_only_the_wrong_box_and_links_to_it(w, coord):
    response = coord.post(url("round_create", w), {**ROUND, "opens_on-month": ""})
    html = assert_form_errors(response, "Opening date must include a month")
    assert '<a href="#id_opens_on">Opening date must include a month</a>' in html
    month = re.search(r'<input[^>]*name="opens_on-month"[^>]*>', html.replace("\n", " ")).group(0)
    day = re.search(r'<input[^>]*name="opens_on-day"[^>]*>', html.replace("\n", " ")).group(0)
    assert 'id="id_opens_on"' in month and "govuk-input--error" in month
    assert "govuk-input--error" not in day
    assert 'value="1"' in day  # what was typed is kept


def test_edit_round_settings(w, coord):
    data = {
        "name": "Spring 2026",
        "opens_on-day": "2",
        "opens_on-month": "3",
        "opens_on-year": "2026",
        "closes_on-day": "",
        "closes_on-month": "",
        "closes_on-year": "",
        "min_group_size": "8",
        "questions": ["sector"],
        "open_link": "no",
    }
    response = coord.post(url("round_edit", w, round_id=w.round.pk), data)
    assert response.status_code == 302
    w.round.refresh_from_db()
    assert (w.round.opens_on, w.round.closes_on, w.round.min_group_size) == (
        dt.date(2026, 3, 2),
        None,
        8,
    )
    assert (w.round.ask_organisation, w.round.ask_sector) == (False, True)
    assert last_audit("round.update").actor == w.coordinator
    assert "settings of Spring 2026 are saved" in notification(coord.get(response["Location"]))


def test_edit_round_form_shows_current_settings(w, coord):
    services.round_update(
        round=w.round,
        opens_on=dt.date(2026, 4, 6),
        closes_on=None,
        min_group_size=9,
        ask_organisation=True,
        ask_sector=False,
        ask_role_level=True,
        ask_uses_services=True,
        open_link_enabled=True,
    )
    html = coord.get(url("round_edit", w, round_id=w.round.pk)).content.decode()
    assert 'name="opens_on-day" type="text" value="6"' in html
    assert 'name="opens_on-year" type="text" value="2026"' in html
    assert 'value="9"' in html
    assert html.count('type="checkbox" value="sector"') == 1
    assert 'type="checkbox" value="sector" checked' not in html


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"min_group_size": "2"}, ["Minimum group size must be 3 or more"]),
        ({"name": ""}, ["Enter a name for the round"]),
        ({"opens_on-day": "31", "opens_on-month": "2"}, ["Opening date must be a real date"]),
    ],
    ids=["min-group-size-2", "empty-name", "31-february"],
)
def test_edit_round_errors(w, coord, changes, messages):
    data = {
        "name": "Spring 2026",
        "opens_on-day": "1",
        "opens_on-month": "3",
        "opens_on-year": "2026",
        "min_group_size": "5",
        "questions": ["sector"],
        "open_link": "no",
        **changes,
    }
    before = state()
    assert_form_errors(coord.post(url("round_edit", w, round_id=w.round.pk), data), *messages)
    assert state() == before


def test_edit_round_name_to_another_rounds_name_is_refused(w, coord):
    make_round(w.partnership, "Autumn 2026")
    before = state()
    data = {"name": "AUTUMN 2026", "min_group_size": "5", "open_link": "no"}
    response = coord.post(url("round_edit", w, round_id=w.round.pk), data)
    assert_form_errors(response, "already has a round called")
    assert state() == before


def test_questions_are_fixed_once_a_round_has_opened(w, coord):
    services.round_set_status(round=w.round, status="open")
    html = coord.get(url("round_edit", w, round_id=w.round.pk)).content.decode()
    assert 'name="questions"' not in html
    assert "cannot be changed now that the round has opened" in html
    # A hand-made POST that tries to change them changes nothing of the kind.
    data = {"name": "Spring 2026", "min_group_size": "6", "open_link": "no", "questions": []}
    assert coord.post(url("round_edit", w, round_id=w.round.pk), data).status_code == 302
    w.round.refresh_from_db()
    assert w.round.min_group_size == 6
    assert w.round.ask_organisation and w.round.ask_sector


def test_round_status_goes_through_a_confirmation_page(w, coord):
    detail = coord.get(url("round_detail", w, round_id=w.round.pk)).content.decode()
    open_url = url("round_status", w, round_id=w.round.pk, status="open")
    assert f'href="{open_url}"' in detail
    assert "Open the round" in detail

    confirm = coord.get(open_url).content.decode()
    assert "Are you sure you want to open Spring 2026?" in confirm
    w.round.refresh_from_db()
    assert w.round.status == "draft"

    response = coord.post(open_url)
    assert response.status_code == 302
    w.round.refresh_from_db()
    assert w.round.status == "open"
    event = last_audit("round.status")
    assert (event.actor, event.data["from"], event.data["to"]) == (w.coordinator, "draft", "open")
    assert "Spring 2026 is open" in notification(coord.get(response["Location"]))


def test_closing_explains_that_unfinished_answers_are_deleted(w, coord):
    services.round_set_status(round=w.round, status="open")
    Draft.objects.create(round=w.round, data={"answers": {}})
    close_url = url("round_status", w, round_id=w.round.pk, status="closed")
    confirm = coord.get(close_url).content.decode()
    assert "Unfinished answers are deleted" in confirm
    assert "govuk-button--warning" in confirm
    coord.post(close_url)
    w.round.refresh_from_db()
    assert w.round.status == "closed"
    assert not Draft.objects.filter(round=w.round).exists()

    publish_url = url("round_status", w, round_id=w.round.pk, status="published")
    assert "viewers included, can read the results" in coord.get(publish_url).content.decode()
    coord.post(publish_url)
    w.round.refresh_from_db()
    assert w.round.status == "published"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_move_that_is_no_longer_allowed_changes_nothing(w, coord, method):
    before = state()
    stale = url("round_status", w, round_id=w.round.pk, status="published")
    response = getattr(coord, method)(stale)
    assert response.status_code == 302
    assert response["Location"] == url("round_detail", w, round_id=w.round.pk)
    assert state() == before
    assert "that action is no longer available" in coord.get(response["Location"]).content.decode()


def test_unknown_status_is_not_found(w, coord):
    response = coord.post(url("round_status", w, round_id=w.round.pk, status="deleted"))
    assert response.status_code == 404


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("organisation_add", {"name": "Riverside Police", "sector": "police"}),
        ("person_add", {"email": "x@example.org", "role": "viewer"}),
        ("person_role", {"role": "helper"}),
        ("person_remove", {}),
        ("round_create", ROUND),
        ("round_edit", {"name": "Spring 2026", "min_group_size": "6", "open_link": "no"}),
        ("round_status", {}),
    ],
)
def test_forms_without_a_csrf_token_are_refused(w, client_for, name, data):
    client = client_for(enforce_csrf_checks=True)
    kwargs = {}
    if name in ("person_role", "person_remove"):
        kwargs["membership_id"] = w.members[Role.VIEWER].pk
    if name in ("round_edit", "round_status"):
        kwargs["round_id"] = w.round.pk
    if name == "round_status":
        kwargs["status"] = "open"
    before = state()
    response = client.post(url(name, w, **kwargs), data)
    assert response.status_code == 403
    assert state() == before


# --- Response rates -------------------------------------------------------------------------


def _row(html: str, label: str) -> list[str]:
    row = re.search(
        rf'<th scope="row" class="govuk-table__header">{re.escape(label)}</th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row, f"no row for {label}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_response_rates_hide_small_counts(w, coord):
    nhs = Organisation.objects.get(name="Riverside NHS Trust")
    services.invitations_create(round=w.round, count=12, organisation=w.organisation)
    services.invitations_create(round=w.round, count=3, organisation=nhs)
    council = Invitation.objects.filter(round=w.round, organisation=w.organisation).order_by("pk")
    Invitation.objects.filter(pk__in=[i.pk for i in council[:6]]).update(started=True)
    Invitation.objects.filter(pk__in=[i.pk for i in council[:3]]).update(used=True)

    html = coord.get(url("response_rates", w, round_id=w.round.pk)).content.decode()
    # Invited 12, started 6, completed 3 (below 5, so hidden). The NHS trust's 3
    # invitations are hidden, so the council's 12 are too (or 15 - 12 gives the 3).
    assert _row(html, "Riverside Council")[:3] == ["hidden", "6", "fewer than 5"]
    assert _row(html, "Riverside NHS Trust")[:3] == ["fewer than 5", "0", "0"]
    assert _row(html, "Council")[:3] == ["hidden", "6", "fewer than 5"]
    assert _row(html, "NHS")[:3] == ["fewer than 5", "0", "0"]
    assert _row(html, "Total")[:3] == ["15", "6", "fewer than 5"]
    assert "Some larger numbers are shown as “hidden”" in html


def test_response_rates_explain_hidden_counts_only_when_there_are_some(w, coord):
    nhs = Organisation.objects.get(name="Riverside NHS Trust")
    services.invitations_create(round=w.round, count=12, organisation=w.organisation)
    services.invitations_create(round=w.round, count=7, organisation=nhs)
    html = coord.get(url("response_rates", w, round_id=w.round.pk)).content.decode()
    assert _row(html, "Riverside Council")[:3] == ["12", "0", "0"]
    assert _row(html, "Riverside NHS Trust")[:3] == ["7", "0", "0"]
    assert "is shown as “fewer than 5”" in html
    assert "Some larger numbers are shown as “hidden”" not in html
    assert ">hidden<" not in html


# --- Audit log ------------------------------------------------------------------------------


def test_audit_log_is_newest_first_in_uk_time_and_paginated(w, coord):
    for number in range(60):
        make_organisation(w.partnership, f"Organisation {number:02d}")
    newest = AuditEvent.objects.filter(partnership=w.partnership).latest("at", "id")
    AuditEvent.objects.filter(pk=newest.pk).update(
        at=dt.datetime(2026, 7, 1, 12, 30, tzinfo=dt.UTC)
    )
    AuditEvent.objects.filter(partnership=w.partnership).exclude(pk=newest.pk).update(
        at=dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)
    )
    total = AuditEvent.objects.filter(partnership=w.partnership).count()

    first = coord.get(url("audit_log", w)).content.decode()
    rows = re.findall(r"<time datetime=", first)
    assert len(rows) == 50
    # 12:30 UTC in July is 13:30 in London (BST); 09:00 UTC in January is 09:00 (GMT).
    assert first.index("1 July 2026, 13:30") < first.index("15 January 2026, 09:00")
    assert "Added organisation Organisation 59" in first
    assert 'class="govuk-pagination' in first
    assert 'href="/partnerships/riverside/audit-log/?page=2"' in first

    second = coord.get(url("audit_log", w) + "?page=2").content.decode()
    assert len(re.findall(r"<time datetime=", second)) == total - 50
    assert "Created partnership Riverside Together" in second
    # Nonsense page numbers fall back to a real page rather than failing.
    assert coord.get(url("audit_log", w) + "?page=abc").status_code == 200
    assert coord.get(url("audit_log", w) + "?page=99999").status_code == 200


def test_audit_log_shows_who_did_it(w, coord):
    coord.post(url("organisation_add", w), {"name": "Riverside Police", "sector": "police"})
    html = coord.get(url("audit_log", w)).content.decode()
    assert "Added organisation Riverside Police" in html
    assert "coordinator@example.org" in html
    assert "System" in html  # the fixtures were made without a user, like a command


# --- Query counts ---------------------------------------------------------------------------


def _grow(w: World, n: int) -> None:
    for i in range(n):
        organisation = make_organisation(w.partnership, f"Extra organisation {i}", "housing")
        round_ = make_round(w.partnership, f"Extra round {i}")
        services.invitations_create(round=w.round, count=2, organisation=organisation)
        services.invitations_create(round=round_, count=1, organisation=organisation)
        make_member(
            w.partnership, f"extra{i}@example.org", Role.PARTNER_LEAD, organisation=organisation
        )


PAGES = [
    ("list", False),
    ("detail", False),
    ("organisations", False),
    ("people", False),
    ("round_detail", True),
    ("response_rates", True),
    ("audit_log", False),
]


@pytest.mark.parametrize(("name", "needs_round"), PAGES)
def test_queries_do_not_grow_with_the_partnership(
    w, coord, django_assert_max_num_queries, name, needs_round
):
    def page_url():
        if name == "list":
            return reverse("partnerships:list")
        return url(name, w, round_id=w.round.pk) if needs_round else url(name, w)

    coord.get(page_url())  # the session is warm
    with CaptureQueriesContext(connection) as small:
        assert coord.get(page_url()).status_code == 200
    _grow(w, 15)
    with django_assert_max_num_queries(len(small)):
        response = coord.get(page_url())
    assert response.status_code == 200
    if name == "detail":
        assert "Extra organisation 14" in response.content.decode()
        assert "Extra round 14" in response.content.decode()


def test_list_shows_each_partnership_with_the_role(w, client_for):
    make_member(w.other_partnership, "lead@example.org", Role.VIEWER)
    html = client_for(w.partner_lead).get(reverse("partnerships:list")).content.decode()
    assert "Riverside Together" in html and "Partner lead" in html
    assert "Hillside Alliance Secret" in html and "Viewer" in html


def test_list_for_someone_with_no_role(db):
    client = Client()
    client.force_login(make_user("nobody@example.org"))
    html = client.get(reverse("partnerships:list")).content.decode()
    assert "You do not have a role in any partnership yet" in html


def test_people_are_shown_to_coordinators_only_on_the_overview(w, client_for):
    assert "helper@example.org" in client_for().get(url("detail", w)).content.decode()
    html = client_for(w.viewer).get(url("detail", w)).content.decode()
    assert "helper@example.org" not in html
    assert url("round_detail", w, round_id=w.round.pk) not in html
    assert "Spring 2026" in html


def test_signed_in_navigation_links_to_the_partnerships(w, coord):
    html = coord.get(url("detail", w)).content.decode()
    assert 'href="/partnerships/"' in html and "Your partnerships" in html
    assert "Your partnerships" not in Client().get("/").content.decode()


def test_helpers_are_led_to_assisted_entry_for_open_rounds_only(w, client_for):
    assisted = reverse(
        "responding:assisted", kwargs={"slug": w.partnership.slug, "round_id": w.round.pk}
    )
    detail = url("detail", w)
    assert assisted not in client_for(w.helper).get(detail).content.decode()  # still a draft
    services.round_set_status(round=w.round, status="open")
    assert assisted in client_for(w.helper).get(detail).content.decode()
    assert assisted in client_for(w.coordinator).get(detail).content.decode()
    assert assisted not in client_for(w.viewer).get(detail).content.decode()
    importing = reverse("responding:import", kwargs={"slug": w.partnership.slug})
    assert importing in client_for(w.coordinator).get(detail).content.decode()
    assert importing not in client_for(w.helper).get(detail).content.decode()

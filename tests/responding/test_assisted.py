"""Assisted entry: a helper or coordinator keys in a paper or phone response."""

from __future__ import annotations

import pytest
from django.test import Client

from stackup.core.models import AuditEvent
from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Invitation, Role, RoundStatus
from stackup.responding import services
from stackup.responding.models import Response
from tests.partnerships.factories import make_member
from tests.responding.factories import build_world

GOOD = {
    "channel": "paper",
    "sector": "housing",
    "role_level": "frontline",
    "uses_services": "",
    "organisation": "",
    "item_YV1": "4",
    "item_YV2": "d",
    "item_JW1": "",
    "comment_voice": "Heard at last.",
    "comment_joint_work": "",
    "benefits": ["better_coordination"],
    "barrier_short_term_funding": "2",
}


@pytest.fixture
def people(world):
    return {
        role: make_member(
            world.partnership,
            f"{role}@example.org",
            role,
            organisation=world.organisations[0] if role == Role.PARTNER_LEAD else None,
        ).user
        for role in (Role.HELPER, Role.COORDINATOR, Role.VIEWER, Role.PARTNER_LEAD)
    }


def url(world, round_=None):
    return f"/partnerships/{world.partnership.slug}/rounds/{(round_ or world.round).pk}/assisted/"


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["paper", "phone"])
def test_a_helper_saves_a_response_and_gets_an_empty_form(world, people, channel):
    client = signed_in(people[Role.HELPER])
    page = client.get(url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'maxlength="1"' in html and 'inputmode="text"' in html and 'autocomplete="off"' in html
    assert "YV1 " in html

    done = client.post(url(world), {**GOOD, "channel": channel})
    assert done.status_code == 302 and done["Location"] == url(world)
    response = Response.objects.get()
    assert response.channel == channel
    assert response.answers == {"YV1": 4, "YV2": "DK"}
    assert response.comments == {"voice": "Heard at last."}
    assert response.benefits == {"better_coordination": True}
    assert response.barriers == {"short_term_funding": 2}
    assert response.sector == "housing" and response.role_level == "frontline"
    assert response.import_key is None
    # No invitation was used or started.
    assert not Invitation.objects.filter(used=True).exists()
    assert not Invitation.objects.filter(started=True).exists()
    audit = AuditEvent.objects.get(action="response.record")
    assert audit.actor == people[Role.HELPER]
    assert str(response.pk) not in f"{audit.summary} {audit.object_id} {audit.data}"
    assert "Heard" not in str(audit.data) and "housing" not in str(audit.data)

    following = client.get(done["Location"])
    text = following.content.decode()
    assert "Response saved" in text
    # The fresh form shows nothing of the response just saved.
    assert "Heard at last." not in text and 'value="4"' not in text


@pytest.mark.django_db
def test_bad_cells_are_listed_in_the_error_summary_and_kept(world, people):
    client = signed_in(people[Role.COORDINATOR])
    page = client.post(url(world), {**GOOD, "item_YV1": "7", "item_JW1": "x", "channel": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert 'href="#id_item_YV1"' in html and 'href="#id_item_JW1"' in html
    assert "YV1: enter a number from 1 to 5, or D for don" in html
    assert "JW1: enter a number from 1 to 5, or D for don" in html
    assert "Select whether the response came on a paper form or by phone" in html
    assert 'value="7"' in html and 'value="x"' in html and "Heard at last." in html
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_nothing_answered_is_an_error(world, people):
    client = signed_in(people[Role.HELPER])
    page = client.post(url(world), {"channel": "phone"})
    assert "Enter an answer to at least one statement" in page.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_who_may_enter_responses(world, people):
    assert signed_in(people[Role.VIEWER]).get(url(world)).status_code == 403
    assert signed_in(people[Role.PARTNER_LEAD]).get(url(world)).status_code == 403
    assert signed_in(people[Role.VIEWER]).post(url(world), GOOD).status_code == 403
    other = build_world(slug="hillside", round_name="Hillside round", invitations=1)
    outsider = make_member(other.partnership, "outsider@example.org", Role.COORDINATOR).user
    assert signed_in(outsider).get(url(world)).status_code == 404
    # A round of another partnership under our address is not found either.
    assert signed_in(people[Role.HELPER]).get(url(world, other.round)).status_code == 404
    anonymous = Client().get(url(world))
    assert anonymous.status_code == 302 and "/account/" in anonymous["Location"]
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_csrf_is_required(world, people):
    client = signed_in(people[Role.HELPER], enforce_csrf_checks=True)
    assert client.post(url(world), GOOD).status_code == 403
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_round_that_is_not_open_takes_no_entries(world, people):
    partnership_services.round_set_status(round=world.round, status=RoundStatus.CLOSED)
    client = signed_in(people[Role.HELPER])
    page = client.post(url(world), GOOD)
    assert "This round is not open" in page.content.decode()
    assert Response.objects.count() == 0
    with pytest.raises(services.RoundNotOpen):
        services.response_record(round=world.round, answers={"YV1": 3}, about={}, channel="paper")


@pytest.mark.django_db
def test_the_service_checks_answers_with_the_shared_checks(world):
    from stackup.responding.answers import InvalidAnswers

    with pytest.raises(InvalidAnswers):
        services.response_record(round=world.round, answers={"YV1": 6}, about={}, channel="phone")
    with pytest.raises(InvalidAnswers):
        services.response_record(round=world.round, answers={"XX": 3}, about={}, channel="phone")
    with pytest.raises(InvalidAnswers):
        services.response_record(
            round=world.round, answers={"YV1": 3}, about={}, channel="carrier-pigeon"
        )
    assert Response.objects.count() == 0

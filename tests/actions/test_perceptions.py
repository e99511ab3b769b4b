"""Respondents' view beside the partnership's records: movements, benefits, barriers, risks."""

from __future__ import annotations

import datetime as dt

import pytest

from stackup.actions.perceptions import (
    barrier_ratings,
    benefit_perceptions,
    documents,
    movements,
    sustainability_warning,
    visible_result_rounds,
)
from stackup.partnerships import services as partnership_services
from stackup.partnerships.access import Access
from stackup.partnerships.models import Membership, Role, RoundStatus
from stackup.responding import services as responding_services
from tests.partnerships.factories import make_member
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db


def _entries(yv1, count, *, benefit=False, barrier=None):
    return [
        {
            "answers": {"YV1": yv1, "YV2": 3, "JW1": 4},
            "benefits": ["better_coordination"] if benefit else [],
            "barriers": {"short_term_funding": barrier} if barrier is not None else {},
            "channel": "online",
        }
        for _ in range(count)
    ]


def _finish(round_, status):
    for step in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        partnership_services.round_set_status(round=round_, status=step)
        if step == status:
            break
    round_.refresh_from_db()


@pytest.fixture
def two_rounds():
    world = build_world()
    first = world.round
    responding_services.responses_bulk_record(
        round=first,
        entries=_entries(2, 6, barrier=3) + _entries(3, 4, benefit=True, barrier=1),
        submitted_on=dt.date(2026, 3, 9),
    )
    _finish(first, RoundStatus.PUBLISHED)
    second = partnership_services.round_create(
        partnership=world.partnership,
        name="Spring 2027",
        framework_slug="youth-partnership-check",
        opens_on=dt.date(2027, 3, 1),
    )
    partnership_services.round_set_status(round=second, status=RoundStatus.OPEN)
    responding_services.responses_bulk_record(
        round=second,
        entries=_entries(4, 8, benefit=True, barrier=0) + _entries(5, 4, barrier=2),
        submitted_on=dt.date(2027, 3, 9),
    )
    _finish(second, RoundStatus.CLOSED)
    return world, first, second


def _access(world, role):
    organisation = world.organisations[0] if role == Role.PARTNER_LEAD else None
    membership = make_member(
        world.partnership, f"{role}@example.org", role, organisation=organisation
    )
    return Access(world.partnership, Membership.objects.get(pk=membership.pk))


def test_viewers_see_only_published_rounds(two_rounds):
    world, first, second = two_rounds
    assert visible_result_rounds(world.partnership, _access(world, Role.VIEWER)) == [first]
    lead = _access(world, Role.PARTNER_LEAD)
    assert visible_result_rounds(world.partnership, lead) == [first, second]
    assert visible_result_rounds(world.partnership, None) == [first]


def test_movements_between_the_two_latest_rounds(two_rounds):
    _world, first, second = two_rounds
    found = movements([first, second])
    item = found[("item", "YV1")]
    assert (item.from_round, item.to_round, item.unit) == (first.name, second.name, "pct_positive")
    assert item.before == pytest.approx(0.0)
    assert item.after == pytest.approx(100.0)
    assert item.difference == pytest.approx(100.0)
    assert item.significant
    theme = found[("theme", "voice")]
    assert theme.unit == "mean" and theme.difference > 0
    assert movements([first]) == {}


def test_benefits_and_barriers_from_respondents(two_rounds):
    _world, first, second = two_rounds
    perceived = benefit_perceptions(documents([first, second]))
    assert perceived["round"] == second.name
    assert perceived["shares"]["better_coordination"] == pytest.approx(8 / 12)
    ratings = barrier_ratings(documents([first, second]))
    assert ratings["rounds"] == [first.name, second.name]
    (barrier,) = ratings["barriers"]
    assert barrier["title"] == "Short-term funding"
    assert barrier["means"][first.name] == pytest.approx((6 * 3 + 4 * 1) / 10)
    assert barrier["means"][second.name] == pytest.approx((4 * 2) / 12)


def test_no_sustainability_theme_no_warning(two_rounds):
    _world, first, second = two_rounds
    assert sustainability_warning(documents([first, second])) is None
    assert sustainability_warning([]) is None


def _client_for(world, role):
    from django.test import Client

    organisation = world.organisations[0] if role == Role.PARTNER_LEAD else None
    membership = make_member(
        world.partnership, f"page-{role}@example.org", role, organisation=organisation
    )
    client = Client()
    client.force_login(membership.user)
    return client


def _page_text(response) -> str:
    import re

    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_action_shows_how_its_statement_moved(two_rounds):
    from stackup.actions.models import Action

    world, _first, _second = two_rounds
    action = Action.objects.create(
        partnership=world.partnership, title="Ask young people first", item_id="YV1"
    )
    themed = Action.objects.create(
        partnership=world.partnership, title="Plan together", theme_id="joint_work"
    )
    slug = world.partnership.slug
    lead = _client_for(world, Role.PARTNER_LEAD)
    text = _page_text(lead.get(f"/partnerships/{slug}/actions/{action.pk}/"))
    assert "0% agreed in Spring 2026, 100% in Spring 2027 (up 100 points;" in text
    text = _page_text(lead.get(f"/partnerships/{slug}/actions/{themed.pk}/"))
    assert "Average score 4.0 in Spring 2026, 4.0 in Spring 2027" in text
    listing = _page_text(lead.get(f"/partnerships/{slug}/actions/"))
    assert "100% in Spring 2027" in listing
    # A viewer sees only published rounds: one round, nothing to compare with yet.
    viewer = _client_for(world, Role.VIEWER)
    text = _page_text(viewer.get(f"/partnerships/{slug}/actions/{action.pk}/"))
    assert "Spring 2027" not in text
    assert "No comparison yet" in text


def test_benefits_and_risks_pages_show_what_respondents_said(two_rounds):
    world, _first, _second = two_rounds
    slug = world.partnership.slug
    lead = _client_for(world, Role.PARTNER_LEAD)
    text = _page_text(lead.get(f"/partnerships/{slug}/benefits/"))
    assert "respondents in Spring 2027 who said" in text
    assert "67%" in text  # 8 of 12
    text = _page_text(lead.get(f"/partnerships/{slug}/risks/"))
    assert "Barriers: what respondents said" in text
    assert "Short-term funding 2.2 0.7" in text  # 22/10 and 8/12
    viewer = _client_for(world, Role.VIEWER)
    text = _page_text(viewer.get(f"/partnerships/{slug}/risks/"))
    assert "Short-term funding 2.2 " in text and "Spring 2027" not in text


def _sustainability(band, pct_positive):
    return {
        "round": "Autumn 2025",
        "themes": [
            {"id": "sustainability", "mean": 3.4, "band": band, "pct_positive": pct_positive}
        ],
        "labels": {"themes": {"sustainability": {"title": "Sustainability"}}},
    }


def test_a_weak_sustainability_theme_is_flagged():
    older = _sustainability("concern", 10.0)
    assert sustainability_warning([older, _sustainability("borderline", 45.0)]) == {
        "round": "Autumn 2025",
        "title": "Sustainability",
        "mean": 3.4,
        "pct_positive": 45.0,
    }
    assert sustainability_warning([_sustainability("concern", 60.0)])["pct_positive"] == 60.0
    # Only the latest round counts, and a healthy theme raises nothing.
    assert sustainability_warning([older, _sustainability("borderline", 50.0)]) is None
    assert sustainability_warning([_sustainability("strength", 80.0)]) is None

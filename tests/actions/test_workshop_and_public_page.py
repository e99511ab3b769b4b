"""The workshop and the public "you said, we did" page: useful, and never a small group."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.test import Client

from stackup.actions.models import Action, ActionStatus, PublicPageSettings
from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Role, RoundStatus
from stackup.responding import services as responding_services
from stackup.results.document import results_document
from tests.partnerships.factories import make_member
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db


def _answers(rng, level):
    def one():
        return min(5, max(1, round(level + rng.gauss(0, 0.7))))

    return {"YV1": one(), "YV2": 6 - one(), "JW1": one()}


def _round_with_a_small_group(*, service_users: int, status=RoundStatus.PUBLISHED):
    """Staff in two organisations, and ``service_users`` people who use services who
    answer very differently (all 1s), so their mean is easy to spot."""
    world = build_world()
    council, homes = world.organisations
    rng = random.Random(3)
    entries = []
    for number in range(14):
        entries.append(
            {
                "answers": _answers(rng, 3.6),
                "organisation": council if number % 2 else homes,
                "role_level": "frontline" if number % 3 else "senior_leader",
                "channel": "online",
            }
        )
    for _ in range(service_users):
        entries.append(
            {"answers": {"YV1": 1, "YV2": 5, "JW1": 1}, "uses_services": True, "channel": "paper"}
        )
    responding_services.responses_bulk_record(
        round=world.round, entries=entries, submitted_on=dt.date(2026, 3, 9)
    )
    partnership_services.round_set_status(round=world.round, status=RoundStatus.CLOSED)
    if status == RoundStatus.PUBLISHED:
        partnership_services.round_set_status(round=world.round, status=RoundStatus.PUBLISHED)
    world.round.refresh_from_db()
    return world


def _client(world, role=Role.COORDINATOR):
    organisation = world.organisations[0] if role == Role.PARTNER_LEAD else None
    membership = make_member(
        world.partnership, f"{role}@example.org", role, organisation=organisation
    )
    client = Client()
    client.force_login(membership.user)
    return client


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _workshop_pages(client, world):
    base = f"/partnerships/{world.partnership.slug}/rounds/{world.round.pk}/workshop/"
    pages = [client.get(base), client.get(base + "handout/")]
    number = 1
    while True:
        response = client.get(f"{base}{number}/")
        if response.status_code == 404:
            break
        assert response.status_code == 200
        pages.append(response)
        number += 1
    return pages


def test_the_workshop_offers_starters_with_their_prompts():
    world = _round_with_a_small_group(service_users=6)
    client = _client(world)
    pages = _workshop_pages(client, world)
    assert all(page.status_code == 200 for page in pages)
    index = _text(pages[0])
    assert "Lowest scores" in index and "Where people disagree most" in index
    assert "What was the last decision young people changed?" in index  # an item's prompt
    # Six people who use services: enough for the gap between them and everyone else.
    assert "Biggest gaps between perspectives" in index
    assert "people who use services scored" in index
    # One starter per page for the projector, then a 404 after the last.
    assert len(pages) - 2 >= 6
    projector = _text(pages[2])
    assert "Starter 1 of" in projector and "Next" in projector


def test_the_workshop_never_shows_a_group_below_the_minimum_size():
    world = _round_with_a_small_group(service_users=3)
    document = results_document(world.round)
    # The three people who use services are hidden in the results...
    hidden = [
        g
        for g in document["groups"]
        if g["dimension"] == "stakeholder_group" and g["group"] == "service_user"
    ]
    assert hidden and all(g["status"] == "suppressed_primary" for g in hidden)
    # ...so no comparison with them exists, and the workshop has no gap to show.
    client = _client(world)
    for page in _workshop_pages(client, world):
        text = _text(page)
        assert "people who use services scored" not in text
        # Their mean on every theme is exactly 1.0: "1.0 out of 5" would give them away.
        assert "scored 1.0" not in text


def test_the_workshop_follows_the_results_access_rules():
    world = _round_with_a_small_group(service_users=6, status=RoundStatus.CLOSED)
    base = f"/partnerships/{world.partnership.slug}/rounds/{world.round.pk}/workshop/"
    assert _client(world, Role.PARTNER_LEAD).get(base).status_code == 200
    assert _client(world, Role.VIEWER).get(base).status_code == 403  # not published yet
    assert _client(world, Role.HELPER).get(base).status_code == 403
    assert Client().get(base).status_code == 302


def test_an_open_round_has_no_starters_yet():
    world = build_world()
    client = _client(world)
    base = f"/partnerships/{world.partnership.slug}/rounds/{world.round.pk}/workshop/"
    response = client.get(base)
    assert response.status_code == 200
    assert "appear once the round has closed" in _text(response)
    assert client.get(base + "1/").status_code == 404


def _public(world, enabled=True):
    PublicPageSettings.objects.update_or_create(
        partnership=world.partnership, defaults={"public_page_enabled": enabled}
    )
    return Client().get(f"/you-said-we-did/{world.partnership.slug}/")


def test_the_public_page_is_off_until_switched_on():
    world = _round_with_a_small_group(service_users=6)
    assert Client().get(f"/you-said-we-did/{world.partnership.slug}/").status_code == 404
    assert _public(world, enabled=False).status_code == 404
    assert Client().get("/you-said-we-did/no-such-partnership/").status_code == 404
    assert _public(world).status_code == 200


def test_the_public_page_shows_headlines_and_public_actions_only():
    world = _round_with_a_small_group(service_users=6)
    Action.objects.create(
        partnership=world.partnership,
        title="Young people on the commissioning panel",
        why="Young people said they are asked too late.",
        owner=world.organisations[0],
        due_on=dt.date(2027, 3, 31),
        status=ActionStatus.IN_PROGRESS,
        public=True,
    )
    Action.objects.create(
        partnership=world.partnership, title="Internal budget review", public=False
    )
    text = _text(_public(world))
    assert "In Spring 2026, 20 people answered." in text
    assert "Young people's voice" in text or "Young people&#39;s voice" in text
    assert "People who use services rated this lower than staff did." in text
    assert "Young people on the commissioning panel" in text
    assert "In progress" in text and "Due by March 2027" in text
    assert "Internal budget review" not in text


def test_the_public_page_never_shows_a_small_group():
    world = _round_with_a_small_group(service_users=3)
    text = _text(_public(world))
    assert "In Spring 2026, 17 people answered." in text
    assert "People who use services rated" not in text


def test_the_public_page_shows_no_numbers_for_a_round_below_the_minimum_size():
    world = build_world()
    responding_services.responses_bulk_record(
        round=world.round,
        entries=[{"answers": {"YV1": 2, "JW1": 3}, "channel": "online"}] * 3,
        submitted_on=dt.date(2026, 3, 9),
    )
    for status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        partnership_services.round_set_status(round=world.round, status=status)
    text = _text(_public(world))
    assert "Too few people answered in Spring 2026" in text
    assert "%" not in text.split("What you said")[1].split("What we are doing")[0]


def test_an_unpublished_round_is_not_on_the_public_page():
    world = _round_with_a_small_group(service_users=6, status=RoundStatus.CLOSED)
    text = _text(_public(world))
    assert "We have not published any results yet." in text
    assert "people answered" not in text


def test_the_public_page_keeps_its_headlines_until_the_round_changes():
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    world = _round_with_a_small_group(service_users=6)
    url = f"/you-said-we-did/{world.partnership.slug}/"
    PublicPageSettings.objects.create(partnership=world.partnership, public_page_enabled=True)
    with CaptureQueriesContext(connection) as first:
        assert "20 people answered" in _text(Client().get(url))
    with CaptureQueriesContext(connection) as again:
        assert "20 people answered" in _text(Client().get(url))
    # The responses are read once; the second visit works from the cache.
    reads = [q for q in first.captured_queries if "responding_response" in q["sql"]]
    reads_again = [q for q in again.captured_queries if "responding_response" in q["sql"]]
    assert len(reads_again) < len(reads)
    assert not any("SELECT" in q["sql"] and '"answers"' in q["sql"] for q in reads_again)

    # A late paper form, imported while the round is closed, then published again.
    partnership_services.round_set_status(round=world.round, status=RoundStatus.CLOSED)
    responding_services.responses_bulk_record(
        round=world.round,
        entries=[{"answers": {"YV1": 3, "YV2": 3, "JW1": 3}, "channel": "paper"}],
        submitted_on=dt.date(2026, 3, 20),
    )
    partnership_services.round_set_status(round=world.round, status=RoundStatus.PUBLISHED)
    assert "21 people answered" in _text(Client().get(url))

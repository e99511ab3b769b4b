"""The workshop and the public page in a real browser: accessible, valid, usable by keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stackup.actions import services as action_services
from tests.browser.helpers import sign_in
from tests.partnerships.factories import build_world, make_round
from tests.results.report_data import respond


@pytest.fixture
def published(transactional_db):
    world = build_world()
    round_ = respond(make_round(world.partnership, "Spring 2027"))
    action_services.action_create(
        partnership=world.partnership,
        title="Service users on the design panel",
        why="People who use services said they are asked too late.",
        owner=world.organisation,
        status="in_progress",
        public=True,
    )
    action_services.public_page_set(partnership=world.partnership, enabled=True)
    return world, round_


def test_workshop_pages_without_javascript(no_js, live_server, check_page, published):
    world, round_ = published
    page = no_js
    base = live_server.url
    sign_in(page, base, world.coordinator.email)
    kwargs = {"slug": world.partnership.slug, "round_id": round_.pk}

    response = page.goto(base + reverse("workshop:workshop", kwargs=kwargs))
    assert page.locator("h1").inner_text() == "Workshop: conversation starters"
    check_page(page, html=response.text(), js=False, context="workshop")

    response = page.goto(base + reverse("workshop:handout", kwargs=kwargs))
    assert page.locator("h1").inner_text() == "Workshop handout"
    check_page(page, html=response.text(), js=False, context="handout")

    # One starter at a time; the links move between them with JavaScript off.
    response = page.goto(base + reverse("workshop:starter", kwargs={**kwargs, "number": 1}))
    assert "Starter 1 of" in page.locator(".govuk-caption-xl").inner_text()
    check_page(page, html=response.text(), js=False, context="starter")
    with page.expect_navigation():
        page.get_by_role("link", name="Next starter").click()
    assert "Starter 2 of" in page.locator(".govuk-caption-xl").inner_text()


def test_the_arrow_keys_move_between_starters(browser, live_server, published):
    world, round_ = published
    context = browser.new_context()
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, world.coordinator.email)
    kwargs = {"slug": world.partnership.slug, "round_id": round_.pk, "number": 2}
    page.goto(base + reverse("workshop:starter", kwargs=kwargs))
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert "Starter 3 of" in page.locator(".govuk-caption-xl").inner_text()
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    assert "Starter 2 of" in page.locator(".govuk-caption-xl").inner_text()
    context.close()


def test_the_public_page_for_anyone(no_js, live_server, check_page, published):
    world, _round = published
    page = no_js
    url = live_server.url + reverse(
        "public:you_said_we_did", kwargs={"slug": world.partnership.slug}
    )
    response = page.goto(url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "You said, we did"
    text = page.locator("main").inner_text()
    assert "Service users on the design panel" in text and "In progress" in text
    check_page(page, html=response.text(), js=False, context="public page")
    # In Welsh too (untranslated strings fall back to English).
    response = page.goto(
        live_server.url + "/cy" + reverse("public:you_said_we_did", kwargs={"slug": "riverside"})
    )
    assert page.locator("html").get_attribute("lang") == "cy"
    check_page(page, html=response.text(), js=False, context="public page in Welsh")

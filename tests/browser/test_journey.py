"""The respondent journey in a real browser.

The whole journey with JavaScript off (on the full shipped framework), with it on using only
the keyboard, at 320 CSS pixels wide, and with the simpler wording in Welsh; axe and the HTML
validator on every page, error states included.
"""

from __future__ import annotations

import re

import pytest

from stackup.responding.models import Draft, Response
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def small(transactional_db):
    """An open round on a small framework: two themes, one benefit, one barrier."""
    return build_world(invitations=2)


def _context(browser, *, javascript=True, viewport=None):
    options = {"java_script_enabled": javascript}
    if viewport:
        options["viewport"] = viewport
    return browser.new_context(**options)


def _submit(page, name="Save and continue"):
    """Press a form's button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    return navigation.value


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} CSS pixels wide"


def _heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


# --- (a) JavaScript off, the full shipped framework ----------------------------------------------


def test_whole_journey_without_javascript_on_the_shipped_framework(
    browser, live_server, check_page
):
    world = build_world(framework_slug="collaboration-health-check", invitations=1)
    document = world.round.framework.as_document()
    context = _context(browser, javascript=False)
    page = context.new_page()
    base = live_server.url

    def checked(response, label):
        assert response.status in (200,), (label, response.status)
        check_page(page, html=response.text(), js=False, context=label)

    response = page.goto(f"{base}/i/{world.tokens[0]}/")
    assert _heading(page) == "How well does Riverside Together work together?"
    checked(response, "start")
    page.get_by_label("No, show the statements as they are written").check()
    response = _submit(page, "Start now")

    assert _heading(page) == "About you"
    checked(response, "about you")
    page.get_by_label("Riverside Homes").check()
    page.get_by_label("Housing").check()
    page.get_by_label("Manager").check()
    page.get_by_label("No", exact=True).check()
    response = _submit(page)

    themes = []
    while page.url.rstrip("/").split("/")[-2] == "theme":
        themes.append(_heading(page))
        checked(response, f"theme {len(themes)}")
        fieldsets = page.locator("fieldset")
        for index in range(fieldsets.count()):
            # Agree with the first, don't know the second, leave every third blank.
            if index % 3 == 2:
                continue
            label = "Agree" if index % 3 == 0 else "Don't know"
            fieldsets.nth(index).get_by_label(label, exact=True).check()
        if len(themes) == 1:
            # The error state: a comment over the limit, kept in the box, nothing saved.
            page.get_by_label("Do you have any comments on this theme? (optional)").fill("x" * 2001)
            response = _submit(page)
            assert page.title().startswith("Error: ")
            assert page.locator(".govuk-error-summary").is_visible()
            assert page.locator("#id_comment-error").is_visible()
            checked(response, "theme 1 with an error")
            page.get_by_label("Do you have any comments on this theme? (optional)").fill(
                "Service users should be in the room."
            )
        response = _submit(page)
    assert themes == [theme["title"] for theme in document["themes"]]

    assert _heading(page) == "Which of these has the partnership achieved?"
    checked(response, "benefits")
    page.get_by_label("Better coordination").check()
    page.get_by_label("Knowledge and good-practice sharing").check()
    response = _submit(page)

    assert _heading(page) == "What is holding the partnership back?"
    checked(response, "barriers")
    page.locator("fieldset").first.get_by_label("A lot").check()
    response = _submit(page)

    assert _heading(page) == "Check your answers before sending them"
    checked(response, "check answers")
    assert "Service users should be in the room." in page.locator("main").inner_text()
    response = _submit(page, "Send my answers")

    assert page.locator(".govuk-panel__title").inner_text().strip() == (
        "Your answers have been sent"
    )
    checked(response, "confirmation")
    stored = Response.objects.get()
    assert stored.comments == {"service_user_perspective": "Service users should be in the room."}
    assert stored.benefits == {"better_coordination": True, "knowledge_sharing": True}
    assert list(stored.barriers.values()) == [3]
    assert stored.role_level == "manager" and stored.uses_services is False
    sizes = [len(theme["items"]) for theme in document["themes"]]
    assert len(stored.answers) == sum(n - n // 3 for n in sizes)
    assert "DK" in stored.answers.values() and 4 in stored.answers.values()

    response = page.goto(f"{base}/i/{world.tokens[0]}/")
    assert _heading(page) == "These answers have already been sent"
    checked(response, "already sent")
    context.close()


# --- (b) JavaScript on, keyboard only ------------------------------------------------------------


def _tab_to(page, condition: str, limit: int = 120) -> None:
    """Press Tab until ``condition`` (a JavaScript expression) holds for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def _tab_to_button(page, text: str) -> None:
    _tab_to(page, f"el.tagName === 'BUTTON' && el.textContent.trim() === {text!r}")


def _press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_whole_journey_with_javascript_using_only_the_keyboard(browser, live_server, small):
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/i/{small.tokens[0]}/")

    # Start: choose the usual wording with the keyboard, then start.
    _tab_to(page, "el.id === 'id_wording'")
    page.keyboard.press("Space")
    assert page.locator("#id_wording").is_checked()
    _tab_to(page, "el.classList.contains('govuk-button--start')")
    _press_and_wait(page, "Enter")

    # About you: the first organisation, and "I'd rather not say" for the sector.
    assert _heading(page) == "About you"
    _tab_to(page, "el.id === 'id_organisation'")
    page.keyboard.press("Space")
    _tab_to(page, "el.name === 'sector'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")  # wraps round to the last choice
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")

    # First theme: Agree (the fourth point) and Don't know (the last choice).
    assert _heading(page) == "Young people's voice"
    _tab_to(page, "el.id === 'id_item_YV1'")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    _tab_to(page, "el.name === 'item_YV2'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowUp")
    _tab_to(page, "el.id === 'id_comment'")
    page.keyboard.type("Typed with the keyboard.")
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")

    # Second theme left blank; benefits ticked with Space; barriers left blank.
    assert _heading(page) == "Joint work"
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")
    _tab_to(page, "el.id === 'id_benefits'")
    page.keyboard.press("Space")
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")
    assert _heading(page) == "What is holding the partnership back?"
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")

    # Check answers: follow a change link with Enter, save, and come back.
    assert _heading(page) == "Check your answers before sending them"
    change_link = "/theme/joint_work/?change=1"
    _tab_to(
        page, f"el.tagName === 'A' && (el.getAttribute('href') || '').includes({change_link!r})"
    )
    _press_and_wait(page, "Enter")
    assert _heading(page) == "Joint work"
    _tab_to(page, "el.id === 'id_item_JW1'")
    page.keyboard.press("Space")
    _tab_to_button(page, "Save and continue")
    _press_and_wait(page, "Enter")
    assert _heading(page) == "Check your answers before sending them"
    _tab_to_button(page, "Send my answers")
    _press_and_wait(page, "Enter")
    assert page.locator(".govuk-panel__title").inner_text().strip() == (
        "Your answers have been sent"
    )

    stored = Response.objects.get()
    assert stored.answers == {"YV1": 4, "YV2": "DK", "JW1": 1}
    assert stored.comments == {"voice": "Typed with the keyboard."}
    assert stored.benefits == {"better_coordination": True}
    assert stored.organisation == small.organisations[0]
    assert stored.sector == ""
    context.close()


def test_error_summary_takes_focus_and_links_to_the_first_radio(
    browser, live_server, small, check_page
):
    context = _context(browser)
    page = context.new_page()
    base = f"{live_server.url}/i/{small.tokens[0]}"
    page.goto(base + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert _heading(page) == "Young people's voice"
    # A forged answer to the first statement, and a comment over the limit.
    page.evaluate(
        "() => { const radio = document.getElementById('id_item_YV1-3');"
        " radio.value = '9'; radio.checked = true; }"
    )
    page.get_by_label("Do you have any comments on this theme? (optional)").fill("y" * 2001)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    check_page(page, context="theme page with errors, JavaScript on")
    summary.get_by_role("link", name="Statement 1: select one of the answers shown").click()
    assert page.evaluate("document.activeElement.id") == "id_item_YV1"
    assert page.evaluate("document.activeElement.type") == "radio"
    summary.get_by_role("link", name="Your comment must be 2,000 characters or fewer").click()
    assert page.evaluate("document.activeElement.id") == "id_comment"
    # The character count tells sighted and screen reader users how far over they are.
    assert "1 character too many" in page.locator(".govuk-character-count__status").inner_text()
    assert Draft.objects.get().data["answers"] == {}
    context.close()


# --- (c) 320 CSS pixels wide ---------------------------------------------------------------------


def test_whole_journey_at_320_pixels_without_sideways_scrolling(browser, live_server, small):
    context = _context(browser, viewport=NARROW)
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{small.round.open_code}/")
    _no_sideways_scroll(page)
    _submit(page, "Start now")
    while "check-answers" not in page.url:
        _no_sideways_scroll(page)
        # The person's own resume link is shown, and wraps rather than widening the page.
        assert "Save this link to come back later" in page.locator("main").inner_text()
        radios = page.locator("fieldset .govuk-radios__input")
        if radios.count():
            radios.first.check()
        _submit(page)
    _no_sideways_scroll(page)
    _submit(page, "Send my answers")
    assert "/r/sent/" in page.url
    _no_sideways_scroll(page)
    for path in ("/r/", "/r/?code=nope", f"/i/{small.tokens[1]}/", "/i/not-a-real-link/"):
        page.goto(live_server.url + path)
        _no_sideways_scroll(page)
    assert Response.objects.count() == 1
    context.close()


# --- (d) The simpler wording, in Welsh ---------------------------------------------------


def test_simpler_wording_journey_in_welsh(browser, live_server, small, check_page):
    context = _context(browser)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/cy/i/{small.tokens[0]}/")
    assert page.locator("html").get_attribute("lang") == "cy"
    check_page(page, html=response.text(), context="start (Welsh)")
    page.locator("#id_wording-2").check()  # "Yes, use simpler wording"
    response = _submit(page, "Start now")
    check_page(page, html=response.text(), context="about you (Welsh)")
    response = _submit(page)
    # Plain statements, marked as English inside the Welsh page.
    legend = page.locator("legend").first
    assert legend.inner_text().strip() == "Young people help decide how youth services work."
    assert legend.locator("span").get_attribute("lang") == "en"
    assert (
        "We ask young people for their views only after deciding."
        in page.locator("main").inner_text()
    )
    check_page(page, html=response.text(), context="theme (Welsh, simpler wording)")
    page.locator("fieldset").first.locator("input").nth(4).check()
    while "check-answers" not in page.url:
        response = _submit(page)
        check_page(page, html=response.text(), context=page.url)
    assert "/cy/" in page.url
    assert "Young people help decide how youth services work." in page.locator("main").inner_text()
    response = _submit(page, "Send my answers")  # untranslated strings fall back to English
    assert "/cy/r/sent/" in page.url
    check_page(page, html=response.text(), context="confirmation (Welsh)")
    assert Response.objects.get().answers == {"YV1": 5}
    context.close()


# --- Every other page a respondent can meet ----------------------------------------------


def test_the_other_journey_pages_are_accessible_and_valid(
    browser, live_server, small, check_page, settings
):
    from stackup.partnerships import services as partnership_services

    base = live_server.url
    context = _context(browser, javascript=False)
    page = context.new_page()

    def visit(path, status, heading):
        response = page.goto(base + path)
        assert response.status == status, (path, response.status)
        assert _heading(page) == heading, path
        check_page(page, html=response.text(), js=False, context=path)

    code = small.round.open_code
    visit("/r/", 200, "Enter your code")
    visit("/r/?code=ZZZZ", 200, "Enter your code")
    assert page.title().startswith("Error: ")
    visit(f"/r/{code}/", 200, "How well does Riverside Together work together?")
    visit("/i/this-is-not-a-link/", 404, "This link does not work")
    visit("/r/resume/" + "C" * 32 + "/", 404, "This link no longer works")
    visit("/r/sent/", 404, "Page not found")

    from django.core.cache import cache

    cache.clear()
    settings.STACKUP_OPEN_LINK_STARTS_PER_HOUR = 1
    page.goto(f"{base}/r/{code}/")
    response = _submit(page, "Start now")
    assert "about-you" in page.url
    page.goto(f"{base}/r/{code}/")
    response = _submit(page, "Start now")
    assert response.status == 429
    assert _heading(page) == "Too many people have started from your connection"
    check_page(page, html=response.text(), js=False, context="too many starts")

    partnership_services.round_set_status(round=small.round, status="closed")
    visit(f"/i/{small.tokens[0]}/", 200, "This questionnaire is not open")
    assert re.search(r"closed", page.locator("main").inner_text())
    context.close()

"""Every public page in a real browser: accessible, valid, right language, no JS needed."""

from __future__ import annotations

import pytest

PAGES = [
    ("/", "How well do we really work together?"),
    ("/accessibility/", "Accessibility statement for Stack Up"),
    ("/privacy/", "Privacy notice"),
    ("/cookies/", "Cookies"),
    ("/account/sign-in/", "Sign in"),
]


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def any_page(request, browser):
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    page.js_enabled = request.param
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_public_page_is_accessible_and_valid(any_page, live_server, check_page, path, heading):
    response = any_page.goto(live_server.url + path)
    assert response.status == 200
    assert any_page.locator("h1").inner_text() == heading
    assert any_page.locator("html").get_attribute("lang") == "en-GB"
    # The layout: skip link, service name, beta banner, footer links.
    assert any_page.locator("a.govuk-skip-link").get_attribute("href") == "#main-content"
    assert any_page.locator(".govuk-generic-header").inner_text().strip() == "Stack Up"
    assert "Beta" in any_page.locator(".govuk-phase-banner").inner_text()
    footer = any_page.locator("footer")
    for link in ("Accessibility statement", "Privacy notice", "Cookies"):
        assert footer.get_by_role("link", name=link).count() == 1
    # No crown, no GOV.UK branding, no web fonts.
    assert "govuk-crest" not in response.text()
    assert "GOV.UK" not in any_page.title()
    check_page(any_page, html=response.text(), js=any_page.js_enabled)


@pytest.mark.django_db(transaction=True)
def test_welsh_pages_say_they_are_welsh(page, live_server, check_page):
    response = page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cymraeg").click()
    assert page.url == live_server.url + "/cy/"
    assert page.locator("html").get_attribute("lang") == "cy"
    # Untranslated strings fall back to English, and the way back is offered.
    assert page.get_by_role("link", name="English").count() == 1
    response = page.goto(live_server.url + "/cy/privacy/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "cy"
    check_page(page, html=response.text())


@pytest.mark.django_db(transaction=True)
def test_missing_page_is_a_helpful_404(page, live_server, check_page):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    check_page(page, html=response.text())


@pytest.mark.django_db(transaction=True)
def test_sign_in_errors_follow_govuk_pattern(page, live_server, check_page):
    page.goto(live_server.url + "/account/sign-in/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    # The summary takes focus, and its first link moves focus to the field.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    check_page(page)

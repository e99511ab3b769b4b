"""Signing in and resetting a password in a real browser: accessible, valid, GOV.UK errors."""

from __future__ import annotations

import re

import pytest
from django.core import mail

EMAIL = "sam@example.org"
PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "plum-orchard-lantern"


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user(EMAIL, PASSWORD)


def _sign_in(page, base, email, password):
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _follow_first_error(page, name: str, field_id: str) -> None:
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name=name).click()
    assert page.evaluate("document.activeElement.id") == field_id


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_out_with_the_right_password(page, live_server, account):
    _sign_in(page, live_server.url, EMAIL, PASSWORD)
    page.wait_for_url(live_server.url + "/partnerships/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.locator("h1").inner_text() == "You have signed out"


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_the_wrong_password_says_so(page, live_server, check_page, account):
    _sign_in(page, live_server.url, EMAIL, "not-the-password")
    _follow_first_error(page, "Enter a correct email address and password", "id_username")
    assert page.get_by_role("button", name="Sign out").count() == 0
    check_page(page)


@pytest.mark.django_db(transaction=True)
def test_password_reset_journey(page, live_server, check_page, account, settings):
    settings.STACKUP_BASE_URL = live_server.url
    mail.outbox.clear()

    # Ask for a link: the form, its error state, then the "check your email" page.
    page.goto(live_server.url + "/account/sign-in/")
    with page.expect_navigation():
        page.get_by_role("link", name="Forgotten your password?").click()
    assert page.locator("h1").inner_text() == "Reset your password"
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the link").click()
    _follow_first_error(page, "Enter your email address", "id_email")
    check_page(page)
    page.get_by_label("Email address").fill(EMAIL)
    with page.expect_navigation():
        page.get_by_role("button", name="Send the link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    check_page(page)

    # Open the emailed link: choose a password, with errors first.
    assert len(mail.outbox) == 1
    link = re.search(r"^(http\S+/password-reset/\S+)$", mail.outbox[0].body, re.M).group(1)
    assert link.startswith(live_server.url + "/account/password-reset/")
    page.goto(link)
    assert page.url.endswith("/set-password/")
    assert page.locator("h1").inner_text() == "Set a new password"
    assert page.locator("#id_new_password1").get_attribute("autocomplete") == "new-password"
    check_page(page)
    page.locator("#id_new_password1").fill("short-pw")
    page.locator("#id_new_password2").fill("short-pw")
    with page.expect_navigation():
        page.get_by_role("button", name="Set password").click()
    _follow_first_error(page, "Password must be 12 characters or more", "id_new_password1")
    check_page(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Set password").click()
    assert page.locator("h1").inner_text() == "Your password is set"
    check_page(page)

    # The link is spent.
    page.goto(link)
    assert page.locator("h1").inner_text() == "This link does not work"
    check_page(page)

    # The new password works.
    page.goto(live_server.url + "/account/password-reset/done/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/partnerships/")
    assert page.get_by_role("button", name="Sign out").is_visible()


@pytest.mark.django_db(transaction=True)
def test_lock_out_page_is_accessible(page, live_server, check_page, account):
    for _ in range(4):
        _sign_in(page, live_server.url, EMAIL, "not-the-password")
    with page.expect_response(
        lambda r: r.url.endswith("/account/sign-in/") and r.request.method == "POST"
    ) as answer:
        _sign_in(page, live_server.url, EMAIL, "not-the-password")
    assert answer.value.status == 429
    assert page.locator("h1").inner_text() == "You cannot sign in at the moment"
    assert not page.title().startswith("Error:")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="reset your password").click()
    assert page.locator("h1").inner_text() == "Reset your password"

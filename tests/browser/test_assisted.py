"""Assisted entry in a real browser: a helper keys in a paper response from the keyboard.

JavaScript off; axe and the HTML validator on the page and on its error state.
"""

from __future__ import annotations

import pytest

from stackup.partnerships.models import Role
from stackup.responding.models import Response
from tests.partnerships.factories import PASSWORD, make_member
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "helper@example.org"


def _enter(page):
    """Send the form with the Enter key and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def test_a_helper_keys_in_a_response_with_the_keyboard_alone(browser, live_server, check_page):
    world = build_world(invitations=1)
    make_member(world.partnership, EMAIL, Role.HELPER)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    address = f"{base}/partnerships/{world.partnership.slug}/rounds/{world.round.pk}/assisted/"
    response = page.goto(address)
    assert page.locator("h1").inner_text() == "Enter a paper or phone response"
    check_page(page, html=response.text(), js=False, context="assisted entry")

    # From here on, only keys. Focus starts on the first channel (the first form control).
    page.get_by_label("Paper form").focus()
    keyboard = page.keyboard
    keyboard.press("Space")  # paper form
    keyboard.press("Tab")  # organisation: not answered
    keyboard.press("Tab")  # sector
    keyboard.press("Tab")  # role level
    keyboard.press("Tab")  # uses services
    keyboard.press("Tab")  # YV1
    keyboard.type("7")  # off the scale: an error
    keyboard.press("Tab")
    keyboard.type("d")  # YV2: don't know
    response = _enter(page)

    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "YV1: enter a number from 1 to 5, or D for don't know" in summary.inner_text()
    assert page.get_by_label("YV1", exact=False).input_value() == "7"
    assert page.get_by_label("YV2", exact=False).input_value() == "d"
    assert page.get_by_label("Paper form").is_checked()
    check_page(page, html=response.text(), js=False, context="assisted entry, error")
    assert Response.objects.count() == 0

    # Put it right from the keyboard: the error summary's link, then the box.
    page.locator(".govuk-error-summary a").first.focus()
    keyboard.press("Enter")
    assert page.url.endswith("#id_item_YV1")
    # Without JavaScript the link scrolls to the box; focus is put there to start typing.
    page.locator("#id_item_YV1").focus()
    keyboard.press("ControlOrMeta+a")  # the old answer, replaced by the new one
    keyboard.type("4")
    keyboard.press("Tab")  # YV2 keeps its d
    keyboard.press("Tab")  # comment on the first theme
    keyboard.type("Said on the phone that things are better.")
    keyboard.press("Tab")  # JW1
    keyboard.type("2")
    response = _enter(page)

    assert "Response saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_label("YV1", exact=False).input_value() == ""
    check_page(page, html=response.text(), js=False, context="assisted entry, saved")
    saved = Response.objects.get()
    assert saved.channel == "paper"
    assert saved.answers == {"YV1": 4, "YV2": "DK", "JW1": 2}
    assert saved.comments == {"voice": "Said on the phone that things are better."}
    context.close()


def test_the_import_page_and_its_problems_pass_the_checks(
    browser, live_server, check_page, tmp_path
):
    world = build_world(invitations=1)
    make_member(world.partnership, "coordinator@example.org", Role.COORDINATOR)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    response = page.goto(f"{base}/partnerships/{world.partnership.slug}/import/")
    check_page(page, html=response.text(), js=False, context="import")

    bad = tmp_path / "bad.csv"
    bad.write_text("YV1,JW1,organisation\n6,3,\n3,maybe,Nowhere\n", encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_label("Which round are the responses for?").select_option("Spring 2026")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Check or import").click()
    response = navigation.value
    assert page.title().startswith("Error:")
    rows = page.locator("#problems tbody tr")
    assert rows.count() == 3
    assert "YV1" in rows.nth(0).inner_text() and "organisation" in rows.nth(2).inner_text()
    check_page(page, html=response.text(), js=False, context="import, problems")

    good = tmp_path / "good.csv"
    good.write_text("YV1,JW1\n4,3\n5,DK\n", encoding="utf-8")
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_label("I have checked the file").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Check or import").click()
    assert "2 responses imported" in page.locator(".govuk-notification-banner").inner_text()
    check_page(page, html=navigation.value.text(), js=False, context="import, done")
    assert Response.objects.count() == 2
    context.close()

"""A coordinator runs a partnership in a real browser with JavaScript off.

Every page on the way is checked with axe (zero violations) and the HTML
validator, including the round form's error state. One check with JavaScript
on makes sure the error summary takes focus and its links move focus to the
right box.
"""

from __future__ import annotations

import re

import pytest

from stackup.core.models import AuditEvent
from stackup.partnerships.models import Membership, Organisation, Round
from tests.browser.helpers import banner, follow, heading, sign_in, submit
from tests.partnerships.factories import make_member, make_partnership

EMAIL = "coordinator@example.org"


@pytest.fixture
def partnership(transactional_db):
    from tests.partnerships.factories import ensure_shipped_frameworks

    ensure_shipped_frameworks()
    partnership = make_partnership("riverside", "Riverside Together", "Riverside")
    make_member(partnership, EMAIL, "coordinator")
    return partnership


def test_coordinator_journey_without_javascript(no_js, live_server, check_page, partnership):
    page = no_js
    base = live_server.url
    sign_in(page, base, EMAIL)

    # Your partnerships → the partnership.
    response = follow(page, "Your partnerships")
    assert heading(page) == "Your partnerships"
    check_page(page, html=response.text(), js=False)
    response = follow(page, "Riverside Together")
    assert heading(page) == "Riverside Together"
    check_page(page, html=response.text(), js=False)

    # Add an organisation: errors first, then success.
    response = follow(page, "Add an organisation")
    check_page(page, html=response.text(), js=False)
    response = submit(page, "Add organisation")
    assert page.title().startswith("Error:")
    assert "Enter the organisation's name" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, html=response.text(), js=False, context="organisation form, errors")
    page.get_by_label("Organisation name").fill("Riverside Council")
    page.get_by_label("Council", exact=True).check()
    response = submit(page, "Add organisation")
    assert heading(page) == "Member organisations"
    assert "Riverside Council added" in banner(page)
    check_page(page, html=response.text(), js=False)
    assert Organisation.objects.filter(name="Riverside Council", sector="council").exists()

    # Add a person: the link to set a password is shown once.
    page.goto(f"{base}/partnerships/riverside/people/")
    check_page(page, js=False, context="people")
    response = follow(page, "Add a person")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Email address").fill("viewer@example.org")
    page.get_by_label("Viewer", exact=True).check()
    response = submit(page, "Add person")
    assert heading(page) == "Give them this link"
    assert "/account/password-reset/" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False)
    assert Membership.objects.filter(user__email="viewer@example.org", role="viewer").exists()

    # Set up a round: the error state, then a good one.
    page.goto(f"{base}/partnerships/riverside/")
    response = follow(page, "Set up a round")
    assert heading(page) == "Set up a round"
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Round name").fill("Spring 2026")
    page.locator("#id_opens_on").fill("31")
    page.locator("#id_opens_on-month").fill("2")
    page.locator("#id_opens_on-year").fill("2026")
    page.get_by_label("Minimum group size").fill("2")
    response = submit(page, "Set up round")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Opening date must be a real date" in summary
    assert "Minimum group size must be 3 or more" in summary
    check_page(page, html=response.text(), js=False, context="round form, errors")
    assert not Round.objects.exists()

    page.locator("#id_opens_on").fill("2")
    page.locator("#id_opens_on-month").fill("3")
    page.locator("#id_closes_on").fill("27")
    page.locator("#id_closes_on-month").fill("3")
    page.locator("#id_closes_on-year").fill("2026")
    page.get_by_label("Minimum group size").fill("5")
    page.get_by_label("Yes", exact=True).check()
    response = submit(page, "Set up round")
    assert heading(page) == "Spring 2026"
    assert "set up as a draft" in banner(page)
    main = page.locator("main").inner_text()
    assert "2 March 2026" in main and "27 March 2026" in main
    round_ = Round.objects.get(name="Spring 2026")
    assert round_.open_code in main
    check_page(page, html=response.text(), js=False)

    # Change a setting.
    response = follow(page, "Change minimum group size")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Minimum group size").fill("6")
    submit(page, "Save settings")
    assert "are saved" in banner(page)
    round_.refresh_from_db()
    assert round_.min_group_size == 6

    # Open it, through the confirmation page.
    response = follow(page, "Open the round")
    assert heading(page) == "Are you sure you want to open Spring 2026?"
    check_page(page, html=response.text(), js=False)
    response = submit(page, "Open the round")
    assert "Spring 2026 is open" in banner(page)
    check_page(page, html=response.text(), js=False, context="round, open")
    round_.refresh_from_db()
    assert round_.status == "open"

    # Response rates.
    response = follow(page, "Response rates by organisation and sector")
    assert heading(page) == "Response rates"
    assert "Riverside Council" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False)

    # The audit log shows every step, newest first.
    page.goto(f"{base}/partnerships/riverside/")
    response = follow(page, "Read the audit log")
    assert heading(page) == "Audit log"
    rows = page.locator("tbody tr").all_inner_texts()
    assert "Moved round Spring 2026 from draft to open" in rows[0]
    assert EMAIL in rows[0]
    assert any("Added organisation Riverside Council" in row for row in rows)
    check_page(page, html=response.text(), js=False)
    assert AuditEvent.objects.filter(actor__email=EMAIL).count() == 5


def test_remaining_pages_without_javascript(no_js, live_server, check_page, partnership):
    """The pages the journey above does not reach: remove and change role, close, the list."""
    page = no_js
    base = live_server.url
    make_member(partnership, "helper@example.org", "helper")
    sign_in(page, base, EMAIL)
    page.goto(f"{base}/partnerships/riverside/people/")
    response = follow(page, "Change role of helper@example.org")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Viewer", exact=True).check()
    submit(page, "Save role")
    assert "helper@example.org now has the role viewer" in banner(page)

    response = follow(page, "Remove helper@example.org")
    assert heading(page) == "Are you sure you want to remove helper@example.org?"
    check_page(page, html=response.text(), js=False)
    submit(page, "Remove helper@example.org")
    assert "no longer has a role" in banner(page)
    assert not Membership.objects.filter(user__email="helper@example.org").exists()

    response = page.goto(f"{base}/partnerships/riverside/people/added/")
    assert heading(page) == "The link is no longer shown"
    check_page(page, html=response.text(), js=False)

    response = page.goto(f"{base}/partnerships/riverside/organisations/")
    check_page(page, html=response.text(), js=False)


def test_error_summary_takes_focus_and_links_to_the_boxes(page, live_server, partnership):
    """With JavaScript on, GOV.UK Frontend focuses the summary; each link focuses its box."""
    sign_in(page, live_server.url, EMAIL)
    page.goto(f"{live_server.url}/partnerships/riverside/rounds/new/")
    page.locator("#id_opens_on").fill("1")
    page.locator("#id_opens_on-year").fill("2026")
    page.get_by_label("Minimum group size").fill("")
    submit(page, "Set up round")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary = page.locator(".govuk-error-summary")
    links = summary.get_by_role("link").all_inner_texts()
    assert links[0] == "Enter a name for the round"
    summary.get_by_role("link", name="Enter a name for the round").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    # A date with its month missing: the link lands in the month box.
    summary.get_by_role("link", name="Opening date must include a month").click()
    assert page.evaluate("document.activeElement.name") == "opens_on-month"
    summary.get_by_role("link", name="Enter the minimum group size").click()
    assert page.evaluate("document.activeElement.id") == "id_min_group_size"
    assert re.search(
        r"Enter the minimum group size", page.locator("#id_min_group_size-error").inner_text()
    )

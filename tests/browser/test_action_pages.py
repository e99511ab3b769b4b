"""The action plan, benefits tracker and risk register in a real browser, JavaScript off.

Every kind of page is checked with axe (zero violations) and the HTML
validator, including the action form's error state.
"""

from __future__ import annotations

import pytest

from stackup.actions.models import Action, ActionNote, BenefitClaim, Risk
from tests.browser.helpers import banner, follow, heading, sign_in, submit
from tests.partnerships.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_round,
)

EMAIL = "coordinator@example.org"


@pytest.fixture
def partnership(transactional_db):
    from tests.partnerships.factories import ensure_shipped_frameworks

    ensure_shipped_frameworks()
    partnership = make_partnership("riverside", "Riverside Together", "Riverside")
    make_member(partnership, EMAIL, "coordinator")
    make_organisation(partnership, "Riverside Council", "council")
    make_organisation(partnership, "Riverside NHS Trust", "nhs")
    make_round(partnership, "Spring 2026")
    return partnership


def test_action_plan_journey_without_javascript(no_js, live_server, check_page, partnership):
    page = no_js
    base = live_server.url
    sign_in(page, base, EMAIL)
    page.goto(f"{base}/partnerships/riverside/")
    # The partnership's page, with its new links.
    check_page(page, js=False, context="partnership with links to the action plan")

    # The action plan, empty.
    response = follow(page, "Action plan")
    assert heading(page) == "Action plan"
    assert "There are no actions yet." in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="action plan, empty")

    # Add an action: the error state first.
    response = follow(page, "Add an action")
    assert heading(page) == "Add an action"
    check_page(page, html=response.text(), js=False)
    page.locator("#id_due_on").fill("31")
    page.locator("#id_due_on-month").fill("2")
    page.locator("#id_due_on-year").fill("2026")
    response = submit(page, "Save action")
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter what will be done" in summary
    assert "Due date must be a real date" in summary
    check_page(page, html=response.text(), js=False, context="action form, errors")
    assert not Action.objects.exists()

    page.get_by_label("Action", exact=True).fill("Hold partnership meetings in the evening")
    page.get_by_label("Why").fill("People who use services cannot come in office hours.")
    page.get_by_label("Theme").select_option(label="Appreciating the service user's perspective")
    page.get_by_label("Owner organisation").select_option(label="Riverside Council")
    page.get_by_label("Lead person").fill("Community Engagement Manager")
    page.locator("#id_due_on").fill("30")
    page.locator("#id_due_on-month").fill("6")
    page.get_by_label("In progress").check()
    page.get_by_label("Yes", exact=True).check()
    response = submit(page, "Save action")
    assert heading(page) == "Hold partnership meetings in the evening"
    assert "Action added" in banner(page)
    assert "30 June 2026" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="action")

    # A progress note.
    response = follow(page, "Add a progress note")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Progress note").fill("First evening meeting held: 34 came.")
    response = submit(page, "Add note")
    assert "Progress note added" in banner(page)
    assert "34 came" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="action with a note")
    assert ActionNote.objects.count() == 1

    # Change it.
    response = follow(page, "Change this action")
    assert heading(page) == "Change the action"
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Done").check()
    submit(page, "Save action")
    assert "Action saved" in banner(page)
    assert Action.objects.get().status == "done"

    # The list, filtered.
    response = follow(page, "Action plan")
    assert "1 action" in page.locator("caption").first.inner_text()
    check_page(page, html=response.text(), js=False, context="action plan")
    page.locator("#id_status").select_option(label="Done")
    response = submit(page, "Filter")
    assert "1 action matches" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="action plan, filtered")

    # The printable version.
    response = follow(page, "Printable action plan, for board papers")
    assert "Hold partnership meetings in the evening" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="action plan, print")

    # Delete, after a confirmation.
    page.goto(f"{base}/partnerships/riverside/actions/{Action.objects.get().pk}/")
    response = follow(page, "Delete this action")
    assert heading(page) == "Are you sure you want to delete this action?"
    check_page(page, html=response.text(), js=False)
    submit(page, "Delete action")
    assert "Action deleted" in banner(page)
    assert not Action.objects.exists()


def test_benefits_risks_and_public_page_without_javascript(
    no_js, live_server, check_page, partnership
):
    page = no_js
    base = live_server.url
    sign_in(page, base, EMAIL)

    # Benefits: the list, the form's error state, a saved claim.
    page.goto(f"{base}/partnerships/riverside/")
    response = follow(page, "Benefits")
    assert heading(page) == "Benefits"
    check_page(page, html=response.text(), js=False, context="benefits")
    response = follow(page, "Change Wider reach or new beneficiary groups")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Emerging").check()
    page.get_by_label("What the partnership claims").fill("We reach two new groups.")
    page.get_by_label("Links to evidence").fill("javascript:alert(1)")
    response = submit(page, "Save")
    assert "Link 1 must be a web address" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, html=response.text(), js=False, context="benefit form, errors")
    page.get_by_label("Links to evidence").fill("https://www.example.org/report")
    response = submit(page, "Save")
    assert "Saved" in banner(page)
    check_page(page, html=response.text(), js=False, context="benefits with a claim")
    assert BenefitClaim.objects.get().status == "emerging"

    # Risks: add one (errors first), see the warning, close it.
    page.goto(f"{base}/partnerships/riverside/")
    response = follow(page, "Risk register")
    check_page(page, html=response.text(), js=False, context="risks, empty")
    response = follow(page, "Add a risk")
    check_page(page, html=response.text(), js=False)
    response = submit(page, "Save risk")
    assert "Enter the risk" in page.locator(".govuk-error-summary").inner_text()
    check_page(page, html=response.text(), js=False, context="risk form, errors")
    page.get_by_label("Risk", exact=True).fill("The partnership rests on two leaders")
    page.locator("input[name=likelihood][value='4']").check()
    page.locator("input[name=impact][value='5']").check()
    page.locator("input[name=key_leader_dependency][value=yes]").check()
    response = submit(page, "Save risk")
    assert "Risk added" in banner(page)
    assert "depends on a few key leaders" in page.locator("main").inner_text()
    check_page(page, html=response.text(), js=False, context="risks")
    assert Risk.objects.get().score == 20
    response = follow(page, "Close The partnership rests on two leaders")
    check_page(page, html=response.text(), js=False)
    submit(page, "Close risk")
    assert Risk.objects.get().status == "closed"

    # The public page switch.
    page.goto(f"{base}/partnerships/riverside/")
    response = follow(page, "Switch the public “you said, we did” page on or off")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Yes", exact=True).check()
    submit(page, "Save")
    assert "The public page is switched on" in banner(page)


def test_the_action_forms_error_summary_moves_focus(page, live_server, check_page, partnership):
    """With JavaScript on, the summary takes focus and each link lands on its box."""
    base = live_server.url
    sign_in(page, base, EMAIL)
    page.goto(f"{base}/partnerships/riverside/actions/add/")
    page.locator("#id_due_on").fill("31")
    page.locator("#id_due_on-month").fill("2")
    page.locator("#id_due_on-year").fill("2026")
    submit(page, "Save action")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    check_page(page, context="action form, errors, JavaScript on")
    summary.get_by_role("link", name="Enter what will be done").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    summary.get_by_role("link", name="Due date must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "id_due_on"

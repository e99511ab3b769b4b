"""A coordinator makes, downloads, prints, emails and reminds invitations, JavaScript off.

Every page on the way passes axe (zero violations) and the HTML validator.
Emails go through the real database task queue: the page first says they are
waiting, the worker runs, and refreshing the page shows them sent.
"""

from __future__ import annotations

import csv
import re
import signal

import pytest
from django.core import mail
from django.core.management import call_command

from stackup.partnerships import services
from stackup.partnerships.models import Invitation
from tests.partnerships.factories import PASSWORD, make_member, make_partnership, make_round

EMAIL = "coordinator@example.org"


@pytest.fixture
def round_(transactional_db):
    from tests.partnerships.factories import ensure_shipped_frameworks

    ensure_shipped_frameworks()
    partnership = make_partnership("riverside", "Riverside Together", "Riverside")
    make_member(partnership, EMAIL, "coordinator")
    services.organisation_add(partnership=partnership, name="Riverside Council", sector="council")
    return make_round(partnership, "Spring 2026")


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def submit(page, button: str):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def run_worker() -> None:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_invitations_journey_without_javascript(
    no_js, live_server, check_page, round_, settings, tmp_path
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    mail.outbox.clear()
    page = no_js
    base = live_server.url
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in")

    invitations_url = f"{base}/partnerships/riverside/rounds/{round_.pk}/invitations/"
    response = page.goto(invitations_url)
    assert heading(page) == "Invitations"
    check_page(page, html=response.text(), js=False)

    # Errors first: nothing chosen.
    response = submit(page, "Continue")
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Select how you want to give out the invitations" in summary.inner_text()
    assert summary.get_by_role("link").first.get_attribute("href") == "#id_output"
    check_page(page, html=response.text(), js=False, context="choice error")

    # A spreadsheet of 3 links for one organisation: the response is the download.
    page.get_by_label("Download a spreadsheet (CSV) of links").check()
    response = submit(page, "Continue")
    assert heading(page) == "Download a spreadsheet of links"
    check_page(page, html=response.text(), js=False, context="csv form")
    page.get_by_label("How many links?").fill("none")
    response = submit(page, "Download the spreadsheet")
    assert (
        "The number of invitations must be a whole number"
        in page.locator(".govuk-error-summary").inner_text()
    )
    check_page(page, html=response.text(), js=False, context="csv form error")
    page.get_by_label("How many links?").fill("3")
    page.get_by_label("Which organisation are these invitations for? (optional)").select_option(
        label="Riverside Council"
    )
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename == "spring-2026-invitations.csv"
    path = tmp_path / "links.csv"
    download.save_as(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["link", "organisation"]
    assert len(rows) == 4
    for link, organisation in rows[1:]:
        assert organisation == "Riverside Council"
        token = re.search(r"/i/([A-Za-z0-9_-]{32})/$", link).group(1)
        assert services.invitation_for_token(token) is not None

    # Printable slips: a page of its own, accessible and valid too.
    page.goto(invitations_url)
    page.get_by_label("Print slips").check()
    response = submit(page, "Continue")
    check_page(page, html=response.text(), js=False, context="slips form")
    page.get_by_label("How many slips?").fill("9")
    response = submit(page, "Make the slips")
    assert heading(page) == "Print your invitation slips"
    assert page.locator("li.app-slip").count() == 9
    assert page.locator("li.app-slip svg[role=img]").count() == 9
    assert page.locator("ul.app-slip-sheet").count() == 2
    check_page(page, html=response.text(), js=False, context="slips")
    assert Invitation.objects.count() == 12

    # By email: the request only queues the batch.
    page.goto(invitations_url)
    page.get_by_label("Send each person their own link by email").check()
    response = submit(page, "Continue")
    assert heading(page) == "Send invitations by email"
    check_page(page, html=response.text(), js=False, context="email form")
    page.get_by_label("Email addresses").fill("ana@example.org\nbo@example.org")
    response = submit(page, "Send the invitations")
    assert heading(page) == "Sending invitations"
    assert "waiting to be sent" in page.locator("main").inner_text()
    assert mail.outbox == []
    check_page(page, html=response.text(), js=False, context="batch queued")

    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]

    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Refresh this page").click()
    response = navigation.value
    summary = page.locator(".govuk-summary-list").inner_text()
    assert "Finished" in summary
    assert re.search(r"Sent\s+2", summary)
    check_page(page, html=response.text(), js=False, context="batch finished")

    # Reminders: the page says what happens to the old links, then sends.
    response = page.goto(invitations_url)
    assert "Reminders include a new link; the old link stops working." in page.content()
    check_page(page, html=response.text(), js=False, context="invitations with a batch")
    with page.expect_navigation() as navigation:
        # A link that looks like a button (GOV.UK gives it role=button).
        page.get_by_role("button", name="Send reminders").click()
    response = navigation.value
    assert heading(page) == "Send reminders"
    check_page(page, html=response.text(), js=False, context="reminders")
    response = submit(page, "Send reminders")
    assert heading(page) == "Sending reminders"
    mail.outbox.clear()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Refresh this page").click()
    assert "Finished" in page.locator(".govuk-summary-list").inner_text()
    check_page(page, html=navigation.value.text(), js=False, context="reminders finished")


def test_slips_print_on_a4_with_eight_to_a_page(page, live_server, round_):
    """The printed slips, as the browser lays them out for paper."""
    from django.test import Client

    client = Client()
    client.force_login(round_.partnership.memberships.get().user)
    html = client.post(
        f"/partnerships/riverside/rounds/{round_.pk}/invitations/make/",
        {"output": "slips", "slips_count": "16"},
    ).content.decode()
    page.set_content(html.replace('href="/static/', f'href="{live_server.url}/static/'))
    page.emulate_media(media="print")
    assert page.locator(".govuk-generic-header").is_hidden()
    assert page.locator("h1").is_hidden()
    boxes = [b.bounding_box() for b in page.locator("li.app-slip").all()]
    # Two across, four down on each sheet of A4 (96 px to the inch: 74 mm ≈ 280 px).
    first_page = boxes[:8]
    assert len({round(b["x"]) for b in first_page}) == 2
    assert len({round(b["y"]) for b in first_page}) == 4
    assert all(270 <= b["height"] <= 290 for b in boxes)
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 2  # 16 slips, 2 sheets


def test_with_javascript_errors_take_focus(page, live_server, check_page, round_):
    base = live_server.url
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in")
    response = page.goto(f"{base}/partnerships/riverside/rounds/{round_.pk}/invitations/")
    check_page(page, html=response.text())
    page.get_by_label("Send each person their own link by email").check()
    submit(page, "Continue")
    page.get_by_label("Email addresses").fill("ana@example.org\nnot an address")
    page.get_by_label("Message").fill("No link in this message")
    response = submit(page, "Send the invitations")
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name="Line 2 is not an email address").click()
    assert page.evaluate("document.activeElement.id") == "id_emails"
    summary.get_by_role("link", name="The message must include {link}").click()
    assert page.evaluate("document.activeElement.id") == "id_message"
    check_page(page, html=response.text())
    assert Invitation.objects.count() == 0

"""A council officer starts alone: from an empty database to an open round in the browser.

The one-time link is what `make run` prints (``stackup setup_link``); from there on,
everything happens in the browser with JavaScript off: no command line, no /admin/.
Every page on the way passes axe and the HTML checker.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from stackup.accounts.models import User
from stackup.partnerships.models import Membership, Organisation, Round
from tests.browser.helpers import banner, follow, heading, submit

EMAIL = "officer@riverside.example"
PASSWORD = "river bank heron kettle"


@pytest.fixture
def empty_site(transactional_db):
    from tests.partnerships.factories import ensure_shipped_frameworks

    ensure_shipped_frameworks()
    assert not User.objects.exists()


def test_from_an_empty_database_to_an_open_round(
    no_js, live_server, check_page, empty_site, settings
):
    settings.STACKUP_BASE_URL = live_server.url
    printed = io.StringIO()
    call_command("setup_link", "--if-needed", stdout=printed)
    link = re.search(r"http\S+", printed.getvalue()).group(0)

    page = no_js
    response = page.goto(link)
    assert heading(page) == "Set up Stack Up"
    check_page(page, html=response.text(), js=False)
    response = submit(page, "Make me the site administrator")
    assert page.title().startswith("Error:")
    check_page(page, html=response.text(), js=False, context="set-up form, errors")
    page.get_by_label("Full name").fill("Ola Officer")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    response = submit(page, "Make me the site administrator")
    assert heading(page) == "Your partnerships"
    check_page(page, html=response.text(), js=False)

    # Set up the partnership, with herself as its first coordinator.
    response = follow(page, "Set up a partnership")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Partnership name").fill("Riverside Together")
    page.get_by_label("Short name").fill("riverside")
    page.get_by_label("The first coordinator's email address").fill(EMAIL)
    response = submit(page, "Set up the partnership")
    assert heading(page) == "Riverside Together is set up"
    check_page(page, html=response.text(), js=False)
    response = follow(page, "Back to your partnerships")
    response = follow(page, "Riverside Together")
    assert heading(page) == "Riverside Together"

    # Organisations: add two, rename one, remove a mistake.
    for name, sector in [
        ("Riverside Council", "Council"),
        ("Riverside NHS Trust", "NHS"),
        ("Typo Org", "Other"),
    ]:
        page.goto(f"{live_server.url}/partnerships/riverside/organisations/add/")
        page.get_by_label("Organisation name").fill(name)
        page.get_by_label(sector, exact=True).check()
        submit(page, "Add organisation")
    assert heading(page) == "Member organisations"
    response = follow(page, "Change Riverside Council")
    check_page(page, html=response.text(), js=False)
    page.get_by_label("Organisation name").fill("Riverside Borough Council")
    response = submit(page, "Save changes")
    assert "Riverside Borough Council changed" in banner(page)
    check_page(page, html=response.text(), js=False, context="organisations, manage")
    response = follow(page, "Remove Typo Org")
    assert heading(page) == "Are you sure you want to remove Typo Org?"
    check_page(page, html=response.text(), js=False)
    submit(page, "Remove Typo Org")
    assert "Typo Org removed" in banner(page)
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "Riverside Borough Council",
        "Riverside NHS Trust",
    ]

    # A round made by mistake is deleted; the real one is opened.
    for name in ("Mistake", "Spring 2027"):
        page.goto(f"{live_server.url}/partnerships/riverside/rounds/new/")
        page.get_by_label("Round name").fill(name)
        page.get_by_label("No", exact=True).check()
        submit(page, "Set up round")
        assert heading(page) == name
    page.goto(
        f"{live_server.url}/partnerships/riverside/rounds/{Round.objects.get(name='Mistake').pk}/"
    )
    response = follow(page, "Delete this draft round")
    assert heading(page) == "Are you sure you want to delete Mistake?"
    check_page(page, html=response.text(), js=False)
    submit(page, "Delete Mistake")
    assert "Mistake deleted" in banner(page)

    page.goto(
        f"{live_server.url}/partnerships/riverside/rounds/"
        f"{Round.objects.get(name='Spring 2027').pk}/"
    )
    follow(page, "Open the round")
    submit(page, "Open the round")
    assert "Spring 2027 is open" in banner(page)
    assert list(Round.objects.values_list("name", "status")) == [("Spring 2027", "open")]
    officer = User.objects.get(email=EMAIL)
    assert officer.is_superuser
    assert Membership.objects.get(user=officer).role == "coordinator"

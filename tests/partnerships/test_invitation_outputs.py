"""Making invitations in the browser: the CSV download, the printable slips, and refusals."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.urls import reverse

from stackup.accounts.models import User
from stackup.partnerships import services, tokens
from stackup.partnerships.invitation_outputs import (
    MAX_SLIPS_AT_ONCE,
    SLIPS_PER_PAGE,
    spreadsheet_safe,
)
from stackup.partnerships.models import Invitation, Role, RoundStatus
from tests.partnerships.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_round,
)

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"^" + re.escape(settings.STACKUP_BASE_URL) + r"/i/([A-Za-z0-9_-]{32})/$")


@pytest.fixture
def setup(db):
    partnership = make_partnership()
    organisation = make_organisation(partnership, "Riverside Council", "council")
    coordinator = make_member(partnership, "coordinator@example.org", Role.COORDINATOR).user
    round_ = make_round(partnership, "Spring 2026")
    return partnership, organisation, coordinator, round_


@pytest.fixture
def client_in(setup) -> Client:
    client = Client()
    client.force_login(User.objects.get(email="coordinator@example.org"))
    return client


def urls(round_) -> dict[str, str]:
    kwargs = {"slug": round_.partnership.slug, "round_id": round_.pk}
    return {
        "page": reverse("partnerships:invitations", kwargs=kwargs),
        "create": reverse("partnerships:invitations_create", kwargs=kwargs),
    }


def token_of(link: str) -> str:
    match = LINK_RE.match(link)
    assert match, f"not an invitation link: {link!r}"
    return match.group(1)


def assert_only_hashes_stored(links_tokens: list[str]) -> None:
    """No token, in any form, appears in any column of any invitation."""
    stored = " ".join(str(v) for row in Invitation.objects.values_list() for v in row)
    for token in links_tokens:
        assert token not in stored
        assert tokens.hash_token(token) in stored


# --- CSV -----------------------------------------------------------------------------------


def test_csv_download_gives_one_working_link_per_row(client_in, setup):
    _, _, _, round_ = setup
    response = client_in.post(urls(round_)["create"], {"output": "csv", "csv_count": "7"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="spring-2026-invitations.csv"')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["link", "organisation"]
    body = rows[1:]
    assert len(body) == 7
    found = [token_of(link) for link, _org in body]
    assert len(set(found)) == 7
    for token in found:
        invitation = services.invitation_for_token(token)
        assert invitation is not None and invitation.round == round_
    assert Invitation.objects.filter(round=round_).count() == 7
    assert_only_hashes_stored(found)


def test_csv_for_one_organisation_names_it_and_counts_for_it(client_in, setup):
    _, organisation, _, round_ = setup
    response = client_in.post(
        urls(round_)["create"],
        {"output": "csv", "csv_count": "3", "organisation": str(organisation.pk)},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert [org for _link, org in rows] == ["Riverside Council"] * 3
    assert Invitation.objects.filter(round=round_, organisation=organisation).count() == 3


def test_csv_cells_cannot_be_formulas(client_in, setup):
    partnership, _, _, round_ = setup
    evil = make_organisation(partnership, '=HYPERLINK("http://evil.example","x")', "other")
    response = client_in.post(
        urls(round_)["create"], {"output": "csv", "csv_count": "1", "organisation": str(evil.pk)}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_spreadsheet_safe_defuses_every_formula_start(start):
    assert spreadsheet_safe(start + "1+1") == "'" + start + "1+1"


def test_spreadsheet_safe_leaves_ordinary_text_alone():
    assert spreadsheet_safe("Riverside NHS Trust") == "Riverside NHS Trust"
    assert spreadsheet_safe("http://x/i/a-b/") == "http://x/i/a-b/"
    assert spreadsheet_safe("") == ""


# --- Slips ---------------------------------------------------------------------------------

SLIP_RE = re.compile(r'<li class="app-slip">(.*?)</li>', re.S)
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
LINK_TEXT_RE = re.compile(r'<p class="app-slip__link">([^<]+)</p>')


def test_slips_page_has_one_slip_with_a_qr_code_per_new_link(client_in, setup):
    _, _, _, round_ = setup
    count = SLIPS_PER_PAGE + 3
    response = client_in.post(urls(round_)["create"], {"output": "slips", "slips_count": count})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    slips = SLIP_RE.findall(html)
    assert len(slips) == count
    assert html.count('<ul class="app-slip-sheet"') == 2  # 8 a page
    assert "@page { size: A4" in html
    printed = []
    for slip in slips:
        assert "Riverside Together" in slip and "Spring 2026" in slip
        assert "Scan the code or type the link" in slip
        link = LINK_TEXT_RE.search(slip).group(1)
        token = token_of(link)
        assert services.invitation_for_token(token) is not None
        printed.append(token)
        svg_text = SVG_RE.search(slip).group(0)
        svg = ET.fromstring(svg_text)  # noqa: S314 - well-formed; our own output
        assert svg.get("role") == "img"
        assert svg.get("aria-label")
        # The code is exactly the printed link: the same QR code, drawn again, matches.
        expected = ET.fromstring(segno.make(link, error="m").svg_inline(omitsize=True))  # noqa: S314
        assert [p.get("d") for p in svg.iter("path") if p.get("stroke")] == [
            p.get("d") for p in expected.iter("path") if p.get("stroke")
        ]
    assert len(set(printed)) == count
    assert Invitation.objects.filter(round=round_).count() == count
    assert_only_hashes_stored(printed)


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"output": "csv", "csv_count": "0"}, "The number of invitations must be 1 or more"),
        ({"output": "csv", "csv_count": "10001"}, "You can make up to 10,000 links at once"),
        ({"output": "csv", "csv_count": "ten"}, "must be a whole number, like 25"),
        ({"output": "csv", "csv_count": "-3"}, "must be a whole number, like 25"),
        ({"output": "csv", "csv_count": "9" * 5000}, "You can make up to 10,000 links at once"),
        ({"output": "csv", "csv_count": ""}, "Enter how many invitations to make"),
        (
            {"output": "slips", "slips_count": str(MAX_SLIPS_AT_ONCE + 1)},
            f"You can print up to {MAX_SLIPS_AT_ONCE} slips at once",
        ),
        ({"csv_count": "5"}, "Select how you want to give out the invitations"),
        ({"output": "fax", "csv_count": "5"}, "Select how you want to give out the invitations"),
        ({"output": "csv", "csv_count": "5", "organisation": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_makes_nothing(client_in, setup, data, message):
    _, _, _, round_ = setup
    response = client_in.post(urls(round_)["create"], data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "<title>Error:" in html
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("output", "heading", "fields"),
    [
        ("csv", "Download a spreadsheet of links", ["csv_count", "organisation"]),
        ("slips", "Print invitation slips", ["slips_count", "organisation"]),
        ("email", "Send invitations by email", ["emails", "subject", "message", "organisation"]),
    ],
)
def test_each_choice_leads_to_its_own_form(client_in, setup, output, heading, fields):
    _, _, _, round_ = setup
    response = client_in.get(urls(round_)["create"], {"output": output})
    html = response.content.decode()
    assert response.status_code == 200
    assert f">{heading}</h1>" in html
    assert f'<input type="hidden" name="output" value="{output}">' in html
    for name in fields:
        assert f'name="{name}"' in html
    others = {"csv_count", "slips_count", "emails"} - set(fields)
    assert not any(f'name="{name}"' in html for name in others)
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("query", ["", "?output=", "?output=fax"])
def test_going_on_without_a_choice_asks_for_one(client_in, setup, query):
    _, _, _, round_ = setup
    response = client_in.get(urls(round_)["create"] + query)
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "Select how you want to give out the invitations" in html
    assert 'href="#id_output"' in html and 'id="id_output"' in html


def test_missing_csrf_token_is_refused(setup):
    _, _, _, round_ = setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(email="coordinator@example.org"))
    response = client.post(urls(round_)["create"], {"output": "csv", "csv_count": "5"})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_the_page_carries_a_csrf_token_that_works(setup):
    _, _, _, round_ = setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(email="coordinator@example.org"))
    page = client.get(urls(round_)["page"]).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        urls(round_)["create"],
        {"output": "csv", "csv_count": "2", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize("status", [RoundStatus.CLOSED, RoundStatus.PUBLISHED])
def test_a_closed_round_takes_no_new_invitations(client_in, setup, status):
    _, _, _, round_ = setup
    services.round_set_status(round=round_, status=RoundStatus.OPEN)
    services.round_set_status(round=round_, status=RoundStatus.CLOSED)
    if status == RoundStatus.PUBLISHED:
        services.round_set_status(round=round_, status=RoundStatus.PUBLISHED)
    page = client_in.get(urls(round_)["page"]).content.decode()
    assert "This round has closed, so it cannot take new invitations" in page
    assert "How do you want to give out the invitations?" not in page
    page = client_in.get(urls(round_)["create"] + "?output=csv").content.decode()
    assert "This round has closed, so it cannot take new invitations" in page
    assert 'name="csv_count"' not in page
    for data in (
        {"output": "csv", "csv_count": "3"},
        {"output": "slips", "slips_count": "3"},
    ):
        response = client_in.post(urls(round_)["create"], data)
        assert response.status_code == 200
        assert "This round has closed, so it cannot take new invitations" in (
            response.content.decode()
        )
    assert Invitation.objects.count() == 0


# --- The page and who may see it -----------------------------------------------------------


def test_the_page_counts_invitations_without_pointing_at_anyone(client_in, setup):
    _, _, _, round_ = setup
    issued = services.invitations_create(round=round_, count=12)
    Invitation.objects.filter(pk=issued[0].invitation.pk).update(used=True)
    html = client_in.get(urls(round_)["page"]).content.decode()
    assert "Invitations made" in html and ">12<" in html
    # One used link is below the round's minimum group size (5): not shown as a number;
    # nor are the 11 not used, or 12 less 11 would give it away.
    assert _summary(html) == {
        "Invitations made": "12",
        "Used": "fewer than 5",
        "Not used yet": "hidden",
    }
    assert "when one of them is hidden the other is hidden too" in html
    Invitation.objects.filter(pk__in=[i.invitation.pk for i in issued[1:6]]).update(used=True)
    html = client_in.get(urls(round_)["page"]).content.decode()
    assert _summary(html) == {"Invitations made": "12", "Used": "6", "Not used yet": "6"}
    assert "fewer than" not in html
    assert "the other is hidden too" not in html
    # 10 used and 2 not: now the 2 is small, and the 10 is hidden beside it.
    Invitation.objects.filter(pk__in=[i.invitation.pk for i in issued[6:10]]).update(used=True)
    html = client_in.get(urls(round_)["page"]).content.decode()
    assert _summary(html) == {
        "Invitations made": "12",
        "Used": "hidden",
        "Not used yet": "fewer than 5",
    }


def _summary(html: str) -> dict[str, str]:
    """The first summary list on a page: each key and the text of its value."""
    found = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        html.split("</dl>")[0],
        re.S,
    )
    return {key.strip(): re.sub(r"<[^>]+>", "", value).strip() for key, value in found}


def test_signed_out_visitors_are_sent_to_sign_in(setup):
    _, _, _, round_ = setup
    client = Client()
    response = client.get(urls(round_)["page"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    response = client.post(urls(round_)["create"], {"output": "csv", "csv_count": "3"})
    assert response.status_code == 302
    # After signing in, back to the page with the form, not to the address it posts to.
    assert response["Location"].endswith("?next=" + urls(round_)["page"])
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"), [(Role.VIEWER, 403), (Role.HELPER, 403), (Role.PARTNER_LEAD, 403)]
)
def test_other_roles_are_refused(setup, role, status):
    partnership, organisation, _, round_ = setup
    email = f"{role}@example.org"
    make_member(partnership, email, role, organisation=organisation)
    client = Client()
    client.force_login(User.objects.get(email=email))
    assert client.get(urls(round_)["page"]).status_code == status
    assert (
        client.post(urls(round_)["create"], {"output": "csv", "csv_count": "3"}).status_code
        == status
    )
    assert Invitation.objects.count() == 0


def test_another_partnerships_coordinator_gets_not_found(setup):
    _, _, _, round_ = setup
    theirs = make_partnership("hillside", "Hillside Alliance")
    make_member(theirs, "them@example.org", Role.COORDINATOR)
    their_round = make_round(theirs, "Their round")
    client = Client()
    client.force_login(User.objects.get(email="them@example.org"))
    assert client.get(urls(round_)["page"]).status_code == 404
    assert (
        client.post(urls(round_)["create"], {"output": "csv", "csv_count": "3"}).status_code == 404
    )
    # Our partnership's address with their round's id: not found either.
    mixed = reverse(
        "partnerships:invitations", kwargs={"slug": "riverside", "round_id": their_round.pk}
    )
    client.force_login(User.objects.get(email="coordinator@example.org"))
    assert client.get(mixed).status_code == 404
    assert Invitation.objects.count() == 0

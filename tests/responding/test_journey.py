"""The respondent journey through Django's test client: every step, resume, submit, refusals."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Invitation, RoundStatus
from stackup.responding import services
from stackup.responding.models import Channel, Draft, Response
from tests.responding.factories import build_world
from tests.responding.helpers import BARRIERS, step_urls, walk

pytestmark = pytest.mark.django_db

RESPONSE_FIELDS = {
    "id",
    "round",
    "channel",
    "submitted_on",
    "organisation",
    "sector",
    "role_level",
    "uses_services",
    "answers",
    "comments",
    "benefits",
    "barriers",
    "import_key",
}


def base(world, index: int = 0) -> str:
    return f"/i/{world.tokens[index]}"


def invitation(world, index: int = 0) -> Invitation:
    return Invitation.objects.get(round=world.round, token_hash__isnull=False, pk=_pk(world, index))


def _pk(world, index):
    from stackup.partnerships.tokens import hash_token

    return Invitation.objects.get(token_hash=hash_token(world.tokens[index])).pk


def draft_data(world, index: int = 0) -> dict:
    return Draft.objects.get(invitation_id=_pk(world, index)).data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- The whole journey ---------------------------------------------------------------------


def test_start_page_says_what_who_how_long_and_how_anonymous(client, world):
    response = client.get(base(world) + "/")
    assert response.status_code == 200
    page = text(response)
    assert "Riverside Together" in page
    assert "How well does Riverside Together work together?" in page
    assert "It takes about 5 minutes." in page
    assert "Your answers are anonymous" in page
    assert 'href="/privacy/"' in page
    assert "Would you like the statements in simpler words?" in page
    assert "Start now" in page
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page
    # Opening the link changes nothing: no draft, not even "started".
    assert not Draft.objects.exists()
    assert not invitation(world).started


def test_whole_journey_stores_one_anonymous_response(client, world):
    council = world.organisations[0]
    urls = walk(client, base(world), organisation_pk=council.pk)
    assert invitation(world).started
    assert not invitation(world).used

    page = text(client.get(urls["check-answers"]))
    assert "Check your answers before sending them" in page
    for expected in (
        "Riverside Borough Council",
        "Council",
        "Frontline",
        "Agree",
        "Don&#39;t know",
        "Young people are heard.",
        "Not answered",
        "Better coordination",
        "A lot",
    ):
        assert expected in page, expected

    response = client.post(urls["check-answers"])
    assert response.status_code == 302
    assert response["Location"] == "/r/sent/"
    confirmation = client.get("/r/sent/")
    assert confirmation.status_code == 200
    assert "Your answers have been sent" in text(confirmation)
    assert "govuk-panel" in text(confirmation)

    assert invitation(world).used
    assert not Draft.objects.exists()
    stored = Response.objects.get()
    assert {f.name for f in Response._meta.concrete_fields} == RESPONSE_FIELDS
    assert stored.round == world.round
    assert stored.channel == Channel.ONLINE
    assert stored.submitted_on == timezone.now().astimezone(ZoneInfo("Europe/London")).date()
    assert stored.organisation == council
    assert stored.sector == "council"
    assert stored.role_level == "frontline"
    assert stored.uses_services is False
    assert stored.answers == {"YV1": 4, "YV2": "DK"}
    assert stored.comments == {"voice": "Young people are heard."}
    assert stored.benefits == {"better_coordination": True}
    assert stored.barriers == {"short_term_funding": 3}
    assert stored.import_key is None


def test_blank_answers_are_allowed_and_dont_know_is_stored_as_dk(client, world):
    urls = walk(
        client,
        base(world),
        about={},
        voice={"item_YV2": "DK"},
        joint={},
    )
    assert client.post(urls["check-answers"]).status_code == 302
    stored = Response.objects.get()
    assert stored.answers == {"YV2": "DK"}
    assert stored.comments == {}
    assert stored.organisation is None
    assert stored.sector == ""
    assert stored.role_level == ""
    assert stored.uses_services is None


def test_rather_not_say_and_none_of_these_store_nothing(client, world):
    urls = walk(
        client,
        base(world),
        about={
            "organisation": "not_listed",
            "sector": "no_answer",
            "role_level": "no_answer",
            "uses_services": "yes",
        },
    )
    client.post(urls["check-answers"])
    stored = Response.objects.get()
    assert (stored.organisation, stored.sector, stored.role_level) == (None, "", "")
    assert stored.uses_services is True


def test_about_you_asks_only_the_rounds_questions(client, db):
    world = build_world(ask_organisation=False, ask_role_level=False)
    urls = step_urls(base(world))
    client.post(urls["start"])
    page = text(client.get(urls["about-you"]))
    assert "Which sector" in page
    assert "Do you use any" in page
    assert "Which organisation" not in page
    assert "What level is your role" not in page


def test_no_about_you_page_when_the_round_asks_nothing(client, db):
    world = build_world(
        ask_organisation=False, ask_sector=False, ask_role_level=False, ask_uses_services=False
    )
    urls = step_urls(base(world))
    response = client.post(urls["start"])
    assert response["Location"] == urls["voice"]
    assert client.get(urls["about-you"]).status_code == 404


def test_simpler_wording_shows_plain_statements(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"], {"wording": "simple"})
    client.post(urls["about-you"], {})
    page = text(client.get(urls["voice"]))
    assert "Young people help decide how youth services work." in page
    assert "Young people help decide how youth services are run." not in page
    # An item with no plain wording keeps its statement.
    assert "We ask young people for their views only after deciding." in page


def test_standard_wording_shows_the_statements(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"], {"wording": "standard"})
    client.post(urls["about-you"], {})
    page = text(client.get(urls["voice"]))
    assert "Young people help decide how youth services are run." in page
    assert "Young people help decide how youth services work." not in page


def test_no_wording_choice_when_no_statement_has_plain_wording(client, db):
    from stackup.frameworks.services import framework_store
    from tests.responding.factories import small_framework

    document = small_framework()
    document["id"] = "no-plain-wording"
    for theme in document["themes"]:
        for item in theme["items"]:
            item.pop("plain_statement", None)
    framework_store(document=document, source_name="no-plain.yaml")
    world = build_world(framework_slug="no-plain-wording")
    page = text(client.get(base(world) + "/"))
    assert "Start now" in page
    assert "simpler words" not in page
    assert client.post(base(world) + "/start/")["Location"] == base(world) + "/about-you/"


def test_theme_page_is_a_govuk_question_page(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    client.post(urls["about-you"], {})
    page = text(client.get(urls["voice"]))
    assert f'href="{urls["about-you"]}"' in page and "govuk-back-link" in page
    assert '<h1 class="govuk-heading-l">Young people&#39;s voice</h1>' in page
    # Five labelled points, the "or" divider, then Don't know; the first radio has the field's id.
    assert 'id="id_item_YV1" name="item_YV1" type="radio" value="1"' in page
    assert (
        page.index("Strongly agree")
        < page.index("govuk-radios__divider")
        < page.index('value="DK"')
    )
    assert "govuk-character-count" in page
    assert "You can enter up to 2,000 characters" in page
    assert "novalidate" in page
    # No maxlength: the limit is checked on the server, with a GOV.UK error.
    assert 'data-maxlength="2000"' in page
    assert not re.search(r"<textarea[^>]*\smaxlength=", page)


def test_change_links_return_to_check_answers(client, world):
    urls = walk(client, base(world))
    page = text(client.get(urls["check-answers"]))
    change = urls["voice"] + "?change=1"
    assert f'href="{change}"' in page
    changing = text(client.get(change))
    assert f'href="{urls["check-answers"]}"' in changing  # the back link
    response = client.post(change, {"item_YV1": "2"})
    assert response["Location"] == urls["check-answers"]
    assert draft_data(world)["answers"] == {"YV1": 2}
    assert draft_data(world)["comments"] == {}


def test_changing_the_wording_from_the_start_page(client, world):
    urls = walk(client, base(world))
    response = client.post(urls["start"] + "?change=1", {"wording": "simple"})
    assert response["Location"] == urls["check-answers"]
    assert "Young people help decide how youth services work." in text(
        client.get(urls["check-answers"])
    )


def test_resume_carries_on_where_the_person_stopped_on_any_device(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    client.post(urls["about-you"], {"sector": "housing"})
    other_device = Client()
    response = other_device.get(base(world) + "/")
    assert response.status_code == 302
    assert response["Location"] == urls["voice"]
    assert 'value="housing" checked' in text(other_device.get(urls["about-you"]))
    walk(other_device, base(world), start=False)
    assert other_device.get(base(world) + "/")["Location"] == urls["check-answers"]


def test_the_start_page_stays_reachable_after_starting(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"], {"wording": "simple"})
    page = text(client.get(urls["start"]))
    assert 'value="simple" checked' in page
    assert "Continue" in page


# --- After submitting ------------------------------------------------------------------------


def test_a_used_link_says_already_submitted_and_cannot_make_another(client, world):
    urls = walk(client, base(world))
    client.post(urls["check-answers"])
    for url in (base(world) + "/", urls["voice"], urls["check-answers"]):
        response = client.get(url)
        assert response.status_code == 200
        assert "These answers have already been sent" in text(response)
    replay = client.post(urls["check-answers"])
    assert replay.status_code == 200
    assert "These answers have already been sent" in text(replay)
    again = client.post(urls["start"])
    assert "These answers have already been sent" in text(again)
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()


def test_other_invitations_are_independent(client, world):
    urls = walk(client, base(world, 0))
    client.post(urls["check-answers"])
    other = walk(Client(), base(world, 1))
    assert Client().post(other["check-answers"]).status_code == 302
    assert Response.objects.count() == 2


def test_confirmation_page_needs_a_submission_from_this_browser(client, world):
    assert client.get("/r/sent/").status_code == 404


# --- The round's status ----------------------------------------------------------------------


def test_closing_the_round_deletes_drafts_and_the_journey_refuses(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    client.post(urls["about-you"], {})
    assert Draft.objects.count() == 1
    partnership_services.round_set_status(round=world.round, status=RoundStatus.CLOSED)
    assert not Draft.objects.exists()
    for method, url in (
        ("get", base(world) + "/"),
        ("get", urls["voice"]),
        ("post", urls["voice"]),
    ):
        response = getattr(client, method)(url, {"item_YV1": "3"} if method == "post" else None)
        assert response.status_code == 200
        assert "This questionnaire is not open" in text(response)
    assert not Draft.objects.exists()
    assert not Response.objects.exists()


def test_a_draft_round_is_not_open_yet(client, db):
    from stackup.partnerships.models import Round

    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=RoundStatus.DRAFT)
    response = client.get(base(world) + "/")
    assert "It has not opened yet" in text(response)
    client.post(base(world) + "/start/")
    assert not Draft.objects.exists()


# --- Hostile and mistaken input ----------------------------------------------------------------


@pytest.mark.parametrize("token", ["nonsense", "A" * 32, "a" * 31 + "!", "x" * 500])
def test_an_unknown_link_is_a_helpful_404(client, world, token):
    response = client.get(f"/i/{token}/")
    assert response.status_code == 404
    assert "This link does not work" in text(response)
    assert 'href="/r/"' in text(response)


def test_an_unknown_step_is_404(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    assert client.get(base(world) + "/nowhere/").status_code == 404
    assert client.get(base(world) + "/theme/no_such_theme/").status_code == 404


def test_unknown_choice_values_are_field_errors_and_change_nothing(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    client.post(urls["about-you"], {})
    before = draft_data(world)
    response = client.post(urls["voice"], {"item_YV1": "9", "item_YV2": "4"})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert 'href="#id_item_YV1"' in page
    assert "Statement 1: select one of the answers shown" in page
    assert 'id="id_item_YV1-error"' in page
    assert 'id="id_item_YV1" name="item_YV1"' in page
    assert draft_data(world) == before

    other = [
        (urls["about-you"], {"organisation": "999999"}, "#id_organisation"),
        (urls["about-you"], {"sector": "spaceflight"}, "#id_sector"),
        (urls["about-you"], {"uses_services": "maybe"}, "#id_uses_services"),
    ]
    for url, data, anchor in other:
        page = text(client.post(url, data))
        assert f'href="{anchor}"' in page, data
        assert draft_data(world) == before


def test_unknown_benefits_and_barrier_values_are_errors(client, world):
    walk(client, base(world))
    urls = step_urls(base(world))
    before = draft_data(world)
    page = text(client.post(urls["benefits"], {"benefits": ["better_coordination", "world_peace"]}))
    assert 'href="#id_benefits"' in page and "Select only the benefits shown" in page
    page = text(client.post(urls["barriers"], {"barrier_short_term_funding": "7"}))
    assert 'href="#id_barrier_short_term_funding"' in page
    assert draft_data(world) == before


def test_an_organisation_from_another_partnership_is_refused(client, world):
    other = partnership_services.partnership_create(slug="elsewhere", name="Elsewhere")
    stranger = partnership_services.organisation_add(
        partnership=other, name="Elsewhere Council", sector="council"
    )
    urls = step_urls(base(world))
    client.post(urls["start"])
    page = text(client.post(urls["about-you"], {"organisation": str(stranger.pk)}))
    assert "Select one of the answers shown" in page
    assert draft_data(world)["about"] == {}


def test_an_oversized_comment_is_an_error_and_changes_nothing(client, world):
    urls = step_urls(base(world))
    client.post(urls["start"])
    client.post(urls["about-you"], {})
    before = draft_data(world)
    page = text(client.post(urls["voice"], {"item_YV1": "5", "comment": "x" * 2001}))
    assert "<title>Error: " in page
    assert "Your comment must be 2,000 characters or fewer" in page
    assert 'href="#id_comment"' in page
    assert draft_data(world) == before
    # Line breaks count once each, as the person sees them: 2,000 characters fit.
    fits = "y" * 1000 + "\r\n" + "z" * 999
    assert client.post(urls["voice"], {"comment": fits}).status_code == 302
    assert len(draft_data(world)["comments"]["voice"]) == 2000


def test_forged_step_order_redirects_and_changes_nothing(client, world):
    urls = step_urls(base(world))
    # No draft yet: every step sends the person to the start page.
    for name in ("about-you", "voice", "check-answers"):
        response = client.post(urls[name], {"item_YV1": "5"})
        assert response["Location"] == base(world) + "/"
    assert not Draft.objects.exists()
    client.post(urls["start"])
    before = draft_data(world)
    for name in ("joint_work", "benefits", "barriers", "check-answers"):
        get = client.get(urls[name])
        assert get["Location"] == urls["about-you"], name
        post = client.post(urls[name], {"item_JW1": "5", **BARRIERS})
        assert post["Location"] == urls["about-you"], name
    assert draft_data(world) == before
    assert not Response.objects.exists()
    assert not invitation(world).used


def test_check_answers_with_no_statement_answered_is_an_error(client, world):
    urls = walk(client, base(world), voice={}, joint={})
    response = client.post(urls["check-answers"])
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert "Answer at least one statement before you send your answers" in page
    assert f'href="{urls["voice"]}?change=1"' in page
    assert not Response.objects.exists()
    assert not invitation(world).used
    assert Draft.objects.count() == 1


def test_a_missing_csrf_token_gets_the_403_page_and_changes_nothing(world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(base(world) + "/start/")
    assert response.status_code == 403
    assert "Your form could not be sent" in text(response)
    assert not Draft.objects.exists()

    urls = walk(Client(), base(world))
    response = strict.post(urls["check-answers"])
    assert response.status_code == 403
    assert not Response.objects.exists()
    assert not invitation(world).used


def test_submit_checks_the_answers_against_the_framework_again(client, world):
    urls = walk(client, base(world))
    draft = Draft.objects.get()
    for tampered in (
        {"answers": {"YV1": 4, "NOT_AN_ITEM": 3}},
        {"answers": {"YV1": 6}},
        {"answers": {"YV1": True}},
        {"barriers": {"short_term_funding": 9}},
        {"benefits": ["world_peace"]},
        {"comments": {"voice": "x" * 2001}},
        {"about": {"sector": "spaceflight"}},
    ):
        Draft.objects.filter(pk=draft.pk).update(data={**draft.data, **tampered})
        response = client.post(urls["check-answers"])
        assert response.status_code == 200, tampered
        assert "Some answers could not be saved" in text(response), tampered
        assert not Response.objects.exists()
        assert not invitation(world).used


def test_the_draft_records_started_without_a_race(world):
    inv = invitation(world)
    services.draft_start_for_invitation(invitation=inv, simple=False)
    services.draft_start_for_invitation(invitation=inv, simple=True)
    assert Draft.objects.count() == 1
    assert invitation(world).started
    assert Draft.objects.get().data["simple"] is True


def test_submission_date_is_the_day_in_london(monkeypatch, client, world):
    # 23:30 UTC on 30 June is already 1 July in London (summer time).
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: late)
    urls = walk(client, base(world))
    client.post(urls["check-answers"])
    assert Response.objects.get().submitted_on == dt.date(2026, 7, 1)


# --- The open link ---------------------------------------------------------------------------


def test_the_code_page_takes_a_typed_code_tolerantly(client, world):
    code = world.round.open_code
    page = client.get("/r/")
    assert page.status_code == 200
    assert "Enter your code" in text(page)
    typed = code.lower().replace("-", " ")
    response = client.get("/r/", {"code": f"  {typed} "})
    assert response["Location"] == f"/r/{code}/"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the code you were given"),
        ("K7Q", "Enter the code exactly as it is written"),
        ("OOOO-OOOO", "Enter the code exactly as it is written"),
        ("ABCD-EFGH", "There is no questionnaire with this code"),
    ],
)
def test_the_code_page_explains_a_wrong_code(client, world, typed, message):
    response = client.get("/r/", {"code": typed})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert message in page
    assert 'href="#id_code"' in page


def test_an_open_link_in_another_case_redirects_to_the_canonical_one(client, world):
    code = world.round.open_code
    response = client.get(f"/r/{code.lower().replace('-', '')}/")
    assert response["Location"] == f"/r/{code}/"


def test_an_open_link_that_is_switched_off_is_404(client, db):
    world = build_world(open_link=False)
    assert client.get("/r/ABCD-EFGH/").status_code == 404
    assert world.round.open_code is None


def test_the_open_link_gives_each_person_their_own_resume_link(client, world):
    code = world.round.open_code
    start = client.get(f"/r/{code}/")
    assert start.status_code == 200
    assert "Start now" in text(start)
    assert not Draft.objects.exists()

    response = client.post(f"/r/{code}/")
    assert response.status_code == 302
    match = re.fullmatch(r"/r/resume/([A-Za-z0-9_-]{32})/about-you/", response["Location"])
    assert match, response["Location"]
    token = match.group(1)
    draft = Draft.objects.get()
    assert draft.invitation is None
    assert draft.resume_token_hash and token not in draft.resume_token_hash

    page = text(client.get(response["Location"]))
    assert "Save this link to come back later" in page
    assert f"http://testserver/r/resume/{token}/" in page

    # A second person gets a second draft and link.
    second = Client().post(f"/r/{code}/")
    assert second["Location"] != response["Location"]
    assert Draft.objects.count() == 2

    # No cookie is needed to carry on: a new browser with the link goes to the right step.
    carry_on = Client().get(f"/r/resume/{token}/")
    assert carry_on["Location"] == f"/r/resume/{token}/about-you/"

    urls = walk(client, f"/r/resume/{token}", start=False)
    assert client.post(urls["check-answers"])["Location"] == "/r/sent/"
    assert Response.objects.count() == 1
    assert Draft.objects.count() == 1  # the second person's

    gone = client.get(f"/r/resume/{token}/")
    assert gone.status_code == 404
    assert "This link no longer works" in text(gone)
    replay = client.post(urls["check-answers"])
    assert replay.status_code == 200
    assert "These answers have already been sent" in text(replay)
    assert Response.objects.count() == 1


def test_an_unknown_resume_link_is_404(client, world):
    assert client.get("/r/resume/" + "B" * 32 + "/").status_code == 404
    assert client.get("/r/resume/short/voice/").status_code == 404


@override_settings(STACKUP_OPEN_LINK_STARTS_PER_HOUR=3)
def test_new_open_link_drafts_are_limited_per_address(client, world):
    code = world.round.open_code
    for _ in range(3):
        assert client.post(f"/r/{code}/", REMOTE_ADDR="203.0.113.7").status_code == 302
    refused = client.post(f"/r/{code}/", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many people have started from your connection" in text(refused)
    assert Draft.objects.count() == 3
    # Another address is not held back, and reading the start page is never limited.
    assert client.post(f"/r/{code}/", REMOTE_ADDR="198.51.100.2").status_code == 302
    assert client.get(f"/r/{code}/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_limit_keeps_no_address(world):
    from django.db import connection

    Client().post(f"/r/{world.round.open_code}/", REMOTE_ADDR="203.0.113.7")
    # The cache is a database table shared by every server: read all of it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM stackup_cache")
        rows = cursor.fetchall()
    assert rows
    assert not any("203.0.113.7" in f"{key} {value}" for key, value in rows)


# --- Language ----------------------------------------------------------------------------------


def test_the_journey_is_offered_in_welsh(client, world):
    urls = step_urls("/cy" + base(world))
    response = client.get("/cy" + base(world) + "/")
    assert response.status_code == 200
    assert '<html lang="cy"' in text(response)
    client.post(urls["start"])
    assert client.post(urls["about-you"], {})["Location"] == urls["voice"]
    page = text(client.get(urls["voice"]))
    # The framework is in English: its wording is marked so, inside the Welsh page.
    assert '<span lang="en">Young people help decide how youth services are run.</span>' in page
    english = text(client.get(base(world) + "/theme/voice/"))
    assert '<html lang="en-GB"' in english
    assert 'lang="en">Young people' not in english

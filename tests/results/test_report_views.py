"""The web report of a round's results: every page, who may see it, and what it never shows."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from stackup.partnerships.models import RoundStatus
from stackup.results import presentation
from stackup.results.document import previous_round, results_document
from tests.partnerships.factories import build_world, make_round
from tests.results.report_data import (
    COMMENT,
    COMMENTED_THEME,
    FEW_COMMENTS_THEME,
    REPORT_PAGES,
    SMALL_GROUP_TEXTS,
    respond,
    respond_few,
)

PAGES = REPORT_PAGES
THEMES = ["service_user_perspective", "common_purpose", "whole_system", "sharing_power"]
HIDDEN = "Hidden to protect anonymity"
MAIN = re.compile(r"<main\b.*?</main>", re.S)


def urls(round_, *, themes=THEMES) -> list[str]:
    kwargs = {"slug": round_.partnership.slug, "round_id": round_.pk}
    return [reverse(f"results:{name}", kwargs=kwargs) for name in PAGES] + [
        reverse("results:theme", kwargs={**kwargs, "theme_id": theme}) for theme in themes
    ]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def main_of(response) -> str:
    return MAIN.search(response.content.decode()).group(0)


def standalone(text: str) -> re.Pattern:
    """``text`` as a number on its own, not part of a longer one (1.3 but not 31.3 or 1.35)."""
    return re.compile(r"(?<![\d.,])" + re.escape(text) + r"(?![\d])")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def published(world):
    """Our round, answered (with a group of three people who use services) and published."""
    world.round = respond(world.round)
    return world


# --- Every page renders the document's numbers ---------------------------------------------


@pytest.mark.django_db
def test_every_page_renders_for_a_published_round(published):
    client = client_for(published.coordinator)
    document = results_document(published.round)
    for url in urls(published.round):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Results are not ready yet" not in body
        # The report's navigation marks the page it is on.
        assert body.count('aria-current="page"') <= 1
    overview = main_of(client.get(urls(published.round)[0]))
    for theme in document["themes"]:
        assert presentation.number(theme["mean"]) in overview
        assert presentation.band_label(theme["band"]) in overview
        assert f"{theme['ci95_low']:.2f} to {theme['ci95_high']:.2f}" in overview
    assert "40 people answered this round." in overview
    # The slot for the downloads is there, ahead of the theme cards.
    assert overview.index("Theme scores") > 0


@pytest.mark.django_db
def test_the_theme_page_shows_each_statement_and_its_dont_know_share(published):
    client = client_for(published.coordinator)
    document = results_document(published.round)
    page = main_of(client.get(urls(published.round)[len(PAGES) + 2]))  # whole_system
    items = [i for i in document["items"] if i["theme"] == "whole_system"]
    for item in items:
        assert document["labels"]["items"][item["id"]]["statement"] in page
        assert f"{presentation.share(item['dont_know_share'])} ({item['n_dont_know']})" in page
    # The reverse-keyed statement is named as turned round.
    assert "worded the other way round (WS5)" in page


@pytest.mark.django_db
def test_comments_show_only_for_themes_with_enough_of_them(published):
    page = main_of(client_for(published.coordinator).get(urls(published.round)[6]))
    assert f"{COMMENT} (1)" in page
    assert f"{COMMENT} (12)" in page
    assert "Too few to show" not in page
    assert "Fewer than 10 people commented on this theme, so comments are not shown." in page
    sections = page.split('<h2 class="govuk-heading-m">')
    labels = results_document(published.round)["labels"]["themes"]
    commented = next(s for s in sections if s.startswith(labels[COMMENTED_THEME]["title"]))
    few = next(
        s
        for s in sections
        if s.startswith(labels[FEW_COMMENTS_THEME]["title"].replace("'", "&#39;"))
    )
    assert "Fewer than" not in commented
    assert "Fewer than 10 people" in few


# --- Anonymity ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_small_groups_mean_appears_on_no_page(published):
    document = results_document(published.round, compare_to=previous_round(published.round))
    statuses = {
        (g["group"], g["status"]) for g in document["groups"] if g["theme"] == "sharing_power"
    }
    assert ("service_user", "suppressed_primary") in statuses
    assert ("nhs", "suppressed_complementary") in statuses

    client = client_for(published.coordinator)
    for url in urls(published.round, themes=[t["id"] for t in document["themes"]]):
        body = client.get(url).content.decode()
        for text in SMALL_GROUP_TEXTS:
            assert not standalone(text).search(body), f"{text} on {url}"
    perspectives = main_of(client.get(urls(published.round)[1]))
    # Both hidden groups read the same: nothing says which one was the small one.
    hidden = [g for g in document["groups"] if g["status"].startswith("suppressed")]
    assert len(hidden) >= 2 * len(document["themes"])
    assert perspectives.count(HIDDEN) == len(hidden)
    assert "complementary" not in perspectives.lower()
    assert "Not compared: too few people to protect anonymity" in perspectives


@pytest.mark.django_db
def test_a_round_with_too_few_people_shows_only_a_notice(world):
    round_ = respond_few(world.round, count=3)
    client = client_for(world.coordinator)
    for url in urls(round_)[:-4]:
        response = client.get(url)
        assert response.status_code == 200
        main = main_of(response)
        if "methodology" in url:
            continue
        assert "No results are shown for this round" in main
        assert not re.search(r"\d\.\d|\d%", main), url


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.OPEN])
@pytest.mark.django_db
def test_a_round_without_results_says_when_they_come_and_shows_no_numbers(world, status):
    round_ = world.round
    if status == RoundStatus.OPEN:
        round_ = respond(round_, status=RoundStatus.OPEN)
    for url in urls(round_):
        # Viewers see published rounds only.
        assert client_for(world.viewer).get(url).status_code == 403
    for user in (world.coordinator, world.partner_lead):
        client = client_for(user)
        for url in urls(round_):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            main = main_of(response)
            if "methodology" in url:
                continue
            assert "Results appear once the round is closed" in main
            assert not re.search(r"\d\.\d|\d%", main), url
            assert "Hidden" not in main


# --- Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (RoundStatus.PUBLISHED, "coordinator", 200),
        (RoundStatus.PUBLISHED, "partner_lead", 200),
        (RoundStatus.PUBLISHED, "viewer", 200),
        (RoundStatus.PUBLISHED, "helper", 403),
        (RoundStatus.PUBLISHED, "other_coordinator", 404),
        (RoundStatus.CLOSED, "coordinator", 200),
        (RoundStatus.CLOSED, "partner_lead", 200),
        (RoundStatus.CLOSED, "viewer", 403),
        (RoundStatus.CLOSED, "helper", 403),
        (RoundStatus.CLOSED, "other_coordinator", 404),
    ],
)
@pytest.mark.django_db
def test_who_sees_the_results(world, status, role, expected):
    round_ = respond(world.round, status=status)
    client = client_for(getattr(world, role))
    for url in urls(round_, themes=THEMES[:1]):
        response = client.get(url)
        assert response.status_code == expected, url
        body = response.content.decode()
        if expected != 200:
            assert presentation.number(results_document(round_)["themes"][0]["mean"]) not in body
            assert world.round.name not in body or role != "other_coordinator"
    if expected == 200 and status == RoundStatus.CLOSED:
        assert "These results are not published yet" in client.get(urls(round_)[0]).content.decode()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(published):
    for url in urls(published.round, themes=THEMES[:1]):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/?next=")


@pytest.mark.django_db
def test_another_partnerships_round_or_an_unknown_theme_is_not_found(published):
    other = respond(published.other_round)
    client = client_for(published.coordinator)
    ours = {"slug": published.partnership.slug}
    for name in PAGES:
        url = reverse(f"results:{name}", kwargs={**ours, "round_id": other.pk})
        response = client.get(url)
        assert response.status_code == 404
        assert other.name not in response.content.decode()
    unknown = reverse(
        "results:theme",
        kwargs={**ours, "round_id": published.round.pk, "theme_id": "no_such_theme"},
    )
    assert client.get(unknown).status_code == 404


@pytest.mark.django_db
def test_pages_refuse_a_post(published):
    response = client_for(published.coordinator).post(urls(published.round)[0])
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_results_index_lists_what_each_role_may_read(world):
    closed = respond(world.round, status=RoundStatus.CLOSED)
    published_round = respond(make_round(world.partnership, "Autumn 2025"))
    url = reverse("results:index", kwargs={"slug": world.partnership.slug})
    coordinator = client_for(world.coordinator).get(url).content.decode()
    viewer = client_for(world.viewer).get(url).content.decode()
    assert f"Results of {closed.name}" in coordinator
    assert f"Results of {published_round.name}" in coordinator
    assert f"Results of {published_round.name}" in viewer
    assert f"Results of {closed.name}" not in viewer
    assert client_for(world.helper).get(url).status_code == 403
    assert client_for(world.other_coordinator).get(url).status_code == 404


@pytest.mark.django_db
def test_the_partnership_page_links_to_the_results(world):
    respond(world.round)
    url = reverse("partnerships:detail", kwargs={"slug": world.partnership.slug})
    results = reverse("results:index", kwargs={"slug": world.partnership.slug})
    assert results in client_for(world.viewer).get(url).content.decode()
    assert results not in client_for(world.helper).get(url).content.decode()


# --- Change since the previous round --------------------------------------------------------


@pytest.mark.django_db
def test_change_compares_with_the_previous_round(world):
    earlier = respond(make_round(world.partnership, "Autumn 2025"), small_group=False)
    later = respond(make_round(world.partnership, "Spring 2027"))
    assert previous_round(later) == earlier
    client = client_for(world.coordinator)
    kwargs = {"slug": world.partnership.slug, "round_id": later.pk}
    page = main_of(client.get(reverse("results:change", kwargs=kwargs)))
    document = results_document(later, compare_to=earlier)
    assert "How this round compares with Autumn 2025." in page
    for row in document["change"]["themes"]:
        assert presentation.number(row["mean_from"]) in page
        assert presentation.number(row["mean_to"]) in page
    overview = main_of(client.get(reverse("results:overview", kwargs=kwargs)))
    assert "Since Autumn 2025" in overview
    first = main_of(
        client.get(reverse("results:change", kwargs={**kwargs, "round_id": earlier.pk}))
    )
    assert "There is no earlier round with results to compare this one with." in first


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_page_takes_a_bounded_number_of_queries(published, django_assert_max_num_queries):
    client = client_for(published.coordinator)
    for url in urls(published.round, themes=THEMES[:1]):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


# --- Wording --------------------------------------------------------------------------------


def test_numbers_are_written_british_style():
    assert presentation.number(1234.5678) == "1,234.57"
    assert presentation.number(3.14159, 1) == "3.1"
    assert presentation.number(-0.25) == "\u22120.25"
    assert presentation.number(-0.001) == "0.00"
    assert presentation.signed(0.254) == "+0.25"
    assert presentation.signed(-0.254) == "\u22120.25"
    assert presentation.percent(36.23) == "36%"
    assert presentation.share(0.0621) == "6%"
    assert presentation.number(None) == "Not available"
    assert presentation.p_value(0.0004) == "less than 0.001"


def test_gap_sentences_use_the_effect_size_words():
    sentence = presentation.gap_sentence(
        "service_users_vs_professionals", "Sharing power", -0.8, "large"
    )
    assert (
        sentence
        == "People who use services rate “Sharing power” much lower than everyone else does."
    )
    assert presentation.gap_sentence("frontline_vs_leaders", "Sharing power", 0.2, "small") == (
        "Frontline staff rate “Sharing power” a little higher than senior leaders do."
    )
    assert presentation.gap_sentence("frontline_vs_leaders", "X", 0.01, "negligible") == (
        "Frontline staff and senior leaders rate “X” about the same."
    )
    assert presentation.gap_sentence("frontline_vs_leaders", "X", None, None) is None


def _document_with_means(means: list[float | None]) -> dict:
    themes = [
        {"id": f"t{i}", "mean": m, "band": None, "ci95_low": None, "ci95_high": None}
        for i, m in enumerate(means)
    ]
    return {
        "labels": {
            "themes": {t["id"]: {"title": t["id"]} for t in themes},
            "scale": {"min": 1, "max": 5, "labels": {}},
        },
        "available": True,
        "min_group_size": 5,
        "n_respondents": 10,
        "themes": themes,
        "items": [],
        "change": None,
        "comments": [],
    }


def test_balance_warns_when_a_theme_is_far_from_the_others():
    # t0 is 0.75 below the others' mean (3.75): far behind, exactly at the threshold.
    report = presentation.Report(_document_with_means([3.0, 3.5, 4.0, 3.75]))
    warnings = report.balance_warnings
    assert [row.theme.id for row in warnings] == ["t0"]
    assert warnings[0].far_behind and not warnings[0].far_ahead
    assert warnings[0].others == pytest.approx(3.75)
    # Just inside the threshold: no warning.
    report = presentation.Report(_document_with_means([3.01, 3.5, 4.0, 3.75, None]))
    assert report.balance_warnings == []
    report = presentation.Report(_document_with_means([4.6, 3.7, 3.9]))
    assert [row.far_ahead for row in report.balance_warnings] == [True]


def test_agreement_orders_items_from_least_to_most_agreement():
    items = [
        {"id": "A", "theme": "t", "rwg": 0.6, "leik_consensus": 0.5},
        {"id": "B", "theme": "t", "rwg": None, "leik_consensus": None},
        {"id": "C", "theme": "t", "rwg": 0.2, "leik_consensus": 0.7},
        {"id": "D", "theme": "t", "rwg": 0.2, "leik_consensus": 0.4},
    ]
    document = {**_document_with_means([3.0]), "items": items}
    report = presentation.Report(document)
    assert [i["id"] for i in report.items_by_agreement] == ["D", "C", "A", "B"]
    assert [i["id"] for i in report.conversation_starters] == ["D", "C", "A"]
    assert presentation.agreement_label(0.2) == "Very mixed views"
    assert presentation.agreement_label(0.5) == "Mixed views"
    assert presentation.agreement_label(0.7) == "Similar views"

"""The results document: from stored responses to the numbers every output shares."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import RoundStatus, Sector
from stackup.responding import services as responding_services
from stackup.results import analysis
from stackup.results.document import (
    COMMENT_THRESHOLD,
    SERVICE_USER,
    ResultsNotAvailable,
    engine_framework,
    previous_round,
    results_document,
    stakeholder_group,
)
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db


def _close(round_):
    partnership_services.round_set_status(round=round_, status=RoundStatus.CLOSED)
    round_.refresh_from_db()
    return round_


def _entries(count, seed=1, **about):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        out.append(
            {
                "answers": {
                    "YV1": rng.choice([1, 2, 3, 4, 5, "DK"]),
                    "YV2": rng.choice([1, 2, 3, 4, 5]),
                    "JW1": rng.choice([2, 3, 4, 5, "DK"]),
                },
                "channel": "online",
                **about,
            }
        )
    return out


def _record(round_, entries):
    return responding_services.responses_bulk_record(
        round=round_, entries=entries, submitted_on=dt.date(2026, 3, 10)
    )


@pytest.fixture
def world():
    return build_world()


def test_an_open_round_has_no_results(world):
    _record(world.round, _entries(6))
    with pytest.raises(ResultsNotAvailable):
        results_document(world.round)


def test_the_document_matches_the_engine_run_on_the_same_answers(world):
    council, homes = world.organisations
    entries = (
        _entries(7, seed=1, organisation=council, sector=Sector.COUNCIL, role_level="frontline")
        + _entries(6, seed=2, organisation=homes, role_level="senior_leader")
        + _entries(8, seed=3, uses_services=True)
        + _entries(2, seed=4)
    )
    _record(world.round, entries)
    round_ = _close(world.round)

    document = results_document(round_)

    # The same answers put through the engine by hand, labels worked out here.
    expected_groups = (
        ["council"] * 7 + ["housing"] * 6 + [SERVICE_USER] * 8 + [None] * 2
    )  # Homes respondents gave no sector: their organisation's is used.
    responses = [
        analysis.Response(
            answers=entry["answers"],
            stakeholder_group=group,
            role_level=entry.get("role_level"),
            organisation=entry["organisation"].name if "organisation" in entry else None,
        )
        for entry, group in zip(entries, expected_groups, strict=True)
    ]
    framework = engine_framework(round_.framework.as_document())
    matrix = analysis.ResponseMatrix.from_responses(framework, responses)
    # The document reads responses in key order, which is random; the engine's numbers do not
    # depend on order except for floating-point summation, so compare with a tolerance.
    expected = analysis.analyse_round(framework, matrix, min_group_size=5)

    assert document["schema"] == "stackup.results/1"
    assert document["n_respondents"] == 23
    assert document["available"] is True
    assert document["framework"] == {
        "id": "youth-partnership-check",
        "version": 1,
        "title": "Youth partnership check",
    }
    for key in ("themes", "items", "groups", "comparisons"):
        assert _close_enough(document[key], expected[key]), key
    groups = {(g["dimension"], g["group"]) for g in document["groups"]}
    assert ("stakeholder_group", "housing") in groups
    assert ("organisation", "Riverside Homes") in groups
    assert ("role_level", "senior_leader") in groups
    assert document["change"] is None
    json.dumps(document, allow_nan=False)


def _close_enough(got, want):
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(_close_enough(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return len(got) == len(want) and all(
            _close_enough(a, b) for a, b in zip(got, want, strict=True)
        )
    if isinstance(want, float):
        return got == pytest.approx(want, rel=1e-12, abs=1e-12)
    return got == want


def test_stakeholder_group_of_a_response():
    assert stakeholder_group(uses_services=True, sector="nhs", organisation_sector="nhs") == (
        SERVICE_USER
    )
    assert stakeholder_group(uses_services=False, sector="nhs", organisation_sector="police") == (
        "nhs"
    )
    assert stakeholder_group(uses_services=None, sector="", organisation_sector="police") == (
        "police"
    )
    assert stakeholder_group(uses_services=None, sector="", organisation_sector=None) is None


def test_a_round_below_the_minimum_group_size_shows_no_numbers(world):
    entries = _entries(4, seed=9)
    for entry in entries:
        entry["comments"] = {"voice": "A comment"}
        entry["benefits"] = ["better_coordination"]
        entry["barriers"] = {"short_term_funding": 3}
    _record(world.round, entries)
    document = results_document(_close(world.round))

    assert document["available"] is False
    assert document["n_respondents"] == 4
    for theme in document["themes"]:
        assert {k: v for k, v in theme.items() if k != "id"} == dict.fromkeys(set(theme) - {"id"})
    for item in document["items"]:
        assert item["mean"] is None and item["n_valid"] is None
        assert set(item["frequencies"].values()) == {None}
    assert all(g["mean"] is None for g in document["groups"])
    assert document["benefits"][0]["n_achieved"] is None
    assert document["barriers"][0]["mean"] is None
    assert set(document["barriers"][0]["frequencies"].values()) == {None}
    assert document["comments"][0] == {
        "theme": "voice",
        "n_commented": None,
        "shown": False,
        "texts": None,
    }


def test_comments_appear_only_when_enough_people_commented(world):
    entries = _entries(COMMENT_THRESHOLD + 2, seed=5)
    for number, entry in enumerate(entries[:COMMENT_THRESHOLD]):
        entry["comments"] = {"voice": f"voice comment {number:02d}"}
    for number, entry in enumerate(entries[: COMMENT_THRESHOLD - 1]):
        entry["comments"]["joint_work"] = f"joint comment {number}"
    entries[0]["comments"]["voice"] = "Zebra crossing near the youth centre"
    entries[1]["comments"]["voice"] = "   "  # blank: not a comment
    _record(world.round, entries)
    document = results_document(_close(world.round))

    voice, joint = document["comments"]
    assert (joint["theme"], joint["n_commented"], joint["shown"], joint["texts"]) == (
        "joint_work",
        COMMENT_THRESHOLD - 1,
        False,
        None,
    )
    # The blank one does not count, so voice has one too few as well.
    assert voice["n_commented"] == COMMENT_THRESHOLD - 1 and voice["shown"] is False


def test_shown_comments_are_in_alphabetical_order(world):
    entries = _entries(COMMENT_THRESHOLD, seed=6)
    texts = [f"comment {letter}" for letter in "jihgfedcba"]
    for entry, text in zip(entries, texts, strict=True):
        entry["comments"] = {"voice": text}
    _record(world.round, entries)
    voice = results_document(_close(world.round))["comments"][0]
    assert voice["shown"] is True
    assert voice["texts"] == sorted(texts)


def test_benefits_and_barriers(world):
    entries = _entries(10, seed=7)
    for number, entry in enumerate(entries):
        entry["benefits"] = ["better_coordination"] if number < 3 else []
        entry["barriers"] = {"short_term_funding": [0, 1, 2, 3, 3, 3, "DK", "DK", 2, 2][number]}
    _record(world.round, entries)
    document = results_document(_close(world.round))

    assert document["benefits"] == [
        {
            "id": "better_coordination",
            "n_respondents": 10,
            "n_achieved": 3,
            "share_achieved": pytest.approx(0.3),
        }
    ]
    barrier = document["barriers"][0]
    assert barrier["rank"] == 1
    assert (barrier["n_rated"], barrier["n_dont_know"]) == (8, 2)
    assert barrier["frequencies"] == {"0": 1, "1": 1, "2": 3, "3": 3}
    assert barrier["mean"] == pytest.approx(16 / 8)
    assert barrier["share_somewhat_or_a_lot"] == pytest.approx(6 / 8)


def test_change_against_an_earlier_round(world):
    _record(world.round, _entries(12, seed=1))
    earlier = _close(world.round)
    later = partnership_services.round_create(
        partnership=world.partnership,
        name="Autumn 2026",
        framework_slug="youth-partnership-check",
        opens_on=dt.date(2027, 1, 11),
    )
    partnership_services.round_set_status(round=later, status=RoundStatus.OPEN)
    _record(later, _entries(15, seed=2))
    later = _close(later)

    assert previous_round(later) == earlier
    assert previous_round(earlier) is None
    document = results_document(later, compare_to=earlier)
    change = document["change"]
    assert change["from_round"] == earlier.name
    assert [t["id"] for t in change["themes"]] == ["voice", "joint_work"]
    assert [i["id"] for i in change["items"]] == ["YV1", "YV2", "JW1"]
    before = results_document(earlier)
    assert change["themes"][0]["mean_from"] == pytest.approx(before["themes"][0]["mean"])
    assert change["themes"][0]["mean_to"] == pytest.approx(document["themes"][0]["mean"])


def test_change_refuses_rounds_it_cannot_compare(world):
    from tests.responding.factories import build_world as another_world

    _record(world.round, _entries(6))
    round_ = _close(world.round)
    with pytest.raises(ValueError, match="itself"):
        results_document(round_, compare_to=round_)
    elsewhere = another_world(slug="hillside", invitations=1)
    with pytest.raises(ValueError, match="its own partnership"):
        results_document(round_, compare_to=elsewhere.round)
    draft = partnership_services.round_create(
        partnership=world.partnership, name="Next", framework_slug="youth-partnership-check"
    )
    with pytest.raises(ResultsNotAvailable):
        results_document(round_, compare_to=draft)


def test_the_document_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    _record(world.round, _entries(30, seed=3))
    round_ = _close(world.round)
    with django_assert_max_num_queries(8):
        results_document(round_)
    partnership_services.round_set_status(round=round_, status=RoundStatus.OPEN)
    _record(round_, _entries(60, seed=4))
    round_ = _close(round_)
    with django_assert_max_num_queries(8):
        results_document(round_)

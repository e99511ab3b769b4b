"""Checking a whole set of answers against a framework, as a submission does."""

from __future__ import annotations

import copy

import pytest

from stackup.responding.answers import InvalidAnswers, clean_answers, has_plain_statements
from tests.responding.factories import load_framework_from_dict, small_framework


@pytest.fixture(scope="module")
def framework():
    return load_framework_from_dict(small_framework())


def test_valid_answers_are_kept_in_the_frameworks_order(framework):
    clean = clean_answers(
        framework,
        answers={"JW1": "5", "YV1": 1, "YV2": "DK"},
        comments={"voice": "  Good  ", "joint_work": "   "},
        benefits=["better_coordination"],
        barriers={"short_term_funding": "0"},
    )
    assert list(clean.answers.items()) == [("YV1", 1), ("YV2", "DK"), ("JW1", 5)]
    assert clean.comments == {"voice": "Good"}
    assert clean.benefits == {"better_coordination": True}
    assert clean.barriers == {"short_term_funding": 0}


@pytest.mark.parametrize(
    "bad",
    [
        {"answers": {"NOPE": 3}},
        {"answers": {"YV1": 0}},
        {"answers": {"YV1": 6}},
        {"answers": {"YV1": "four"}},
        {"answers": {"YV1": True}},
        {"answers": {"YV1": 3.0}},
        {"answers": {"YV1": "dk"}},
        {"answers": ["YV1"]},
        {"comments": {"nope": "x"}},
        {"comments": {"voice": 5}},
        {"comments": {"voice": "x" * 2001}},
        {"comments": {"voice": "a\x00b"}},
        {"benefits": ["nope"]},
        {"benefits": {"better_coordination": "yes"}},
        {"benefits": "better_coordination"},
        {"barriers": {"short_term_funding": 4}},
        {"barriers": {"short_term_funding": -1}},
        {"barriers": {"nope": 1}},
    ],
)
def test_anything_unknown_is_refused(framework, bad):
    with pytest.raises(InvalidAnswers) as raised:
        clean_answers(framework, **bad)
    assert raised.value.problems


def test_every_problem_is_listed(framework):
    with pytest.raises(InvalidAnswers) as raised:
        clean_answers(framework, answers={"NOPE": 1, "YV1": 9}, barriers={"nope": 1})
    assert len(raised.value.problems) == 3


def test_plain_statements_are_noticed(framework):
    assert has_plain_statements(framework)
    framework = copy.deepcopy(framework)
    for theme in framework["themes"]:
        for item in theme["items"]:
            item["plain_statement"] = ""
    assert not has_plain_statements(framework)

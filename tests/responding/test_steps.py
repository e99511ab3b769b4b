"""The pure functions that decide which page comes next."""

from __future__ import annotations

import pytest

from stackup.responding import drafts, steps

STEPS = steps.journey_steps(
    asks_about_you=True, theme_ids=["a", "b"], has_benefits=True, has_barriers=False
)


def test_the_steps_in_order():
    assert STEPS == ("start", "about-you", "theme:a", "theme:b", "benefits", "check-answers")
    bare = steps.journey_steps(
        asks_about_you=False, theme_ids=["a"], has_benefits=False, has_barriers=True
    )
    assert bare == ("start", "theme:a", "barriers", "check-answers")


def test_next_and_previous():
    assert steps.next_step(STEPS, "start") == "about-you"
    assert steps.next_step(STEPS, "benefits") == "check-answers"
    assert steps.next_step(STEPS, "check-answers") == "check-answers"
    assert steps.previous_step(STEPS, "theme:a") == "about-you"
    assert steps.previous_step(STEPS, "start") is None


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ([], "start"),
        (["start"], "about-you"),
        (["start", "about-you", "theme:a"], "theme:b"),
        (["start", "about-you", "theme:b"], "theme:a"),
        (["start", "about-you", "theme:a", "theme:b", "benefits"], "check-answers"),
    ],
)
def test_resume_at_the_first_step_not_saved(done, expected):
    assert steps.resume_step(STEPS, done) == expected


def test_a_step_is_reachable_only_when_every_step_before_it_is_saved():
    done = ["start", "about-you"]
    assert steps.is_reachable(STEPS, done, "theme:a")
    assert not steps.is_reachable(STEPS, done, "theme:b")
    assert not steps.is_reachable(STEPS, done, "check-answers")
    assert not steps.is_reachable(STEPS, done, "no-such-step")
    assert steps.is_reachable(STEPS, [], "start")


def test_after_saving_a_change_returns_to_check_answers():
    everything = list(STEPS[:-1])
    assert steps.after_saving(STEPS, everything, "theme:a", changing=True) == "check-answers"
    assert steps.after_saving(STEPS, everything, "theme:a", changing=False) == "theme:b"
    # A "change" before the journey is complete carries on instead.
    partial = ["start", "about-you", "theme:a"]
    assert steps.after_saving(STEPS, partial, "theme:a", changing=True) == "theme:b"
    assert steps.after_saving(STEPS, ["start", "theme:a"], "start", changing=False) == ("about-you")


def test_progress_counts_question_pages():
    assert steps.progress(STEPS, "about-you") == (1, 4)
    assert steps.progress(STEPS, "benefits") == (4, 4)
    assert steps.progress(STEPS, "start") == (0, 4)


FRAMEWORK = {
    "themes": [{"id": "a", "items": [{"id": "A1"}, {"id": "A2"}]}, {"id": "b", "items": []}]
}


def test_saving_a_theme_replaces_its_answers_and_comment():
    data = drafts.apply_step(
        drafts.empty(),
        "theme:a",
        {"answers": {"A1": 4, "A2": "DK"}, "comment": " Fine "},
        FRAMEWORK,
    )
    assert data["answers"] == {"A1": 4, "A2": "DK"}
    assert data["comments"] == {"a": "Fine"}
    assert data["done"] == ["theme:a"]
    data = drafts.apply_step(data, "theme:a", {"answers": {"A1": 2}, "comment": ""}, FRAMEWORK)
    assert data["answers"] == {"A1": 2}
    assert data["comments"] == {}
    assert data["done"] == ["theme:a"]


def test_saving_does_not_change_the_draft_it_was_given():
    original = drafts.empty()
    drafts.apply_step(original, "start", {"simple": True}, FRAMEWORK)
    assert original == drafts.empty()
    with pytest.raises(ValueError, match="not a step"):
        drafts.apply_step(original, "check-answers", {}, FRAMEWORK)

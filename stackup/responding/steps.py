"""Which page of the journey comes when: small pure functions, no Django.

A step is a string: ``start``, ``about-you``, ``theme:<theme id>``, ``benefits``,
``barriers`` or ``check-answers``. A draft records the steps a person has saved (``done``).
A step can be opened once every step before it has been saved, so nobody can skip ahead
by typing an address or sending a form out of order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

START = "start"
ABOUT_YOU = "about-you"
BENEFITS = "benefits"
BARRIERS = "barriers"
CHECK_ANSWERS = "check-answers"
THEME_PREFIX = "theme:"


def theme_step(theme_id: str) -> str:
    return THEME_PREFIX + theme_id


def theme_of(step: str) -> str | None:
    """The theme id of a theme step, or None for any other step."""
    return step[len(THEME_PREFIX) :] if step.startswith(THEME_PREFIX) else None


def journey_steps(
    *,
    asks_about_you: bool,
    theme_ids: Sequence[str],
    has_benefits: bool,
    has_barriers: bool,
) -> tuple[str, ...]:
    """Every step of one journey, in order."""
    steps = [START]
    if asks_about_you:
        steps.append(ABOUT_YOU)
    steps.extend(theme_step(theme_id) for theme_id in theme_ids)
    if has_benefits:
        steps.append(BENEFITS)
    if has_barriers:
        steps.append(BARRIERS)
    steps.append(CHECK_ANSWERS)
    return tuple(steps)


def next_step(steps: Sequence[str], current: str) -> str:
    """The step after ``current``; check answers is the last."""
    index = steps.index(current)
    return steps[min(index + 1, len(steps) - 1)]


def previous_step(steps: Sequence[str], current: str) -> str | None:
    """The step before ``current``, or None for the first."""
    index = steps.index(current)
    return steps[index - 1] if index > 0 else None


def resume_step(steps: Sequence[str], done: Collection[str]) -> str:
    """Where to carry on: the first step not yet saved, or check answers."""
    for step in steps:
        if step != CHECK_ANSWERS and step not in done:
            return step
    return CHECK_ANSWERS


def is_reachable(steps: Sequence[str], done: Collection[str], step: str) -> bool:
    """True when every step before ``step`` has been saved."""
    if step not in steps:
        return False
    return all(earlier in done for earlier in steps[: steps.index(step)])


def after_saving(steps: Sequence[str], done: Collection[str], step: str, *, changing: bool) -> str:
    """Where to go once ``step`` is saved (``done`` includes it).

    A change made from check answers goes back there, as long as nothing before it is
    missing; otherwise the journey carries on to the next step.
    """
    if changing and is_reachable(steps, done, CHECK_ANSWERS):
        return CHECK_ANSWERS
    following = next_step(steps, step)
    if is_reachable(steps, done, following):
        return following
    return resume_step(steps, done)


def progress(steps: Sequence[str], step: str) -> tuple[int, int]:
    """(this question page's number, how many question pages), start and check answers aside."""
    questions = [s for s in steps if s not in (START, CHECK_ANSWERS)]
    return (questions.index(step) + 1 if step in questions else 0, len(questions))

"""What an answer may be, and checking a whole set of answers against a framework.

Plain Python with no Django imports, so the journey, assisted entry and imports can share it
and it can be tested on its own. A framework here is the normalised document
(:meth:`stackup.frameworks.models.Framework.as_document`).

Stored shapes (the same in a draft and in a response):

- ``answers``: ``{item id: whole number on the scale, or "DK"}``; a skipped item is absent.
  Reverse-keyed items are stored as answered, never flipped.
- ``comments``: ``{theme id: text}``, at most :data:`COMMENT_MAX_LENGTH` characters each.
- ``benefits``: ``{benefit id: true}`` for each benefit the person says was achieved.
- ``barriers``: ``{barrier id: 0 (not at all) .. 3 (a lot), or "DK"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DONT_KNOW = "DK"
COMMENT_MAX_LENGTH = 2000

#: How much a barrier holds the partnership back, as stored.
BARRIER_NOT_AT_ALL = 0
BARRIER_A_LITTLE = 1
BARRIER_SOMEWHAT = 2
BARRIER_A_LOT = 3
BARRIER_LEVELS = (BARRIER_NOT_AT_ALL, BARRIER_A_LITTLE, BARRIER_SOMEWHAT, BARRIER_A_LOT)

#: The "about you" questions a round can ask, as stored on a response.
ABOUT_YOU_FIELDS = ("organisation", "sector", "role_level", "uses_services")


class InvalidAnswers(ValueError):
    """Answers that do not fit the framework; ``problems`` says where and why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CleanAnswers:
    """A checked set of answers, ready to store on a response."""

    answers: dict[str, int | str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    benefits: dict[str, bool] = field(default_factory=dict)
    barriers: dict[str, int | str] = field(default_factory=dict)

    @property
    def answered_count(self) -> int:
        return len(self.answers)


def item_ids(framework: Mapping[str, Any]) -> list[str]:
    return [item["id"] for theme in framework["themes"] for item in theme["items"]]


def has_plain_statements(framework: Mapping[str, Any]) -> bool:
    return any(
        item.get("plain_statement") for theme in framework["themes"] for item in theme["items"]
    )


def statement_text(item: Mapping[str, Any], *, simple: bool) -> str:
    """The wording to show: the plain statement when asked for and there is one."""
    if simple and item.get("plain_statement"):
        return item["plain_statement"]
    return item["statement"]


def scale_values(framework: Mapping[str, Any]) -> list[int]:
    scale = framework["scale"]
    return list(range(int(scale["min"]), int(scale["max"]) + 1))


def parse_item_answer(value: Any, framework: Mapping[str, Any]) -> int | str | None:
    """A stored item answer from a form value or stored value; None if it is not one."""
    if isinstance(value, bool):
        return None
    if value == DONT_KNOW:
        return DONT_KNOW
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 3:
        number = int(value)
    else:
        return None
    return number if number in scale_values(framework) else None


def parse_barrier_answer(value: Any) -> int | str | None:
    if isinstance(value, bool):
        return None
    if value == DONT_KNOW:
        return DONT_KNOW
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 1:
        value = int(value)
    return value if isinstance(value, int) and value in BARRIER_LEVELS else None


def clean_answers(
    framework: Mapping[str, Any],
    *,
    answers: Any = None,
    comments: Any = None,
    benefits: Any = None,
    barriers: Any = None,
) -> CleanAnswers:
    """Check answers against ``framework``; raise :class:`InvalidAnswers` listing every problem.

    Unknown ids and values are problems, never silently dropped. Empty comments are left out.
    ``benefits`` may be a list of ids or a ``{id: true}`` mapping.
    """
    problems: list[str] = []
    known_items = set(item_ids(framework))
    theme_ids = {theme["id"] for theme in framework["themes"]}
    benefit_ids = {entry["id"] for entry in framework.get("benefits") or []}
    barrier_ids = {entry["id"] for entry in framework.get("barriers") or []}

    clean_items: dict[str, int | str] = {}
    for key, value in _mapping(answers, "answers", problems).items():
        if key not in known_items:
            problems.append(f"answers: {key!r} is not a statement in this framework")
            continue
        parsed = parse_item_answer(value, framework)
        if parsed is None:
            problems.append(f"answers: {value!r} is not an answer to {key}")
            continue
        clean_items[key] = parsed

    clean_comments: dict[str, str] = {}
    for key, value in _mapping(comments, "comments", problems).items():
        if key not in theme_ids:
            problems.append(f"comments: {key!r} is not a theme in this framework")
        elif not isinstance(value, str):
            problems.append(f"comments: the comment on {key} is not text")
        elif len(value) > COMMENT_MAX_LENGTH:
            problems.append(f"comments: the comment on {key} is longer than {COMMENT_MAX_LENGTH}")
        elif "\x00" in value:
            problems.append(f"comments: the comment on {key} holds a null character")
        elif value.strip():
            clean_comments[key] = value.strip()

    clean_benefits: dict[str, bool] = {}
    chosen: list[Any] = []
    if isinstance(benefits, list | tuple):
        chosen = list(benefits)
    elif isinstance(benefits, Mapping):
        for key, value in benefits.items():
            if value is True:
                chosen.append(key)
            elif value not in (False, None):
                problems.append(f"benefits: {value!r} is not an answer to {key}")
    elif benefits is not None:
        problems.append("benefits: not a list")
    for key in chosen:
        if key not in benefit_ids:
            problems.append(f"benefits: {key!r} is not a benefit in this framework")
        else:
            clean_benefits[key] = True

    clean_barriers: dict[str, int | str] = {}
    for key, value in _mapping(barriers, "barriers", problems).items():
        if key not in barrier_ids:
            problems.append(f"barriers: {key!r} is not a barrier in this framework")
            continue
        parsed = parse_barrier_answer(value)
        if parsed is None:
            problems.append(f"barriers: {value!r} is not an answer to {key}")
            continue
        clean_barriers[key] = parsed

    if problems:
        raise InvalidAnswers(problems)
    # Kept in the framework's order, so stored answers read in the order they were asked.
    order = {key: index for index, key in enumerate(item_ids(framework))}
    return CleanAnswers(
        answers=dict(sorted(clean_items.items(), key=lambda pair: order[pair[0]])),
        comments=clean_comments,
        benefits=clean_benefits,
        barriers=clean_barriers,
    )


def _mapping(value: Any, name: str, problems: list[str]) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        problems.append(f"{name}: not a mapping of ids to answers")
        return {}
    return value

"""What a draft holds, and how saving one step changes it. Pure functions, no Django.

A draft's ``data``::

    {
      "simple": false,                  # show plain statements
      "done": ["start", "about-you"],   # the steps saved so far, in the order first saved
      "about": {"organisation": "12", "uses_services": "no_answer"},  # the form's values
      "answers": {"SU1": 4, "SU2": "DK"},
      "comments": {"service_user_perspective": "..."},
      "benefits": ["wider_reach"],
      "barriers": {"power_struggles": 2},
    }
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from stackup.responding import steps


def empty() -> dict[str, Any]:
    return {
        "simple": False,
        "done": [],
        "about": {},
        "answers": {},
        "comments": {},
        "benefits": [],
        "barriers": {},
    }


def normalised(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``data`` with every key present (a draft saved by an older version may lack some)."""
    result = empty()
    result.update(copy.deepcopy(dict(data or {})))
    return result


def apply_step(
    data: Mapping[str, Any], step: str, fragment: Mapping[str, Any], framework: Mapping[str, Any]
) -> dict[str, Any]:
    """A new draft ``data`` with ``step`` saved from a form's ``fragment``.

    Saving a theme replaces every answer to that theme's statements, so an answer taken
    away is really removed.
    """
    new = normalised(data)
    if step == steps.START:
        new["simple"] = bool(fragment.get("simple"))
    elif step == steps.ABOUT_YOU:
        new["about"] = dict(fragment.get("about") or {})
    elif steps.theme_of(step) is not None:
        theme_id = steps.theme_of(step)
        theme = next(t for t in framework["themes"] if t["id"] == theme_id)
        for item in theme["items"]:
            new["answers"].pop(item["id"], None)
        new["answers"].update(fragment.get("answers") or {})
        comment = (fragment.get("comment") or "").strip()
        if comment:
            new["comments"][theme_id] = comment
        else:
            new["comments"].pop(theme_id, None)
    elif step == steps.BENEFITS:
        new["benefits"] = list(fragment.get("benefits") or [])
    elif step == steps.BARRIERS:
        new["barriers"] = dict(fragment.get("barriers") or {})
    else:
        raise ValueError(f"{step!r} is not a step that saves answers")
    if step not in new["done"]:
        new["done"].append(step)
    return new

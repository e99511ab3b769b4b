"""Turn a stored framework document back into its normalised form, and write it out.

A normalised framework (what :func:`stackup.frameworks.validation.parse_framework` returns) has
whole-number scale label keys and its keys in a fixed order. Stored as JSON, the label keys become
text, and PostgreSQL's ``jsonb`` reorders keys; :func:`from_storage` undoes both, so a framework
reads and prints the same whichever database holds it.

Plain Python with no Django imports, like the validator.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

__all__ = ["from_storage", "item_count", "to_json", "to_yaml"]

_TOP = (
    "id",
    "version",
    "title",
    "description",
    "languages",
    "scale",
    "themes",
    "benefits",
    "barriers",
)
_SCALE = ("min", "max", "labels", "dont_know", "positive", "negative")
_THEME = ("id", "title", "description", "items")
_ITEM = ("id", "statement", "plain_statement", "prompt", "reverse_keyed")
_ENTRY = ("id", "title", "description")


def _ordered(mapping: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """``mapping`` with the keys in ``order`` first, then the others (``x-`` keys) sorted."""
    known = {key: mapping[key] for key in order if key in mapping}
    others = {key: mapping[key] for key in sorted(mapping) if key not in known}
    return {**known, **others}


def from_storage(stored: dict[str, Any]) -> dict[str, Any]:
    """The normalised document for a framework document read back from the database.

    Returns a new ``dict``; ``stored`` is left as it is.
    """
    doc = copy.deepcopy(stored)
    scale = doc["scale"]
    scale["labels"] = {
        int(key): label
        for key, label in sorted(scale["labels"].items(), key=lambda pair: int(pair[0]))
    }
    doc["scale"] = _ordered(scale, _SCALE)
    doc["themes"] = [
        _ordered(
            {**theme, "items": [_ordered(item, _ITEM) for item in theme["items"]]},
            _THEME,
        )
        for theme in doc["themes"]
    ]
    for kind in ("benefits", "barriers"):
        doc[kind] = [_ordered(entry, _ENTRY) for entry in doc.get(kind) or []]
    return _ordered(doc, _TOP)


def item_count(doc: dict[str, Any]) -> int:
    """How many items the framework has across all its themes."""
    return sum(len(theme["items"]) for theme in doc["themes"])


def to_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML that loads back to the same framework."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def to_json(doc: dict[str, Any]) -> str:
    """The document as indented JSON (scale label keys become text, as JSON requires)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

"""Small framework files for the tests, and the shipped ones."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "stackup" / "frameworks" / "data"
SHIPPED = {
    "collaboration-health-check": DATA / "collaboration-health-check.yaml",
    "citizen-digital-services": DATA / "citizen-digital-services.yaml",
}

_BASE: dict[str, Any] = {
    "id": "youth-partnership-check",
    "version": 1,
    "title": "Youth partnership check",
    "description": "How well the organisations working with young people work together.",
    "languages": ["en"],
    "scale": {
        "min": 1,
        "max": 5,
        "labels": {
            1: "Strongly disagree",
            2: "Disagree",
            3: "Neither agree nor disagree",
            4: "Agree",
            5: "Strongly agree",
        },
        "dont_know": "Don't know",
        "positive": [4, 5],
        "negative": [1, 2],
    },
    "themes": [
        {
            "id": "voice",
            "title": "Young people's voice",
            "description": "Whether young people shape the services meant for them.",
            "items": [
                {
                    "id": "YV1",
                    "statement": "Young people help decide how youth services are run.",
                    "plain_statement": "Young people help decide how youth services work.",
                    "prompt": "What was the last decision young people changed?",
                },
                {
                    "id": "YV2",
                    "statement": "We ask young people for their views only after deciding.",
                    "prompt": "When do we first talk to young people?",
                    "reverse_keyed": True,
                },
            ],
        },
        {
            "id": "joint_work",
            "title": "Joint work",
            "description": "Whether organisations plan together.",
            "items": [
                {
                    "id": "JW1",
                    "statement": "Youth workers and teachers plan together.",
                    "plain_statement": "Youth workers and teachers make plans together.",
                    "prompt": "Who was missing from the last joint plan?",
                },
            ],
        },
    ],
    "benefits": [
        {
            "id": "better_coordination",
            "title": "Better coordination",
            "description": "Partners plan and act in step.",
        }
    ],
    "barriers": [
        {
            "id": "short_term_funding",
            "title": "Short-term funding",
            "description": "Funding that lasts only months makes long-term work hard.",
        }
    ],
}


def framework_dict(**changes: Any) -> dict[str, Any]:
    """A small valid framework as it would be written in a file, with top-level ``changes``."""
    doc = copy.deepcopy(_BASE)
    doc.update(changes)
    return doc


def to_yaml(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def write_framework(path: Path, doc: Any) -> Path:
    path.write_text(to_yaml(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


def all_items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for theme in doc["themes"] for item in theme["items"]]

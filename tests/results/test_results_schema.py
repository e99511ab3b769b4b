"""docs/results.schema.json describes every results document, and nothing else."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from stackup.results import exports
from stackup.results.document import results_document
from tests.results.export_rounds import demo_like_rounds, small_groups_round, tiny_round

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "results.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _valid(validator, document) -> None:
    data = json.loads(exports.json_bytes(document))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def _command_output(*args: str) -> dict:
    out = StringIO()
    call_command("results", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_demo_like_rounds_with_and_without_a_comparison(validator):
    earlier, later = demo_like_rounds()
    _valid(validator, results_document(earlier))
    _valid(validator, results_document(later))
    compared = _command_output(
        "--partnership", "riverside", "--round", later.name, "--compare-to", earlier.name
    )
    assert compared["change"] is not None and compared["change"]["items"]
    _valid(validator, compared)
    assert any(c["shown"] for c in compared["comments"])
    assert any(b["rank"] == 1 for b in compared["barriers"])


def test_a_round_with_small_groups(validator):
    built = small_groups_round()
    document = results_document(built.round)
    statuses = {g["status"] for g in document["groups"]}
    assert {"shown", "suppressed_primary", "suppressed_complementary"} <= statuses
    _valid(validator, document)


def test_a_round_below_the_minimum_size(validator):
    document = results_document(tiny_round().round)
    assert document["available"] is False
    _valid(validator, document)
    _valid(validator, _command_output("--partnership", "riverside", "--round", "Spring 2026"))


def test_the_schema_refuses_a_hidden_group_with_a_number_and_unknown_keys(validator):
    built = small_groups_round()
    document = json.loads(exports.json_bytes(results_document(built.round)))

    leaked = copy.deepcopy(document)
    hidden = next(g for g in leaked["groups"] if g["status"] == "suppressed_primary")
    hidden["mean"] = 1.5
    assert not validator.is_valid(leaked)

    for path in (("themes", 0), ("items", 0), ("groups", 0), ("comparisons", 0)):
        extra = copy.deepcopy(document)
        extra[path[0]][path[1]]["surprise"] = 1
        assert not validator.is_valid(extra), path
    extra = copy.deepcopy(document)
    extra["surprise"] = 1
    assert not validator.is_valid(extra)

    missing = copy.deepcopy(document)
    del missing["themes"][0]["alpha"]
    assert not validator.is_valid(missing)

    out_of_range = copy.deepcopy(document)
    out_of_range["items"][0]["pct_positive"] = 101.0
    assert not validator.is_valid(out_of_range)


def test_every_key_of_the_schema_is_documented():
    """Each property in the schema has a description, and docs/results-format.md names it."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    guide = (SCHEMA_PATH.parent / "results-format.md").read_text(encoding="utf-8")
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, child in (node.get("properties") or {}).items():
                keys.add(key)
                walk(child)
            for key in ("items", "additionalProperties", "oneOf", "allOf", "then"):
                child = node.get(key)
                if isinstance(child, list):
                    for c in child:
                        walk(c)
                elif isinstance(child, dict):
                    walk(child)

    walk(schema)
    # Scale points ("0" ... "3" of the barriers) are described with their object.
    undocumented = sorted(
        k for k in keys if not k.isdigit() and f"`{k}`" not in guide and f'`"{k}"`' not in guide
    )
    assert undocumented == []

"""Property-based checks: whatever a file holds, loading it either succeeds or fails cleanly."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackup.frameworks.validation import (
    FrameworkError,
    canonical_json,
    content_hash,
    load_framework_file,
    parse_framework,
)

DATA = Path(__file__).resolve().parents[2] / "stackup" / "frameworks" / "data"
SHIPPED = sorted(DATA.glob("*.yaml"))

MODEST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(value: Any, **options: Any) -> str:
    return yaml.dump(value, Dumper=Dumper, **options)


def outcome(text: str | bytes) -> dict[str, Any] | FrameworkError:
    """Parse, insisting that the only possible failure is a well-formed FrameworkError."""
    try:
        return parse_framework(text, source="generated.yaml")
    except FrameworkError as error:
        assert error.problems, "a FrameworkError must carry at least one problem"
        for problem in error.problems:
            assert problem.source == "generated.yaml"
            assert problem.path
            assert problem.message.strip()
            assert "internal error" not in problem.message, problem
            assert str(problem) == f"generated.yaml: {problem.path}: {problem.message}"
        return error


# ---------------------------------------------------------------------------------------------
# (a) Arbitrary input never breaks the parser

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(scalars, children, max_size=5)
    ),
    max_leaves=30,
)

# Documents shaped like a framework, with anything at all as values, reach the deeper checks.
framework_keys = st.sampled_from(
    [
        "id",
        "version",
        "title",
        "description",
        "languages",
        "scale",
        "themes",
        "benefits",
        "barriers",
        "items",
        "statement",
        "prompt",
        "reverse_keyed",
        "labels",
        "min",
        "max",
        "positive",
        "negative",
        "dont_know",
        "plain_statement",
        "x-extra",
    ]
)
framework_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(framework_keys, children, max_size=8)
    ),
    max_leaves=40,
)


@MODEST
@given(json_like)
def test_any_yaml_document_is_accepted_or_rejected_cleanly(value):
    outcome(dump(value, allow_unicode=True))


@MODEST
@given(framework_like)
def test_framework_shaped_junk_is_accepted_or_rejected_cleanly(value):
    outcome(dump(value, allow_unicode=True))


@MODEST
@given(st.text(max_size=300))
def test_any_text_is_accepted_or_rejected_cleanly(text):
    outcome(text)


@MODEST
@given(st.binary(max_size=300))
def test_any_bytes_are_accepted_or_rejected_cleanly(data):
    outcome(data)


yaml_fragments = st.sampled_from(
    [
        "id:",
        " demo",
        "\n",
        "  ",
        "- ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!binary ",
        "!!python/object:os.system",
        "? ",
        "|\n",
        ">-\n",
        "'",
        '"',
        "#",
        "---\n",
        "...\n",
        "<<: ",
        "2024-01-01",
        "yes",
        "~",
        "0x1F",
        "1e999",
        ".nan",
        "\t",
        "%YAML 1.1\n",
        "\ufeff",
        "\x00",
        "themes:\n",
        "  - id: t\n",
        "    items:\n",
        "      - id: A1\n",
        "scale:\n",
    ]
)


@MODEST
@given(st.lists(yaml_fragments, max_size=40).map("".join))
def test_yaml_like_fragments_are_accepted_or_rejected_cleanly(text):
    outcome(text)


# ---------------------------------------------------------------------------------------------
# (b) Mutations of a valid document


def shipped_source(path: Path) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


SOURCES = [shipped_source(path) for path in SHIPPED]


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(all_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(all_paths(value, (*prefix, index)))
    return found


def parent_and_key(doc: Any, path: tuple) -> tuple[Any, Any]:
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


@MODEST
@given(st.sampled_from(SOURCES), st.data())
def test_deleting_anything_is_accepted_or_rejected_cleanly(source, data):
    doc = copy.deepcopy(source)
    path = data.draw(st.sampled_from(all_paths(doc)))
    parent, key = parent_and_key(doc, path)
    del parent[key]
    result = outcome(dump(doc, allow_unicode=True))
    required = {
        "id",
        "version",
        "title",
        "description",
        "languages",
        "scale",
        "themes",
        "statement",
        "prompt",
        "labels",
        "dont_know",
        "positive",
        "negative",
        "min",
        "max",
        "items",
    }
    if isinstance(key, str) and key in required:
        assert isinstance(result, FrameworkError)


@MODEST
@given(st.sampled_from(SOURCES), st.data(), scalars)
def test_replacing_anything_with_a_scalar_is_accepted_or_rejected_cleanly(source, data, value):
    doc = copy.deepcopy(source)
    path = data.draw(st.sampled_from(all_paths(doc)))
    parent, key = parent_and_key(doc, path)
    parent[key] = value
    outcome(dump(doc, allow_unicode=True))


@MODEST
@given(st.sampled_from(SOURCES), st.data())
def test_duplicating_an_item_is_rejected(source, data):
    doc = copy.deepcopy(source)
    themes = doc["themes"]
    origin = data.draw(st.sampled_from(themes))
    item = copy.deepcopy(data.draw(st.sampled_from(origin["items"])))
    target = data.draw(st.sampled_from(themes))
    target["items"].insert(data.draw(st.integers(0, len(target["items"]))), item)
    result = outcome(dump(doc, allow_unicode=True))
    assert isinstance(result, FrameworkError)
    assert any("is used more than once" in problem.message for problem in result.problems)


@MODEST
@given(st.sampled_from(SOURCES), st.data())
def test_several_mutations_at_once_are_accepted_or_rejected_cleanly(source, data):
    doc = copy.deepcopy(source)
    for _ in range(data.draw(st.integers(1, 5))):
        paths = all_paths(doc)
        if not paths:
            break
        parent, key = parent_and_key(doc, data.draw(st.sampled_from(paths)))
        if data.draw(st.booleans()):
            del parent[key]
        else:
            parent[key] = data.draw(json_like)
    outcome(dump(doc, allow_unicode=True))


# ---------------------------------------------------------------------------------------------
# (c) The canonical form is stable

dump_options = st.fixed_dictionaries(
    {
        "sort_keys": st.booleans(),
        "default_flow_style": st.sampled_from([False, True, None]),
        "allow_unicode": st.booleans(),
        "width": st.integers(20, 200),
        "indent": st.integers(2, 8),
        "explicit_start": st.booleans(),
    }
)


def shuffled(node: Any, rng: random.Random) -> Any:
    """The same document with the keys of every mapping in a random order."""
    if isinstance(node, dict):
        keys = list(node)
        rng.shuffle(keys)
        return {key: shuffled(node[key], rng) for key in keys}
    if isinstance(node, list):
        return [shuffled(value, rng) for value in node]
    return node


LOADED = {path: load_framework_file(path) for path in SHIPPED}


@MODEST
@given(st.sampled_from(SHIPPED), dump_options, st.randoms(use_true_random=False))
def test_canonical_json_survives_a_redump(path, options, rng):
    first = LOADED[path]
    text = dump(shuffled(first, rng), **options)
    second = parse_framework(text, source="redumped.yaml")
    assert second == first
    assert canonical_json(second) == canonical_json(first)
    assert content_hash(second) == content_hash(first)


# Valid frameworks built from scratch are accepted, and survive a re-dump.

safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@st.composite
def frameworks(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(1, 5))
    high = draw(st.integers(low + 1, 10))
    points = list(range(low, high + 1))
    order = draw(st.permutations(points))
    split = draw(st.integers(1, len(points) - 1))
    positive = list(order[:split])
    negative = draw(st.lists(st.sampled_from(order[split:]), min_size=1, unique=True))
    theme_ids = draw(
        st.lists(
            # Theme ids never start with "q", so they cannot clash with item ids.
            st.from_regex(r"[a-p][a-z0-9_]{0,20}", fullmatch=True),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    item_ids = iter(
        draw(
            st.lists(
                st.from_regex(r"Q[A-Za-z0-9_-]{0,8}", fullmatch=True),
                min_size=len(theme_ids) * 4,
                max_size=len(theme_ids) * 4,
                unique_by=str.casefold,
            )
        )
    )
    themes = []
    for theme_id in theme_ids:
        items = []
        for _ in range(draw(st.integers(1, 4))):
            item = {"id": next(item_ids), "statement": draw(safe_text), "prompt": draw(safe_text)}
            if draw(st.booleans()):
                item["plain_statement"] = draw(safe_text)
            if draw(st.booleans()):
                item["reverse_keyed"] = draw(st.booleans())
            items.append(item)
        themes.append(
            {
                "id": theme_id,
                "title": draw(safe_text),
                "description": draw(safe_text),
                "items": items,
            }
        )
    doc = {
        "id": draw(st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True)),
        "version": draw(st.integers(1, 1000)),
        "title": draw(safe_text),
        "description": draw(safe_text),
        "languages": draw(
            st.lists(st.sampled_from(["en", "cy", "gd", "ga"]), min_size=1, unique=True)
        ),
        "scale": {
            "min": low,
            "max": high,
            "labels": {point: draw(safe_text) for point in points},
            "dont_know": draw(safe_text),
            "positive": positive,
            "negative": negative,
        },
        "themes": themes,
    }
    return doc


@MODEST
@given(frameworks(), dump_options)
def test_generated_valid_frameworks_are_accepted_and_stable(source, options):
    first = outcome(dump(source, **options))
    assert isinstance(first, dict), first
    second = parse_framework(dump(first, **options), source="again.yaml")
    assert canonical_json(second) == canonical_json(first)
    # Normalising is idempotent.
    third = parse_framework(dump(second, allow_unicode=True), source="third.yaml")
    assert third == second

"""Checks on framework files: the shipped frameworks, and every kind of mistake in a file."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from stackup.frameworks import validation
from stackup.frameworks.validation import (
    MAX_BYTES,
    FrameworkError,
    Problem,
    canonical_json,
    content_hash,
    load_framework_file,
    parse_framework,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "stackup" / "frameworks" / "data"
HEALTH_CHECK = DATA / "collaboration-health-check.yaml"
DIGITAL = DATA / "citizen-digital-services.yaml"
SCHEMA = ROOT / "stackup" / "frameworks" / "schema" / "framework.schema.json"
PUBLISHED_SCHEMA = ROOT / "docs" / "framework.schema.json"


def minimal() -> dict:
    """A small valid framework, as it would be written in a file."""
    return {
        "id": "demo-framework",
        "version": 1,
        "title": "Demo framework",
        "description": "A framework for the tests.",
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
                "id": "first",
                "title": "First theme",
                "description": "The first theme.",
                "items": [
                    {"id": "A1", "statement": "We do one thing.", "prompt": "Why?"},
                    {"id": "A2", "statement": "We do another.", "prompt": "How?"},
                ],
            },
            {
                "id": "second",
                "title": "Second theme",
                "description": "The second theme.",
                "items": [{"id": "B1", "statement": "We do a third.", "prompt": "When?"}],
            },
        ],
    }


def dump(doc: object) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def problems(text: str | bytes, source: str = "test.yaml") -> list[Problem]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, source=source)
    found = caught.value.problems
    assert found, "a FrameworkError must carry at least one problem"
    assert all(problem.message for problem in found)
    return found


def rendered(text: str | bytes) -> list[str]:
    """Problems as "path: message", without the source."""
    return [f"{problem.path}: {problem.message}" for problem in problems(text)]


def paths(text: str | bytes) -> list[str]:
    return [problem.path for problem in problems(text)]


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def yaml_reader(request, monkeypatch):
    """Run every test with both ways of reading YAML: libyaml where installed, and PyYAML's own."""
    if request.param == "python":
        monkeypatch.setattr(validation, "_Loader", validation._PurePythonLoader)
    elif validation._Loader is validation._PurePythonLoader:
        pytest.skip("libyaml is not installed")
    return request.param


# ---------------------------------------------------------------------------------------------
# The shipped frameworks


@pytest.fixture(scope="module")
def health_check() -> dict:
    return load_framework_file(HEALTH_CHECK)


@pytest.fixture(scope="module")
def digital() -> dict:
    return load_framework_file(DIGITAL)


def all_items(doc: dict) -> list[dict]:
    return [item for theme in doc["themes"] for item in theme["items"]]


def test_health_check_has_the_required_shape(health_check):
    assert health_check["id"] == "collaboration-health-check"
    assert health_check["version"] == 1
    assert health_check["languages"] == ["en"]
    assert [theme["id"] for theme in health_check["themes"]] == [
        "service_user_perspective",
        "common_purpose",
        "whole_system",
        "sharing_power",
        "sustainability",
    ]
    items = all_items(health_check)
    assert 20 <= len(items) <= 24
    assert any(item["reverse_keyed"] for item in items)
    assert len(health_check["benefits"]) == 10
    assert len(health_check["barriers"]) == 7


def test_health_check_reverse_keys_the_insistence_item(health_check):
    whole_system = next(t for t in health_check["themes"] if t["id"] == "whole_system")
    reverse = [item for item in whole_system["items"] if item["reverse_keyed"]]
    assert len(reverse) == 1
    assert "insistence" in reverse[0]["statement"].lower()


def test_health_check_sustainability_is_short(health_check):
    sustainability = health_check["themes"][-1]
    assert 1 <= len(sustainability["items"]) <= 2


def test_digital_services_has_the_required_shape(digital):
    assert digital["id"] == "citizen-digital-services"
    assert digital["version"] == 1
    assert len(digital["themes"]) >= 6
    for theme in digital["themes"]:
        assert 2 <= len(theme["items"]) <= 4


@pytest.mark.parametrize("path", [HEALTH_CHECK, DIGITAL], ids=lambda path: path.stem)
def test_every_shipped_item_has_plain_wording_and_a_prompt(path):
    doc = load_framework_file(path)
    for item in all_items(doc):
        assert item["plain_statement"], item["id"]
        assert item["prompt"], item["id"]
        assert item["prompt"].endswith("?"), item["id"]
        assert item["plain_statement"] != item["statement"], item["id"]
        assert type(item["reverse_keyed"]) is bool


@pytest.mark.parametrize("path", [HEALTH_CHECK, DIGITAL], ids=lambda path: path.stem)
def test_shipped_file_name_matches_its_id(path):
    assert load_framework_file(path)["id"] == path.stem


@pytest.mark.parametrize("path", [HEALTH_CHECK, DIGITAL], ids=lambda path: path.stem)
def test_shipped_files_pass_the_published_schema_on_their_own(path):
    """The schema alone, as an editor would use it, accepts the shipped files too."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["scale"]["labels"] = {str(key): value for key, value in raw["scale"]["labels"].items()}
    schema = json.loads(PUBLISHED_SCHEMA.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(raw)) == []


# ---------------------------------------------------------------------------------------------
# The schema


def test_published_schema_is_identical_to_the_packaged_one():
    assert PUBLISHED_SCHEMA.read_bytes() == SCHEMA.read_bytes()


def test_schema_is_valid_draft_2020_12():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_schema_pattern_has_a_plain_message():
    def patterns(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern":
                    yield value
                else:
                    yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert set(patterns(schema)) <= set(validation._PATTERN_MESSAGES)


@pytest.mark.parametrize("path", [HEALTH_CHECK, DIGITAL], ids=lambda path: path.stem)
def test_both_yaml_readers_give_the_same_result(path, monkeypatch):
    expected = load_framework_file(path)
    monkeypatch.setattr(validation, "_Loader", validation._PurePythonLoader)
    assert load_framework_file(path) == expected


def test_validation_module_does_not_import_django():
    code = (
        "import sys, stackup.frameworks.validation; "
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---------------------------------------------------------------------------------------------
# The normalised result


def test_minimal_framework_is_normalised_with_defaults():
    doc = parse_framework(dump(minimal()), source="demo.yaml")
    assert doc["benefits"] == []
    assert doc["barriers"] == []
    assert list(doc["scale"]["labels"]) == [1, 2, 3, 4, 5]
    item = doc["themes"][0]["items"][0]
    assert item == {
        "id": "A1",
        "statement": "We do one thing.",
        "plain_statement": None,
        "prompt": "Why?",
        "reverse_keyed": False,
    }


def test_text_is_trimmed_and_labels_may_be_quoted():
    source = minimal()
    source["title"] = "  Demo framework \n"
    source["scale"]["labels"] = {
        str(key): value for key, value in source["scale"]["labels"].items()
    }
    source["benefits"] = None
    doc = parse_framework(dump(source), source="demo.yaml")
    assert doc["title"] == "Demo framework"
    assert list(doc["scale"]["labels"]) == [1, 2, 3, 4, 5]
    assert doc["benefits"] == []


def test_extension_keys_are_kept():
    source = minimal()
    source["x-notes"] = {"reviewed": "2025-03-01", "by": ["someone"]}
    source["themes"][0]["items"][0]["x-source"] = "workshop"
    doc = parse_framework(dump(source), source="demo.yaml")
    assert doc["x-notes"] == {"reviewed": "2025-03-01", "by": ["someone"]}
    assert doc["themes"][0]["items"][0]["x-source"] == "workshop"


def test_yes_without_quotes_is_a_boolean():
    text = dump(minimal()).replace("prompt: Why?", "prompt: Why?\n    reverse_keyed: yes")
    doc = parse_framework(text, source="demo.yaml")
    assert doc["themes"][0]["items"][0]["reverse_keyed"] is True


def test_a_byte_order_mark_is_accepted():
    doc = parse_framework(b"\xef\xbb\xbf" + dump(minimal()).encode(), source="demo.yaml")
    assert doc["id"] == "demo-framework"


# ---------------------------------------------------------------------------------------------
# Problems and their paths


def with_change(change) -> str:
    doc = minimal()
    change(doc)
    return dump(doc)


def test_not_yaml():
    found = problems("id: [unclosed\ntitle: x\n")
    assert [problem.path for problem in found] == ["(document)"]
    assert "not valid YAML at line" in found[0].message


def test_tabs_get_a_hint():
    found = problems("id: demo\nscale:\n\tmin: 1\n")
    assert "tabs" in found[0].message


@pytest.mark.parametrize(
    "text",
    ["- a\n- b\n", "just some words\n", "42\n", "[1, 2]"],
    ids=["list", "text", "number", "flow-list"],
)
def test_root_must_be_a_mapping(text):
    found = problems(text)
    assert len(found) == 1
    assert found[0].path == "(document)"
    assert "must be a mapping" in found[0].message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file(text):
    assert rendered(text) == ["(document): the file is empty"]


@pytest.mark.parametrize("key", ["id", "version", "title", "description", "languages", "scale"])
def test_missing_top_level_key(key):
    assert f"{key}: is required but missing" in rendered(with_change(lambda d: d.pop(key)))


def test_missing_item_keys():
    def change(doc):
        del doc["themes"][0]["items"][1]["statement"]
        del doc["themes"][1]["items"][0]["prompt"]
        del doc["scale"]["dont_know"]

    assert rendered(with_change(change)) == [
        "scale.dont_know: is required but missing",
        "themes[0].items[1].statement: is required but missing",
        "themes[1].items[0].prompt: is required but missing",
    ]


def test_unknown_key():
    found = rendered(with_change(lambda d: d["themes"][0].update(colour="red")))
    assert found == [
        "themes[0].colour: 'colour' is not a recognised key here; check the spelling "
        "(keys for your own use must start with 'x-')"
    ]


def test_duplicate_item_ids():
    found = rendered(with_change(lambda d: d["themes"][1]["items"][0].update(id="A1")))
    assert found == [
        "themes[1].items[0].id: 'A1' is used more than once (also at themes[0].items[0].id)"
    ]


def test_item_ids_differing_only_in_capitals_clash():
    found = rendered(with_change(lambda d: d["themes"][1]["items"][0].update(id="a1")))
    assert found == [
        "themes[1].items[0].id: 'a1' clashes with 'A1' at themes[0].items[0].id; "
        "ids must differ by more than capital letters"
    ]


def test_duplicate_theme_ids():
    found = rendered(with_change(lambda d: d["themes"][1].update(id="first")))
    assert found == ["themes[1].id: 'first' is used more than once (also at themes[0].id)"]


def test_ids_of_different_kinds_clash():
    def change(doc):
        doc["benefits"] = [{"id": "first", "title": "A benefit", "description": "Good."}]
        doc["barriers"] = [{"id": "b1", "title": "A barrier", "description": "Bad."}]

    assert rendered(with_change(change)) == [
        "benefits[0].id: 'first' is used more than once (also at themes[0].id); "
        "theme, item, benefit and barrier ids must all be different",
        "barriers[0].id: 'b1' clashes with 'B1' at themes[1].items[0].id; ids must differ by "
        "more than capital letters; theme, item, benefit and barrier ids must all be different",
    ]


def test_duplicate_benefit_ids():
    def change(doc):
        entry = {"id": "shared_risk", "title": "Shared risk", "description": "Risk is shared."}
        doc["benefits"] = [entry, dict(entry)]

    assert rendered(with_change(change)) == [
        "benefits[1].id: 'shared_risk' is used more than once (also at benefits[0].id)"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"true"', "must be true or false, not the text 'true'"),
        ("'false'", "must be true or false, not the text 'false'"),
        ("1", "must be true or false, not the number 1"),
        ("0", "must be true or false, not the number 0"),
        ("", "must be true or false, not an empty value"),
        ("[true]", "must be true or false, not a list"),
    ],
)
def test_reverse_keyed_must_be_a_real_boolean(value, message):
    text = dump(minimal()).replace(
        "prompt: How?", f"prompt: How?\n    reverse_keyed: {value}".rstrip()
    )
    assert rendered(text) == [f"themes[0].items[1].reverse_keyed: {message}"]


def test_empty_theme():
    found = rendered(with_change(lambda d: d["themes"][1].update(items=[])))
    assert found == ["themes[1].items: a theme needs at least one item"]


def test_no_themes_and_no_languages():
    found = rendered(with_change(lambda d: d.update(themes=[], languages=[])))
    assert found == [
        "languages: list at least one language",
        "themes: a framework needs at least one theme",
    ]


def test_scale_with_a_missing_label():
    found = rendered(with_change(lambda d: d["scale"]["labels"].pop(3)))
    assert found == ["scale.labels: no label for scale point 3"]


def test_label_outside_the_scale():
    found = rendered(with_change(lambda d: d["scale"]["labels"].update({6: "Beyond"})))
    assert found == ["scale.labels.6: scale point 6 is outside the scale (1 to 5)"]


def test_label_key_that_is_not_a_number():
    found = rendered(with_change(lambda d: d["scale"]["labels"].update(six="Beyond")))
    assert found == [
        "scale.labels.six: 'six' is not a scale point; label keys must be whole numbers, "
        "such as 1 or 5"
    ]


def test_positive_code_outside_the_scale():
    found = rendered(with_change(lambda d: d["scale"].update(positive=[4, 6])))
    assert found == ["scale.positive[1]: 6 is outside the scale (1 to 5)"]


def test_positive_and_negative_overlap():
    found = rendered(with_change(lambda d: d["scale"].update(negative=[1, 2, 4])))
    assert found == [
        "scale.negative[2]: 4 is listed as both positive and negative (also at scale.positive[0])"
    ]


def test_repeated_positive_code():
    found = rendered(with_change(lambda d: d["scale"].update(positive=[4, 5, 5])))
    assert found == ["scale.positive[2]: 5 is listed more than once"]


def test_min_must_be_below_max():
    def change(doc):
        doc["scale"].update(min=5, max=4)
        doc["scale"]["labels"] = {4: "Low", 5: "High"}
        doc["scale"]["positive"] = [5]
        doc["scale"]["negative"] = [4]

    assert rendered(with_change(change)) == ["scale.max: must be greater than min (5), but it is 4"]


def test_scale_cannot_start_at_zero():
    found = rendered(with_change(lambda d: d["scale"].update(min=0)))
    assert "scale.min: must be at least 1, but it is 0" in found


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"1"', "must be a whole number, not the text '1'"),
        ("0", "must be at least 1, but it is 0"),
        ("-3", "must be at least 1, but it is -3"),
        ("true", "must be a whole number, not the value true"),
        ("yes", "must be a whole number, not the value true (written 'yes')"),
        ("1.5", "must be a whole number, not the number 1.5"),
        ("1.0", "must be a whole number, not the number 1.0"),
        ("0.5", "must be a whole number, not the number 0.5"),
        ("", "must be a whole number, not an empty value"),
        (
            "01",
            "'01' is not a plain whole number; write it in ordinary digits without leading "
            "zeros, such as 1 or 25",
        ),
        (
            "0x10",
            "'0x10' is not a plain whole number; write it in ordinary digits without "
            "leading zeros, such as 1 or 25",
        ),
    ],
)
def test_version_must_be_a_positive_whole_number(value, message):
    text = dump(minimal()).replace("version: 1\n", f"version: {value}\n")
    assert rendered(text) == [f"version: {message}"]


def test_huge_integer():
    text = dump(minimal()).replace("version: 1\n", "version: 1" + "0" * 5000 + "\n")
    (found,) = problems(text)
    assert found.path == "version"
    assert "not a plain whole number" in found.message


@pytest.mark.parametrize(
    ("framework_id", "ok"),
    [
        ("demo", True),
        ("demo-2", True),
        ("Demo", False),
        ("demo--two", False),
        ("demo_two", False),
        ("-demo", False),
        ("demo\n", False),
    ],
)
def test_framework_id_pattern(framework_id, ok):
    text = with_change(lambda d: d.update(id=framework_id))
    if ok:
        assert parse_framework(text, source="t")["id"] == framework_id
    else:
        assert paths(text) == ["id"]


@pytest.mark.parametrize("item_id", ["1A", "A 1", "A.1", "", "Ä1"])
def test_bad_item_ids(item_id):
    text = with_change(lambda d: d["themes"][0]["items"][0].update(id=item_id))
    assert paths(text) == ["themes[0].items[0].id"]


def test_statement_too_long():
    text = with_change(lambda d: d["themes"][0]["items"][0].update(statement="x" * 501))
    assert rendered(text) == [
        "themes[0].items[0].statement: is too long: 501 characters, but the most allowed is 500"
    ]


def test_blank_text():
    def change(doc):
        doc["themes"][0]["items"][0]["statement"] = "   "
        doc["themes"][0]["items"][0]["plain_statement"] = ""

    assert rendered(with_change(change)) == [
        "themes[0].items[0].statement: must not be blank",
        "themes[0].items[0].plain_statement: must not be empty",
    ]


def test_too_many_items_in_all():
    def change(doc):
        doc["themes"] = [
            {
                "id": f"theme_{t}",
                "title": "A theme",
                "description": "About something.",
                "items": [
                    {"id": f"T{t}I{i}", "statement": "A statement.", "prompt": "Why?"}
                    for i in range(41)
                ],
            }
            for t in range(5)
        ]

    assert rendered(with_change(change)) == [
        "themes: the framework has 205 items in all, but the most allowed is 200"
    ]


def test_a_flood_of_problems_is_summed_up():
    def change(doc):
        for theme in doc["themes"]:
            theme["items"] = [
                {"id": "A1", "statement": "Same.", "prompt": "Why?", "reverse_keyed": "no"}
                for _ in range(50)
            ]

    # 100 reverse_keyed values that are text, and 99 repeats of the id 'A1'.
    found = problems(with_change(change))
    assert len(found) == validation.MAX_PROBLEMS + 1
    assert found[-1].path == "(document)"
    assert found[-1].message.startswith("99 more problems were found but are not listed")


def test_duplicate_yaml_keys():
    text = dump(minimal()).replace("title: Demo framework\n", "title: Demo\ntitle: Again\n")
    (found,) = problems(text)
    assert found.path == "title"
    assert "appears more than once" in found.message
    assert found.line == 4


@pytest.mark.parametrize(
    "text",
    [
        "id: &a demo\ntitle: *a\n",
        'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\nd: [*c,*c,*c]\n',
    ],
    ids=["anchor", "laughs"],
)
def test_anchors_and_aliases_are_refused(text):
    (found,) = problems(text)
    assert found.path == "(document)"
    assert "anchors" in found.message or "aliases" in found.message


def test_merge_keys_are_refused():
    found = rendered("id: demo\n<<: {title: x}\n")
    assert any("merge keys" in problem for problem in found)


def test_more_than_one_document():
    (found,) = problems(dump(minimal()) + "---\n" + dump(minimal()))
    assert found.path == "(document)"
    assert "more than one YAML document" in found.message


def test_dates_binary_and_tags_are_refused():
    def change(doc):
        doc["title"] = "TITLE"
        doc["description"] = "DESCRIPTION"
        doc["x-note"] = "NOTE"

    text = (
        with_change(change)
        .replace("TITLE", "2024-01-01")
        .replace("DESCRIPTION", "!!binary aGVsbG8=")
        .replace("NOTE", "!!python/object/apply:os.system ['true']")
    )
    found = rendered(text)
    assert len(found) == 3
    assert found[0].startswith("title: YAML reads '2024-01-01' as a date or time")
    assert found[1] == "description: binary data (!!binary) is not allowed"
    assert found[2].startswith("x-note: the YAML")


def test_yaml_sets_are_refused():
    text = dump(minimal()).replace("languages:\n- en\n", "languages: !!set {en: null}\n")
    assert rendered(text) == ["languages: the YAML type !!set is not allowed here"]


def test_non_string_keys_are_treated_as_text():
    text = dump(minimal()).replace("title: Demo framework\n", "title: Demo framework\n7: seven\n")
    assert paths(text) == ["7"]


def test_complex_keys_are_refused():
    text = dump(minimal()) + "? [a, b]\n: c\n"
    found = problems(text)
    assert [problem.path for problem in found] == ["(document)"]
    assert "a key must be a single word" in found[0].message


def test_control_characters_are_refused():
    text = with_change(lambda d: d.update(title="Demo\x00framework"))
    assert rendered(text) == ["title: contains a character that is not allowed (U+0000)"]


def test_lone_surrogate_in_escape_is_refused():
    text = dump(minimal()).replace("title: Demo framework", 'title: "Demo \\ud800"')
    (found,) = problems(text)
    # libyaml refuses the escape itself; PyYAML's own reader lets it through to be checked later.
    assert (found.path, found.message) in {
        ("title", "contains a character that is not allowed (U+D800)"),
        (
            "(document)",
            "this is not valid YAML at line 3, column 16: found invalid Unicode "
            "character escape code",
        ),
    }


def test_non_utf8_bytes():
    (found,) = problems("title: café\n".encode("latin-1"))
    assert found.path == "(document)"
    assert "not UTF-8" in found.message


def test_oversized_document_is_refused_before_parsing():
    big = dump(minimal()) + "x-padding: " + "a" * MAX_BYTES + "\n"
    for text in (big, big.encode()):
        (found,) = problems(text)
        assert found.path == "(document)"
        assert "larger than 1 MB" in found.message


def test_multibyte_text_counts_bytes_not_characters():
    text = dump(minimal()) + "x-padding: " + "é" * (MAX_BYTES // 2 + 10) + "\n"
    assert len(text) < MAX_BYTES
    (found,) = problems(text)
    assert "larger than 1 MB" in found.message


def test_deep_nesting_is_refused():
    text = dump(minimal()) + "x-deep: " + "[" * 200 + "]" * 200 + "\n"
    (found,) = problems(text)
    assert "nested too deeply" in found.message


def test_very_deep_nesting_does_not_overflow():
    (found,) = problems("[" * 100_000)
    assert found.path == "(document)"


@pytest.mark.parametrize("value", [None, 42, 4.2, ["id: x"], object()])
def test_input_that_is_not_text(value):
    found = problems(value)
    assert found[0].path == "(document)"


def test_several_problems_are_all_reported():
    def change(doc):
        doc["version"] = 0
        doc["scale"]["labels"].pop(2)
        doc["scale"]["positive"] = [5, 9]
        doc["themes"][0]["items"][1]["id"] = "A1"
        doc["themes"][0]["items"][0]["reverse_keyed"] = "true"
        doc["themes"][1]["items"] = []
        doc["surplus"] = True

    assert rendered(with_change(change)) == [
        "version: must be at least 1, but it is 0",
        "scale.labels: no label for scale point 2",
        "scale.positive[1]: 9 is outside the scale (1 to 5)",
        "themes[0].items[0].reverse_keyed: must be true or false, not the text 'true'",
        "themes[0].items[1].id: 'A1' is used more than once (also at themes[0].items[0].id)",
        "themes[1].items: a theme needs at least one item",
        "surplus: 'surplus' is not a recognised key here; check the spelling "
        "(keys for your own use must start with 'x-')",
    ]


def test_problems_carry_lines_in_file_order():
    text = with_change(lambda d: d["themes"][1]["items"][0].update(id="A1"))
    (found,) = problems(text)
    assert text.splitlines()[found.line - 1].strip() == "- id: A1"


# ---------------------------------------------------------------------------------------------
# Problem and FrameworkError


def test_problem_renders_as_source_path_message():
    problem = Problem("my.yaml", "themes[2].items[0].id", "'SU1' is used more than once")
    assert str(problem) == "my.yaml: themes[2].items[0].id: 'SU1' is used more than once"
    assert problem == Problem("my.yaml", "themes[2].items[0].id", "'SU1' is used more than once", 9)


def test_framework_error_lists_every_problem():
    error = FrameworkError([Problem("a.yaml", "id", "one"), Problem("a.yaml", "title", "two")])
    assert str(error) == "2 problems were found:\n  a.yaml: id: one\n  a.yaml: title: two"
    assert str(FrameworkError([Problem("a.yaml", "id", "one")])) == "a.yaml: id: one"


def test_source_is_used_in_every_problem():
    with pytest.raises(FrameworkError) as caught:
        parse_framework("- x", source="mine.yaml")
    assert str(caught.value).startswith("mine.yaml: (document): ")


# ---------------------------------------------------------------------------------------------
# Loading files


def test_load_missing_file(tmp_path):
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(tmp_path / "nowhere.yaml")
    (found,) = caught.value.problems
    assert found.source == "nowhere.yaml"
    assert found.path == "(document)"
    assert "there is no file at" in found.message


def test_load_a_folder(tmp_path):
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(tmp_path)
    assert "is a folder, not a file" in caught.value.problems[0].message


def test_load_oversized_file(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * (MAX_BYTES + 10))
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)
    assert "larger than 1 MB" in caught.value.problems[0].message


def test_load_uses_the_file_name_as_source(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(with_change(lambda d: d.pop("title")), encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework_file(str(path))
    assert [str(problem) for problem in caught.value.problems] == [
        "mine.yaml: title: is required but missing"
    ]


# ---------------------------------------------------------------------------------------------
# Canonical form and content hash


def test_canonical_json_is_compact_and_sorted():
    doc = parse_framework(dump(minimal()), source="demo.yaml")
    text = canonical_json(doc)
    assert text.startswith('{"barriers":[],"benefits":[],"description":')
    assert ", " not in text.replace("Disagree, ", "")
    assert json.loads(text)["scale"]["labels"]["3"] == "Neither agree nor disagree"


def test_hash_ignores_layout_comments_and_key_order():
    doc = minimal()
    reordered = dict(reversed(list(doc.items())))
    first = parse_framework(dump(doc), source="a")
    second = parse_framework(
        "# a comment\n" + yaml.safe_dump(reordered, default_flow_style=True, width=40),
        source="b",
    )
    assert canonical_json(first) == canonical_json(second)
    assert content_hash(first) == content_hash(second)


def test_hash_is_the_same_after_a_trip_through_json(health_check):
    through_json = json.loads(json.dumps(health_check))
    assert through_json["scale"]["labels"].keys() == {"1", "2", "3", "4", "5"}
    assert content_hash(through_json) == content_hash(health_check)


def test_hash_changes_with_content(health_check):
    changed = copy.deepcopy(health_check)
    changed["themes"][0]["items"][0]["prompt"] += " Really?"
    assert content_hash(changed) != content_hash(health_check)
    assert len(content_hash(health_check)) == 64

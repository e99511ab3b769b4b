"""The stored frameworks and the three commands: load_framework, list_frameworks, show_framework."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stackup.frameworks import documents
from stackup.frameworks.models import Framework
from stackup.frameworks.validation import (
    canonical_json,
    content_hash,
    load_framework_file,
    parse_framework,
)
from tests.frameworks.factories import ROOT, SHIPPED, framework_dict, to_yaml, write_framework

pytestmark = pytest.mark.django_db


def run(*args: str, **options) -> tuple[str, str]:
    """Run a command; return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str, **options) -> tuple[str, str, CommandError]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue(), caught.value


# ---------------------------------------------------------------------------------------------
# The shipped frameworks


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migrations_store_both_shipped_frameworks(tmp_path):
    # Every app's newest migration: going back also unapplies the migrations that depend on
    # the shipped frameworks (rounds, say), and they must come back too.
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    run("load_framework", str(write_framework(tmp_path / "youth.yaml", framework_dict())))
    try:
        # Going back removes the two shipped versions, and only them...
        _migrate([("frameworks", "0001_initial")])
        assert list(Framework.objects.values_list("slug", flat=True)) == ["youth-partnership-check"]
        # ...and migrating forward stores them again.
        _migrate(leaf)
        for slug, path in SHIPPED.items():
            document = load_framework_file(path)
            framework = Framework.objects.get(slug=slug, version=1)
            assert framework.title == document["title"]
            assert framework.source_name == path.name
            assert framework.content_hash == content_hash(document)
            assert framework.as_document() == document
            assert not framework.is_in_use()
        assert Framework.objects.count() == 3
    finally:
        _migrate(leaf)


def test_list_frameworks_shows_both_shipped_frameworks():
    out, _ = run("list_frameworks")
    lines = out.splitlines()
    assert lines[0].split() == ["Id", "Version", "Title", "Themes", "Items", "In", "use"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert set(rows) == set(SHIPPED)
    health = rows["collaboration-health-check"]
    assert health.split()[1] == "1"
    assert "Collaboration health check" in health
    assert health.split()[-3:] == ["5", "22", "no"]
    digital = rows["citizen-digital-services"]
    assert "Citizen-centred digital services" in digital
    assert digital.split()[-3:] == ["7", "23", "no"]


def test_list_frameworks_lists_every_stored_version_newest_first(tmp_path):
    run("load_framework", str(write_framework(tmp_path / "v1.yaml", framework_dict())))
    run("load_framework", str(write_framework(tmp_path / "v2.yaml", framework_dict(version=2))))
    out, _ = run("list_frameworks")
    versions = [
        line.split()[1] for line in out.splitlines() if line.startswith("youth-partnership-check")
    ]
    assert versions == ["2", "1"]


def test_list_frameworks_says_when_there_are_none():
    Framework.objects.all().delete()
    out, _ = run("list_frameworks")
    assert out.strip() == "No frameworks are stored. Load one with: stackup load_framework FILE"


# ---------------------------------------------------------------------------------------------
# load_framework


def test_loading_a_valid_file_stores_it(tmp_path):
    path = write_framework(tmp_path / "youth.yaml", framework_dict())
    out, err = run("load_framework", str(path))
    assert err == ""
    assert out.strip() == (
        "Stored youth-partnership-check version 1 (Youth partnership check): 2 themes, 3 items."
    )
    framework = Framework.objects.get(slug="youth-partnership-check", version=1)
    expected = parse_framework(path.read_text(encoding="utf-8"), source="youth.yaml")
    assert framework.as_document() == expected
    assert framework.content_hash == content_hash(expected)
    assert framework.title == "Youth partnership check"
    assert framework.source_name == "youth.yaml"
    assert Framework.objects.count() == 3


def _missing_keys(doc):
    del doc["title"]
    del doc["scale"]


def _duplicate_ids(doc):
    doc["themes"][0]["items"][1]["id"] = "YV1"
    doc["themes"][1]["id"] = "voice"


def _reverse_keyed_not_boolean(doc):
    doc["themes"][0]["items"][0]["reverse_keyed"] = "true"
    doc["themes"][1]["items"][0]["reverse_keyed"] = 1


def _empty_theme(doc):
    doc["themes"][1]["items"] = []


def _missing_labels(doc):
    del doc["scale"]["labels"][3]
    del doc["scale"]["labels"][5]


MALFORMED = {
    "not-yaml": (
        "id: youth-partnership-check\ntitle: [unclosed\n",
        [("(document)", "this is not valid YAML at line 3, column 1")],
    ),
    "missing-keys": (
        _missing_keys,
        [("title", "is required but missing"), ("scale", "is required but missing")],
    ),
    "duplicate-ids": (
        _duplicate_ids,
        [
            ("themes[0].items[1].id", "'YV1' is used more than once"),
            ("themes[1].id", "'voice' is used more than once"),
        ],
    ),
    "reverse-keyed-not-boolean": (
        _reverse_keyed_not_boolean,
        [
            ("themes[0].items[0].reverse_keyed", "must be true or false, not the text 'true'"),
            ("themes[1].items[0].reverse_keyed", "must be true or false, not the number 1"),
        ],
    ),
    "empty-theme": (_empty_theme, [("themes[1].items", "a theme needs at least one item")]),
    "scale-missing-labels": (
        _missing_labels,
        [
            ("scale.labels", "no label for scale point 3"),
            ("scale.labels", "no label for scale point 5"),
        ],
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_is_refused_with_every_problem_listed(tmp_path, case):
    change, expected = MALFORMED[case]
    if isinstance(change, str):
        text = change
    else:
        doc = framework_dict()
        change(doc)
        text = to_yaml(doc)
    path = write_framework(tmp_path / f"{case}.yaml", text)
    before = Framework.objects.count()

    out, err, error = run_failing("load_framework", str(path))

    lines = err.splitlines()
    # One line per problem, each "FILE: path: message", and nothing else on stderr.
    assert len(lines) == len(expected), err
    for (where, message), line in zip(expected, lines, strict=True):
        assert line.startswith(f"{path}: {where}: {message}"), line
    count = len(expected)
    found = "1 problem was" if count == 1 else f"{count} problems were"
    assert (
        str(error) == f"{found} found in {path}. Nothing was stored. Put them right and try again."
    )
    assert error.returncode == 1
    assert out == ""
    assert Framework.objects.count() == before


def test_a_missing_file_is_reported(tmp_path):
    path = tmp_path / "nowhere.yaml"
    _, err, error = run_failing("load_framework", str(path))
    assert err.strip() == f"{path}: (document): there is no file at {str(path)!r}"
    assert "Nothing was stored" in str(error)


def test_a_changed_file_under_a_stored_version_is_refused(tmp_path):
    path = write_framework(tmp_path / "youth.yaml", framework_dict())
    run("load_framework", str(path))
    stored = Framework.objects.get(slug="youth-partnership-check")
    before = Framework.objects.count()

    changed = framework_dict()
    changed["themes"][0]["items"][0]["statement"] = "Young people run the youth services."
    write_framework(path, changed)
    out, _, error = run_failing("load_framework", str(path))

    assert str(error) == (
        "youth-partnership-check version 1 is already stored with different content. "
        "Give your file a new version number (for example version: 2) and load it again."
    )
    assert error.returncode == 1
    assert out == ""
    assert Framework.objects.count() == before
    stored.refresh_from_db()
    assert stored.as_document()["themes"][0]["items"][0]["statement"] == (
        "Young people help decide how youth services are run."
    )


def test_a_changed_shipped_framework_is_refused(tmp_path):
    document = load_framework_file(SHIPPED["collaboration-health-check"])
    document["title"] = "My own health check"
    path = write_framework(tmp_path / "chc.yaml", document)
    _, _, error = run_failing("load_framework", str(path))
    assert "collaboration-health-check version 1 is already stored" in str(error)
    assert "(for example version: 2)" in str(error)
    assert Framework.objects.get(slug="collaboration-health-check").title == (
        "Collaboration health check"
    )


def test_check_only_checks_and_stores_nothing(tmp_path):
    path = write_framework(tmp_path / "youth.yaml", framework_dict())
    before = Framework.objects.count()
    out, err = run("load_framework", str(path), "--check")
    assert out.splitlines() == [
        f"{path} is a valid framework file.",
        "It holds youth-partnership-check version 1 (Youth partnership check): 2 themes, "
        "3 items. Nothing was stored (--check).",
    ]
    assert err == ""
    assert Framework.objects.count() == before
    assert not Framework.objects.filter(slug="youth-partnership-check").exists()


def test_check_on_a_malformed_file_lists_the_problems(tmp_path):
    doc = framework_dict()
    _empty_theme(doc)
    path = write_framework(tmp_path / "bad.yaml", doc)
    _, err, _ = run_failing("load_framework", "--check", str(path))
    assert err.strip() == f"{path}: themes[1].items: a theme needs at least one item"


def test_loading_the_same_file_again_changes_nothing(tmp_path):
    path = write_framework(tmp_path / "youth.yaml", framework_dict())
    run("load_framework", str(path))
    first = Framework.objects.get(slug="youth-partnership-check")
    before = Framework.objects.count()

    # Comments, spacing and key order do not count as changes.
    reordered = "# the same framework, written differently\n" + yaml.safe_dump(
        framework_dict(), sort_keys=True, indent=4
    )
    write_framework(path, reordered)
    out, err = run("load_framework", str(path))

    assert out.strip() == (
        "youth-partnership-check version 1 is already stored with the same content. "
        "Nothing was changed."
    )
    assert err == ""
    assert Framework.objects.count() == before
    again = Framework.objects.get(slug="youth-partnership-check")
    assert (again.pk, again.created_at, again.content_hash) == (
        first.pk,
        first.created_at,
        first.content_hash,
    )


def test_reloading_a_shipped_file_changes_nothing():
    out, _ = run("load_framework", str(SHIPPED["citizen-digital-services"]))
    assert "already stored with the same content" in out
    assert Framework.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# show_framework


@pytest.mark.parametrize("slug", SHIPPED)
def test_show_framework_yaml_round_trips(slug):
    framework = Framework.objects.get(slug=slug)
    out, _ = run("show_framework", slug)
    # Keys come out in the file's order, whatever order the database keeps them in.
    assert out == documents.to_yaml(load_framework_file(SHIPPED[slug]))
    # As plain YAML it is the stored document, and as a framework file it loads back unchanged.
    assert yaml.safe_load(out) == framework.as_document()
    reloaded = parse_framework(out, source="shown.yaml")
    assert reloaded == framework.as_document() == load_framework_file(SHIPPED[slug])
    assert content_hash(reloaded) == framework.content_hash


@pytest.mark.parametrize("slug", SHIPPED)
def test_show_framework_json_round_trips(slug):
    framework = Framework.objects.get(slug=slug)
    out, _ = run("show_framework", slug, "--format", "json")
    shown = json.loads(out)
    assert canonical_json(shown) == canonical_json(framework.document)
    assert content_hash(shown) == framework.content_hash
    assert parse_framework(out, source="shown.json") == framework.as_document()


def test_show_framework_round_trips_awkward_text(tmp_path):
    doc = framework_dict()
    item = doc["themes"][0]["items"][0]
    item["statement"] = "yes"
    item["plain_statement"] = "null"
    item["prompt"] = "#1: 'quoted' \"double\" — and a long line " + "word " * 40
    doc["themes"][0]["items"][1]["statement"] = "2025-03-01"
    doc["description"] = "Ŵyn a chŵn: *bold*, & <tags>\nover two lines"
    doc["x-notes"] = {"reviewed": "2025-03-01", "count": 3, "flags": [True, None, 1.5]}
    path = write_framework(tmp_path / "awkward.yaml", doc)
    run("load_framework", str(path))
    framework = Framework.objects.get(slug="youth-partnership-check")

    out, _ = run("show_framework", "youth-partnership-check", "--format", "yaml")
    assert parse_framework(out, source="shown.yaml") == framework.as_document()
    out, _ = run("show_framework", "youth-partnership-check", "--format", "json")
    assert parse_framework(out, source="shown.json") == framework.as_document()

    # The YAML shown, with a new version number, loads as the next version.
    shown = yaml.safe_load(run("show_framework", "youth-partnership-check")[0])
    shown["version"] = 2
    out, _ = run("load_framework", str(write_framework(tmp_path / "v2.yaml", shown)))
    assert out.startswith("Stored youth-partnership-check version 2")
    v2 = Framework.objects.get(slug="youth-partnership-check", version=2)
    assert {**v2.as_document(), "version": 1} == framework.as_document()


def test_show_framework_shows_the_newest_version_unless_told(tmp_path):
    run("load_framework", str(write_framework(tmp_path / "v1.yaml", framework_dict())))
    run(
        "load_framework",
        str(write_framework(tmp_path / "v2.yaml", framework_dict(version=2, title="Second"))),
    )
    newest = yaml.safe_load(run("show_framework", "youth-partnership-check")[0])
    assert (newest["version"], newest["title"]) == (2, "Second")
    first = yaml.safe_load(run("show_framework", "youth-partnership-check", "--version", "1")[0])
    assert (first["version"], first["title"]) == (1, "Youth partnership check")
    # The same through call_command's keyword form.
    out, _ = run("show_framework", "youth-partnership-check", framework_version=1)
    assert yaml.safe_load(out)["version"] == 1


def test_show_framework_with_an_unknown_id_fails_clearly():
    out, _, error = run_failing("show_framework", "no-such-framework")
    assert str(error) == (
        "There is no framework with the id 'no-such-framework'. "
        "See the stored frameworks with: stackup list_frameworks"
    )
    assert error.returncode == 1
    assert out == ""


def test_show_framework_with_an_unknown_version_fails_clearly():
    _, _, error = run_failing("show_framework", "collaboration-health-check", "--version", "7")
    assert str(error) == (
        "collaboration-health-check has no version 7. The stored versions are: 1."
    )


def test_show_framework_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("show_framework", "collaboration-health-check", "--format", "xml")


# ---------------------------------------------------------------------------------------------
# The real console script


def _stackup(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "stackup.settings.test"}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "stackup"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_the_console_script_exits_non_zero_for_a_bad_file(tmp_path: Path):
    doc = copy.deepcopy(framework_dict())
    _duplicate_ids(doc)
    path = write_framework(tmp_path / "bad.yaml", doc)
    result = _stackup("load_framework", "--check", str(path))
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith(str(path))] == [
        f"{path}: themes[0].items[1].id: 'YV1' is used more than once "
        "(also at themes[0].items[0].id)",
        f"{path}: themes[1].id: 'voice' is used more than once (also at themes[0].id)",
    ]
    assert lines[-1] == (
        f"CommandError: 2 problems were found in {path}. Nothing was stored. "
        "Put them right and try again."
    )


def test_the_console_script_exits_zero_for_a_good_file(tmp_path: Path):
    path = write_framework(tmp_path / "good.yaml", framework_dict())
    result = _stackup("load_framework", "--check", str(path))
    assert result.returncode == 0, result
    assert f"{path} is a valid framework file." in result.stdout

"""``stackup results``: the results document and its exports from the command line."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from odf.opendocument import load

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import RoundStatus
from stackup.results import exports
from stackup.results.document import results_document
from stackup.results.management.commands.results import Command
from tests.results.export_rounds import demo_like_rounds, tiny_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds():
    return demo_like_rounds()


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("results", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


BASE = ("--partnership", "riverside", "--round", "Spring 2026")


def test_json_to_standard_output_by_default(rounds):
    out, err = run(*BASE)
    assert err == ""
    document = json.loads(out)
    assert document == json.loads(exports.json_bytes(results_document(rounds[1])))
    assert document["schema"] == "stackup.results/1"
    assert document["change"] is None  # no comparison unless asked for


def test_compare_to_adds_the_change(rounds):
    earlier, later = rounds
    out, _err = run(*BASE, "--compare-to", "autumn 2025")  # names match in any case
    document = json.loads(out)
    assert document["change"]["from_round"] == "Autumn 2025"
    expected = results_document(later, compare_to=earlier)
    assert document["change"] == json.loads(json.dumps(expected["change"]))


def test_json_to_a_file_says_so_on_standard_error(rounds, tmp_path):
    path = tmp_path / "results.json"
    out, err = run(*BASE, "--output", str(path))
    assert out == ""
    assert f"Wrote {path}" in err
    assert json.loads(path.read_text(encoding="utf-8"))["round"] == "Spring 2026"


def test_csv_writes_one_file_per_table_into_a_new_folder(rounds, tmp_path):
    folder = tmp_path / "out" / "csv"
    out, err = run(*BASE, "--compare-to", "Autumn 2025", "--format", "csv", "--output", str(folder))
    assert out == ""
    document = results_document(rounds[1], compare_to=rounds[0])
    tables = exports.result_tables(document)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t.name}.csv" for t in tables)
    for table in tables:
        assert (folder / f"{table.name}.csv").read_bytes() == exports.csv_bytes(table)
        assert f"{table.name}.csv" in err


def test_csv_of_one_table_to_standard_output(rounds):
    out, err = run(*BASE, "--format", "csv", "--table", "themes")
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    document = results_document(rounds[1])
    assert [r["id"] for r in rows] == [t["id"] for t in document["themes"]]
    assert [float(r["mean"]) for r in rows] == [t["mean"] for t in document["themes"]]


def test_ods_and_pdf_files(rounds, tmp_path):
    ods = tmp_path / "results.ods"
    _out, err = run(*BASE, "--format", "ods", "--output", str(ods))
    assert "Wrote" in err
    load(str(ods))  # a spreadsheet odfpy can read
    with zipfile.ZipFile(ods) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"

    pdf = tmp_path / "report.pdf"
    out, err = run(*BASE, "--format", "pdf", "--output", str(pdf))
    assert out == ""
    assert "Making the PDF report" in err and "Wrote" in err
    assert pdf.read_bytes().startswith(b"%PDF-1.7")


def test_a_round_below_the_minimum_size_still_gives_a_document(tmp_path):
    built = tiny_round()
    out, _err = run("--partnership", "riverside", "--round", built.round.name)
    document = json.loads(out)
    assert document["available"] is False
    assert all(theme["mean"] is None for theme in document["themes"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--partnership", "nowhere", "--round", "Spring 2026"),
            "There is no partnership with the short name 'nowhere'. "
            "The partnerships are: riverside",
        ),
        (
            ("--partnership", "riverside", "--round", "Winter 1999"),
            "has no round called 'Winter 1999'. Its rounds are: Autumn 2025, Spring 2026",
        ),
        ((*BASE, "--compare-to", "Winter 1999"), "has no round called 'Winter 1999'"),
        ((*BASE, "--compare-to", "Spring 2026"), "A round cannot be compared with itself"),
        ((*BASE, "--format", "ods"), "Say where to save it with --output"),
        ((*BASE, "--format", "pdf"), "Say where to save it with --output"),
        ((*BASE, "--format", "csv"), "say which folder to put them in with --output DIR"),
        (
            (*BASE, "--format", "csv", "--table", "nope"),
            "There is no table called 'nope'. The tables are: themes, items, groups, "
            "comparisons, benefits, barriers, comments.",
        ),
        (
            (*BASE, "--format", "csv", "--table", "change_items"),
            "The change tables need --compare-to.",
        ),
        ((*BASE, "--table", "themes"), "--table only goes with --format csv"),
    ],
)
def test_clear_errors(rounds, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_a_round_without_results_is_refused(rounds):
    open_round = partnership_services.round_create(
        partnership=rounds[1].partnership,
        name="Summer 2026",
        framework_slug="collaboration-health-check",
    )
    partnership_services.round_set_status(round=open_round, status=RoundStatus.OPEN)
    with pytest.raises(CommandError) as caught:
        run("--partnership", "riverside", "--round", "Summer 2026")
    assert "Summer 2026 is open, so it has no results yet" in str(caught.value)
    assert "stackup set_round_status" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        run(*BASE, "--compare-to", "Summer 2026")
    assert "Summer 2026 is open" in str(caught.value)

    partnership_services.round_create(
        partnership=rounds[1].partnership,
        name="Winter 2026",
        framework_slug="collaboration-health-check",
    )
    with pytest.raises(CommandError) as caught:
        run("--partnership", "riverside", "--round", "Winter 2026")
    assert "Winter 2026 is still a draft, so it has no results yet" in str(caught.value)


def test_writing_a_file_into_a_folder_is_refused(rounds, tmp_path):
    with pytest.raises(CommandError) as caught:
        run(*BASE, "--format", "ods", "--output", str(tmp_path))
    assert "is a folder" in str(caught.value)
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(CommandError) as caught:
        run(*BASE, "--format", "csv", "--output", str(target))
    assert "is a file, not a folder" in str(caught.value)
    assert target.read_text() == "x"


def test_help_has_examples():
    text = Command().create_parser("stackup", "results").format_help()
    assert "Examples:" in text
    assert "--compare-to" in text and "--format csv --output results/" in text
    assert "--format pdf --output report.pdf" in text

"""Bulk import: ``stackup import_responses`` and the service and parsing behind it."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stackup.core.models import AuditEvent
from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import RoundStatus
from stackup.responding import importing, services
from stackup.responding.models import Response
from tests.responding.factories import SMALL_FRAMEWORK

ROOT = Path(__file__).resolve().parents[2]

GOOD_CSV = (
    "respondent_id,YV1,YV2,JW1,organisation,sector,stakeholder_group,role_level,channel,"
    "comment_voice\n"
    'r1,4,2,DK,riverside homes,housing,,frontline,,"We are heard, mostly."\n'
    "r2,5,,Don't know,,,service_user,,paper,\n"
    "r3,1,5,3,Riverside Borough Council,,council,senior_leader,PHONE,=SUM(A1:A3)\n"
    "r4,dk,don\u2019t KNOW,2,,,,manager,,\n"
)


def run(path, *args, partnership="riverside"):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_responses", "--partnership", partnership, *args, str(path), stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def refused(path, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_responses", "--partnership", "riverside", *args, str(path), stderr=err)
    return str(caught.value), err.getvalue()


def write(tmp_path, text, name="responses.csv", bom=False):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def make_round(world, name, status):
    round_ = partnership_services.round_create(
        partnership=world.partnership, name=name, framework_slug=SMALL_FRAMEWORK
    )
    steps = {
        RoundStatus.DRAFT: [],
        RoundStatus.CLOSED: [RoundStatus.OPEN, RoundStatus.CLOSED],
    }[status]
    for step in steps:
        round_ = partnership_services.round_set_status(round=round_, status=step)
    return round_


@pytest.mark.django_db
def test_a_valid_csv_is_imported_and_a_second_run_changes_nothing(world, tmp_path):
    path = write(tmp_path, GOOD_CSV, bom=True)
    out, _err = run(path, "--round", "Spring 2026")
    assert "Imported 4 responses into Spring 2026" in out
    stored = {tuple(sorted(r.answers.items())): r for r in Response.objects.all()}
    assert len(stored) == 4
    first = stored[(("JW1", "DK"), ("YV1", 4), ("YV2", 2))]
    assert first.organisation == world.organisations[1]
    assert first.sector == "housing"
    assert first.role_level == "frontline"
    assert first.channel == "import"
    assert first.comments == {"voice": "We are heard, mostly."}
    # Stored hashed, never as written.
    assert first.import_key and first.import_key != "r1" and len(first.import_key) == 64
    second = stored[(("JW1", "DK"), ("YV1", 5))]
    assert second.uses_services is True and second.channel == "paper"
    third = stored[(("JW1", 3), ("YV1", 1), ("YV2", 5))]
    # The reverse-keyed YV2 is stored as answered (5), never flipped; a formula is just text.
    assert third.answers["YV2"] == 5
    assert third.comments == {"voice": "=SUM(A1:A3)"}
    assert third.sector == "council" and third.channel == "phone"
    assert stored[(("JW1", 2), ("YV1", "DK"), ("YV2", "DK"))].role_level == "manager"
    audit = AuditEvent.objects.filter(action="responses.import")
    assert audit.count() == 1
    assert "r1" not in str(audit.get().data) and "heard" not in str(audit.get().data)

    out, _err = run(path, "--round", "Spring 2026")
    assert Response.objects.count() == 4
    assert "No new responses" in out and "Skipped 4 rows already imported" in out
    assert AuditEvent.objects.filter(action="responses.import").count() == 1


@pytest.mark.django_db
def test_an_ods_file_is_imported(world, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Responses")
    rows = [
        ["respondent_id", "round", "YV1", "YV2", "JW1", "role_level"],
        ["a", "Spring 2026", 3, "DK", "", "manager"],
        ["b", "spring 2026", 5, 1, 4, ""],
    ]
    for values in rows:
        row = TableRow()
        for value in values:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                if value:
                    cell.addElement(P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    path = tmp_path / "responses.ods"
    document.save(str(path))

    # A second reader sees the same table.
    import pandas

    frame = pandas.read_excel(path, engine="odf")
    assert list(frame.columns) == rows[0]
    assert frame["YV1"].tolist() == [3, 5]

    out, _err = run(path)
    assert "Imported 2 responses into Spring 2026" in out
    answers = sorted(Response.objects.values_list("answers", flat=True), key=str)
    assert {"YV1": 3, "YV2": "DK"} in answers
    assert {"YV1": 5, "YV2": 1, "JW1": 4} in answers
    run(path)
    assert Response.objects.count() == 2


BAD_CSV = (
    "respondent_id,round,YV1,YV2,JW1,organisation,role_level\n"
    "x1,Spring 2026,6,,,,\n"  # row 2: 6 is off the scale
    "x2,Spring 2026,maybe,,,,\n"  # row 3
    "x3,Spring 2026,3,,,Nowhere Trust,\n"  # row 4
    "x4,Spring 2026,3,,,,boss\n"  # row 5
    "x1,Spring 2026,3,,,,\n"  # row 6: duplicate respondent_id
    "x6,Autumn 1999,3,,,,\n"  # row 7: no such round
    "x7,Planning,3,,,,\n"  # row 8: a draft round
    "x8,Spring 2026,2,3,4,,frontline\n"  # row 9: good
)


@pytest.mark.django_db
def test_a_file_with_bad_rows_is_refused_naming_every_row_and_column(world, tmp_path):
    make_round(world, "Planning", RoundStatus.DRAFT)
    message, err = refused(write(tmp_path, BAD_CSV))
    assert "7 problems; nothing was imported" in message
    lines = err.splitlines()
    expected = [
        ("Row 2, column YV1:", "Enter a number from 1 to 5"),
        ("Row 3, column YV1:", "Enter a number from 1 to 5"),
        ("Row 4, column organisation:", "Nowhere Trust"),
        ("Row 5, column role_level:", "frontline, manager, senior_leader"),
        ("Row 6, column respondent_id:", "same as in row 2"),
        ("Row 7, column round:", "no round called “Autumn 1999”"),
        ("Row 8, column round:", "Planning is a draft round"),
    ]
    for start, words in expected:
        assert any(line.startswith(start) and words in line for line in lines), (start, err)
    assert not any(line.startswith("Row 9") for line in lines)
    assert Response.objects.count() == 0
    assert not AuditEvent.objects.filter(action="responses.import").exists()


@pytest.mark.django_db
def test_an_unknown_column_is_refused(world, tmp_path):
    path = write(tmp_path, "YV1,XX9,email\n3,4,a@example.com\n")
    _message, err = refused(path, "--round", "Spring 2026")
    assert "Row 1, column XX9:" in err and "Row 1, column email:" in err
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_rows_need_a_round(world, tmp_path):
    _message, err = refused(write(tmp_path, "YV1\n3\n"))
    assert "Row 2, column round: Say which round" in err


@pytest.mark.django_db
def test_a_closed_round_takes_historic_responses(world, tmp_path):
    make_round(world, "Autumn 2025", RoundStatus.CLOSED)
    out, _err = run(write(tmp_path, "YV1,channel\n4,paper\n"), "--round", "autumn 2025")
    assert "Imported 1 response into Autumn 2025" in out
    assert Response.objects.get().round.name == "Autumn 2025"


@pytest.mark.django_db
def test_dry_run_stores_nothing(world, tmp_path):
    out, _err = run(write(tmp_path, GOOD_CSV), "--round", "Spring 2026", "--dry-run")
    assert "Ready to import 4 responses into Spring 2026" in out
    assert "Dry run: nothing was stored" in out
    assert Response.objects.count() == 0
    assert not AuditEvent.objects.filter(action="responses.import").exists()


@pytest.mark.django_db
def test_limits_give_clear_errors(world, tmp_path, monkeypatch):
    long_comment = "x" * (importing.MAX_CELL_LENGTH + 1)
    _message, err = refused(
        write(tmp_path, f"YV1,comment_voice\n3,{long_comment}\n"), "--round", "Spring 2026"
    )
    assert "Row 2, column comment_voice: The cell must be 2000 characters or fewer" in err
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    message, _err = refused(write(tmp_path, "YV1\n1\n2\n3\n"), "--round", "Spring 2026")
    assert "at most 2 rows" in message
    monkeypatch.setattr(importing, "MAX_ROWS", 100)
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 5)
    message, _err = refused(write(tmp_path, "YV1\n1\n2\n3\n"), "--round", "Spring 2026")
    assert "smaller than" in message
    monkeypatch.undo()
    with pytest.raises(importing.TableError, match="UTF-8"):
        importing.read_table("YV1\n\xe9\n".encode("latin-1"), "a.csv")
    with pytest.raises(importing.TableError, match="CSV or an ODS"):
        importing.read_table(b"YV1\n1\n", "a.xlsx")
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_the_service_refuses_everything_if_one_row_is_bad(world):
    rows = [["YV1", "JW1"], ["3", "4"], ["2", "9"]]
    with pytest.raises(services.ImportRefused) as caught:
        services.responses_import(
            partnership=world.partnership, rows=rows, default_round="Spring 2026"
        )
    assert [(p.row, p.column) for p in caught.value.checked.problems] == [(3, "JW1")]
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_dont_know_spellings():
    framework = {"scale": {"min": 1, "max": 5}}
    for text in ("DK", "dk", "Don't know", "DON\u2019T KNOW", " don't know "):
        assert importing.item_answer(text, framework) == "DK", text
    for text in ("0", "6", "3.5", "maybe", "=1+2", "\uff13"):
        assert importing.item_answer(text, framework) is None, text
    assert importing.item_answer(" 3 ", framework) == 3


@pytest.mark.django_db(transaction=True)
def test_the_console_script_exits_non_zero_for_a_bad_file(tmp_path):
    # The real installed command, against its own database file.
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stackup.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    stackup = ROOT / ".venv" / "bin" / "stackup"
    for command in (["migrate", "-v", "0"], ["load_demo"]):
        done = subprocess.run(
            [str(stackup), *command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    bad = write(tmp_path, "SU1,organisation\n7,Nowhere\n")
    done = subprocess.run(
        [
            str(stackup),
            "import_responses",
            "--partnership",
            "riverside",
            "--round",
            "Spring 2026",
            str(bad),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Row 2, column SU1" in done.stderr and "Row 2, column organisation" in done.stderr
    assert "nothing was imported" in done.stderr


@pytest.mark.django_db
def test_ods_padding_rows_keep_the_row_numbers_and_cost_nothing(world, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def row(*values, repeated=None):
        element = TableRow(numberrowsrepeated=repeated) if repeated else TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            if value:
                cell.addElement(P(text=value))
            element.addElement(cell)
        # The empty cells a spreadsheet writes out to the last column.
        element.addElement(TableCell(numbercolumnsrepeated=16000))
        return element

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Responses")
    for element in (
        row("YV1", "JW1"),
        row("3", "4"),
        row("", "", repeated=3),  # rows 3 to 5: empty
        row("9", "2"),  # row 6: a bad answer
        row("", "", repeated=1_048_000),
    ):
        sheet.addElement(element)
    document.spreadsheet.addElement(sheet)
    path = tmp_path / "padded.ods"
    document.save(str(path))

    table = importing.read_table(path.read_bytes(), "padded.ods")
    assert table == [["YV1", "JW1"], ["3", "4"], [], [], [], ["9", "2"]]
    _message, err = refused(path, "--round", "Spring 2026")
    assert err.splitlines() == [
        "Row 6, column YV1: Enter a number from 1 to 5, DK or leave it blank"
    ]
    assert Response.objects.count() == 0

"""The action plan's CSV and ODS, from the web page and from ``stackup export_actions``.

Each file is read back: the CSV with the csv module, the ODS with odfpy (the
library that wrote it) and with pandas' own ODF reader, a second opinion.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from stackup.actions import services
from stackup.actions.exports import export_actions
from stackup.core.models import AuditEvent
from tests.actions.factories import make_action

pytestmark = pytest.mark.django_db

HEADER = [
    "Action",
    "Why",
    "Theme",
    "Statement",
    "Owner organisation",
    "Lead person",
    "Due date",
    "Status",
    "On the public page",
    "Progress notes",
]


@pytest.fixture
def plan(world):
    first = make_action(
        world.partnership,
        "Hold meetings in the evening",
        owner=world.organisation,
        why="People cannot come in office hours.\nSecond line, “quoted”, with commas",
        lead_person="Engagement Manager",
        status="in_progress",
        public=True,
    )
    services.action_note_add(action=first, date=dt.date(2026, 1, 5), text="Venue booked")
    services.action_note_add(action=first, date=dt.date(2026, 2, 9), text="34 came")
    make_action(
        world.partnership,
        '=HYPERLINK("http://evil.example")',
        theme_id="",
        item_id="",
        due_on=None,
    )
    make_action(world.other_partnership, "Hillside secret", theme_id="", item_id="")
    return world


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


EXPECTED_FIRST = [
    "Hold meetings in the evening",
    "People cannot come in office hours.\nSecond line, “quoted”, with commas",
    "Appreciating the service user's perspective",
    None,  # the statement: checked separately
    "Riverside Council",
    "Engagement Manager",
    "2026-06-30",
    "In progress",
    "Yes",
    "2026-02-09: 34 came\n2026-01-05: Venue booked",
]


def _check_rows(rows: list[list[str]], *, quoted_formulas: bool = True) -> None:
    """The rows of ``plan``; ``quoted_formulas`` for CSV, where a cell has no type."""
    assert rows[0] == HEADER
    assert len(rows) == 3  # the header and our two actions, not theirs
    first = rows[1]
    for got, want in zip(first, EXPECTED_FIRST, strict=True):
        if want is not None:
            assert got == want
    assert first[3].startswith("SU4: ")
    second = rows[2]
    # A formula is written as text, so a spreadsheet never runs it: quoted in a CSV,
    # a cell of type "string" in an ODS.
    formula = '=HYPERLINK("http://evil.example")'
    assert second[0] == ("'" + formula if quoted_formulas else formula)
    assert second[2:4] == ["", ""] and second[6] == "" and second[7] == "Not started"
    assert all("Hillside" not in cell for row in rows for cell in row)


def test_the_csv_reads_back(plan):
    export = export_actions(partnership=plan.partnership, fmt="csv")
    assert export.filename == "riverside-action-plan.csv"
    _check_rows(_csv_rows(export.content))


def _odf_rows(content: bytes) -> list[list[str]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = load(io.BytesIO(content))
    tables = document.spreadsheet.getElementsByType(Table)
    assert len(tables) == 1
    rows = []
    for row in tables[0].getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append("\n".join(teletype.extractText(p) for p in cell.getElementsByType(P)))
        rows.append(cells)
    return rows


def _content_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("content.xml")


def test_the_ods_reads_back_with_two_readers(plan):
    import pandas

    export = export_actions(partnership=plan.partnership, fmt="ods")
    assert export.content[:2] == b"PK"
    assert b"application/vnd.oasis.opendocument.spreadsheet" in export.content[:100]
    _check_rows(_odf_rows(export.content), quoted_formulas=False)
    assert b"table:formula" not in _content_xml(export.content)
    frame = pandas.read_excel(io.BytesIO(export.content), engine="odf", dtype=str).fillna("")
    assert list(frame.columns) == HEADER
    assert frame.shape == (2, len(HEADER))
    assert frame.iloc[0]["Progress notes"] == "2026-02-09: 34 came\n2026-01-05: Venue booked"
    assert frame.iloc[0]["Owner organisation"] == "Riverside Council"


def test_an_unknown_format_is_refused(plan):
    with pytest.raises(ValueError, match="Unknown format"):
        export_actions(partnership=plan.partnership, fmt="xlsx")


@pytest.mark.parametrize("fmt", ["csv", "ods"])
def test_the_web_download_is_the_same_file(plan, fmt):
    client = Client()
    client.force_login(plan.viewer)
    response = client.get(
        reverse(f"actions:action_export_{fmt}", kwargs={"slug": plan.partnership.slug})
    )
    assert response.status_code == 200
    assert f'filename="riverside-action-plan.{fmt}"' in response["Content-Disposition"]
    assert response.content == export_actions(partnership=plan.partnership, fmt=fmt).content


# --- The command --------------------------------------------------------------------------


def test_the_command_writes_csv_to_standard_output(plan):
    out = io.StringIO()
    before = AuditEvent.objects.count()
    call_command("export_actions", "--partnership", "riverside", "--format", "csv", stdout=out)
    _check_rows(_csv_rows(out.getvalue().encode("utf-8")))
    assert AuditEvent.objects.count() == before  # reading changes nothing


@pytest.mark.parametrize("fmt", ["csv", "ods"])
def test_the_command_writes_a_file(plan, fmt, tmp_path):
    path = tmp_path / f"plan.{fmt}"
    err = io.StringIO()
    call_command(
        "export_actions",
        "--partnership",
        "RIVERSIDE",
        "--format",
        fmt.upper(),
        "--output",
        str(path),
        stderr=err,
    )
    content = path.read_bytes()
    assert content == export_actions(partnership=plan.partnership, fmt=fmt).content
    if fmt == "csv":
        _check_rows(_csv_rows(content))
    else:
        _check_rows(_odf_rows(content), quoted_formulas=False)
    assert "Wrote the action plan of Riverside Together" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partnership", "nowhere", "--format", "csv"], "no partnership with the short name"),
        (["--partnership", "riverside", "--format", "xlsx"], "Unknown format 'xlsx'"),
        (["--partnership", "riverside", "--format", "ods"], "needs --output|give a file"),
        (
            ["--partnership", "riverside", "--format", "csv", "--output", "/no/such/dir/a.csv"],
            "does not exist",
        ),
    ],
)
def test_the_command_refuses_clearly(plan, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_actions", *args, stdout=io.StringIO())


def test_the_command_refuses_a_folder(plan, tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        call_command(
            "export_actions",
            "--partnership",
            "riverside",
            "--format",
            "csv",
            "--output",
            str(tmp_path),
        )


def test_the_help_has_examples():
    stackup = Path(sys.executable).parent / "stackup"
    result = subprocess.run(
        [str(stackup), "help", "export_actions"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "stackup export_actions --partnership riverside --format ods --output" in result.stdout
    assert "--format" in result.stdout and "--output" in result.stdout

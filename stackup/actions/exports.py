"""The action plan as a spreadsheet: CSV and ODS from one table.

The web page's downloads and ``stackup export_actions`` both call
:func:`export_actions`, so the two always hold the same rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from stackup.actions import selectors
from stackup.partnerships.models import Partnership

FORMATS = ("csv", "ods")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# A spreadsheet would run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def action_table(*, partnership: Partnership) -> tuple[list[str], list[list[str]]]:
    """The header and one row of plain text per action, in the action plan's order."""
    index = selectors.framework_index(partnership=partnership)
    header = [
        _("Action"),
        _("Why"),
        _("Theme"),
        _("Statement"),
        _("Owner organisation"),
        _("Lead person"),
        _("Due date"),
        _("Status"),
        _("On the public page"),
        _("Progress notes"),
    ]
    rows = []
    for action in selectors.actions_for(partnership=partnership):
        theme = index.theme_title(action.theme_id) if index and action.theme_id else ""
        item = ""
        if action.item_id:
            statement = index.item_statement(action.item_id) if index else ""
            item = f"{action.item_id}: {statement}" if statement else action.item_id
        notes = "\n".join(f"{note.date.isoformat()}: {note.text}" for note in action.notes.all())
        rows.append(
            [
                action.title,
                action.why,
                theme,
                item,
                action.owner.name if action.owner else "",
                action.lead_person,
                action.due_on.isoformat() if action.due_on else "",
                str(action.get_status_display()),
                _("Yes") if action.public else _("No"),
                notes,
            ]
        )
    return header, rows


def _safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading formula sign is quoted."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    # A byte order mark, so that spreadsheet programs read it as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _ods(header: list[str], rows: list[list[str]], *, sheet_name: str) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.style import Style, TableColumnProperties, TextProperties  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableColumn, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    document = OpenDocumentSpreadsheet()
    bold = Style(name="Heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    wide = Style(name="Wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    document.automaticstyles.addElement(bold)
    document.automaticstyles.addElement(wide)
    table = Table(name=sheet_name[:31] or "Actions")
    table.addElement(TableColumn(numbercolumnsrepeated=len(header), stylename=wide))

    def add_row(cells: list[str], style=None) -> None:
        row = TableRow()
        for cell in cells:
            kwargs = {"valuetype": "string"}
            if style is not None:
                kwargs["stylename"] = style
            element = TableCell(**kwargs)
            # One paragraph per line, as spreadsheet programs write line breaks in a cell.
            for line in cell.split("\n") if cell else []:
                element.addElement(P(text=line))
            row.addElement(element)
        table.addElement(row)

    add_row(header, bold)
    for row in rows:
        add_row(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def export_actions(*, partnership: Partnership, fmt: str) -> Export:
    """The partnership's action plan as ``fmt`` ("csv" or "ods")."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    header, rows = action_table(partnership=partnership)
    if fmt == "csv":
        content = _csv(header, rows)
    else:
        content = _ods(header, rows, sheet_name=_("Action plan"))
    return Export(
        content=content,
        content_type=CONTENT_TYPES[fmt],
        filename=f"{partnership.slug}-action-plan.{fmt}",
    )

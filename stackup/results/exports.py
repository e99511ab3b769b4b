"""The results of a round as files: CSV, a ZIP of CSVs, ODS, JSON and PDF.

Everything here starts from the results document
(:func:`stackup.results.document.results_document`), the one source of every number, so
an export can never disagree with the report. :func:`result_tables` turns the document
into the report's tables; the CSV and ODS writers only write those tables out, and the
PDF is the report itself, drawn from the same document.

What is suppressed or cannot be computed is None in the document and stays an empty
cell in every table: never a zero, never a number.

Choices made for spreadsheets:

* CSV files are UTF-8 with a byte order mark and CRLF line ends, one table per file.
  The mark is what makes Excel read the file as UTF-8 (without it names with accents
  break); LibreOffice and every CSV library skip it. The header row holds the stable
  column keys (the same in every language; see ``docs/results-format.md``). Numbers are
  written unrounded, with a full stop as the decimal separator. A text cell that starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe,
  so a spreadsheet never runs a respondent's comment as a formula.
* The ODS file has an "About" sheet, then one sheet per table with the human headers in
  bold and numbers as real number cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from markupsafe import Markup

from stackup.results import presentation

__all__ = [
    "BANDS",
    "Column",
    "Table",
    "csv_bytes",
    "csv_zip",
    "export_filename",
    "json_bytes",
    "ods_bytes",
    "pdf_bytes",
    "result_tables",
    "table_names",
]

# The same labels as the report's.
BANDS = presentation.BANDS
DIMENSIONS = presentation.DIMENSIONS
STATUSES = {
    "shown": gettext_lazy("Shown"),
    "suppressed_primary": gettext_lazy("Hidden: fewer people than the minimum group size"),
    "suppressed_complementary": gettext_lazy(
        "Hidden: so that a smaller hidden group cannot be worked out"
    ),
    "empty": gettext_lazy("No one in this group"),
}
COMPARISONS = presentation.COMPARISON_TITLES
MAGNITUDES = {
    "negligible": gettext_lazy("Negligible"),
    "small": gettext_lazy("Small"),
    "medium": gettext_lazy("Medium"),
    "large": gettext_lazy("Large"),
}
BARRIER_LEVELS = {
    "0": gettext_lazy("Not at all"),
    "1": gettext_lazy("A little"),
    "2": gettext_lazy("Somewhat"),
    "3": gettext_lazy("A lot"),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]*?:/\\']")


@dataclass(frozen=True)
class Column:
    key: str
    header: str


@dataclass
class Table:
    """One table of the report: ``rows`` are lists in the order of ``columns``."""

    name: str  # a slug: the file name of its CSV and the address of its download
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


def _col(key: str, header) -> Column:
    return Column(key, str(header))


def _label(mapping: Mapping[str, Any], key: Any) -> str:
    if key is None:
        return ""
    return str(mapping.get(key, key))


def _themes_table(document: Mapping[str, Any]) -> Table:
    titles = document["labels"]["themes"]
    columns = [
        _col("id", _("Theme id")),
        _col("title", _("Theme")),
        _col("n_scored", _("People with a score")),
        _col("n_excluded", _("People without a score")),
        _col("mean", _("Score (mean, 1 to 5)")),
        _col("sd", _("Standard deviation")),
        _col("ci95_low", _("95% interval, low")),
        _col("ci95_high", _("95% interval, high")),
        _col("index_0_100", _("Index (0 to 100)")),
        _col("pct_positive", _("Positive (%, 0 to 100)")),
        _col("dont_know_share", _("Don't know (share, 0 to 1)")),
        _col("rwg_j", _("Agreement rwg(j)")),
        _col("rstar_wg_j", _("Agreement r*wg(j)")),
        _col("ad", _("Average deviation")),
        _col("alpha", _("Cronbach's alpha")),
        _col("band", _("Band")),
        _col("band_label", _("Band, in words")),
    ]
    rows = []
    for theme in document["themes"]:
        values = {
            **theme,
            "title": titles.get(theme["id"], {}).get("title", theme["id"]),
            "band_label": _label(BANDS, theme.get("band")) or None,
        }
        rows.append([values.get(c.key) for c in columns])
    return Table("themes", _("Themes"), columns, rows)


def _scale_points(document: Mapping[str, Any]) -> list[str]:
    scale = document["labels"]["scale"]
    return [str(point) for point in range(int(scale["min"]), int(scale["max"]) + 1)]


def _items_table(document: Mapping[str, Any]) -> Table:
    labels = document["labels"]
    points = _scale_points(document)
    scale_labels = labels["scale"]["labels"]
    columns = [
        _col("id", _("Item id")),
        _col("theme", _("Theme id")),
        _col("statement", _("Statement")),
        _col("n_valid", _("Answers on the scale")),
        _col("n_dont_know", _("Don't know answers")),
        _col("n_skipped", _("Skipped")),
        _col("dont_know_share", _("Don't know (share, 0 to 1)")),
        *[
            _col(
                f"frequency_{point}",
                _("%(point)s: %(label)s (count)")
                % {"point": point, "label": scale_labels.get(point, point)},
            )
            for point in points
        ],
        _col("mean", _("Mean (1 to 5)")),
        _col("sd", _("Standard deviation")),
        _col("median", _("Median")),
        _col("q1", _("Lower quartile")),
        _col("q3", _("Upper quartile")),
        _col("pct_positive", _("Positive (%, 0 to 100)")),
        _col("pct_positive_ci95_low", _("Positive, 95% interval low (%)")),
        _col("pct_positive_ci95_high", _("Positive, 95% interval high (%)")),
        _col("rwg", _("Agreement rwg")),
        _col("ad", _("Average deviation")),
        _col("leik_consensus", _("Leik consensus")),
    ]
    rows = []
    for item in document["items"]:
        values = {
            **item,
            "statement": labels["items"].get(item["id"], {}).get("statement", ""),
            **{
                f"frequency_{point}": (item.get("frequencies") or {}).get(point) for point in points
            },
        }
        rows.append([values.get(c.key) for c in columns])
    return Table("items", _("Items"), columns, rows)


def _groups_table(document: Mapping[str, Any]) -> Table:
    labels = document["labels"]
    columns = [
        _col("dimension", _("Dimension id")),
        _col("dimension_label", _("Dimension")),
        _col("group", _("Group id")),
        _col("group_label", _("Group")),
        _col("theme", _("Theme id")),
        _col("theme_title", _("Theme")),
        _col("n", _("People with a score")),
        _col("status", _("Status")),
        _col("status_label", _("Status, in words")),
        _col("mean", _("Score (mean, 1 to 5)")),
    ]
    rows = []
    for group in document["groups"]:
        dimension_labels = labels["groups"].get(group["dimension"], {})
        values = {
            **group,
            "dimension_label": _label(DIMENSIONS, group["dimension"]),
            "group_label": _label(dimension_labels, group["group"]),
            "theme_title": labels["themes"].get(group["theme"], {}).get("title", ""),
            "status_label": _label(STATUSES, group["status"]),
        }
        if group["status"].startswith("suppressed"):  # belt and braces: hidden means empty
            values["n"] = None
            values["mean"] = None
        rows.append([values.get(c.key) for c in columns])
    return Table("groups", _("Groups"), columns, rows)


def _comparisons_table(document: Mapping[str, Any]) -> Table:
    labels = document["labels"]
    columns = [
        _col("name", _("Comparison id")),
        _col("name_label", _("Comparison")),
        _col("theme", _("Theme id")),
        _col("theme_title", _("Theme")),
        _col("n_a", _("People, first side")),
        _col("n_b", _("People, second side")),
        _col("mean_a", _("Mean, first side")),
        _col("mean_b", _("Mean, second side")),
        _col("difference", _("Difference (first minus second)")),
        _col("welch_t", _("Welch t")),
        _col("welch_p", _("p")),
        _col("welch_p_holm", _("p, Holm-adjusted")),
        _col("cliffs_delta", _("Cliff's delta")),
        _col("magnitude", _("Size of the difference")),
    ]
    rows = []
    for comparison in document["comparisons"]:
        values = {
            **comparison,
            "name_label": _label(COMPARISONS, comparison["name"]),
            "theme_title": labels["themes"].get(comparison["theme"], {}).get("title", ""),
        }
        rows.append([values.get(c.key) for c in columns])
    return Table("comparisons", _("Comparisons"), columns, rows)


def _change_tables(document: Mapping[str, Any]) -> list[Table]:
    change = document.get("change")
    if change is None:
        return []
    labels = document["labels"]
    theme_columns = [
        _col("id", _("Theme id")),
        _col("title", _("Theme")),
        _col("mean_from", _("Mean, earlier round")),
        _col("mean_to", _("Mean, this round")),
        _col("difference", _("Difference (this minus earlier)")),
        _col("welch_t", _("Welch t")),
        _col("welch_p", _("p")),
        _col("welch_p_holm", _("p, Holm-adjusted")),
        _col("cliffs_delta", _("Cliff's delta")),
    ]
    theme_rows = []
    for theme in change["themes"]:
        values = {**theme, "title": labels["themes"].get(theme["id"], {}).get("title", "")}
        theme_rows.append([values.get(c.key) for c in theme_columns])
    item_columns = [
        _col("id", _("Item id")),
        _col("statement", _("Statement")),
        _col("pct_positive_from", _("Positive, earlier round (%)")),
        _col("pct_positive_to", _("Positive, this round (%)")),
        _col("difference_pp", _("Difference (percentage points)")),
        _col("z", _("z")),
        _col("p", _("p")),
        _col("p_holm", _("p, Holm-adjusted")),
        _col("p_bh", _("p, Benjamini-Hochberg-adjusted")),
    ]
    item_rows = []
    for item in change["items"]:
        values = {
            **item,
            "statement": labels["items"].get(item["id"], {}).get("statement", ""),
        }
        item_rows.append([values.get(c.key) for c in item_columns])
    return [
        Table("change_themes", _("Change in themes"), theme_columns, theme_rows),
        Table("change_items", _("Change in items"), item_columns, item_rows),
    ]


def _benefits_table(document: Mapping[str, Any]) -> Table:
    titles = document["labels"]["benefits"]
    columns = [
        _col("id", _("Benefit id")),
        _col("title", _("Benefit")),
        _col("n_respondents", _("People who answered")),
        _col("n_achieved", _("People who said it was achieved")),
        _col("share_achieved", _("Achieved (share, 0 to 1)")),
    ]
    rows = []
    for benefit in document["benefits"]:
        values = {**benefit, "title": titles.get(benefit["id"], benefit["id"])}
        rows.append([values.get(c.key) for c in columns])
    return Table("benefits", _("Benefits"), columns, rows)


def _barriers_table(document: Mapping[str, Any]) -> Table:
    titles = document["labels"]["barriers"]
    columns = [
        _col("rank", _("Rank")),
        _col("id", _("Barrier id")),
        _col("title", _("Barrier")),
        _col("n_rated", _("People who rated it")),
        _col("n_dont_know", _("Don't know answers")),
        *[
            _col(f"frequency_{level}", _("%(level)s (count)") % {"level": label})
            for level, label in BARRIER_LEVELS.items()
        ],
        _col("mean", _("Mean (0 not at all to 3 a lot)")),
        _col("share_somewhat_or_a_lot", _("Somewhat or a lot (share, 0 to 1)")),
    ]
    rows = []
    for barrier in document["barriers"]:
        values = {
            **barrier,
            "title": titles.get(barrier["id"], barrier["id"]),
            **{
                f"frequency_{level}": (barrier.get("frequencies") or {}).get(level)
                for level in BARRIER_LEVELS
            },
        }
        rows.append([values.get(c.key) for c in columns])
    return Table("barriers", _("Barriers, ranked"), columns, rows)


def _comments_table(document: Mapping[str, Any]) -> Table:
    """Comments, only of the themes whose comments the report shows."""
    titles = document["labels"]["themes"]
    columns = [
        _col("theme", _("Theme id")),
        _col("theme_title", _("Theme")),
        _col("comment", _("Comment")),
    ]
    rows = []
    for entry in document["comments"]:
        if not entry.get("shown") or not entry.get("texts"):
            continue
        title = titles.get(entry["theme"], {}).get("title", "")
        rows.extend([entry["theme"], title, text] for text in entry["texts"])
    return Table("comments", _("Comments"), columns, rows)


def result_tables(document: Mapping[str, Any]) -> list[Table]:
    """Every table of the report, in the report's order.

    The change tables are there only when the document compares with an earlier round.
    """
    return [
        _themes_table(document),
        _items_table(document),
        _groups_table(document),
        _comparisons_table(document),
        *_change_tables(document),
        _benefits_table(document),
        _barriers_table(document),
        _comments_table(document),
    ]


def table_names(document: Mapping[str, Any]) -> list[str]:
    return [table.name for table in result_tables(document)]


# --- File names ---------------------------------------------------------------------------


def export_filename(document: Mapping[str, Any], extension: str, *, table: str = "") -> str:
    """Like ``riverside-autumn-2025-results.pdf`` or ``…-results-themes.csv``."""
    stem = slugify(f"{document.get('partnership_slug') or document['partnership']}")
    stem = f"{stem}-{slugify(document['round'])}-results"
    if table:
        stem = f"{stem}-{table}"
    return f"{stem}.{extension}"


# --- CSV ----------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: Table) -> bytes:
    """One table as CSV: UTF-8 with a byte order mark, CRLF, the column keys as header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.keys)
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def csv_zip(document: Mapping[str, Any]) -> bytes:
    """Every table's CSV in one ZIP, each named after its table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in result_tables(document):
            info = zipfile.ZipInfo(f"{table.name}.csv", date_time=_zip_time())
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_bytes(table))
    return buffer.getvalue()


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


# --- JSON ---------------------------------------------------------------------------------


def json_bytes(document: Mapping[str, Any]) -> bytes:
    """The document exactly as it is, as UTF-8 JSON (NaN and infinities refused)."""
    text = json.dumps(document, allow_nan=False, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# --- ODS ----------------------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate.casefold() in used:
        suffix = f" {n}"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def made_on(today: dt.date | None = None) -> str:
    return date_format(today or timezone.localdate(), "j F Y")


def about_rows(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    framework = document["framework"]
    return [
        (_("Partnership"), document["partnership"]),
        (_("Round"), document["round"]),
        (
            _("Framework"),
            _("%(title)s, version %(version)s")
            % {"title": framework.get("title") or framework["id"], "version": framework["version"]},
        ),
        (_("People who responded"), document["n_respondents"]),
        (_("Minimum group size"), document["min_group_size"]),
        (_("Compared with"), (document.get("change") or {}).get("from_round") or _("None")),
        (_("Made on"), made_on()),
        (
            _("Empty cells"),
            _(
                "An empty cell is a number hidden to protect anonymity (a group smaller "
                "than the minimum group size, or one that would let it be worked out) or "
                "a number that cannot be computed, for example with too few answers."
            ),
        ),
    ]


def ods_bytes(document: Mapping[str, Any]) -> bytes:
    """An OpenDocument spreadsheet: an "About" sheet, then one sheet per table."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableColumn, TableRow
    from odf.text import P

    ods = OpenDocumentSpreadsheet()
    bold = Style(name="Header", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    ods.automaticstyles.addElement(bold)
    wide = Style(name="Wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    ods.automaticstyles.addElement(wide)

    def cell(value: Any, *, header: bool = False) -> TableCell:
        style = {"stylename": bold} if header else {}
        if value is None:
            return TableCell(**style)
        if isinstance(value, bool):
            element = TableCell(
                valuetype="boolean", booleanvalue="true" if value else "false", **style
            )
            element.addElement(P(text="TRUE" if value else "FALSE"))
            return element
        if isinstance(value, int | float):
            element = TableCell(valuetype="float", value=repr(value), **style)
            element.addElement(P(text=repr(value)))
            return element
        element = TableCell(valuetype="string", **style)
        element.addElement(P(text=str(value)))
        return element

    used: set[str] = set()
    about = OdsTable(name=_sheet_name(_("About"), used))
    about.addElement(TableColumn(stylename=wide))
    about.addElement(TableColumn())
    title_row = TableRow()
    title_row.addElement(
        cell(_("Results of %(round)s") % {"round": document["round"]}, header=True)
    )
    about.addElement(title_row)
    for label, value in about_rows(document):
        row = TableRow()
        row.addElement(cell(label, header=True))
        row.addElement(cell(value))
        about.addElement(row)
    ods.spreadsheet.addElement(about)

    for table in result_tables(document):
        sheet = OdsTable(name=_sheet_name(table.title, used))
        header = TableRow()
        for column in table.columns:
            header.addElement(cell(column.header, header=True))
        sheet.addElement(header)
        for values in table.rows:
            row = TableRow()
            for value in values:
                row.addElement(cell(value))
            sheet.addElement(row)
        ods.spreadsheet.addElement(sheet)

    buffer = io.BytesIO()
    ods.write(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------


PDF_TEMPLATE = "results/pdf/report.html"


def _fixed(value: Any, places: int) -> str | None:
    """A number rounded as the report pages round it, or None (shown as a dash)."""
    return None if value is None else presentation.number(value, places)


def _signed(value: Any, places: int = 2) -> str | None:
    return None if value is None else presentation.signed(value, places)


def _percent(value: Any, places: int = 0) -> str | None:
    return None if value is None else presentation.percent(value, places)


def _share(value: Any) -> str | None:
    return None if value is None else presentation.share(value)


def _p_value(value: Any) -> str | None:
    return None if value is None else presentation.p_value(value)


def pdf_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """What the PDF template shows: the document's numbers, rounded for reading."""
    labels = document["labels"]
    theme_titles = {key: value["title"] for key, value in labels["themes"].items()}
    items_by_theme: dict[str, list[dict[str, Any]]] = {}
    points = _scale_points(document)
    for item in document["items"]:
        frequencies = item.get("frequencies") or {}
        items_by_theme.setdefault(item["theme"], []).append(
            {
                "id": item["id"],
                "statement": labels["items"].get(item["id"], {}).get("statement", ""),
                "n_valid": item.get("n_valid"),
                "frequencies": [frequencies.get(point) for point in points],
                "mean": _fixed(item.get("mean"), 2),
                "pct_positive": _percent(item.get("pct_positive")),
                "interval": (
                    _("%(low)s to %(high)s")
                    % {
                        "low": _percent(item["pct_positive_ci95_low"]),
                        "high": _percent(item["pct_positive_ci95_high"]),
                    }
                    if item.get("pct_positive_ci95_low") is not None
                    and item.get("pct_positive_ci95_high") is not None
                    else None
                ),
                "dont_know": _share(item.get("dont_know_share")),
            }
        )
    themes = []
    for theme in document["themes"]:
        themes.append(
            {
                "id": theme["id"],
                "title": theme_titles.get(theme["id"], theme["id"]),
                "description": labels["themes"].get(theme["id"], {}).get("description", ""),
                "n_scored": theme.get("n_scored"),
                "mean": _fixed(theme.get("mean"), 2),
                "band": _label(BANDS, theme.get("band")) or None,
                "interval": (
                    _("%(low)s to %(high)s")
                    % {
                        "low": _fixed(theme["ci95_low"], 2),
                        "high": _fixed(theme["ci95_high"], 2),
                    }
                    if theme.get("ci95_low") is not None and theme.get("ci95_high") is not None
                    else None
                ),
                "index": _fixed(theme.get("index_0_100"), 0),
                "pct_positive": _percent(theme.get("pct_positive")),
                "dont_know": _share(theme.get("dont_know_share")),
                "alpha": _fixed(theme.get("alpha"), 2),
                "items": items_by_theme.get(theme["id"], []),
            }
        )

    dimensions = []
    for dimension, dimension_label in DIMENSIONS.items():
        rows = [g for g in document["groups"] if g["dimension"] == dimension]
        if not rows:
            continue
        group_labels = labels["groups"].get(dimension, {})
        groups: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = groups.setdefault(
                row["group"],
                {"label": _label(group_labels, row["group"]), "cells": {}},
            )
            shown = row["status"] == "shown"
            entry["cells"][row["theme"]] = {
                "status": row["status"],
                "mean": _fixed(row["mean"], 2) if shown else None,
                "n": row["n"] if shown else None,
                "note": None if shown else _label(STATUSES, row["status"]),
            }
        dimensions.append(
            {
                "id": dimension,
                "title": str(dimension_label),
                "groups": [
                    {
                        "label": group["label"],
                        "cells": [group["cells"].get(t["id"]) for t in document["themes"]],
                    }
                    for group in groups.values()
                ],
            }
        )

    comparisons = []
    for name, name_label in COMPARISONS.items():
        rows = [c for c in document["comparisons"] if c["name"] == name]
        if not rows:
            continue
        comparisons.append(
            {
                "name": name,
                "title": str(name_label),
                "rows": [
                    {
                        "theme": theme_titles.get(row["theme"], row["theme"]),
                        "n_a": row["n_a"],
                        "n_b": row["n_b"],
                        "mean_a": _fixed(row["mean_a"], 2),
                        "mean_b": _fixed(row["mean_b"], 2),
                        "difference": _signed(row["difference"]),
                        "p_holm": _p_value(row["welch_p_holm"]),
                        "delta": _signed(row["cliffs_delta"]),
                        "magnitude": _label(MAGNITUDES, row["magnitude"]) or None,
                    }
                    for row in rows
                ],
            }
        )

    change = None
    if document.get("change") is not None:
        change = {
            "from_round": document["change"]["from_round"],
            "themes": [
                {
                    "title": theme_titles.get(row["id"], row["id"]),
                    "mean_from": _fixed(row["mean_from"], 2),
                    "mean_to": _fixed(row["mean_to"], 2),
                    "difference": _signed(row["difference"]),
                    "p_holm": _p_value(row["welch_p_holm"]),
                    "delta": _signed(row["cliffs_delta"]),
                }
                for row in document["change"]["themes"]
            ],
            "items": [
                {
                    "id": row["id"],
                    "statement": labels["items"].get(row["id"], {}).get("statement", ""),
                    "from": _percent(row["pct_positive_from"]),
                    "to": _percent(row["pct_positive_to"]),
                    "difference": _signed(row["difference_pp"], 0),
                    "p_holm": _p_value(row["p_holm"]),
                }
                for row in document["change"]["items"]
            ],
        }

    benefits = sorted(
        (
            {
                "title": labels["benefits"].get(row["id"], row["id"]),
                "n_achieved": row["n_achieved"],
                "share": _share(row["share_achieved"]),
                "sort": row["share_achieved"],
            }
            for row in document["benefits"]
        ),
        key=lambda b: (b["sort"] is None, -(b["sort"] or 0)),
    )
    barriers = [
        {
            "rank": row["rank"],
            "title": labels["barriers"].get(row["id"], row["id"]),
            "n_rated": row["n_rated"],
            "mean": _fixed(row["mean"], 2),
            "share": _share(row["share_somewhat_or_a_lot"]),
        }
        for row in document["barriers"]
    ]
    comments = [
        {
            "title": theme_titles.get(row["theme"], row["theme"]),
            "n_commented": row["n_commented"],
            "shown": bool(row.get("shown")),
            "texts": row.get("texts") or [],
        }
        for row in document["comments"]
    ]
    framework = document["framework"]
    scale = labels["scale"]
    return {
        "document": document,
        "title": _("%(partnership)s: results of %(round)s")
        % {"partnership": document["partnership"], "round": document["round"]},
        "framework_title": framework.get("title") or framework["id"],
        "framework_version": framework["version"],
        "made_on": made_on(),
        "available": document.get("available", True),
        "themes": themes,
        "charts": _pdf_charts(document) if document.get("available", True) else {},
        "scale_points": [
            {"point": point, "label": scale["labels"].get(point, point)} for point in points
        ],
        "dimensions": dimensions,
        "comparisons": comparisons,
        "change": change,
        "benefits": benefits,
        "barriers": barriers,
        "comments": comments,
        "comment_threshold": max(10, int(document["min_group_size"])),
        "css_string": css_string,
        "page_numbers_css": page_numbers_css(),
    }


def _names(value) -> list[str]:
    return list(value() if callable(value) else value)


def _pdf_charts(document: Mapping[str, Any]) -> dict[str, Any]:
    """The report pages' SVG charts, each shown beside a table of the same numbers."""
    report = presentation.Report(document)
    return {
        "overview": report.overview_chart("pdf-theme-scores"),
        "themes": {
            theme.id: report.theme_chart(theme, f"pdf-distribution-{index}")
            for index, theme in enumerate(report.themes)
        },
        "comparisons": {
            name: report.comparison_chart(name, f"pdf-comparison-{index}")
            for index, name in enumerate(_names(report.comparison_names))
        },
        "benefits": report.benefits_chart("pdf-benefits") if document["benefits"] else None,
        "barriers": report.barriers_chart("pdf-barriers") if document["barriers"] else None,
    }


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;-()" else f"\\{ord(ch):06x} " for ch in str(text)
    )
    return Markup(f'"{escaped}"')  # noqa: S704 (every character but [ .,:;-()] is escaped)


def page_numbers_css() -> str:
    """The CSS ``content`` for "Page X of Y", in whatever word order the language uses."""
    pattern = _("Page %(page)s of %(pages)s") % {"page": "\x00", "pages": "\x01"}
    parts = []
    for chunk in re.split("([\x00\x01])", pattern):
        if chunk == "\x00":
            parts.append("counter(page)")
        elif chunk == "\x01":
            parts.append("counter(pages)")
        elif chunk:
            parts.append(css_string(chunk))
    return Markup(" ".join(parts))  # noqa: S704 (counters and escaped strings only)


def _refusing_fetcher():
    """A URL fetcher that fetches nothing from any network or file: only data: URLs."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def pdf_html(document: Mapping[str, Any]) -> str:
    from django.template.loader import render_to_string

    return render_to_string(PDF_TEMPLATE, pdf_context(document))


def pdf_bytes(document: Mapping[str, Any]) -> bytes:
    """The full report as a tagged A4 PDF (PDF/UA-1), drawn from the document alone.

    Nothing is fetched: the styles are inline and the fetcher refuses every URL that is
    not a ``data:`` URL.
    """
    # WeasyPrint reports each step at INFO; those lines are not for the person waiting.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = HTML(string=pdf_html(document), base_url=None, url_fetcher=_refusing_fetcher())
    return html.write_pdf(pdf_variant="pdf/ua-1")


def rows_as_dicts(table: Table) -> list[dict[str, Any]]:
    return [dict(zip(table.keys, row, strict=True)) for row in table.rows]


def find_table(tables: Sequence[Table], name: str) -> Table | None:
    return next((table for table in tables if table.name == name), None)

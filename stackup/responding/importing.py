"""Reading a table of responses (CSV or ODS) and checking every cell, before anything is stored.

Plain Python with no Django imports: :func:`read_table` turns a file into rows of text and
:func:`check_table` turns those rows into :class:`ImportRow` objects ready to store, or a list
of :class:`Problem` objects that say which row (as numbered in the spreadsheet, the header
being row 1) and which column is wrong and why. The service that stores the rows
(:func:`stackup.responding.services.responses_import`) gives the database facts it needs as an
:class:`ImportContext`.

The layout is "wide": one row per respondent, a column per statement named by its item id
holding 1 to 5, DK ("Don't know", any case) or blank, and these optional columns:
``respondent_id``, ``round``, ``organisation``, ``sector``, ``stakeholder_group``,
``role_level``, ``channel`` and ``comment_<theme id>``. Cells are only ever read as text:
something that looks like a formula is stored as the text it is (or refused where a
number is expected), never worked out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stackup.responding import answers

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 500
#: The longest cell: the longest comment the journey takes.
MAX_CELL_LENGTH = answers.COMMENT_MAX_LENGTH
#: Problems listed in full; past this the count still goes up.
MAX_PROBLEMS_KEPT = 10_000

ROLE_LEVELS = ("frontline", "manager", "senior_leader")
CHANNELS = ("online", "paper", "phone", "import")
SERVICE_USER = "service_user"
DONT_KNOW_WORDS = {"dk", "don't know", "dont know", "do not know"}
FIXED_COLUMNS = (
    "respondent_id",
    "round",
    "organisation",
    "sector",
    "stakeholder_group",
    "role_level",
    "channel",
)
COMMENT_PREFIX = "comment_"


class TableError(ValueError):
    """The file as a whole cannot be read (too big, not CSV or ODS, not UTF-8...)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    status: str
    framework: Mapping[str, Any]


@dataclass(frozen=True)
class ImportContext:
    """What the database knows, given to the checks so they need no database."""

    #: Every round of the partnership, by name.
    rounds: Mapping[str, RoundInfo]
    #: Member organisations: lower-case name → id.
    organisations: Mapping[str, int]
    sectors: frozenset[str]
    default_round: str | None = None


@dataclass
class ImportRow:
    line: int
    round_id: int
    answers: dict[str, int | str]
    comments: dict[str, str]
    organisation_id: int | None = None
    sector: str = ""
    role_level: str = ""
    uses_services: bool | None = None
    channel: str = "import"
    import_key: str | None = None


@dataclass
class CheckedTable:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(row, column, message))


# --- Reading ------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The file's rows as lists of text; raises :class:`TableError` for an unreadable file."""
    if len(data) > MAX_FILE_BYTES:
        raise TableError(f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise TableError("The file is empty")
    name = filename.lower()
    if name.endswith(".ods") or data[:2] == b"PK":
        return _read_ods(data)
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return _read_csv(data)
    raise TableError("The file must be a CSV or an ODS spreadsheet")


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("The CSV file must be saved as UTF-8") from error
    if "\x00" in text:
        raise TableError("The file holds null characters: it is not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise TableError(f"The file must have at most {MAX_ROWS:,} rows of responses")
    except csv.Error as error:
        raise TableError(f"The CSV file cannot be read: {error}") from error
    return rows


def _read_ods(data: bytes) -> list[list[str]]:
    # Imported here: only ODS needs it.
    from odf import opendocument, table, text  # type: ignore[import-untyped]
    from odf.namespaces import OFFICENS, TABLENS

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A small file that unpacks to gigabytes is refused before it is opened.
            if sum(info.file_size for info in archive.infolist()) > 10 * MAX_FILE_BYTES:
                raise TableError("The spreadsheet is too big once unpacked")
        document = opendocument.load(io.BytesIO(data))
    except TableError:
        raise
    except Exception as error:  # odfpy raises many kinds for a broken file
        raise TableError("The ODS spreadsheet cannot be read") from error
    sheets = document.spreadsheet.getElementsByType(table.Table)
    if not sheets:
        raise TableError("The spreadsheet has no sheets")
    rows: list[list[str]] = []
    pending_empty = 0
    for row in sheets[0].getElementsByType(table.TableRow):
        repeat_rows = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1) or 1)
        cells: list[str] = []
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1) or 1)
            value_type = cell.attributes.get((OFFICENS, "value-type"))
            if value_type in ("float", "percentage", "currency"):
                raw = cell.attributes.get((OFFICENS, "value"), "")
                try:
                    number = float(raw)
                    value = str(int(number)) if number.is_integer() else raw
                except ValueError:
                    value = raw
            else:
                value = "\n".join(_node_text(p) for p in cell.getElementsByType(text.P))
            cells.extend([value] * min(repeat, MAX_COLUMNS + 1))
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            # Spreadsheets pad the sheet with empty rows repeated many times: they are
            # only counted, and kept (for the row numbers) only if data follows them.
            pending_empty += repeat_rows
            continue
        if len(rows) + pending_empty + repeat_rows > MAX_ROWS + 1:
            raise TableError(f"The file must have at most {MAX_ROWS:,} rows of responses")
        rows.extend([[] for _ in range(pending_empty)])
        rows.extend([list(cells) for _ in range(repeat_rows)])
        pending_empty = 0
    return rows


def _node_text(node) -> str:
    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
        elif child.qname[1] == "s":
            parts.append(" " * int(child.attributes.get((child.qname[0], "c"), 1) or 1))
        elif child.qname[1] == "tab":
            parts.append("\t")
        else:
            parts.append(_node_text(child))
    return "".join(parts)


# --- Checking -----------------------------------------------------------------------------


def respondent_key(round_id: int, respondent_id: str) -> str:
    """The stored form of a respondent_id: a hash, different in every round."""
    return hashlib.sha256(f"{round_id}:{respondent_id}".encode()).hexdigest()


def item_answer(cell: str, framework: Mapping[str, Any]) -> int | str | None:
    """A cell as a stored answer; None when it is not one. Blank is handled by the caller."""
    word = cell.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    if word in DONT_KNOW_WORDS:
        return answers.DONT_KNOW
    return answers.parse_item_answer(cell.strip(), framework)


def check_table(table: list[list[str]], context: ImportContext) -> CheckedTable:
    """Every row checked against the partnership's rounds; every problem listed."""
    result = CheckedTable()
    if not table or not any(cell.strip() for cell in table[0]):
        result.add(1, "", "The first row must name the columns")
        return result
    if len(table) - 1 > MAX_ROWS:
        result.add(1, "", f"The file must have at most {MAX_ROWS:,} rows of responses")
        return result
    rounds_by_name = {name.strip().lower(): info for name, info in context.rounds.items()}
    all_items: dict[str, str] = {}
    all_themes: dict[str, str] = {}
    for info in context.rounds.values():
        for theme in info.framework["themes"]:
            all_themes[theme["id"].lower()] = theme["id"]
            for item in theme["items"]:
                all_items[item["id"].lower()] = item["id"]

    header = [cell.strip() for cell in table[0]]
    if len(header) > MAX_COLUMNS:
        result.add(1, "", f"The file must have at most {MAX_COLUMNS} columns")
        return result
    # column index → ("fixed", name) | ("item", id) | ("comment", theme id) | None (ignored)
    columns: list[tuple[str, str] | None] = []
    seen: set[str] = set()
    for index, name in enumerate(header):
        key = name.lower()
        if not name:
            if any(len(row) > index and row[index].strip() for row in table[1:]):
                result.add(1, f"column {index + 1}", "The column has no name")
            columns.append(None)
            continue
        if key in seen:
            result.add(1, name, "The column appears more than once")
            columns.append(None)
            continue
        seen.add(key)
        if key in FIXED_COLUMNS:
            columns.append(("fixed", key))
        elif key in all_items:
            columns.append(("item", all_items[key]))
        elif key.startswith(COMMENT_PREFIX) and key[len(COMMENT_PREFIX) :] in all_themes:
            columns.append(("comment", all_themes[key[len(COMMENT_PREFIX) :]]))
        else:
            result.add(
                1,
                name,
                "The column is not a statement in the framework, a comment_<theme id> "
                "column or one of: " + ", ".join(FIXED_COLUMNS),
            )
            columns.append(None)
    if result.problem_count:
        return result

    respondent_ids: dict[str, int] = {}
    for offset, cells in enumerate(table[1:]):
        line = offset + 2
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            result.add(line, f"column {len(header) + 1}", "The cell is outside the named columns")
        values: dict[tuple[str, str], tuple[str, str]] = {}
        too_long = False
        for index, column in enumerate(columns):
            cell = cells[index] if index < len(cells) else ""
            if len(cell) > MAX_CELL_LENGTH:
                result.add(
                    line, header[index], f"The cell must be {MAX_CELL_LENGTH} characters or fewer"
                )
                too_long = True
                continue
            if column is not None:
                values[column] = (header[index], cell)
        if too_long:
            continue
        row = _check_row(line, values, context, rounds_by_name, respondent_ids, result)
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.problem_count:
        result.add(2, "", "The file has no responses in it")
    return result


def _check_row(line, values, context, rounds_by_name, respondent_ids, result) -> ImportRow | None:
    before = result.problem_count

    def fixed(name: str) -> tuple[str, str]:
        column, cell = values.get(("fixed", name), (name, ""))
        return column, cell.strip()

    column, round_name = fixed("round")
    round_name = round_name or (context.default_round or "")
    info = rounds_by_name.get(round_name.strip().lower()) if round_name else None
    if not round_name:
        result.add(line, column, "Say which round: give a round column or choose a round")
    elif info is None:
        result.add(line, column, f"There is no round called “{round_name}” in this partnership")
    elif info.status == "draft":
        result.add(line, column, f"{info.name} is a draft round: open it before importing")
        info = None

    row = ImportRow(line=line, round_id=info.id if info else 0, answers={}, comments={})
    if info is not None:
        known_items = set(answers.item_ids(info.framework))
        known_themes = {theme["id"] for theme in info.framework["themes"]}
        for (kind, key), (column, cell) in values.items():
            if kind == "item" and cell.strip():
                if key not in known_items:
                    result.add(line, column, f"{key} is not a statement in {info.name}")
                    continue
                parsed = item_answer(cell, info.framework)
                if parsed is None:
                    result.add(line, column, "Enter a number from 1 to 5, DK or leave it blank")
                else:
                    row.answers[key] = parsed
            elif kind == "comment" and cell.strip():
                if key not in known_themes:
                    result.add(line, column, f"{key} is not a theme in {info.name}")
                elif "\x00" in cell:
                    result.add(line, column, "The comment holds a null character")
                else:
                    row.comments[key] = cell.strip()
        if result.problem_count == before and not row.answers:
            result.add(line, "", "The row answers none of the statements")

    column, respondent = fixed("respondent_id")
    if respondent:
        if respondent in respondent_ids:
            result.add(
                line,
                column,
                f"The respondent_id is the same as in row {respondent_ids[respondent]}",
            )
        else:
            respondent_ids[respondent] = line
        if info is not None:
            row.import_key = respondent_key(info.id, respondent)

    column, organisation = fixed("organisation")
    if organisation:
        found = context.organisations.get(organisation.lower())
        if found is None:
            result.add(
                line, column, f"“{organisation}” is not a member organisation of the partnership"
            )
        row.organisation_id = found

    column, sector = fixed("sector")
    if sector:
        if sector.lower() in context.sectors:
            row.sector = sector.lower()
        else:
            result.add(line, column, "Enter a sector: " + ", ".join(sorted(context.sectors)))

    column, group = fixed("stakeholder_group")
    if group:
        group = group.lower()
        if group == SERVICE_USER:
            row.uses_services = True
        elif group in context.sectors:
            if row.sector and row.sector != group:
                result.add(line, column, "The stakeholder group does not match the sector")
            row.sector = group
        else:
            result.add(
                line,
                column,
                f"Enter {SERVICE_USER} or a sector: " + ", ".join(sorted(context.sectors)),
            )

    column, role_level = fixed("role_level")
    if role_level:
        if role_level.lower() in ROLE_LEVELS:
            row.role_level = role_level.lower()
        else:
            result.add(line, column, "Enter " + ", ".join(ROLE_LEVELS) + " or leave it blank")

    column, channel = fixed("channel")
    if channel:
        if channel.lower() in CHANNELS:
            row.channel = channel.lower()
        else:
            result.add(line, column, "Enter " + ", ".join(CHANNELS) + " or leave it blank")

    if result.problem_count != before:
        return None
    if info is not None:
        # The shared check, as for every other way in: nothing stored skips it.
        try:
            clean = answers.clean_answers(
                info.framework, answers=row.answers, comments=row.comments
            )
        except answers.InvalidAnswers as error:
            for problem in error.problems:
                result.add(line, "", problem)
            return None
        row.answers, row.comments = clean.answers, clean.comments
    return row

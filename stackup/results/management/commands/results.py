"""``stackup results``: a round's results as JSON, CSV, ODS or PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from stackup.partnerships.management.base import PartnershipCommand, quoted
from stackup.partnerships.models import RoundStatus
from stackup.results import exports
from stackup.results.document import ResultsNotAvailable, has_results, results_document

FORMATS = ("json", "csv", "ods", "pdf")


class Command(PartnershipCommand):
    help = """\
Write the results of a closed or published round: every number of the report,
unrounded, with anything hidden for anonymity (or not computable) left empty.

Formats:
  json  the results document (the default), to standard output or --output FILE
  csv   one file per table into the folder --output DIR (made if missing), or
        one table (--table NAME) to standard output or --output FILE
  ods   a spreadsheet with a sheet per table; needs --output FILE
  pdf   the full report; needs --output FILE

The tables are: themes, items, groups, comparisons, change_themes and
change_items (only with --compare-to), benefits, barriers and comments.
The JSON format is described in docs/results-format.md and
docs/results.schema.json.

Examples:
  stackup results --partnership riverside --round "Autumn 2025"
  stackup results --partnership riverside --round "Spring 2026" --compare-to "Autumn 2025"
  stackup results --partnership riverside --round "Autumn 2025" --format csv --output results/
  stackup results --partnership riverside --round "Autumn 2025" --format csv --table themes
  stackup results --partnership riverside --round "Autumn 2025" --format ods --output results.ods
  stackup results --partnership riverside --round "Autumn 2025" --format pdf --output report.pdf
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--round", required=True, help="The round's name.")
        parser.add_argument(
            "--compare-to",
            dest="compare_to",
            metavar="NAME",
            help="An earlier round of the same partnership to show the change since.",
        )
        parser.add_argument(
            "--format", default="json", choices=FORMATS, help="json (default), csv, ods or pdf."
        )
        parser.add_argument(
            "--output",
            metavar="PATH",
            help="Where to write: a file, or for csv without --table a folder.",
        )
        parser.add_argument(
            "--table", metavar="NAME", help="With --format csv: write only this table."
        )

    def handle(self, *args, **options) -> None:
        fmt = options["format"]
        output = options["output"]
        table_name = options["table"]
        if table_name and fmt != "csv":
            raise CommandError("--table only goes with --format csv.")
        if fmt in ("ods", "pdf") and not output:
            raise CommandError(
                f"A {fmt.upper()} file cannot be written to the terminal. "
                f"Say where to save it with --output, like --output results.{fmt}"
            )

        partnership = self.get_partnership(options["partnership"])
        round_ = self.get_round(partnership, options["round"])
        compare_to = None
        if options["compare_to"]:
            compare_to = self.get_round(partnership, options["compare_to"])
            if compare_to.pk == round_.pk:
                raise CommandError(
                    f"A round cannot be compared with itself: choose an earlier round than "
                    f"{round_.name!r} for --compare-to."
                )
            self._require_results(compare_to)
        self._require_results(round_)
        try:
            document = results_document(round_, compare_to=compare_to)
        except ResultsNotAvailable:  # pragma: no cover - checked above
            raise CommandError(f"{round_.name} has no results yet.") from None

        if fmt == "json":
            self._write(exports.json_bytes(document), output)
        elif fmt == "csv":
            self._write_csv(document, output, table_name)
        elif fmt == "ods":
            self._write(exports.ods_bytes(document), output)
        else:
            self.note(f"Making the PDF report of {round_.name}…")
            self._write(exports.pdf_bytes(document), output)

    def _require_results(self, round_) -> None:
        if not has_results(round_):
            state = "still a draft" if round_.status == RoundStatus.DRAFT else "open"
            raise CommandError(
                f"{round_.name} is {state}, so it has no results yet: results exist once a "
                f"round is closed. Close it with: stackup set_round_status --partnership "
                f"{quoted(round_.partnership.slug)} --round {quoted(round_.name)} --status closed"
            )

    def _write_csv(self, document, output: str | None, table_name: str | None) -> None:
        tables = exports.result_tables(document)
        if table_name:
            table = exports.find_table(tables, table_name.strip().lower())
            if table is None:
                names = ", ".join(t.name for t in tables)
                hint = (
                    " The change tables need --compare-to."
                    if table_name.startswith("change") and document.get("change") is None
                    else ""
                )
                raise CommandError(
                    f"There is no table called {table_name!r}. The tables are: {names}.{hint}"
                )
            self._write(exports.csv_bytes(table), output)
            return
        if not output:
            raise CommandError(
                "CSV writes one file per table: say which folder to put them in with "
                "--output DIR, or choose one table with --table NAME."
            )
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{output} is a file, not a folder: give --output a folder.")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for table in tables:
                path = folder / f"{table.name}.csv"
                path.write_bytes(exports.csv_bytes(table))
                self.note(f"Wrote {path} ({len(table.rows)} rows)")
        except OSError as error:
            raise CommandError(f"Could not write to {output}: {error.strerror}.") from None

    def _write(self, data: bytes, output: str | None) -> None:
        if not output or output == "-":
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                stream.flush()
                buffer.write(data)
                buffer.flush()
            else:
                self.stdout.write(data.decode("utf-8"), ending="")
            return
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"{output} is a folder: give --output a file name.")
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        self.note(f"Wrote {path} ({len(data):,} bytes)")

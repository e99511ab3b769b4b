"""``stackup import_responses``: bring responses in from a CSV or ODS file, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stackup.frameworks.management.base import HelpFormatter
from stackup.partnerships.models import Partnership
from stackup.responding import importing, services

#: Problems printed before "and N more".
PRINTED_AT_MOST = 500


def _responses(count: int) -> str:
    return f"{count:,} response" if count == 1 else f"{count:,} responses"


class Command(BaseCommand):
    help = f"""\
Import responses from a CSV (UTF-8, comma separated) or ODS file, all or nothing.

One row per respondent after a header row. Columns:
  <item id>            one per statement, e.g. SU3: 1 to 5, DK ("Don't know", any case)
                       or blank (skipped). Reverse-keyed statements are stored as answered.
  respondent_id        optional; stored only as a hash, so that importing the same file
                       again skips the rows already imported ("already imported").
  round                optional; the round's name, instead of --round for that row.
  organisation         optional; a member organisation's name (any case).
  sector               optional; a sector: council, nhs, police, ...
  stakeholder_group    optional; service_user (a person who uses services) or a sector.
  role_level           optional; frontline, manager or senior_leader.
  channel              optional; online, paper, phone or import (the default).
  comment_<theme id>   optional; a comment on that theme.

Rows can go into open rounds, and into closed or published rounds too (answers collected
earlier, on paper or in another tool); never into a draft round. Any other column is a
problem. If any row has a problem, every problem is listed with its row (the header is
row 1) and column, nothing is stored, and the exit status is 1. --dry-run checks the file
and stores nothing.
Limits: {importing.MAX_FILE_BYTES // (1024 * 1024)} MB, {importing.MAX_ROWS:,} rows, \
{importing.MAX_CELL_LENGTH:,} characters a cell.

Examples:
  stackup import_responses --partnership riverside --round "Spring 2026" paper.csv
  stackup import_responses --partnership riverside --dry-run history.ods
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--round", help="The round for rows without a round column.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file only; store nothing."
        )
        parser.add_argument("file", help="The CSV or ODS file.")

    def handle(self, *args, **options) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"There is no partnership called {options['partnership']!r}")
        path = Path(options["file"])
        try:
            if path.stat().st_size > importing.MAX_FILE_BYTES:
                raise CommandError(
                    f"{path}: the file must be smaller than "
                    f"{importing.MAX_FILE_BYTES // (1024 * 1024)} MB"
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from error
        try:
            rows = importing.read_table(data, path.name)
            result = services.responses_import(
                partnership=partnership,
                rows=rows,
                default_round=options["round"],
                dry_run=options["dry_run"],
            )
        except importing.TableError as error:
            raise CommandError(f"{path}: {error}") from error
        except services.ImportRefused as refused:
            checked = refused.checked
            for problem in checked.problems[:PRINTED_AT_MOST]:
                column = f", column {problem.column}" if problem.column else ""
                self.stderr.write(f"Row {problem.row}{column}: {problem.message}")
            if checked.problem_count > PRINTED_AT_MOST:
                self.stderr.write(f"... and {checked.problem_count - PRINTED_AT_MOST} more")
            raise CommandError(
                f"{path}: {checked.problem_count} problems; nothing was imported"
            ) from None
        verb = "Ready to import" if result.dry_run else "Imported"
        if result.created:
            for name, count in sorted(result.created.items()):
                self.stdout.write(self.style.SUCCESS(f"{verb} {_responses(count)} into {name}"))
        else:
            self.stdout.write("No new responses to import")
        if result.already_imported:
            self.stdout.write(
                f"Skipped {len(result.already_imported)} "
                + ("row" if len(result.already_imported) == 1 else "rows")
                + " already imported "
                f"(rows {', '.join(map(str, result.already_imported[:20]))}"
                + (", ..." if len(result.already_imported) > 20 else "")
                + ")"
            )
        if result.dry_run:
            self.stdout.write("Dry run: nothing was stored")

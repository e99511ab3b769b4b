from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from stackup.actions.exports import FORMATS, export_actions
from stackup.partnerships.management.base import PartnershipCommand


class Command(PartnershipCommand):
    help = """\
Write a partnership's action plan as a spreadsheet: one row per action, with its
reason, theme and statement, owner organisation, lead person, due date, status,
whether it is on the public page, and its dated progress notes. The same file as
the "Download" links on the action plan page.

CSV goes to standard output unless --output is given; ODS (OpenDocument, for
LibreOffice and Excel) is binary, so it needs --output.

Examples:
  stackup export_actions --partnership riverside --format csv
  stackup export_actions --partnership riverside --format csv --output actions.csv
  stackup export_actions --partnership riverside --format ods --output actions.ods
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument(
            "--format",
            required=True,
            dest="fmt",
            help=f"One of: {', '.join(FORMATS)}.",
        )
        parser.add_argument(
            "--output",
            help="The file to write (it is replaced if it exists). CSV only: leave out for "
            "standard output.",
        )

    def handle(self, *args, **options) -> None:
        fmt = (options["fmt"] or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"Unknown format {options['fmt']!r}. Use one of: {', '.join(FORMATS)}."
            )
        output = options.get("output")
        if fmt == "ods" and not output:
            raise CommandError(
                "An ODS file is binary: give a file to write it to with --output, "
                "like --output actions.ods"
            )
        partnership = self.get_partnership(options["partnership"])
        if output:
            path = Path(output)
            if path.is_dir():
                raise CommandError(
                    f"{output} is a folder: give a file name, like {output}/actions.{fmt}"
                )
            if not path.parent.exists():
                raise CommandError(f"The folder {path.parent} does not exist. Nothing was written.")
        export = export_actions(partnership=partnership, fmt=fmt)
        if output:
            try:
                path.write_bytes(export.content)
            except OSError as error:
                raise CommandError(f"Could not write {output}: {error.strerror}") from None
            self.note(f"Wrote the action plan of {partnership.name} to {output}.")
        else:
            stream = getattr(self.stdout, "_out", None) or sys.stdout
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                stream.flush()
                buffer.write(export.content)
                buffer.flush()
            else:
                stream.write(export.content.decode("utf-8"))

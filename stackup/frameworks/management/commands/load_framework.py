from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from stackup.frameworks import documents
from stackup.frameworks.management.base import FrameworkCommand
from stackup.frameworks.services import FrameworkVersionConflict, framework_store
from stackup.frameworks.validation import FrameworkError, load_framework_file


class Command(FrameworkCommand):
    help = """\
Check a framework file and store it, so that rounds can use it.

Every problem in the file is listed, one to a line, as FILE: place: problem,
and nothing is stored until the file is right. A stored framework is never
changed: to change one, raise the version number in the file and load it
again. The file format is described in docs/framework-format.md.

Examples:
  stackup load_framework my-framework.yaml
  stackup load_framework --check my-framework.yaml    (check only, store nothing)
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The framework file (YAML) to load.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the file and list any problems; store nothing.",
        )

    def handle(self, *args, **options) -> None:
        file = options["file"]
        try:
            document = load_framework_file(file)
        except FrameworkError as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem.path}: {problem.message}")
            count = len(error.problems)
            found = "1 problem was" if count == 1 else f"{count} problems were"
            raise CommandError(
                f"{found} found in {file}. Nothing was stored. Put them right and try again."
            ) from None

        summary = (
            f"{document['id']} version {document['version']} ({document['title']}): "
            f"{_count(len(document['themes']), 'theme')}, "
            f"{_count(documents.item_count(document), 'item')}"
        )
        if options["check"]:
            self.stdout.write(self.style.SUCCESS(f"{file} is a valid framework file."))
            self.stdout.write(f"It holds {summary}. Nothing was stored (--check).")
            return

        try:
            result = framework_store(document=document, source_name=Path(file).name)
        except FrameworkVersionConflict as conflict:
            raise CommandError(str(conflict)) from None
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Stored {summary}."))
        else:
            self.stdout.write(
                f"{document['id']} version {document['version']} is already stored with the "
                "same content. Nothing was changed."
            )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

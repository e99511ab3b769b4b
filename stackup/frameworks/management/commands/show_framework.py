from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from stackup.frameworks import documents, selectors
from stackup.frameworks.management.base import FrameworkCommand
from stackup.frameworks.models import Framework


class Command(FrameworkCommand):
    help = """\
Print a stored framework in full, as YAML (the format of framework files) or
as JSON. The YAML can be saved, edited, given a new version number and loaded
again with load_framework.

Examples:
  stackup show_framework collaboration-health-check
  stackup show_framework collaboration-health-check --version 1 --format json
  stackup show_framework collaboration-health-check > my-framework.yaml
"""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        # --version here means the framework's version, not the program's.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", help="The framework's id, such as collaboration-health-check.")
        parser.add_argument(
            "--version",
            type=int,
            dest="framework_version",
            metavar="N",
            help="The version to show. Without it, the newest stored version is shown.",
        )
        parser.add_argument(
            "--format",
            choices=["yaml", "json"],
            default="yaml",
            help="yaml (the default) or json.",
        )

    def handle(self, *args, **options) -> None:
        slug, version = options["id"], options["framework_version"]
        try:
            framework = selectors.framework_get(slug=slug, version=version)
        except Framework.DoesNotExist:
            stored = selectors.framework_versions(slug=slug)
            if not stored:
                raise CommandError(
                    f"There is no framework with the id {slug!r}. "
                    "See the stored frameworks with: stackup list_frameworks"
                ) from None
            listed = ", ".join(str(v) for v in sorted(stored))
            raise CommandError(
                f"{slug} has no version {version}. The stored versions are: {listed}."
            ) from None
        document = framework.as_document()
        if options["format"] == "json":
            text = documents.to_json(document)
        else:
            text = documents.to_yaml(document)
        self.stdout.write(text, ending="")

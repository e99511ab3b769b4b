from __future__ import annotations

from django.core.management.base import CommandParser

from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand, quoted


class Command(PartnershipCommand):
    help = """\
Make a new partnership. The short name (--slug) goes in page addresses and
in the other commands; it cannot be changed later.

Examples:
  stackup create_partnership --slug riverside --name "Riverside Together"
  stackup create_partnership --slug vale-health --name "Vale Health and Care" \\
      --area "Vale district" --description "Health, care and housing in the Vale"
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--slug",
            required=True,
            help="Short name: lower-case letters, numbers and hyphens, like riverside-together.",
        )
        parser.add_argument("--name", required=True, help="The partnership's full name.")
        parser.add_argument("--area", default="", help="The place it covers (optional).")
        parser.add_argument("--description", default="", help="A few words about it (optional).")

    def handle(self, *args, **options) -> None:
        partnership = services.partnership_create(
            slug=options["slug"],
            name=options["name"],
            area=options["area"],
            description=options["description"],
            acting_user=None,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Created partnership {partnership.name} ({partnership.slug}).")
        )
        self.stdout.write(
            "Next, add its member organisations: stackup add_organisation "
            f"--partnership {partnership.slug} --name NAME --sector SECTOR"
        )
        self.stdout.write(
            "and a coordinator: stackup add_user --email EMAIL "
            f"--partnership {quoted(partnership.slug)} --role coordinator"
        )

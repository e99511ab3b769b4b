from __future__ import annotations

from django.core.management.base import CommandParser

from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand, sector_value
from stackup.partnerships.models import Sector

SECTORS = ", ".join(Sector.values)


class Command(PartnershipCommand):
    help = f"""\
Add a member organisation to a partnership, with its sector.

Sectors: {SECTORS}
("People who use services" is always a group of its own: it is not a sector.)

Examples:
  stackup add_organisation --partnership riverside --name "Riverside Borough Council" \\
      --sector council
  stackup add_organisation --partnership riverside --name "Vale Fire and Rescue Service" \\
      --sector fire_rescue
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--name", required=True, help="The organisation's name.")
        parser.add_argument("--sector", required=True, help=f"One of: {SECTORS}.")

    def handle(self, *args, **options) -> None:
        partnership = self.get_partnership(options["partnership"])
        organisation = services.organisation_add(
            partnership=partnership,
            name=options["name"],
            sector=sector_value(options["sector"]),
            acting_user=None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {organisation.name} ({organisation.get_sector_display()}) "
                f"to {partnership.name}."
            )
        )

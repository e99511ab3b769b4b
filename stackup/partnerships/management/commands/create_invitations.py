from __future__ import annotations

import csv

from django.core.management.base import CommandParser

from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand


class Command(PartnershipCommand):
    help = f"""\
Make personal invitation links for a round and print them. Each link can be
used for one response.

The links are printed once, now, and never again: only a hash of each is kept,
so save the output. (A lost link can be replaced on the round's invitations
page, not recovered.) The links go to stdout, one per line, and a summary to
stderr, so the output can go straight to a file. Links start with the
STACKUP_BASE_URL setting.

--format urls   one link per line (the default)
--format csv    a header "link,organisation", then one row per link

At most {services.MAX_INVITATIONS_AT_ONCE} links at once.

Examples:
  stackup create_invitations --partnership riverside --round "Spring 2026" --count 50
  stackup create_invitations --partnership riverside --round "Spring 2026" --count 20 \\
      --organisation "Vale Police" --format csv > vale-police-links.csv
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--round", required=True, help="The round's name.")
        parser.add_argument(
            "--count", required=True, type=int, metavar="N", help="How many links to make."
        )
        parser.add_argument(
            "--organisation",
            default=None,
            metavar="NAME",
            help="The member organisation the links are for, so response rates can be shown "
            "by organisation (optional).",
        )
        parser.add_argument(
            "--format",
            choices=["urls", "csv"],
            default="urls",
            help="urls (one per line, the default) or csv.",
        )

    def handle(self, *args, **options) -> None:
        partnership = self.get_partnership(options["partnership"])
        round_ = self.get_round(partnership, options["round"])
        organisation = (
            self.get_organisation(partnership, options["organisation"])
            if options["organisation"] is not None
            else None
        )
        issued = services.invitations_create(
            round=round_, count=options["count"], organisation=organisation, acting_user=None
        )
        organisation_name = organisation.name if organisation else ""
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["link", "organisation"])
            for invitation in issued:
                writer.writerow([invitation.url, organisation_name])
        else:
            for invitation in issued:
                self.stdout.write(invitation.url)
        self.note(
            f"Made {len(issued)} invitation link{'' if len(issued) == 1 else 's'} for round "
            f"{round_.name} in {partnership.name}"
            + (f", for {organisation_name}" if organisation else "")
            + ". They are not stored and cannot be shown again."
        )

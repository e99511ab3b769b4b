from __future__ import annotations

from django.core.management.base import CommandParser

from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand, calendar_date, quoted
from stackup.partnerships.models import DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR


class Command(PartnershipCommand):
    help = f"""\
Set up a new round of the assessment in a partnership. The round starts as a
draft; open it with set_round_status when you are ready.

Dates are calendar days in UK time (Europe/London), written YYYY-MM-DD. The
minimum group size is the fewest answers any group can have before its
results are shown: {DEFAULT_MIN_GROUP_SIZE} unless you say, never below {MIN_GROUP_SIZE_FLOOR}.
Without --framework-version the newest stored version is used; see the
frameworks with: stackup list_frameworks

Examples:
  stackup create_round --partnership riverside --name "Spring 2026" \\
      --framework collaboration-health-check
  stackup create_round --partnership riverside --name "Autumn 2026" \\
      --framework collaboration-health-check --framework-version 1 \\
      --min-group-size 8 --opens 2026-10-01 --closes 2026-10-31 --open-link
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument(
            "--name", required=True, help="The round's name, unique in the partnership."
        )
        parser.add_argument(
            "--framework", required=True, help="The framework id, like collaboration-health-check."
        )
        parser.add_argument(
            "--framework-version",
            type=int,
            default=None,
            metavar="N",
            help="Which stored version of the framework (default: the newest).",
        )
        parser.add_argument(
            "--min-group-size",
            type=int,
            default=DEFAULT_MIN_GROUP_SIZE,
            metavar="K",
            help=f"Fewest answers before a group's results show (default "
            f"{DEFAULT_MIN_GROUP_SIZE}, at least {MIN_GROUP_SIZE_FLOOR}).",
        )
        parser.add_argument(
            "--opens", type=calendar_date, default=None, metavar="DATE", help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--closes", type=calendar_date, default=None, metavar="DATE", help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--open-link",
            action="store_true",
            help="Switch on the open link, which anyone with its short code can use.",
        )

    def handle(self, *args, **options) -> None:
        partnership = self.get_partnership(options["partnership"])
        round_ = services.round_create(
            partnership=partnership,
            name=options["name"],
            framework_slug=options["framework"],
            framework_version=options["framework_version"],
            min_group_size=options["min_group_size"],
            opens_on=options["opens"],
            closes_on=options["closes"],
            open_link_enabled=options["open_link"],
            acting_user=None,
        )
        framework = round_.framework
        self.stdout.write(
            self.style.SUCCESS(
                f"Created round {round_.name} in {partnership.name}, as a draft, using "
                f"{framework.slug} version {framework.version} with a minimum group size "
                f"of {round_.min_group_size}."
            )
        )
        if round_.open_link_enabled:
            self.stdout.write(
                f"Open link (it works once the round is open): "
                f"{services.open_link_url(round_.open_code)}"
            )
        self.stdout.write(
            f"Open it with: stackup set_round_status --partnership {quoted(partnership.slug)} "
            f"--round {quoted(round_.name)} --status open"
        )

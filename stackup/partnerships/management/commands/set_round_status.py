from __future__ import annotations

from django.core.management.base import CommandParser

from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand
from stackup.partnerships.models import RoundStatus


class Command(PartnershipCommand):
    help = """\
Move a round to its next step: open it for answers, close it, or publish its
results. The moves allowed are draft -> open -> closed -> published; a closed
round can be opened again and a published one closed again. Closing a round
deletes its unfinished answers.

Examples:
  stackup set_round_status --partnership riverside --round "Spring 2026" --status open
  stackup set_round_status --partnership riverside --round "Spring 2026" --status closed
  stackup set_round_status --partnership riverside --round "Spring 2026" --status published
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--round", required=True, help="The round's name.")
        parser.add_argument(
            "--status",
            required=True,
            choices=[RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            help="open, closed or published.",
        )

    def handle(self, *args, **options) -> None:
        partnership = self.get_partnership(options["partnership"])
        round_ = self.get_round(partnership, options["round"])
        previous = round_.get_status_display().lower()
        round_ = services.round_set_status(round=round_, status=options["status"], acting_user=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Round {round_.name} in {partnership.name} moved from {previous} to "
                f"{round_.get_status_display().lower()}."
            )
        )

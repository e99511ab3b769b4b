from django.core.management.base import BaseCommand

from stackup.accounts import first_run
from stackup.frameworks.management.base import HelpFormatter


class Command(BaseCommand):
    help = (
        "Print a one-time link that makes this installation's first site administrator in "
        "the browser. It works only while there is no site administrator, and only for "
        "FIRST_RUN_LINK_HOURS hours (24 by default). make run prints it by itself.\n\n"
        "Examples:\n"
        "  stackup setup_link              # a new link, or say who can sign in already\n"
        "  stackup setup_link --if-needed  # print nothing once an administrator exists"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="Print nothing when a site administrator already exists.",
        )

    def handle(self, *args, if_needed: bool = False, **options) -> None:
        if not first_run.setup_needed():
            if not if_needed:
                self.stdout.write(
                    "This installation already has a site administrator: sign in instead. "
                    "A site administrator who has lost their password can ask for a new one "
                    "on the sign-in page."
                )
            return
        self.stdout.write(
            "No site administrator yet. To make the first one, open this link "
            f"(it works once, for {first_run.link_lifetime()}):\n\n"
            f"  {first_run.setup_link()}\n"
        )

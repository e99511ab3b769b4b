from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring the database up to date in one go: apply migrations and make the shared "
        "cache table, and with --demo load the demo partnership too. Safe to run again.\n\n"
        "Examples:\n"
        "  stackup prepare_database           # after installing or upgrading\n"
        "  stackup prepare_database --demo    # what make run does"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo", action="store_true", help="Also load the demo partnership (load_demo)."
        )

    def handle(self, *args, demo: bool = False, verbosity: int = 1, **options) -> None:
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=max(verbosity - 1, 0))
        if demo:
            call_command("load_demo", verbosity=verbosity, stdout=self.stdout)

from django.core.management.base import BaseCommand

from stackup.core import demo


class Command(BaseCommand):
    help = (
        "Create the fictional demo partnership, its organisations and a demo coordinator "
        "account. Safe to run again: what exists already is left as it is.\n\n"
        "Example: stackup load_demo"
    )

    def handle(self, *args, **options) -> None:
        report = demo.load_demo()
        if report.created:
            for line in report.created:
                self.stdout.write(f"Created {line}")
        else:
            self.stdout.write("The demo data is already loaded.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo sign-in: {demo.DEMO_COORDINATOR} / {demo.DEMO_PASSWORD}")
        )

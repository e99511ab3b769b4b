from django.core.management.base import BaseCommand

from stackup.core import demo


class Command(BaseCommand):
    help = (
        "Create the fictional demo partnership: nine member organisations, a coordinator, "
        "a viewer, a helper and a partner lead, two published rounds (Spring 2025 and Autumn "
        "2025) and an open round (Spring 2026) with 40 invitations and its open link, and a few "
        "hundred seeded responses in the three rounds; an action plan with progress notes, "
        "benefit claims with evidence, a risk register, and the public page switched on. Safe "
        "to run again: what exists already is left as it is.\n\n"
        "Example: stackup load_demo"
    )

    def handle(self, *args, **options) -> None:
        report = demo.load_demo()
        if report.created:
            for line in report.created:
                self.stdout.write(f"Created {line}")
        else:
            self.stdout.write("The demo data is already loaded.")
        if report.sample_invitation_url:
            self.stdout.write(
                f"One of the new invitation links (shown only now): {report.sample_invitation_url}"
            )
        if report.open_link_url:
            self.stdout.write(f"Open link for {demo.SPRING.name}: {report.open_link_url}")
        self.stdout.write(f"Demo sign-ins, each with the password {demo.DEMO_PASSWORD}:")
        for email, role in report.sign_ins:
            self.stdout.write(self.style.SUCCESS(f"  {email} ({role.lower()})"))

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from stackup.accounts.services import password_link_lifetime, password_set_link
from stackup.partnerships import services
from stackup.partnerships.management.base import PartnershipCommand, role_value
from stackup.partnerships.models import Role

ROLES = ", ".join(Role.values)


class Command(PartnershipCommand):
    help = f"""\
Give a person a role in a partnership, making their account if they have none,
and print a one-time link for them to set their password.

Roles: {ROLES}
  coordinator   everything: the partnership, its people, rounds and invitations
  partner_lead  sees results and edits the actions of their own organisation
                (give it with --organisation)
  viewer        reads published results
  helper        enters paper and phone responses

A person who already has an account with a password keeps it: no link is
printed for them.

Examples:
  stackup add_user --email sam@riverside.example --partnership riverside --role coordinator
  stackup add_user --email ali@vale-police.example --partnership riverside \\
      --role partner_lead --organisation "Vale Police" --name "Ali Khan"
"""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="Their email address.")
        parser.add_argument("--partnership", required=True, help="The partnership's short name.")
        parser.add_argument("--role", required=True, help=f"One of: {ROLES}.")
        parser.add_argument(
            "--organisation",
            default=None,
            metavar="NAME",
            help="Their organisation in the partnership (needed for a partner lead).",
        )
        parser.add_argument(
            "--name", default="", metavar="FULL_NAME", help="Their full name (optional)."
        )

    def handle(self, *args, **options) -> None:
        partnership = self.get_partnership(options["partnership"])
        role = role_value(options["role"])
        if role == Role.PARTNER_LEAD and options["organisation"] is None:
            names = list(partnership.organisations.order_by("name").values_list("name", flat=True))
            raise CommandError(
                "A partner lead looks after one organisation: give it with --organisation NAME. "
                + (
                    f"The organisations in {partnership.name} are: {', '.join(names)}"
                    if names
                    else f"{partnership.name} has no organisations yet. Add one with: "
                    "stackup add_organisation"
                )
            )
        organisation = (
            self.get_organisation(partnership, options["organisation"])
            if options["organisation"] is not None
            else None
        )
        added = services.user_add(
            email=options["email"],
            partnership=partnership,
            role=role,
            organisation=organisation,
            full_name=options["name"],
            acting_user=None,
        )
        user, membership = added.user, added.membership
        self.stdout.write(
            self.style.SUCCESS(
                f"Gave {user.email} the role {membership.get_role_display().lower()} in "
                f"{partnership.name}" + (f", for {organisation.name}" if organisation else "") + "."
            )
        )
        if not user.is_active:
            self.stdout.write(
                self.style.WARNING(
                    f"The account {user.email} is switched off, so they cannot sign in until a "
                    "site administrator switches it on."
                )
            )
        if user.has_usable_password():
            self.stdout.write(
                f"{user.email} already has an account and can sign in with their existing password."
            )
            return
        self.stdout.write(
            f"Send them this link to set their password. It works once, for "
            f"{password_link_lifetime()}:"
        )
        self.stdout.write(password_set_link(user=user))

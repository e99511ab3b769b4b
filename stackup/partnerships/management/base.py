"""What the partnership commands share: finding things by name and clear refusals.

Commands are thin: they turn arguments into calls to
:mod:`stackup.partnerships.services` and print what happened. Every refusal is a
``CommandError`` (a message on stderr and exit status 1) and changes nothing,
because each service runs in one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shlex
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stackup.frameworks.management.base import HelpFormatter
from stackup.partnerships.models import Organisation, Partnership, Role, Round, Sector
from stackup.partnerships.services import ServiceError

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LISTED_AT_MOST = 30


def calendar_date(value: str) -> dt.date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    text = (value or "").strip()
    if not _DATE_RE.match(text):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date. Write dates as YYYY-MM-DD, like 2026-03-01"
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a real date") from None


def quoted(text: str) -> str:
    """``text`` as it would be typed in a shell."""
    return shlex.quote(text)


def _choice(value: str, choices: Any) -> str:
    """A choice's value from its value or its label, forgiving case, spaces and hyphens."""
    text = " ".join((value or "").split()).lower()
    for choice_value, label in choices.choices:
        if text in (choice_value, str(label).lower()):
            return choice_value
    return text.replace("-", "_").replace(" ", "_")


def sector_value(value: str) -> str:
    return _choice(value, Sector)


def role_value(value: str) -> str:
    return _choice(value, Role)


class PartnershipCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        kwargs.setdefault("formatter_class", HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ServiceError as error:
            raise CommandError(f"{error.message.rstrip('.')}. Nothing was changed.") from None

    def note(self, message: str) -> None:
        """A message for the person at the keyboard, kept off stdout (which carries data)."""
        self.stderr.write(message, style_func=lambda text: text)

    # --- Finding things by name ---------------------------------------------------------

    def get_partnership(self, slug: str) -> Partnership:
        partnership = Partnership.objects.filter(slug=(slug or "").strip().lower()).first()
        if partnership is not None:
            return partnership
        known = list(Partnership.objects.order_by("slug").values_list("slug", flat=True))
        if not known:
            hint = "There are no partnerships yet. Make one with: stackup create_partnership"
        else:
            hint = "The partnerships are: " + _listing(known)
        raise CommandError(f"There is no partnership with the short name {slug!r}. {hint}")

    def get_round(self, partnership: Partnership, name: str) -> Round:
        rounds = Round.objects.filter(partnership=partnership)
        round_ = rounds.filter(name__iexact=(name or "").strip()).first()
        if round_ is not None:
            return round_
        known = list(rounds.order_by("name").values_list("name", flat=True))
        hint = (
            f"Its rounds are: {_listing(known)}"
            if known
            else "It has no rounds yet. Make one with: stackup create_round"
        )
        raise CommandError(f"{partnership.name} has no round called {name!r}. {hint}")

    def get_organisation(self, partnership: Partnership, name: str) -> Organisation:
        organisations = Organisation.objects.filter(partnership=partnership)
        organisation = organisations.filter(name__iexact=" ".join((name or "").split())).first()
        if organisation is not None:
            return organisation
        known = list(organisations.order_by("name").values_list("name", flat=True))
        hint = (
            f"Its organisations are: {_listing(known)}"
            if known
            else "It has no organisations yet. Add one with: stackup add_organisation"
        )
        raise CommandError(f"{partnership.name} has no organisation called {name!r}. {hint}")


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED_AT_MOST])
    if len(names) > _LISTED_AT_MOST:
        shown += f" and {len(names) - _LISTED_AT_MOST} more"
    return shown

"""What coordinators do: the only code that changes partnerships, rounds and invitations.

Every function is keyword-only, checks its input, raises ``ServiceError`` with
a message fit to show a person, and writes an audit row in the same
transaction as the change. Web pages and commands both call these; commands
pass ``acting_user=None``, which the audit log records as "system".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from stackup.accounts.models import User, normalise_email
from stackup.core.audit import audit_log
from stackup.partnerships import tokens
from stackup.partnerships.models import (
    MIN_GROUP_SIZE_FLOOR,
    ROUND_TRANSITIONS,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Role,
    Round,
    RoundStatus,
    Sector,
)

MAX_INVITATIONS_AT_ONCE = 10_000
MAX_MIN_GROUP_SIZE = 100
MAX_DESCRIPTION_LENGTH = 5000
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Short names that page addresses may need for themselves (/partnerships/new/ and the like).
RESERVED_SLUGS = frozenset({"new", "add", "create", "edit", "delete"})

T = TypeVar("T")


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the person who made it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _clean_text(
    value: str | None,
    *,
    label: str,
    max_length: int,
    required: bool = True,
    field: str | None = None,
) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ServiceError(_("Enter the %(label)s") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ServiceError(
            _("The %(label)s must be %(n)s characters or fewer")
            % {"label": label, "n": max_length},
            field=field,
        )
    return text


def _clean_description(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise ServiceError(
            _("The description must be %(n)s characters or fewer") % {"n": MAX_DESCRIPTION_LENGTH},
            field="description",
        )
    return text


def _unique(create: Callable[[], T], *, message: str, field: str) -> T:
    """Run ``create``; turn a unique-constraint clash (two people at once) into a ServiceError.

    The savepoint keeps the surrounding transaction usable, so the refusal changes nothing.
    """
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        raise ServiceError(message, field=field) from None


def _check_same_partnership(organisation: Organisation | None, partnership_id: int) -> None:
    if organisation is not None and organisation.partnership_id != partnership_id:
        raise ServiceError(_("That organisation is not in this partnership"), field="organisation")


# --- Partnerships and organisations ------------------------------------------------------


@transaction.atomic
def partnership_create(
    *, slug: str, name: str, area: str = "", description: str = "", acting_user=None
) -> Partnership:
    name = _clean_text(name, label=_("partnership name"), max_length=200, field="name")
    slug = (slug or "").strip().lower()
    if not _SLUG_RE.match(slug) or len(slug) > 60:
        raise ServiceError(
            _(
                "The short name must use only lower-case letters, numbers and hyphens, "
                "up to 60 characters, like riverside-together"
            ),
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise ServiceError(
            _("The short name %(slug)s is kept for the service's own use. Choose another")
            % {"slug": slug},
            field="slug",
        )
    area = _clean_text(area, label=_("area"), max_length=200, required=False, field="area")
    description = _clean_description(description)
    taken = _("A partnership with the short name %(slug)s already exists") % {"slug": slug}
    if Partnership.objects.filter(slug=slug).exists():
        raise ServiceError(taken, field="slug")
    partnership = _unique(
        lambda: Partnership.objects.create(
            slug=slug, name=name, area=area, description=description
        ),
        message=taken,
        field="slug",
    )
    audit_log(
        action="partnership.create",
        summary=f"Created partnership {name} ({slug})",
        actor=acting_user,
        partnership=partnership,
        target=partnership,
    )
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    name: str,
    area: str | None = None,
    description: str | None = None,
    acting_user=None,
) -> Partnership:
    """Change a partnership's name, area and description (None keeps what is there).

    The short name never changes: it is in page addresses and commands.
    """
    name = _clean_text(name, label=_("partnership name"), max_length=200, field="name")
    if area is None:
        area = partnership.area
    area = _clean_text(area, label=_("area"), max_length=200, required=False, field="area")
    description = _clean_description(
        partnership.description if description is None else description
    )
    before = {"name": partnership.name, "area": partnership.area}
    partnership.name, partnership.area, partnership.description = name, area, description
    partnership.save(update_fields=["name", "area", "description"])
    audit_log(
        action="partnership.update",
        summary=f"Changed the details of partnership {name}",
        actor=acting_user,
        partnership=partnership,
        target=partnership,
        data={"before": before, "after": {"name": name, "area": area}},
    )
    return partnership


def _clean_sector(sector: str) -> str:
    if sector not in Sector.values:
        raise ServiceError(
            _("Choose a sector: %(choices)s") % {"choices": ", ".join(Sector.values)},
            field="sector",
        )
    return str(sector)


@transaction.atomic
def organisation_add(
    *, partnership: Partnership, name: str, sector: str, acting_user=None
) -> Organisation:
    name = _clean_text(name, label=_("organisation name"), max_length=200, field="name")
    sector = _clean_sector(sector)
    taken = _("%(name)s is already a member of this partnership") % {"name": name}
    if partnership.organisations.filter(name__iexact=name).exists():
        raise ServiceError(taken, field="name")
    organisation = _unique(
        lambda: Organisation.objects.create(partnership=partnership, name=name, sector=sector),
        message=taken,
        field="name",
    )
    audit_log(
        action="organisation.add",
        summary=f"Added organisation {name} ({sector})",
        actor=acting_user,
        partnership=partnership,
        target=organisation,
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, name: str, sector: str | None = None, acting_user=None
) -> Organisation:
    """Rename an organisation and, if ``sector`` is given, change its sector."""
    name = _clean_text(name, label=_("organisation name"), max_length=200, field="name")
    sector = organisation.sector if sector is None else _clean_sector(sector)
    taken = _("%(name)s is already a member of this partnership") % {"name": name}
    if (
        Organisation.objects.filter(partnership_id=organisation.partnership_id, name__iexact=name)
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ServiceError(taken, field="name")
    before = {"name": organisation.name, "sector": organisation.sector}
    organisation.name, organisation.sector = name, sector
    _unique(
        lambda: organisation.save(update_fields=["name", "sector"]), message=taken, field="name"
    )
    audit_log(
        action="organisation.update",
        summary=f"Changed organisation {before['name']} to {name} ({sector})",
        actor=acting_user,
        partnership=organisation.partnership,
        target=organisation,
        data={"before": before, "after": {"name": name, "sector": sector}},
    )
    return organisation


# --- People -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserAdded:
    user: User
    membership: Membership
    user_created: bool


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ServiceError(
            _("Choose a role: %(choices)s") % {"choices": ", ".join(Role.values)}, field="role"
        )
    return str(role)


def _check_role_organisation(
    role: str, organisation: Organisation | None, partnership: Partnership
) -> None:
    _check_same_partnership(organisation, partnership.pk)
    if role == Role.PARTNER_LEAD and organisation is None:
        raise ServiceError(
            _("Choose the organisation this partner lead looks after"), field="organisation"
        )


@transaction.atomic
def user_add(
    *,
    email: str,
    partnership: Partnership,
    role: str,
    organisation: Organisation | None = None,
    full_name: str = "",
    acting_user=None,
) -> UserAdded:
    """Give a person a role in a partnership, making their account if they have none.

    A new account has no password: the caller hands the person a link to set one
    (``stackup.accounts.services.password_set_link``).
    """
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            _("Enter an email address in the correct format, like name@example.org"),
            field="email",
        ) from None
    role = _clean_role(role)
    _check_role_organisation(role, organisation, partnership)
    full_name = _clean_text(
        full_name, label=_("full name"), max_length=200, required=False, field="full_name"
    )
    user = User.objects.filter(email=email).first()
    if user is not None and Membership.objects.filter(partnership=partnership, user=user).exists():
        raise ServiceError(
            _("%(email)s already has a role in this partnership") % {"email": email},
            field="email",
        )
    created = user is None
    if created:
        user = _unique(
            lambda: User.objects.create_user(email, None, full_name=full_name),
            message=_("%(email)s already has an account. Try again") % {"email": email},
            field="email",
        )
    membership = _unique(
        lambda: Membership.objects.create(
            partnership=partnership, user=user, role=role, organisation=organisation
        ),
        message=_("%(email)s already has a role in this partnership") % {"email": email},
        field="email",
    )
    audit_log(
        action="membership.add",
        summary=f"Gave {email} the role {role}"
        + (f" for {organisation.name}" if organisation else ""),
        actor=acting_user,
        partnership=partnership,
        target=membership,
        data={
            "email": email,
            "role": role,
            "organisation": organisation.name if organisation else None,
            "account_created": created,
        },
    )
    return UserAdded(user=user, membership=membership, user_created=created)


def _other_coordinators(membership: Membership) -> bool:
    return (
        Membership.objects.filter(partnership_id=membership.partnership_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
    )


def _lock_membership(membership: Membership) -> Membership:
    # Lock the partnership's coordinator rows first, always in the same order, so that two
    # people cannot each remove the other and leave no coordinator (nor deadlock trying).
    list(
        Membership.objects.select_for_update()
        .filter(partnership_id=membership.partnership_id, role=Role.COORDINATOR)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "partnership", "organisation")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(_("This person no longer has a role in this partnership"))
    return locked


@transaction.atomic
def membership_change_role(
    *,
    membership: Membership,
    role: str,
    organisation: Organisation | None = None,
    acting_user=None,
) -> Membership:
    """Give a person a different role (and, for a partner lead, organisation).

    A partnership always keeps at least one coordinator.
    """
    role = _clean_role(role)
    locked = _lock_membership(membership)
    _check_role_organisation(role, organisation, locked.partnership)
    if (
        locked.role == Role.COORDINATOR
        and role != Role.COORDINATOR
        and not _other_coordinators(locked)
    ):
        raise ServiceError(
            _(
                "%(email)s is the only coordinator of this partnership. Make someone else a "
                "coordinator first"
            )
            % {"email": locked.user.email},
            field="role",
        )
    before = {
        "role": locked.role,
        "organisation": locked.organisation.name if locked.organisation else None,
    }
    locked.role, locked.organisation = role, organisation
    locked.save(update_fields=["role", "organisation"])
    audit_log(
        action="membership.change_role",
        summary=f"Changed the role of {locked.user.email} from {before['role']} to {role}",
        actor=acting_user,
        partnership=locked.partnership,
        target=locked,
        data={
            "email": locked.user.email,
            "before": before,
            "after": {"role": role, "organisation": organisation.name if organisation else None},
        },
    )
    membership.role, membership.organisation = role, organisation
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user=None) -> None:
    """Take away a person's role in a partnership. Their account itself stays.

    A partnership always keeps at least one coordinator.
    """
    locked = _lock_membership(membership)
    if locked.role == Role.COORDINATOR and not _other_coordinators(locked):
        raise ServiceError(
            _(
                "%(email)s is the only coordinator of this partnership. Make someone else a "
                "coordinator first"
            )
            % {"email": locked.user.email}
        )
    email, role, partnership = locked.user.email, locked.role, locked.partnership
    audit_log(
        action="membership.remove",
        summary=f"Took away the role {role} from {email}",
        actor=acting_user,
        partnership=partnership,
        target=locked,
        data={"email": email, "role": role},
    )
    locked.delete()


# --- Rounds -------------------------------------------------------------------------------


def _check_round_settings(*, opens_on, closes_on, min_group_size) -> None:
    if not isinstance(min_group_size, int) or isinstance(min_group_size, bool):
        raise ServiceError(
            _("The minimum group size must be a whole number"), field="min_group_size"
        )
    if min_group_size < MIN_GROUP_SIZE_FLOOR:
        raise ServiceError(
            _(
                "The minimum group size must be %(floor)s or more, so that nobody's answers "
                "can be picked out"
            )
            % {"floor": MIN_GROUP_SIZE_FLOOR},
            field="min_group_size",
        )
    if min_group_size > MAX_MIN_GROUP_SIZE:
        raise ServiceError(
            _("The minimum group size must be %(max)s or fewer") % {"max": MAX_MIN_GROUP_SIZE},
            field="min_group_size",
        )
    for field, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        # A datetime is a date too, but a round runs over whole days.
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise ServiceError(_("Dates must be real dates"), field=field)
    if opens_on and closes_on and closes_on < opens_on:
        raise ServiceError(
            _("The closing date must be the same as or after the opening date"),
            field="closes_on",
        )


def _framework(framework_slug: str, framework_version: int | None):
    from stackup.frameworks.models import Framework

    if framework_version is not None and (
        not isinstance(framework_version, int) or isinstance(framework_version, bool)
    ):
        raise ServiceError(_("The framework version must be a whole number"), field="framework")
    frameworks = Framework.objects.filter(slug=framework_slug or "")
    if framework_version is not None:
        frameworks = frameworks.filter(version=framework_version)
    framework = frameworks.order_by("-version").first()
    if framework is None:
        if framework_version is not None and Framework.objects.filter(slug=framework_slug).exists():
            raise ServiceError(
                _("There is no framework %(slug)s version %(version)s")
                % {"slug": framework_slug, "version": framework_version},
                field="framework",
            )
        raise ServiceError(
            _("There is no framework called %(slug)s. See the list with: stackup list_frameworks")
            % {"slug": framework_slug},
            field="framework",
        )
    return framework


def _round_name_taken(name: str) -> str:
    return _("This partnership already has a round called %(name)s") % {"name": name}


@transaction.atomic
def round_create(
    *,
    partnership: Partnership,
    name: str,
    framework_slug: str,
    framework_version: int | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    min_group_size: int = 5,
    ask_organisation: bool = True,
    ask_sector: bool = True,
    ask_role_level: bool = True,
    ask_uses_services: bool = True,
    open_link_enabled: bool = False,
    acting_user=None,
) -> Round:
    """Set up a new round, as a draft. Opening it is a separate, explicit step."""
    name = _clean_text(name, label=_("round name"), max_length=100, field="name")
    _check_round_settings(opens_on=opens_on, closes_on=closes_on, min_group_size=min_group_size)
    framework = _framework(framework_slug, framework_version)
    if partnership.rounds.filter(name__iexact=name).exists():
        raise ServiceError(_round_name_taken(name), field="name")
    round_ = _unique(
        lambda: Round.objects.create(
            partnership=partnership,
            name=name,
            framework=framework,
            opens_on=opens_on,
            closes_on=closes_on,
            min_group_size=min_group_size,
            ask_organisation=bool(ask_organisation),
            ask_sector=bool(ask_sector),
            ask_role_level=bool(ask_role_level),
            ask_uses_services=bool(ask_uses_services),
        ),
        message=_round_name_taken(name),
        field="name",
    )
    if open_link_enabled:
        _enable_open_link(round_)
    audit_log(
        action="round.create",
        summary=f"Created round {name} with {framework.slug} version {framework.version}",
        actor=acting_user,
        partnership=partnership,
        target=round_,
        data={
            "framework": framework.slug,
            "framework_version": framework.version,
            "opens_on": opens_on.isoformat() if opens_on else None,
            "closes_on": closes_on.isoformat() if closes_on else None,
            "min_group_size": min_group_size,
            "open_link": bool(open_link_enabled),
        },
    )
    return round_


def _lock_round(round_: Round) -> Round:
    locked = (
        Round.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .filter(pk=round_.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(_("This round no longer exists"))
    return locked


def _round_settings(round_: Round) -> dict:
    return {
        "name": round_.name,
        "opens_on": round_.opens_on.isoformat() if round_.opens_on else None,
        "closes_on": round_.closes_on.isoformat() if round_.closes_on else None,
        "min_group_size": round_.min_group_size,
        "ask_organisation": round_.ask_organisation,
        "ask_sector": round_.ask_sector,
        "ask_role_level": round_.ask_role_level,
        "ask_uses_services": round_.ask_uses_services,
        "open_link": round_.open_link_enabled,
    }


@transaction.atomic
def round_update(
    *,
    round: Round,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    min_group_size: int,
    ask_organisation: bool,
    ask_sector: bool,
    ask_role_level: bool,
    ask_uses_services: bool,
    open_link_enabled: bool,
    name: str | None = None,
    acting_user=None,
) -> Round:
    """Change a round's settings (and its name, if ``name`` is given).

    The "about you" questions are fixed once the round has opened, so that every
    response in a round was asked the same things.
    """
    _check_round_settings(opens_on=opens_on, closes_on=closes_on, min_group_size=min_group_size)
    locked = _lock_round(round)
    if name is not None:
        name = _clean_text(name, label=_("round name"), max_length=100, field="name")
        if (
            Round.objects.filter(partnership_id=locked.partnership_id, name__iexact=name)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ServiceError(_round_name_taken(name), field="name")
    questions = tuple(
        bool(q) for q in (ask_organisation, ask_sector, ask_role_level, ask_uses_services)
    )
    current = (
        locked.ask_organisation,
        locked.ask_sector,
        locked.ask_role_level,
        locked.ask_uses_services,
    )
    if locked.status != RoundStatus.DRAFT and questions != current:
        raise ServiceError(
            _("The “about you” questions cannot change once the round has opened"),
            field="ask_organisation",
        )
    before = _round_settings(locked)
    if name is not None:
        locked.name = name
    locked.opens_on, locked.closes_on = opens_on, closes_on
    locked.min_group_size = min_group_size
    (
        locked.ask_organisation,
        locked.ask_sector,
        locked.ask_role_level,
        locked.ask_uses_services,
    ) = questions
    fields = [
        "name",
        "opens_on",
        "closes_on",
        "min_group_size",
        "ask_organisation",
        "ask_sector",
        "ask_role_level",
        "ask_uses_services",
    ]
    _unique(
        lambda: locked.save(update_fields=fields),
        message=_round_name_taken(locked.name),
        field="name",
    )
    if open_link_enabled and not locked.open_link_enabled:
        _enable_open_link(locked)
    elif not open_link_enabled and locked.open_link_enabled:
        # The code is kept, so that switching the link back on revives the printed link.
        locked.open_link_enabled = False
        locked.save(update_fields=["open_link_enabled"])
    after = _round_settings(locked)
    audit_log(
        action="round.update",
        summary=f"Changed the settings of round {locked.name}",
        actor=acting_user,
        partnership=locked.partnership,
        target=locked,
        data={
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
        },
    )
    _copy_round(locked, round)
    return locked


def _copy_round(source: Round, target: Round) -> None:
    """Bring the caller's copy of a round up to date with the saved one."""
    if target is source:
        return
    for field in Round._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _enable_open_link(round_: Round) -> None:
    round_.open_link_enabled = True
    if not round_.open_code:
        for _attempt in range(20):
            code = tokens.new_open_code()
            if not Round.objects.filter(open_code=code).exists():
                round_.open_code = code
                break
        else:  # pragma: no cover - 30^8 codes make this practically impossible
            raise ServiceError(_("Could not make a new open link code. Try again."))
    round_.save(update_fields=["open_link_enabled", "open_code"])


@transaction.atomic
def round_set_status(*, round: Round, status: str, acting_user=None) -> Round:
    """Move a round one step: draft → open → closed → published (or back, where allowed).

    Closing a round deletes its unfinished answers.
    """
    if status not in RoundStatus.values:
        raise ServiceError(
            _("Choose a status: %(choices)s") % {"choices": ", ".join(RoundStatus.values)},
            field="status",
        )
    locked = _lock_round(round)
    if status == locked.status:
        raise ServiceError(
            _("The round %(name)s is already %(status)s")
            % {"name": locked.name, "status": locked.get_status_display().lower()},
            field="status",
        )
    if status not in ROUND_TRANSITIONS[locked.status]:
        allowed = ", ".join(ROUND_TRANSITIONS[locked.status])
        raise ServiceError(
            _(
                "The status of round %(name)s is %(current)s, "
                "so it can only be moved to: %(allowed)s"
            )
            % {
                "name": locked.name,
                "current": locked.get_status_display().lower(),
                "allowed": allowed,
            },
            field="status",
        )
    previous = locked.status
    locked.status = str(status)
    locked.save(update_fields=["status"])
    drafts_deleted = _round_closed(locked) if status == RoundStatus.CLOSED else 0
    audit_log(
        action="round.status",
        summary=f"Moved round {locked.name} from {previous} to {status}",
        actor=acting_user,
        partnership=locked.partnership,
        target=locked,
        data={"from": previous, "to": str(status), "drafts_deleted": drafts_deleted},
    )
    _copy_round(locked, round)
    return locked


def _round_closed(round_: Round) -> int:
    """Unfinished answers are not kept once a round closes. Returns how many went."""
    from django.apps import apps

    if apps.is_installed("stackup.responding"):
        from stackup.responding.services import drafts_delete_for_round

        return drafts_delete_for_round(round=round_)
    return 0  # pragma: no cover


# --- Invitations --------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return f"{settings.STACKUP_BASE_URL}/i/{token}/"


def open_link_url(code: str) -> str:
    return f"{settings.STACKUP_BASE_URL}/r/{code}/"


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation with its token: the only moment the full link exists."""

    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return invitation_url(self.token)


_SEPARATORS = re.compile(r"[,;]")


def parse_addresses(text: str) -> list[str]:
    """The addresses in what a person pasted: one a line (commas or semicolons also do).

    ``Name <name@example.org>`` is understood. Repeats are dropped. Raises
    ``ServiceError`` naming the first line that is not an address.
    """
    addresses: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        for part in _SEPARATORS.split(line):
            part = part.strip()
            if not part:
                continue
            address = normalise_email(parseaddr(part)[1] if "<" in part else part)
            try:
                validate_email(address)
            except ValidationError:
                raise ServiceError(
                    _(
                        "Line %(n)s is not an email address in the correct format: "
                        "“%(text)s”. Write addresses like name@example.org, one on each line"
                    )
                    % {"n": number, "text": part[:100]},
                    field="emails",
                ) from None
            if address not in seen:
                seen.add(address)
                addresses.append(address)
    if not addresses:
        raise ServiceError(_("Enter the email addresses to send invitations to"), field="emails")
    if len(addresses) > MAX_INVITATIONS_AT_ONCE:
        raise ServiceError(
            _("You can send up to %(max)s invitations at once")
            % {"max": f"{MAX_INVITATIONS_AT_ONCE:,}"},
            field="emails",
        )
    return addresses


@transaction.atomic
def invitations_create(
    *,
    round: Round,
    count: int = 0,
    organisation: Organisation | None = None,
    emails: list[str] | None = None,
    acting_user=None,
    audit: bool = True,
) -> list[IssuedInvitation]:
    """Make ``count`` anonymous links, or one link per address in ``emails``.

    The links are returned once, here, and never again: only their hashes are kept.
    ``audit=False`` is for the email worker only, whose batch has its own audit
    row (written when the coordinator queued it), rather than one per 100 links.
    """
    locked = _lock_round(round)
    if locked.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        raise ServiceError(_("This round has closed, so it cannot take new invitations"))
    _check_same_partnership(organisation, locked.partnership_id)
    addresses: list[str] = []
    if emails:
        addresses = parse_addresses("\n".join(emails))
        count = len(addresses)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ServiceError(_("Enter how many invitations to make, 1 or more"), field="count")
    if count > MAX_INVITATIONS_AT_ONCE:
        raise ServiceError(
            _("You can make up to %(max)s invitations at once") % {"max": MAX_INVITATIONS_AT_ONCE},
            field="emails" if addresses else "count",
        )
    issued = [tokens.new_token() for _index in range(count)]
    rows = [
        Invitation(
            round=locked,
            token_hash=tokens.hash_token(token),
            organisation=organisation,
            email=addresses[index] if addresses else "",
        )
        for index, token in enumerate(issued)
    ]
    created = _unique(
        lambda: Invitation.objects.bulk_create(rows, batch_size=1000),
        message=_("Could not make the invitations. Try again."),  # a 192-bit collision
        field="count",
    )
    if audit:
        audit_log(
            action="invitations.create",
            summary=f"Made {count} invitations for round {locked.name}"
            + (f" for {organisation.name}" if organisation else ""),
            actor=acting_user,
            partnership=locked.partnership,
            target=locked,
            data={
                "count": count,
                "organisation": organisation.name if organisation else None,
                "by_email": bool(addresses),
            },
        )
    return [IssuedInvitation(invitation=i, token=t) for i, t in zip(created, issued, strict=True)]


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a presented token belongs to, if any."""
    if not isinstance(token, str) or not tokens.TOKEN_RE.fullmatch(token):
        return None
    digest = tokens.hash_token(token)
    invitation = (
        Invitation.objects.select_related("round", "round__partnership", "organisation")
        .filter(token_hash=digest)
        .first()
    )
    if invitation is None or not tokens.token_matches(token, invitation.token_hash):
        return None
    return invitation


@transaction.atomic
def invitation_replace(
    *, invitation: Invitation, acting_user=None, audit: bool = True
) -> IssuedInvitation:
    """A lost link is replaced, never recovered: the old link stops working.

    ``audit=False`` is for the email worker only: a batch of reminders is
    audited once, when the coordinator queues it, not once per person.
    """
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round", "round__partnership")
        .filter(pk=invitation.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(_("This invitation no longer exists"))
    if locked.used:
        raise ServiceError(_("This invitation has been used, so it cannot be replaced"))
    if locked.round.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        raise ServiceError(_("This round has closed, so its links cannot be replaced"))
    token = tokens.new_token()
    locked.token_hash = tokens.hash_token(token)
    locked.save(update_fields=["token_hash"])
    if audit:
        audit_log(
            action="invitation.replace",
            summary=f"Replaced a lost invitation link in round {locked.round.name}",
            actor=acting_user,
            partnership=locked.round.partnership,
            target=locked.round,
        )
    invitation.token_hash = locked.token_hash
    return IssuedInvitation(invitation=locked, token=token)


# --- Setting up without the command line ---------------------------------------------------


@dataclass(frozen=True)
class PartnershipSetUp:
    partnership: Partnership
    coordinator: UserAdded


@transaction.atomic
def partnership_set_up(
    *, slug: str, name: str, area: str = "", coordinator_email: str, acting_user
) -> PartnershipSetUp:
    """A site administrator makes a partnership and gives it its first coordinator."""
    partnership = partnership_create(slug=slug, name=name, area=area, acting_user=acting_user)
    added = user_add(
        email=coordinator_email,
        partnership=partnership,
        role=Role.COORDINATOR,
        acting_user=acting_user,
    )
    return PartnershipSetUp(partnership=partnership, coordinator=added)


def organisation_uses(organisation: Organisation) -> list[str]:
    """What refers to ``organisation`` ("3 responses", "1 action"), besides people's roles.

    Read from the relations other apps declare to it, so a new kind of record that
    belongs to an organisation is counted without this app knowing of it.
    """
    uses = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue
        model = relation.related_model
        if model is Membership:
            continue
        count = model._base_manager.filter(**{relation.field.name: organisation}).count()
        if count:
            meta = model._meta
            name = meta.verbose_name if count == 1 else meta.verbose_name_plural
            uses.append(f"{count} {name}")
    return uses


@transaction.atomic
def organisation_remove(*, organisation: Organisation, acting_user=None) -> None:
    """Remove an organisation added by mistake. Refused while anything refers to it.

    Responses, actions and risks keep the organisation they belong to, so an
    organisation with any of them is archived instead (see ``organisation_archive``).
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    uses = organisation_uses(organisation)
    if uses:
        raise ServiceError(
            _(
                "%(name)s cannot be removed because it has %(uses)s. "
                "Archive it instead: it stays in past results but is no longer offered"
            )
            % {"name": organisation.name, "uses": ", ".join(uses)}
        )
    if organisation.memberships.exists():
        raise ServiceError(
            _(
                "%(name)s cannot be removed because partner leads look after its actions. "
                "Change their roles first, or archive it instead"
            )
            % {"name": organisation.name}
        )
    name, sector = organisation.name, organisation.sector
    partnership = organisation.partnership
    audit_log(
        action="organisation.remove",
        summary=f"Removed organisation {name} ({sector})",
        actor=acting_user,
        partnership=partnership,
        target=organisation,
        data={"name": name, "sector": sector},
    )
    organisation.delete()


@transaction.atomic
def organisation_archive(
    *, organisation: Organisation, archived: bool = True, acting_user=None
) -> Organisation:
    """Stop offering an organisation to respondents and invitations, keeping its history."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.archived == archived:
        return organisation
    organisation.archived = archived
    organisation.save(update_fields=["archived"])
    audit_log(
        action="organisation.archive" if archived else "organisation.restore",
        summary=(
            f"Archived organisation {organisation.name}"
            if archived
            else f"Brought back organisation {organisation.name}"
        ),
        actor=acting_user,
        partnership=organisation.partnership,
        target=organisation,
    )
    return organisation


@transaction.atomic
def round_delete(*, round: Round, acting_user=None) -> None:
    """Delete a draft round made by mistake, with its unused invitations.

    Only a draft can go: once a round has opened, people may have answered it.
    """
    round_ = _lock_round(round)
    if round_.status != RoundStatus.DRAFT:
        raise ServiceError(
            _("Only a draft round can be deleted. %(name)s has already opened")
            % {"name": round_.name}
        )
    audit_log(
        action="round.delete",
        summary=f"Deleted draft round {round_.name}",
        actor=acting_user,
        partnership=round_.partnership,
        target=round_,
        data={"name": round_.name, "invitations": round_.invitations.count()},
    )
    round_.delete()

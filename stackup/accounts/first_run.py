"""A new installation's first site administrator, made in the browser from a one-time link.

While no active site administrator exists, ``stackup setup_link`` (which ``make run`` calls)
prints a link. The link is signed with the secret key, works for
``STACKUP_FIRST_RUN_LINK_HOURS`` hours, and works only while there is still no site
administrator: once the first one is made, every such link is dead, so it is usable once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from stackup.accounts.models import User, normalise_email
from stackup.accounts.services import validate_new_password
from stackup.core.audit import audit_log

_SALT = "stackup.accounts.first-run"
_VALUE = "first-site-administrator"


class FirstRunError(Exception):
    """The first administrator cannot be made; ``field`` says which answer to change."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def setup_needed() -> bool:
    """Whether this installation still has no active site administrator."""
    return not User.objects.filter(is_superuser=True, is_active=True).exists()


def link_lifetime() -> str:
    now = timezone.now()
    return timesince(now, now + timedelta(hours=settings.STACKUP_FIRST_RUN_LINK_HOURS))


def setup_link() -> str:
    """A new one-time link to make the first site administrator."""
    token = signing.TimestampSigner(salt=_SALT).sign(_VALUE)
    return settings.STACKUP_BASE_URL + reverse("accounts:first_run", kwargs={"token": token})


def link_works(token: str) -> bool:
    """Whether ``token`` is a genuine, unexpired link and the set-up is still to do."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(
            token, max_age=timedelta(hours=settings.STACKUP_FIRST_RUN_LINK_HOURS)
        )
    except signing.BadSignature:
        return False
    return value == _VALUE and setup_needed()


def _lock() -> None:
    """Let one set-up at a time through (SQLite's writes are already one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_SALT])


@transaction.atomic
def create_first_administrator(*, token: str, email: str, full_name: str, password: str) -> User:
    """Make the first site administrator, if ``token`` still works."""
    _lock()
    if not link_works(token):
        raise FirstRunError(
            _("This set-up link has been used or has expired. Run stackup setup_link for a new one")
        )
    email = normalise_email(email)
    full_name = " ".join((full_name or "").split())[:200]
    if User.objects.filter(email=email).exists():
        # Only a switched-off account can exist here; make it the administrator again.
        user = User.objects.get(email=email)
        validate_new_password(password=password, user=user)
        user.full_name = full_name or user.full_name
        user.is_active = user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save(update_fields=["full_name", "is_active", "is_staff", "is_superuser", "password"])
    else:
        validate_new_password(password=password, user=User(email=email, full_name=full_name))
        user = User.objects.create_superuser(email=email, password=password, full_name=full_name)
    audit_log(
        action="site.first_administrator",
        summary=f"Made the first site administrator, {email}, with the set-up link",
        actor=user,
        target=user,
    )
    return user

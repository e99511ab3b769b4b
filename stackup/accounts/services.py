"""Passwords: one-time links to set them, reset emails, and sign-in lock-outs."""

from __future__ import annotations

import logging
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stackup.accounts.models import User, normalise_email

logger = logging.getLogger(__name__)


def password_set_link(*, user: User) -> str:
    """An absolute link that lets ``user`` set a new password, once.

    The link starts with ``STACKUP_BASE_URL``, never the host of a request, which
    a visitor can forge. It stops working when the password changes (the token
    is made from the password hash), when the user signs in, or after
    ``PASSWORD_RESET_TIMEOUT`` seconds.
    """
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.STACKUP_BASE_URL + path


def password_link_lifetime() -> str:
    """How long a link from ``password_set_link`` works, in words ("3 days")."""
    now = timezone.now()
    return timesince(now, now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


def request_password_reset(*, email: str) -> None:
    """Email a link to set a new password, if ``email`` belongs to an active account.

    Does nothing, and says nothing, otherwise: the caller must answer the same
    either way so that nobody can find out who has an account. People given an
    account without a password yet can use this too, if their first link expired.
    """
    user = User.objects.filter(email=normalise_email(email), is_active=True).first()
    if user is None:
        return
    context = {
        "user": user,
        "link": password_set_link(user=user),
        "lifetime": password_link_lifetime(),
        "base_url": settings.STACKUP_BASE_URL,
    }
    subject = render_to_string("accounts/email/password_reset_subject.txt", context)
    body = render_to_string("accounts/email/password_reset.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=[user.email])
    try:
        message.send()
    except Exception:
        # The page must look the same whether or not an email went: log, do not fail.
        logger.exception("Could not send a password reset email to user %s", user.pk)


def _govuk_message(error: ValidationError) -> ValidationError:
    params = error.params or {}
    if error.code == "password_too_short":
        length = params["min_length"]
        message = ngettext(
            "Password must be %(length)d character or more",
            "Password must be %(length)d characters or more",
            length,
        ) % {"length": length}
    elif error.code == "password_too_common":
        message = _("Password is too easy to guess. Choose a less common one")
    elif error.code == "password_entirely_numeric":
        message = _("Password must include letters or symbols, not only numbers")
    elif error.code == "password_too_similar":
        message = _("Password must not be like your email address or name")
    else:
        return error
    return ValidationError(message, code=error.code)


def validate_new_password(*, password: str, user: User | None = None) -> None:
    """Check ``password`` against AUTH_PASSWORD_VALIDATORS.

    Raises ValidationError with GOV.UK-style messages, one per failed rule.
    """
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError([_govuk_message(e) for e in error.error_list]) from None


def set_password(*, user: User, password: str) -> None:
    """Give ``user`` a new password. Every link made for the old one stops working."""
    user.set_password(password)
    user.save(update_fields=["password"])
    password_validation.password_changed(password, user)


def clear_sign_in_lockout(*, user: User, ip_address: str | None) -> int:
    """Forget failed sign-ins for ``user`` from ``ip_address`` (from anywhere if None).

    Returns how many records of failed attempts were removed.
    """
    return axes_reset(ip=ip_address, username=user.get_username())

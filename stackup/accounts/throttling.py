"""Where a sign-in attempt comes from, for django-axes' lock-outs."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from stackup.accounts.models import normalise_email


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The visitor's address, as far as it can be trusted.

    With no trusted proxy, the connection's own address. With N trusted proxies,
    each appending the address it saw to X-Forwarded-For, the Nth entry from
    the right: entries further left were written by the client and can be forged.
    """
    remote = _valid(request.META.get("REMOTE_ADDR"))
    count = settings.STACKUP_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt is for, normalised as sign-in normalises it.

    Without this, "Sam@Example.org" and "sam@example.org" would count separately
    on forms that do not normalise (the admin's), multiplying the guesses allowed.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return normalise_email(value) if value else value

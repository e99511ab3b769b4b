"""System checks of Stack Up's own settings, run by ``stackup check``."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the public address links point to, or None if it can."""
    if not url:
        return "unset"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "malformed"
    host = parts.hostname.lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return "loopback"
    return None


_MESSAGES = {
    "unset": "STACKUP_BASE_URL is not set, so invitation links, printed slips and emails "
    "would point nowhere.",
    "malformed": "STACKUP_BASE_URL must be a full address starting with https://, "
    "like https://stackup.example.org.",
    "loopback": "STACKUP_BASE_URL points to this machine only (a loopback address), so "
    "invitation links, printed slips and emails would not work anywhere else.",
}


@register(Tags.security, deploy=True)
def check_base_url(app_configs, **kwargs):
    url = settings.STACKUP_BASE_URL
    problem = base_url_problem(url)
    if problem:
        return [
            Error(
                _MESSAGES[problem],
                hint="Set STACKUP_BASE_URL to the address people use to reach Stack Up, "
                "like https://stackup.example.org.",
                id="stackup.E001",
            )
        ]
    if urlsplit(url).scheme != "https":
        return [
            Warning(
                "STACKUP_BASE_URL does not use https://, so links in emails and on slips "
                "are not protected in transit.",
                id="stackup.W001",
            )
        ]
    return []

"""A limit on new open-link drafts per client address, kept only in the cache.

The address is never stored: the cache key holds a keyed hash of it, and the count
disappears after the hour it counts. Set the limit with ``OPEN_LINK_STARTS_PER_HOUR``
(``STACKUP_OPEN_LINK_STARTS_PER_HOUR`` in settings; 0 turns the limit off).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from stackup.accounts.throttling import client_ip_address

DEFAULT_STARTS_PER_HOUR = 30
WINDOW_SECONDS = 3600


def starts_per_hour() -> int:
    return int(getattr(settings, "STACKUP_OPEN_LINK_STARTS_PER_HOUR", DEFAULT_STARTS_PER_HOUR))


def _key(address: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[
        :32
    ]
    return f"stackup:open-starts:{digest}:{window}"


def open_start_allowed(request: HttpRequest) -> bool:
    """Count one new open-link draft from this request's address; False once over the limit."""
    limit = starts_per_hour()
    if limit <= 0:
        return True
    address = client_ip_address(request) or "unknown"
    key = _key(address, int(time.time() // WINDOW_SECONDS))
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count <= limit


def retry_after_seconds() -> int:
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS

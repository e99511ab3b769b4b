"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

# The browser tests drive a synchronous Playwright inside pytest's thread,
# which Django would otherwise take for an async context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def coordinator(db, django_user_model):
    return django_user_model.objects.create_user("coord@example.org", "a-long-password-1")


@pytest.fixture(autouse=True)
def _shipped_frameworks(request):
    """Every database test starts with the shipped frameworks stored.

    Migrations store them, but a transactional test (live server, browser)
    empties every table when it ends; put them back for whatever runs next.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from tests.partnerships.factories import ensure_shipped_frameworks

    ensure_shipped_frameworks()

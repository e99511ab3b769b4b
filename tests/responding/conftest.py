from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.responding.factories import build_world


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """The open-link limit counts in the cache (a database table): start from nothing.

    In an ordinary database test the table is emptied by the test's rollback;
    a transactional test commits, so clear the cache around it.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    ):
        yield
        return
    request.getfixturevalue("transactional_db")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()

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

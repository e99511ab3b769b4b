from __future__ import annotations

import pytest

PASSWORD = "correct-horse-battery"


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("sam@example.org", PASSWORD, full_name="Sam Jones")

"""Forms that change state refuse to work without a CSRF token."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.conftest import PASSWORD

SIGN_IN = "/account/sign-in/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_sign_in_without_a_csrf_token_is_refused(strict_client, user):
    response = strict_client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your form could not be sent" in body
    assert "<title>Your form could not be sent \u2013 Stack Up</title>" in body
    assert "_auth_user_id" not in strict_client.session


@pytest.mark.django_db
def test_sign_in_with_a_forged_csrf_token_is_refused(strict_client, user):
    strict_client.get(SIGN_IN)
    response = strict_client.post(
        SIGN_IN,
        {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


@pytest.mark.django_db
def test_sign_in_with_the_csrf_token_works(strict_client, user):
    page = strict_client.get(SIGN_IN)
    token = TOKEN.search(page.content.decode()).group(1)
    response = strict_client.post(
        SIGN_IN, {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert strict_client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/password-reset/", {"email": "sam@example.org"}),
        ("/account/sign-out/", {}),
    ],
)
def test_other_account_forms_need_the_token_too(strict_client, user, path, data):
    response = strict_client.post(path, data)
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert mail.outbox == []

"""Sign-in throttling: five wrong passwords lock one account from one address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from stackup.accounts.services import clear_sign_in_lockout, password_set_link
from stackup.accounts.throttling import client_ip_address, client_username
from tests.accounts.conftest import PASSWORD

SIGN_IN = "/account/sign-in/"
WRONG = "not-the-password"
LOCKED = "You cannot sign in at the moment"


def _sign_in(client, email, password, ip="192.0.2.10"):
    return client.post(SIGN_IN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, email, times, ip="192.0.2.10"):
    return [_sign_in(client, email, WRONG, ip).status_code for _ in range(times)]


@pytest.fixture
def other(db, django_user_model):
    return django_user_model.objects.create_user("alex@example.org", PASSWORD)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, user):
    assert _fail(client, "sam@example.org", 4) == [200] * 4
    # The fifth failure reaches the limit: it is answered with the lock-out page.
    assert _fail(client, "sam@example.org", 1) == [429]

    sixth = _sign_in(client, "sam@example.org", PASSWORD)
    assert sixth.status_code == 429
    body = sixth.content.decode()
    assert LOCKED in body
    assert "Try again in 1\xa0hour." in body
    assert 'href="/account/password-reset/"' in body
    assert "no-cache" in sixth["Cache-Control"]
    assert not _signed_in(client)
    assert "Sign out" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_wrong_passwords_below_the_limit_do_not_lock(client, user):
    assert _fail(client, "sam@example.org", 4) == [200] * 4
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_another_account_from_the_same_address_is_not_locked(client, user, other):
    _fail(client, "sam@example.org", 5)
    response = _sign_in(client, "alex@example.org", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_the_same_account_from_another_address_is_not_locked(client, user):
    _fail(client, "sam@example.org", 5, ip="192.0.2.10")
    assert _sign_in(client, "sam@example.org", PASSWORD, ip="198.51.100.7").status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_changing_the_case_of_the_email_does_not_earn_more_guesses(client, user):
    for email in ["sam@example.org", "SAM@example.org", "Sam@Example.org", "sam@EXAMPLE.org"]:
        _sign_in(client, email, WRONG)
    assert _sign_in(client, "sAm@example.ORG", WRONG).status_code == 429
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_admin_sign_in_is_throttled_the_same_way(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    emails = ["sam@example.org", "SAM@example.org", "Sam@example.org", "sam@Example.org"]
    statuses = [
        client.post(
            "/admin/login/", {"username": email, "password": WRONG}, REMOTE_ADDR="192.0.2.10"
        ).status_code
        for email in [*emails, "sAm@example.org"]
    ]
    assert statuses == [200, 200, 200, 200, 429]
    response = client.post(
        "/admin/login/",
        {"username": "SAM@EXAMPLE.ORG", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


@pytest.mark.django_db
def test_a_successful_sign_in_clears_earlier_failures(client, user):
    _fail(client, "sam@example.org", 4)
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "sam@example.org", 4) == [200] * 4


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cooloff(client, user, settings):
    assert settings.AXES_COOLOFF_TIME == 1  # hours
    _fail(client, "sam@example.org", 5)
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 429
    # An hour and a minute pass.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(hours=1, minutes=1)
        attempt.save(update_fields=["attempt_time"])
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_the_lock_lifts_when_reset_by_an_administrator(client, user):
    _fail(client, "sam@example.org", 5)
    assert reset(username="sam@example.org") == 1
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_clear_sign_in_lockout_only_clears_the_given_address(client, user):
    _fail(client, "sam@example.org", 5, ip="192.0.2.10")
    _fail(client, "sam@example.org", 5, ip="198.51.100.7")
    assert clear_sign_in_lockout(user=user, ip_address="192.0.2.10") == 1
    assert _sign_in(client, "sam@example.org", PASSWORD, ip="198.51.100.7").status_code == 429
    assert _sign_in(client, "sam@example.org", PASSWORD, ip="192.0.2.10").status_code == 302


@pytest.mark.django_db
def test_setting_a_new_password_lifts_the_lock_from_that_address(client, user, settings):
    _fail(client, "sam@example.org", 5)
    path = password_set_link(user=user).removeprefix(settings.STACKUP_BASE_URL)
    form = client.get(path, REMOTE_ADDR="192.0.2.10").url
    new = "plum-orchard-lantern"
    done = client.post(form, {"new_password1": new, "new_password2": new}, REMOTE_ADDR="192.0.2.10")
    assert done.status_code == 302
    assert _sign_in(client, "sam@example.org", new).status_code == 302


@pytest.mark.django_db
def test_lockout_keeps_no_password_and_no_log_of_successful_sign_ins(client, user):
    _fail(client, "sam@example.org", 2)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "sam@example.org"
    assert WRONG not in attempt.post_data
    assert _sign_in(client, "sam@example.org", PASSWORD).status_code == 302
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1", "10.0.0.1"),  # no proxy trusted: header ignored
        (1, "203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "10.0.0.1", "203.0.113.9"),  # forged entry on the left
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies
        (1, "not-an-address", "10.0.0.1", "10.0.0.1"),
        (1, "2001:db8::1", "10.0.0.1", "2001:db8::1"),
    ],
)
def test_client_ip_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded, remote, expected
):
    settings.STACKUP_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip_address(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_visitors_do_not_share_a_lock(client, user, settings):
    settings.STACKUP_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            SIGN_IN,
            {"username": "sam@example.org", "password": WRONG},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    response = client.post(
        SIGN_IN,
        {"username": "sam@example.org", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302


def test_client_username_is_normalised():
    request = RequestFactory().post("/", {"username": " Sam@Example.ORG "})
    assert client_username(request) == "sam@example.org"
    assert client_username(request, {"username": "A@B.org"}) == "a@b.org"
    assert client_username(RequestFactory().post("/", {})) is None


def test_settings_put_axes_first_and_its_middleware_last(settings):
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert get_user_model().USERNAME_FIELD == "email"

"""Password reset by email, and the one-time link to set a password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from stackup.accounts.services import password_set_link
from tests.accounts.conftest import PASSWORD

RESET = "/account/password-reset/"
NEW_PASSWORD = "plum-orchard-lantern"
LINK = re.compile(r"^(https?://\S+/password-reset/\S+)$", re.M)


def _link_in(message) -> str:
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def _path(link: str, settings) -> str:
    assert link.startswith(settings.STACKUP_BASE_URL + "/")
    return link.removeprefix(settings.STACKUP_BASE_URL)


def _set_password(
    client, link: str, settings, password: str = NEW_PASSWORD, again: str | None = None
):
    """Open the link, then send the form it leads to. Returns the form's response."""
    opened = client.get(_path(link, settings))
    assert opened.status_code == 302
    return client.post(opened.url, {"new_password1": password, "new_password2": again or password})


@pytest.mark.django_db
def test_known_address_gets_an_email_with_a_link_from_the_base_url(client, user, settings):
    settings.STACKUP_BASE_URL = "https://stackup.example.gov.uk"
    settings.ALLOWED_HOSTS = ["*"]  # even if the host header were not checked
    response = client.post(RESET, {"email": "  Sam@Example.org "}, HTTP_HOST="evil.example")
    assert response.status_code == 302
    assert response.url == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    assert "\n" not in message.subject
    assert message.subject == "Set a new password for Stack Up"
    assert "collaboration health check" in message.body
    assert "evil.example" not in message.body
    assert "https://stackup.example.gov.uk\n" in message.body
    link = _link_in(message)
    assert link.startswith("https://stackup.example.gov.uk/account/password-reset/")


@pytest.mark.django_db
def test_unknown_address_gets_the_same_answer_and_no_email(client, user):
    known = client.post(RESET, {"email": "sam@example.org"})
    unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert unknown.content == known.content
    sent = client.get(known.url)
    assert sent.status_code == 200
    assert "Check your email" in sent.content.decode()


@pytest.mark.django_db
def test_switched_off_account_gets_no_email(client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.post(RESET, {"email": "sam@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_give_the_account_away(client, user, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_password_reset.BrokenBackend"
    response = client.post(RESET, {"email": "sam@example.org"})
    assert (response.status_code, response.url) == (302, "/account/password-reset/sent/")


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address"),
        ("not-an-email", "Enter an email address in the correct format, like name@example.org"),
    ],
)
def test_reset_form_errors_use_govuk_wording(client, email, error):
    response = client.post(RESET, {"email": email})
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert "<title>Error: Reset your password" in body
    assert mail.outbox == []


@pytest.mark.django_db
def test_emailed_link_sets_a_password_once(client, user, settings):
    client.post(RESET, {"email": "sam@example.org"})
    link = _link_in(mail.outbox[0])
    response = _set_password(client, link, settings)
    assert response.status_code == 302
    assert response.url == "/account/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(response.url).status_code == 200

    # The same link again: refused, and the password stays as it is.
    again = client.get(_path(link, settings))
    assert again.status_code == 200
    assert "This link does not work" in again.content.decode()
    form_url = _path(link, settings).rsplit("/", 2)[0] + "/set-password/"
    client.post(form_url, {"new_password1": "x-another-one-1", "new_password2": "x-another-one-1"})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_password_set_link_works_once_for_a_new_account(client, settings):
    settings.STACKUP_BASE_URL = "https://stackup.example.org"
    new = get_user_model().objects.create_user("new@example.org")  # no password yet
    assert not new.has_usable_password()
    link = password_set_link(user=new)
    assert link.startswith("https://stackup.example.org/account/password-reset/")

    assert _set_password(client, link, settings).status_code == 302
    new.refresh_from_db()
    assert new.check_password(NEW_PASSWORD)
    signed_in = client.post(
        "/account/sign-in/", {"username": "new@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    client.logout()

    refused = client.get(_path(link, settings))
    assert refused.status_code == 200
    assert "This link does not work" in refused.content.decode()


@pytest.mark.django_db
def test_account_without_a_password_can_ask_for_a_new_link(client):
    get_user_model().objects.create_user("new@example.org")
    client.post(RESET, {"email": "new@example.org"})
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_forged_or_mangled_link_is_refused(client, user, settings):
    link = password_set_link(user=user)
    forged = _path(link, settings)[:-3] + "xx/"
    response = client.get(forged)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("", "", "new_password1", "Enter a new password"),
        ("short-pw", "short-pw", "new_password1", "Password must be 12 characters or more"),
        ("password1234", "password1234", "new_password1", "Password is too easy to guess"),
        ("123456789012345", "123456789012345", "new_password1", "not only numbers"),
        ("sam@example.org", "sam@example.org", "new_password1", "must not be like your email"),
        (
            NEW_PASSWORD,
            NEW_PASSWORD + "x",
            "new_password2",
            "Enter the same password in both boxes",
        ),
    ],
)
def test_weak_or_mistyped_passwords_are_refused_with_a_message(
    client, user, settings, password, again, field, message
):
    response = _set_password(client, password_set_link(user=user), settings, password, again)
    assert response.status_code == 200
    form = response.context_data["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert message in body
    assert "<title>Error: Set a new password" in body
    assert f'href="#id_{field}"' in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/account/password-reset/",
        "/account/password-reset/sent/",
        "/account/password-reset/done/",
        "/account/password-reset/Mg/not-a-token/",
    ],
)
def test_reset_pages_render_in_english_and_welsh(client, path):
    assert b'<html lang="en-GB"' in client.get(path).content
    assert b'<html lang="cy"' in client.get("/cy" + path).content


@pytest.mark.django_db
def test_a_link_asked_for_in_welsh_opens_in_welsh(client, user, settings):
    response = client.post("/cy/account/password-reset/", {"email": "sam@example.org"})
    assert response.url == "/cy/account/password-reset/sent/"
    assert _link_in(mail.outbox[0]).startswith(settings.STACKUP_BASE_URL + "/cy/account/")

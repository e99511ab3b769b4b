"""Starting alone: the first site administrator, partnerships made in the browser,
organisations changed, archived or removed, and draft rounds deleted."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stackup.accounts import first_run
from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships import services
from stackup.partnerships.models import Membership, Organisation, Partnership, Role, Round
from stackup.partnerships.services import ServiceError
from tests.partnerships.factories import build_world

PASSWORD = "correct horse battery staple"


def _token(link: str) -> str:
    return re.search(r"/account/set-up/([^/]+)/", link).group(1)


def _first_run_form(**changes) -> dict[str, str]:
    return {
        "full_name": "Sam Site",
        "email": "Sam@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **changes,
    }


# --- The first site administrator --------------------------------------------------------


@pytest.mark.django_db
def test_the_set_up_link_makes_the_first_administrator_once():
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    link = re.search(r"http\S+", out.getvalue()).group(0)
    assert link.startswith("http://127.0.0.1:8000/account/set-up/")
    path = link.removeprefix("http://127.0.0.1:8000")
    client = Client()
    assert client.get(path).status_code == 200

    response = client.post(path, _first_run_form())
    assert response.status_code == 302 and response["Location"] == "/partnerships/"
    admin = User.objects.get(email="sam@example.org")
    assert admin.is_superuser and admin.is_staff and admin.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="site.first_administrator", actor=admin).count() == 1
    # Signed in, and offered to set up a partnership.
    assert "Set up a partnership" in client.get("/partnerships/").content.decode()

    # Used once: the same link, and any link made before, no longer works.
    again = Client().post(path, _first_run_form(email="eve@example.org"))
    assert again.status_code == 404
    assert "This set-up link does not work" in again.content.decode()
    assert not User.objects.filter(email="eve@example.org").exists()
    out = io.StringIO()
    call_command("setup_link", stdout=out)
    assert "already has a site administrator" in out.getvalue()
    out = io.StringIO()
    call_command("setup_link", "--if-needed", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_demo_style_users_without_an_administrator_still_need_set_up():
    User.objects.create_user("coordinator@example.org", "x" * 20)
    assert first_run.setup_needed()
    User.objects.create_superuser("root@example.org", "x" * 20)
    assert not first_run.setup_needed()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token", ["", "nonsense", "first-site-administrator:1abc:forged", "a" * 500]
)
def test_forged_or_broken_links_do_not_work(token):
    path = f"/account/set-up/{token}/" if token else "/account/set-up/x/"
    assert Client().get(path).status_code == 404
    assert Client().post(path, _first_run_form()).status_code == 404
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_expired_link_does_not_work(settings):
    path = first_run.setup_link().removeprefix(settings.STACKUP_BASE_URL)
    settings.STACKUP_FIRST_RUN_LINK_HOURS = 0
    assert Client().post(path, _first_run_form()).status_code == 404
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter your full name"),
        ({"email": "not-an-address"}, "email", "Enter an email address in the correct format"),
        ({"password1": "short", "password2": "short"}, "password1", "12 characters or more"),
        ({"password2": PASSWORD + "!"}, "password2", "Enter the same password in both boxes"),
        ({"password1": "", "password2": ""}, "password1", "Enter a password"),
    ],
)
def test_set_up_form_errors_keep_nothing(settings, changes, field, message):
    path = first_run.setup_link().removeprefix(settings.STACKUP_BASE_URL)
    response = Client().post(path, _first_run_form(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}"' in page
    assert not User.objects.exists() and first_run.setup_needed()


# --- Site administrators set up partnerships ----------------------------------------------


@pytest.fixture
def site_admin(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root@example.org", PASSWORD))
    return client


def test_a_site_administrator_sets_up_a_partnership_and_its_coordinator(site_admin):
    response = site_admin.post(
        reverse("partnerships:new"),
        {
            "name": "Lakeside Together",
            "slug": "lakeside",
            "area": "Lakeside",
            "coordinator_email": "Lee@Example.org",
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(slug="lakeside")
    membership = Membership.objects.get(partnership=partnership)
    assert membership.user.email == "lee@example.org" and membership.role == Role.COORDINATOR
    # The site administrator holds no role in it.
    assert Membership.objects.filter(partnership=partnership).count() == 1
    actions = set(
        AuditEvent.objects.filter(partnership=partnership).values_list("action", flat=True)
    )
    assert {"partnership.create", "membership.add"} <= actions

    page = site_admin.get(response["Location"]).content.decode()
    assert "Lakeside Together is set up" in page
    assert "/account/password-reset/" in page  # the coordinator's one-time link, shown once
    assert "/account/password-reset/" not in site_admin.get(response["Location"]).content.decode()
    # The new coordinator can run it.
    lee = Client()
    lee.force_login(membership.user)
    assert lee.get(reverse("partnerships:detail", kwargs={"slug": "lakeside"})).status_code == 200


def test_setting_up_refuses_a_taken_short_name_and_keeps_nothing(site_admin):
    services.partnership_create(slug="lakeside", name="Lakeside")
    before = (Partnership.objects.count(), User.objects.count(), AuditEvent.objects.count())
    response = site_admin.post(
        reverse("partnerships:new"),
        {"name": "Lakeside Again", "slug": "lakeside", "coordinator_email": "x@example.org"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in page and 'href="#id_slug"' in page
    assert (Partnership.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_people_who_are_not_site_administrators_cannot_set_up(db):
    user = User.objects.create_user("someone@example.org", PASSWORD)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("partnerships:new")).status_code == 403
    response = client.post(
        reverse("partnerships:new"),
        {"name": "Sneaky", "slug": "sneaky", "coordinator_email": "s@example.org"},
    )
    assert response.status_code == 403
    assert not Partnership.objects.filter(slug="sneaky").exists()


# --- Organisations: change, archive, remove ------------------------------------------------


@pytest.fixture
def w(db):
    return build_world()


@pytest.fixture
def coord(w) -> Client:
    client = Client()
    client.force_login(w.coordinator)
    return client


def _org_url(name: str, w, organisation: Organisation) -> str:
    return reverse(
        f"partnerships:{name}",
        kwargs={"slug": w.partnership.slug, "organisation_id": organisation.pk},
    )


def test_a_coordinator_renames_an_organisation(w, coord):
    response = coord.post(
        _org_url("organisation_edit", w, w.organisation),
        {"name": "Riverside Borough Council", "sector": "council"},
    )
    assert response.status_code == 302
    w.organisation.refresh_from_db()
    assert w.organisation.name == "Riverside Borough Council"
    assert AuditEvent.objects.filter(action="organisation.update").exists()


def test_an_unused_organisation_is_removed_after_confirmation(w, coord):
    mistake = services.organisation_add(partnership=w.partnership, name="Typo Org", sector="other")
    url = _org_url("organisation_remove", w, mistake)
    page = coord.get(url).content.decode()
    assert "Are you sure you want to remove Typo Org?" in page
    assert Organisation.objects.filter(pk=mistake.pk).exists()  # asking changes nothing
    assert coord.post(url).status_code == 302
    assert not Organisation.objects.filter(pk=mistake.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.remove").exists()


def test_an_organisation_in_use_is_archived_not_removed(w, coord):
    nhs = w.partnership.organisations.get(sector="nhs")
    services.invitations_create(round=w.round, count=2, organisation=nhs)
    url = _org_url("organisation_remove", w, nhs)
    page = coord.get(url).content.decode()
    assert "cannot be removed" in page and "2 invitations" in page
    response = coord.post(url)
    assert "cannot be removed because it has 2 invitations" in response.content.decode()
    assert Organisation.objects.filter(pk=nhs.pk).exists()
    with pytest.raises(ServiceError):
        services.organisation_remove(organisation=nhs)

    assert coord.post(_org_url("organisation_archive", w, nhs)).status_code == 302
    nhs.refresh_from_db()
    assert nhs.archived
    # No longer offered: not to partner leads, not for invitations.
    person_form = coord.get(
        reverse("partnerships:person_add", kwargs={"slug": w.partnership.slug})
    ).content.decode()
    assert f">{nhs.name}</option>" not in person_form
    assert f">{w.organisation.name}</option>" in person_form
    listed = coord.get(
        reverse("partnerships:organisations", kwargs={"slug": w.partnership.slug})
    ).content.decode()
    assert nhs.name in listed and "Archived" in listed

    coord.post(_org_url("organisation_archive", w, nhs), {"archived": "no"})
    nhs.refresh_from_db()
    assert not nhs.archived
    assert {"organisation.archive", "organisation.restore"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_an_organisation_with_a_partner_lead_is_not_removed(w, coord):
    assert Membership.objects.filter(organisation=w.organisation).exists()
    response = coord.post(_org_url("organisation_remove", w, w.organisation))
    assert "partner leads look after its actions" in response.content.decode()
    assert Organisation.objects.filter(pk=w.organisation.pk).exists()


# --- Draft rounds deleted -------------------------------------------------------------------


def _round_delete_url(w, round_: Round) -> str:
    return reverse(
        "partnerships:round_delete", kwargs={"slug": w.partnership.slug, "round_id": round_.pk}
    )


def test_a_draft_round_is_deleted_after_confirmation(w, coord):
    services.invitations_create(round=w.round, count=3)
    page = coord.get(_round_delete_url(w, w.round)).content.decode()
    assert "Are you sure you want to delete Spring 2026?" in page
    assert "Its 3 invitations will stop working." in page
    assert coord.post(_round_delete_url(w, w.round)).status_code == 302
    assert not Round.objects.filter(pk=w.round.pk).exists()
    assert AuditEvent.objects.filter(action="round.delete").exists()


def test_an_opened_round_cannot_be_deleted(w, coord):
    services.round_set_status(round=w.round, status="open")
    response = coord.get(_round_delete_url(w, w.round))
    assert response.status_code == 409
    assert "Only a draft round can be deleted" in response.content.decode()
    coord.post(_round_delete_url(w, w.round))
    assert Round.objects.filter(pk=w.round.pk).exists()
    with pytest.raises(ServiceError, match="Only a draft round"):
        services.round_delete(round=w.round)

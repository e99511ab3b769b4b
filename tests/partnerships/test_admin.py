"""The site administration: audited changes, status only through the service, invitations hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships import services
from stackup.partnerships.models import Invitation, Organisation, Round

pytestmark = pytest.mark.django_db

FRAMEWORK = "collaboration-health-check"


@pytest.fixture
def site_admin(client):
    admin = User.objects.create_superuser("admin@example.org", "a-long-password-1")
    client.force_login(admin)
    return admin


@pytest.fixture
def setup():
    partnership = services.partnership_create(slug="p", name="P")
    organisation = services.organisation_add(partnership=partnership, name="Org", sector="nhs")
    services.user_add(email="c@example.org", partnership=partnership, role="coordinator")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    issued = services.invitations_create(round=round_, count=2, organisation=organisation)
    return partnership, organisation, round_, issued


@pytest.mark.parametrize(
    "model", ["partnership", "organisation", "membership", "round", "invitation"]
)
def test_every_model_is_listed_and_shown(client, site_admin, setup, model):
    assert client.get(reverse(f"admin:partnerships_{model}_changelist")).status_code == 200
    obj = {
        "partnership": setup[0],
        "organisation": setup[1],
        "membership": setup[0].memberships.get(),
        "round": setup[2],
        "invitation": setup[3][0].invitation,
    }[model]
    page = client.get(reverse(f"admin:partnerships_{model}_change", args=[obj.pk]))
    assert page.status_code == 200


def test_invitations_are_read_only_and_never_show_their_hash(client, site_admin, setup):
    invitation = Invitation.objects.get(pk=setup[3][0].invitation.pk)
    url = reverse("admin:partnerships_invitation_change", args=[invitation.pk])
    body = client.get(url).content.decode()
    assert invitation.token_hash not in body
    assert setup[3][0].token not in body
    assert 'name="used"' not in body  # shown, not editable
    client.post(url, {"used": "on", "email": "x@example.org"})
    assert Invitation.objects.get(pk=invitation.pk).email == ""
    listing = client.get(reverse("admin:partnerships_invitation_changelist")).content.decode()
    assert invitation.token_hash not in listing
    assert client.get(reverse("admin:partnerships_invitation_add")).status_code == 403
    delete = reverse("admin:partnerships_invitation_delete", args=[invitation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_rounds_status_cannot_be_edited_in_its_form(client, site_admin, setup):
    round_ = setup[2]
    url = reverse("admin:partnerships_round_change", args=[round_.pk])
    assert 'name="status"' not in client.get(url).content.decode()
    assert client.get(reverse("admin:partnerships_round_add")).status_code == 403


def test_round_actions_move_the_status_through_the_service(client, site_admin, setup):
    round_ = setup[2]
    response = client.post(
        reverse("admin:partnerships_round_changelist"),
        {"action": "open_rounds", "_selected_action": [round_.pk]},
    )
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).status == "open"
    event = AuditEvent.objects.filter(action="round.status").get()
    assert event.actor == site_admin
    # A move the service refuses changes nothing.
    client.post(
        reverse("admin:partnerships_round_changelist"),
        {"action": "publish_rounds", "_selected_action": [round_.pk]},
    )
    assert Round.objects.get(pk=round_.pk).status == "open"
    assert AuditEvent.objects.filter(action="round.status").count() == 1


def test_changes_in_the_admin_are_audited_with_the_administrator(client, site_admin, setup):
    partnership, organisation, _round, _issued = setup
    url = reverse("admin:partnerships_organisation_change", args=[organisation.pk])
    response = client.post(
        url, {"partnership": partnership.pk, "name": "Renamed", "sector": "police"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(pk=organisation.pk).name == "Renamed"
    event = AuditEvent.objects.get(action="admin.organisation.change")
    assert event.actor == site_admin
    assert event.partnership == partnership
    assert event.data == {"fields": ["name", "sector"]}

    delete = reverse("admin:partnerships_organisation_delete", args=[organisation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert AuditEvent.objects.get(action="admin.organisation.delete").actor == site_admin


def test_a_rounds_minimum_group_size_cannot_go_below_3_in_the_admin(client, site_admin, setup):
    round_ = setup[2]
    url = reverse("admin:partnerships_round_change", args=[round_.pk])
    data = {
        "name": round_.name,
        "opens_on": "",
        "closes_on": "",
        "min_group_size": "2",
        "ask_organisation": "on",
        "ask_sector": "on",
        "ask_role_level": "on",
        "ask_uses_services": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "The minimum group size must be 3 or more" in response.content.decode()
    data["min_group_size"] = "6"
    assert client.post(url, data).status_code == 302  # the same form is otherwise fine
    assert Round.objects.get(pk=round_.pk).min_group_size == 6
    assert AuditEvent.objects.get(action="admin.round.change").data == {
        "fields": ["min_group_size"]
    }
    data["min_group_size"] = "2"
    client.post(url, data)
    assert Round.objects.get(pk=round_.pk).min_group_size == 6
    assert AuditEvent.objects.filter(action__startswith="admin.").count() == 1


def test_a_round_closing_before_it_opens_is_explained_in_the_admin(client, site_admin, setup):
    round_ = setup[2]
    url = reverse("admin:partnerships_round_change", args=[round_.pk])
    data = {
        "name": round_.name,
        "opens_on": "2026-03-31",
        "closes_on": "2026-03-01",
        "min_group_size": "5",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The closing date must be the same as or after the opening date" in (
        response.content.decode()
    )
    assert Round.objects.get(pk=round_.pk).closes_on is None
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_a_duplicate_organisation_or_role_is_explained_in_the_admin(client, site_admin, setup):
    partnership = setup[0]
    response = client.post(
        reverse("admin:partnerships_organisation_add"),
        {"partnership": partnership.pk, "name": "Org", "sector": "police"},
    )
    assert response.status_code == 200
    assert "This partnership already has a member organisation with this name" in (
        response.content.decode()
    )
    coordinator = User.objects.get(email="c@example.org")
    response = client.post(
        reverse("admin:partnerships_membership_add"),
        {"partnership": partnership.pk, "user": coordinator.pk, "role": "viewer"},
    )
    assert response.status_code == 200
    assert "This person already has a role in this partnership" in response.content.decode()
    assert Organisation.objects.count() == 1
    assert partnership.memberships.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_renaming_a_round_to_a_taken_name_is_explained_in_the_admin(client, site_admin, setup):
    partnership = setup[0]
    other = services.round_create(partnership=partnership, name="Autumn", framework_slug=FRAMEWORK)
    url = reverse("admin:partnerships_round_change", args=[other.pk])
    data = {"name": "r", "opens_on": "", "closes_on": "", "min_group_size": "5"}
    response = client.post(url, data)  # "R" is taken, in any case
    assert response.status_code == 200
    assert "This partnership already has a round with this name" in response.content.decode()
    assert Round.objects.get(pk=other.pk).name == "Autumn"
    data["name"] = "Autumn 2026"
    assert client.post(url, data).status_code == 302
    assert Round.objects.get(pk=other.pk).name == "Autumn 2026"

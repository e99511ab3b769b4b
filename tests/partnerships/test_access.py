"""Who may do what: the roles' permissions, and 404/403 from ``require``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from stackup.accounts.models import User
from stackup.partnerships import access, services
from stackup.partnerships.access import ROLE_PERMISSIONS, Permission
from stackup.partnerships.models import Role

P = Permission

EXPECTED = {
    Role.COORDINATOR: set(Permission),
    Role.PARTNER_LEAD: {
        P.VIEW_PARTNERSHIP,
        P.VIEW_UNPUBLISHED_RESULTS,
        P.VIEW_PUBLISHED_RESULTS,
        P.EDIT_OWN_ORGANISATION_ACTIONS,
    },
    Role.VIEWER: {P.VIEW_PARTNERSHIP, P.VIEW_PUBLISHED_RESULTS},
    Role.HELPER: {P.VIEW_PARTNERSHIP, P.ENTER_RESPONSES},
}


def test_every_role_has_exactly_the_permissions_the_issue_gives_it():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    for role, permissions in EXPECTED.items():
        assert set(ROLE_PERMISSIONS[role]) == permissions, role


def test_only_coordinators_manage_see_rates_and_read_the_audit_log():
    for permission in (P.MANAGE_PARTNERSHIP, P.VIEW_RESPONSE_RATES, P.VIEW_AUDIT_LOG):
        holders = {role for role, held in ROLE_PERMISSIONS.items() if permission in held}
        assert holders == {Role.COORDINATOR}, permission


@pytest.fixture
def people(db):
    ours = services.partnership_create(slug="ours", name="Ours")
    theirs = services.partnership_create(slug="theirs", name="Theirs")
    council = services.organisation_add(partnership=ours, name="Council", sector="council")
    police = services.organisation_add(partnership=ours, name="Police", sector="police")
    by_role = {}
    for role in Role.values:
        by_role[role] = services.user_add(
            email=f"{role}@example.org",
            partnership=ours,
            role=role,
            organisation=council if role == Role.PARTNER_LEAD else None,
        ).user
    stranger = services.user_add(
        email="stranger@example.org", partnership=theirs, role=Role.COORDINATOR
    ).user
    nobody = User.objects.create_user("nobody@example.org", "a-long-password-1")
    return {
        "by_role": by_role,
        "stranger": stranger,
        "nobody": nobody,
        "council": council,
        "police": police,
    }


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("permission", list(Permission))
def test_require_lets_a_member_through_or_gives_403(people, role, permission):
    user = people["by_role"][role]
    if permission in EXPECTED[role]:
        granted = access.require(user, "ours", permission)
        assert granted.partnership.slug == "ours"
        assert granted.role == role
        assert granted.can(permission)
        assert access.can(user, granted.partnership, permission)
    else:
        with pytest.raises(PermissionDenied):
            access.require(user, "ours", permission)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("who", ["anonymous", "stranger", "nobody", "inactive"])
def test_require_gives_404_to_anyone_without_a_role_here(people, who, permission):
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "inactive":
        user = people["by_role"][Role.COORDINATOR]
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user = people[who]
    with pytest.raises(Http404):
        access.require(user, "ours", permission)


def test_require_gives_404_for_a_partnership_that_does_not_exist(people):
    with pytest.raises(Http404):
        access.require(people["by_role"][Role.COORDINATOR], "nowhere", P.VIEW_PARTNERSHIP)


def test_a_coordinator_of_another_partnership_gets_404_not_403(people):
    stranger = people["stranger"]
    assert access.require(stranger, "theirs", P.MANAGE_PARTNERSHIP).role == Role.COORDINATOR
    with pytest.raises(Http404):
        access.require(stranger, "ours", P.VIEW_PARTNERSHIP)


def test_partner_leads_edit_only_their_own_organisations_actions(people):
    council, police = people["council"], people["police"]
    lead = access.require(people["by_role"][Role.PARTNER_LEAD], "ours", P.VIEW_PARTNERSHIP)
    assert lead.can_edit_actions_for(council)
    assert not lead.can_edit_actions_for(police)
    assert not lead.can_edit_actions_for(None)
    coordinator = access.require(people["by_role"][Role.COORDINATOR], "ours", P.VIEW_PARTNERSHIP)
    assert coordinator.can_edit_actions_for(council) and coordinator.can_edit_actions_for(police)
    for role in (Role.VIEWER, Role.HELPER):
        member = access.require(people["by_role"][role], "ours", P.VIEW_PARTNERSHIP)
        assert not member.can_edit_actions_for(council)


def test_access_require_method_gives_403(people):
    viewer = access.require(people["by_role"][Role.VIEWER], "ours", P.VIEW_PARTNERSHIP)
    viewer.require(P.VIEW_PUBLISHED_RESULTS)
    with pytest.raises(PermissionDenied):
        viewer.require(P.MANAGE_PARTNERSHIP)


def test_partnerships_for_lists_only_a_persons_own(people):
    coordinator = people["by_role"][Role.COORDINATOR]
    assert [m.partnership.slug for m in access.partnerships_for(coordinator)] == ["ours"]
    assert list(access.partnerships_for(AnonymousUser())) == []
    assert list(access.partnerships_for(people["nobody"])) == []

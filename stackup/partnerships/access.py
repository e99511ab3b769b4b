"""Who may do what in a partnership. Every page and command asks here.

A person holds one role per partnership. People with no role in a
partnership get a 404 for its pages, so they cannot even learn what exists;
people with a role that lacks a permission get a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from stackup.partnerships.models import Membership, Organisation, Partnership, Role


class Permission(StrEnum):
    VIEW_PARTNERSHIP = "view_partnership"
    MANAGE_PARTNERSHIP = "manage_partnership"  # organisations, people, rounds, invitations
    VIEW_RESPONSE_RATES = "view_response_rates"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_UNPUBLISHED_RESULTS = "view_unpublished_results"
    VIEW_PUBLISHED_RESULTS = "view_published_results"
    EDIT_ALL_ACTIONS = "edit_all_actions"
    EDIT_OWN_ORGANISATION_ACTIONS = "edit_own_organisation_actions"
    ENTER_RESPONSES = "enter_responses"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.COORDINATOR: frozenset(Permission),
    Role.PARTNER_LEAD: frozenset(
        {
            Permission.VIEW_PARTNERSHIP,
            Permission.VIEW_UNPUBLISHED_RESULTS,
            Permission.VIEW_PUBLISHED_RESULTS,
            Permission.EDIT_OWN_ORGANISATION_ACTIONS,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW_PARTNERSHIP, Permission.VIEW_PUBLISHED_RESULTS}),
    Role.HELPER: frozenset({Permission.VIEW_PARTNERSHIP, Permission.ENTER_RESPONSES}),
}


@dataclass(frozen=True)
class Access:
    partnership: Partnership
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: Permission) -> None:
        """403 unless this role has ``permission``."""
        if not self.can(permission):
            raise PermissionDenied

    def can_edit_actions_for(self, organisation: Organisation | None) -> bool:
        """Whether this person may edit the actions that belong to ``organisation``.

        Coordinators edit every action; a partner lead only their own organisation's.
        """
        if self.can(Permission.EDIT_ALL_ACTIONS):
            return True
        return (
            organisation is not None
            and self.can(Permission.EDIT_OWN_ORGANISATION_ACTIONS)
            and self.membership.organisation_id == organisation.pk
        )


def membership_for(user, partnership: Partnership) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, partnership=partnership)
        .first()
    )


def can(user, partnership: Partnership, permission: Permission) -> bool:
    membership = membership_for(user, partnership)
    return membership is not None and Access(partnership, membership).can(permission)


def require(user, partnership_slug: str, permission: Permission) -> Access:
    """The caller's access to a partnership, or 404 (no role) / 403 (role lacks it)."""
    partnership = Partnership.objects.filter(slug=partnership_slug).first()
    if partnership is None:
        raise Http404("No such partnership")
    membership = membership_for(user, partnership)
    if membership is None:
        raise Http404("No such partnership")
    access = Access(partnership, membership)
    if not access.can(permission):
        raise PermissionDenied
    return access


def is_site_admin(user) -> bool:
    """Site administrators set up partnerships and their first coordinators.

    Being one gives no role in any partnership: they see a partnership's pages only
    if they also hold a role in it.
    """
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def require_site_admin(user) -> None:
    """403 unless ``user`` is a site administrator."""
    if not is_site_admin(user):
        raise PermissionDenied


def partnerships_for(user):
    """The partnerships a person holds a role in, with that role."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("partnership")
        .order_by("partnership__name")
    )

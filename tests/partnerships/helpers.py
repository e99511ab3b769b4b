"""Helpers for the partnership domain tests."""

from __future__ import annotations

from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships.models import Invitation, Membership, Organisation, Partnership, Round
from stackup.responding.models import Draft


def snapshot() -> dict:
    """Everything a service could change, so that a refusal can be shown to change nothing."""
    return {
        "partnerships": list(Partnership.objects.order_by("pk").values_list()),
        "organisations": list(Organisation.objects.order_by("pk").values_list()),
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "memberships": list(Membership.objects.order_by("pk").values_list()),
        "rounds": list(Round.objects.order_by("pk").values_list()),
        "invitations": list(Invitation.objects.order_by("pk").values_list()),
        "drafts": list(Draft.objects.order_by("pk").values_list("pk", "round_id")),
        "audit": AuditEvent.objects.count(),
    }

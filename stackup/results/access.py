"""Who may see a round's results: one rule for the report, its downloads and the workshop.

Coordinators and partner leads see the results of closed and published rounds; viewers only
of published rounds; helpers none. People with no role in the partnership get a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from stackup.partnerships import access
from stackup.partnerships.access import Access, Permission
from stackup.partnerships.models import Round, RoundStatus
from stackup.partnerships.views import round_or_404


def results_round(user, slug: str, round_id: int) -> tuple[Access, Round]:
    """The caller's access and the round, or 404 (no role, no round) / 403 (not allowed)."""
    acc = access.require(user, slug, Permission.VIEW_PUBLISHED_RESULTS)
    round_ = round_or_404(acc.partnership, round_id)
    if round_.status != RoundStatus.PUBLISHED and not acc.can(Permission.VIEW_UNPUBLISHED_RESULTS):
        raise PermissionDenied
    return acc, round_

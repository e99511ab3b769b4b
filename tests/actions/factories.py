"""Actions, risks and claims for the tests, made through the services like real ones."""

from __future__ import annotations

import datetime as dt

from stackup.actions import services
from stackup.actions.models import Action, Risk
from stackup.partnerships.models import Organisation, Partnership


def make_action(
    partnership: Partnership,
    title: str = "Hold meetings in the evening",
    *,
    owner: Organisation | None = None,
    **fields,
) -> Action:
    fields.setdefault("theme_id", "service_user_perspective")
    fields.setdefault("item_id", "SU4")
    fields.setdefault("due_on", dt.date(2026, 6, 30))
    return services.action_create(partnership=partnership, title=title, owner=owner, **fields)


def make_risk(partnership: Partnership, title: str = "Funding ends", **fields) -> Risk:
    fields.setdefault("likelihood", 3)
    fields.setdefault("impact", 4)
    return services.risk_create(partnership=partnership, title=title, **fields)

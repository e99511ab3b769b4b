"""The demo partnership's action plan, benefits and risks: made once, the same every run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from stackup.actions import selectors
from stackup.actions.models import Action, ActionNote, BenefitClaim, Risk
from stackup.core.models import AuditEvent
from stackup.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        model.objects.count() for model in (Action, ActionNote, BenefitClaim, Risk, AuditEvent)
    )


def test_the_demo_has_a_realistic_action_plan_and_loads_once():
    call_command("load_demo", stdout=StringIO())
    first = _counts()
    second_run = StringIO()
    call_command("load_demo", stdout=second_run)
    assert _counts() == first
    assert "Created" not in second_run.getvalue()

    riverside = Partnership.objects.get(slug="riverside")
    actions = list(selectors.actions_for(partnership=riverside))
    assert len(actions) == 8
    assert {a.status for a in actions} == {"not_started", "in_progress", "done", "dropped"}
    assert len({a.owner_id for a in actions}) >= 4
    assert any(a.public for a in actions) and not all(a.public for a in actions)
    assert ActionNote.objects.filter(action__partnership=riverside).count() >= 5
    index = selectors.framework_index(partnership=riverside)
    for action in actions:
        assert action.theme_id in index.themes
        assert not action.item_id or index.items[action.item_id]["theme"] == action.theme_id

    claims = BenefitClaim.objects.filter(partnership=riverside)
    assert claims.count() == 5
    assert {c.status for c in claims} == {"aimed_for", "emerging", "realised"}
    assert any(c.links for c in claims)

    risks = list(selectors.risks_for(partnership=riverside))
    assert len(risks) == 5
    assert [r.title for r in selectors.key_leader_risks(partnership=riverside)] == [risks[0].title]
    assert selectors.public_page_enabled(partnership=riverside)
    # Made through the services, so audited as the system's work.
    assert AuditEvent.objects.filter(action="action.create", actor__isnull=True).count() == 8

"""The only code that changes action plans, benefit claims, risks and the public page switch.

Every function is keyword-only, checks what it is given (whatever a form or a
command let through), raises ``ServiceError`` with a message fit to show a
person and naming the field at fault, and writes an audit row in the same
transaction as the change. Who may call them is decided by the caller through
:mod:`stackup.partnerships.access`; commands pass ``acting_user=None``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stackup.actions import selectors
from stackup.actions.models import (
    FRAMEWORK_ID_MAX,
    LEAD_PERSON_MAX,
    LINK_MAX,
    LINKS_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TEXT_MAX,
    TITLE_MAX,
    Action,
    ActionNote,
    ActionStatus,
    BenefitClaim,
    BenefitStatus,
    PublicPageSettings,
    Risk,
    RiskStatus,
)
from stackup.core.audit import audit_log
from stackup.partnerships.models import Organisation, Partnership
from stackup.partnerships.services import ServiceError, _clean_text

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "ServiceError",
    "action_create",
    "action_delete",
    "action_note_add",
    "action_update",
    "benefit_claim_save",
    "public_page_set",
    "risk_close",
    "risk_create",
    "risk_update",
]

# Dates outside these are typing mistakes, not plans.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_url_validator = URLValidator(schemes=["http", "https"])


# --- Checking what arrived ----------------------------------------------------------------


def _line(value: Any, *, label: str, max_length: int, field: str, required: bool) -> str:
    """One line of text: spaces and line breaks run together."""
    return _clean_text(
        str(value or ""), label=label, max_length=max_length, required=required, field=field
    )


def _text(value: Any, *, label: str, field: str, required: bool = False) -> str:
    """A paragraph or more: line breaks kept, ends trimmed."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ServiceError(_("Enter the %(label)s") % {"label": label}, field=field)
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _("The %(label)s must be %(n)s characters or fewer") % {"label": label, "n": TEXT_MAX},
            field=field,
        )
    return text


def _choice(value: Any, choices, *, message: str, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise ServiceError(message, field=field)
    return value


def _date(value: Any, *, label: str, field: str, not_after: dt.date | None = None) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError(_("The %(label)s must be a real date") % {"label": label}, field=field)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ServiceError(
            _("The %(label)s must be between %(first)s and %(last)s")
            % {"label": label, "first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
            field=field,
        )
    if not_after is not None and value > not_after:
        raise ServiceError(
            _("The %(label)s must be today or in the past") % {"label": label}, field=field
        )
    return value


def _owner(owner: Organisation | None, partnership: Partnership) -> Organisation | None:
    if owner is not None and owner.partnership_id != partnership.pk:
        raise ServiceError(_("That organisation is not in this partnership"), field="owner")
    return owner


def _framework_link(
    *, partnership: Partnership, theme_id: str | None, item_id: str | None
) -> tuple[str, str]:
    """The theme and item ids, checked against the framework of the latest round."""
    theme_id = (theme_id or "").strip()
    item_id = (item_id or "").strip()
    if not theme_id and not item_id:
        return "", ""
    index = selectors.framework_index(partnership=partnership)
    if index is None:
        raise ServiceError(
            _("Set up a round first: themes and statements come from its framework"),
            field="theme_id" if theme_id else "item_id",
        )
    if theme_id and (len(theme_id) > FRAMEWORK_ID_MAX or theme_id not in index.themes):
        raise ServiceError(_("Select a theme from the list"), field="theme_id")
    if item_id:
        item = index.items.get(item_id) if len(item_id) <= FRAMEWORK_ID_MAX else None
        if item is None:
            raise ServiceError(_("Select a statement from the list"), field="item_id")
        if theme_id and item["theme"] != theme_id:
            raise ServiceError(
                _("The statement must be one of the chosen theme's, or choose no theme"),
                field="item_id",
            )
        theme_id = item["theme"]
    return theme_id, item_id


def _bool(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ServiceError(_("Select yes or no"), field=field)
    return value


def clean_links(value: Any) -> str:
    """Links to evidence, one a line: each a whole http or https address."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    if len(lines) > LINKS_MAX:
        raise ServiceError(
            _("Give %(n)s links or fewer") % {"n": LINKS_MAX}, field="evidence_links"
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > LINK_MAX:
            raise ServiceError(
                _("Link %(number)s must be %(n)s characters or fewer")
                % {"number": number, "n": LINK_MAX},
                field="evidence_links",
            )
        try:
            _url_validator(line)
        except ValidationError:
            raise ServiceError(
                _(
                    "Link %(number)s must be a web address starting with https:// or http://, "
                    "like https://www.example.org/report"
                )
                % {"number": number},
                field="evidence_links",
            ) from None
    return "\n".join(lines)


def _action_fields(
    *,
    partnership: Partnership,
    title,
    why,
    theme_id,
    item_id,
    owner,
    lead_person,
    due_on,
    status,
    public,
) -> dict[str, Any]:
    theme_id, item_id = _framework_link(partnership=partnership, theme_id=theme_id, item_id=item_id)
    return {
        "title": _line(
            title, label=_("action"), max_length=TITLE_MAX, field="title", required=True
        ),
        "why": _text(why, label=_("reason"), field="why"),
        "theme_id": theme_id,
        "item_id": item_id,
        "owner": _owner(owner, partnership),
        "lead_person": _line(
            lead_person,
            label=_("lead person"),
            max_length=LEAD_PERSON_MAX,
            field="lead_person",
            required=False,
        ),
        "due_on": None if due_on is None else _date(due_on, label=_("due date"), field="due_on"),
        "status": _choice(
            status, ActionStatus, message=_("Select the action's status"), field="status"
        ),
        "public": _bool(public, field="public"),
    }


def _audit_data(action: Action) -> dict[str, Any]:
    return {
        "title": action.title,
        "theme_id": action.theme_id,
        "item_id": action.item_id,
        "owner": action.owner.name if action.owner else None,
        "lead_person": action.lead_person,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "status": action.status,
        "public": action.public,
    }


def _save_fields(instance, fields: dict[str, Any]) -> None:
    """Set the checked ``fields`` on ``instance`` and save just those (and ``updated_at``)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save(update_fields=[*fields, "updated_at"])


# --- Actions ------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    partnership: Partnership,
    title: str,
    why: str = "",
    theme_id: str = "",
    item_id: str = "",
    owner: Organisation | None = None,
    lead_person: str = "",
    due_on: dt.date | None = None,
    status: str = ActionStatus.NOT_STARTED,
    public: bool = False,
    acting_user=None,
) -> Action:
    fields = _action_fields(
        partnership=partnership,
        title=title,
        why=why,
        theme_id=theme_id,
        item_id=item_id,
        owner=owner,
        lead_person=lead_person,
        due_on=due_on,
        status=status,
        public=public,
    )
    action = Action.objects.create(partnership=partnership, **fields)
    audit_log(
        action="action.create",
        summary=f"Added action {action.title}",
        actor=acting_user,
        partnership=partnership,
        target=action,
        data=_audit_data(action),
    )
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    title: str,
    why: str = "",
    theme_id: str = "",
    item_id: str = "",
    owner: Organisation | None = None,
    lead_person: str = "",
    due_on: dt.date | None = None,
    status: str = ActionStatus.NOT_STARTED,
    public: bool = False,
    acting_user=None,
) -> Action:
    action = (
        Action.objects.select_for_update(of=("self",)).select_related("owner").get(pk=action.pk)
    )
    fields = _action_fields(
        partnership=action.partnership,
        title=title,
        why=why,
        theme_id=theme_id,
        item_id=item_id,
        owner=owner,
        lead_person=lead_person,
        due_on=due_on,
        status=status,
        public=public,
    )
    before = _audit_data(action)
    _save_fields(action, fields)
    audit_log(
        action="action.update",
        summary=f"Changed action {action.title}",
        actor=acting_user,
        partnership=action.partnership,
        target=action,
        data={"before": before, "after": _audit_data(action)},
    )
    return action


@transaction.atomic
def action_delete(*, action: Action, acting_user=None) -> None:
    data = _audit_data(action)
    partnership = action.partnership
    summary = f"Deleted action {action.title}"
    audit_log(
        action="action.delete",
        summary=summary,
        actor=acting_user,
        partnership=partnership,
        target=action,
        data={**data, "notes": action.notes.count()},
    )
    Action.objects.filter(pk=action.pk).delete()


@transaction.atomic
def action_note_add(*, action: Action, date: dt.date, text: str, acting_user=None) -> ActionNote:
    date = _date(date, label=_("date"), field="date", not_after=timezone.localdate())
    text = _text(text, label=_("progress note"), field="text", required=True)
    note = ActionNote.objects.create(
        action=action,
        date=date,
        text=text,
        author=acting_user if getattr(acting_user, "pk", None) else None,
    )
    Action.objects.filter(pk=action.pk).update(updated_at=timezone.now())
    audit_log(
        action="action.note",
        summary=f"Added a progress note to action {action.title}",
        actor=acting_user,
        partnership=action.partnership,
        target=action,
        data={"date": date.isoformat(), "note_id": note.pk},
    )
    return note


# --- Benefits -----------------------------------------------------------------------------


@transaction.atomic
def benefit_claim_save(
    *,
    partnership: Partnership,
    benefit_id: str,
    claim: str = "",
    evidence: str = "",
    evidence_links: str = "",
    status: str = BenefitStatus.AIMED_FOR,
    acting_user=None,
) -> BenefitClaim:
    """Make or change the partnership's claim for one of its framework's benefits."""
    index = selectors.framework_index(partnership=partnership, prefer_used=True)
    known = {benefit["id"] for benefit in index.benefits} if index else set()
    if not isinstance(benefit_id, str) or benefit_id not in known:
        raise ServiceError(_("That benefit is not in this partnership's framework"), field=None)
    fields = {
        "claim": _text(claim, label=_("claim"), field="claim"),
        "evidence": _text(evidence, label=_("evidence"), field="evidence"),
        "evidence_links": clean_links(evidence_links),
        "status": _choice(
            status, BenefitStatus, message=_("Select how far the benefit has got"), field="status"
        ),
    }
    existing = (
        BenefitClaim.objects.select_for_update()
        .filter(partnership=partnership, benefit_id=benefit_id)
        .first()
    )
    before = (
        {"claim": existing.claim, "status": existing.status, "links": existing.evidence_links}
        if existing
        else None
    )
    if existing is None:
        try:
            with transaction.atomic():
                saved = BenefitClaim.objects.create(
                    partnership=partnership, benefit_id=benefit_id, **fields
                )
        except IntegrityError:
            raise ServiceError(
                _("Someone else saved this benefit at the same time. Try again"), field=None
            ) from None
    else:
        _save_fields(existing, fields)
        saved = existing
    audit_log(
        action="benefit.save",
        summary=f"Saved the claim for benefit {benefit_id} ({saved.status})",
        actor=acting_user,
        partnership=partnership,
        target=saved,
        data={
            "before": before,
            "after": {"claim": saved.claim, "status": saved.status, "links": saved.evidence_links},
        },
    )
    return saved


# --- Risks --------------------------------------------------------------------------------


def _score(value: Any, *, label: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
        raise ServiceError(
            _("The %(label)s must be a whole number from %(low)s to %(high)s")
            % {"label": label, "low": SCORE_MIN, "high": SCORE_MAX},
            field=field,
        )
    return value


def _risk_fields(
    *,
    partnership: Partnership,
    title,
    description,
    likelihood,
    impact,
    owner,
    mitigation,
    status,
    key_leader_dependency,
) -> dict[str, Any]:
    return {
        "title": _line(title, label=_("risk"), max_length=TITLE_MAX, field="title", required=True),
        "description": _text(description, label=_("description"), field="description"),
        "likelihood": _score(likelihood, label=_("likelihood"), field="likelihood"),
        "impact": _score(impact, label=_("impact"), field="impact"),
        "owner": _owner(owner, partnership),
        "mitigation": _text(mitigation, label=_("mitigation"), field="mitigation"),
        "status": _choice(status, RiskStatus, message=_("Select open or closed"), field="status"),
        "key_leader_dependency": _bool(key_leader_dependency, field="key_leader_dependency"),
    }


def _risk_data(risk: Risk) -> dict[str, Any]:
    return {
        "title": risk.title,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "owner": risk.owner.name if risk.owner else None,
        "status": risk.status,
        "key_leader_dependency": risk.key_leader_dependency,
    }


@transaction.atomic
def risk_create(
    *,
    partnership: Partnership,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    owner: Organisation | None = None,
    mitigation: str = "",
    status: str = RiskStatus.OPEN,
    key_leader_dependency: bool = False,
    acting_user=None,
) -> Risk:
    fields = _risk_fields(
        partnership=partnership,
        title=title,
        description=description,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        mitigation=mitigation,
        status=status,
        key_leader_dependency=key_leader_dependency,
    )
    risk = Risk.objects.create(partnership=partnership, **fields)
    audit_log(
        action="risk.create",
        summary=f"Added risk {risk.title} (score {risk.score})",
        actor=acting_user,
        partnership=partnership,
        target=risk,
        data=_risk_data(risk),
    )
    return risk


@transaction.atomic
def risk_update(
    *,
    risk: Risk,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    owner: Organisation | None = None,
    mitigation: str = "",
    status: str = RiskStatus.OPEN,
    key_leader_dependency: bool = False,
    acting_user=None,
) -> Risk:
    risk = Risk.objects.select_for_update(of=("self",)).select_related("owner").get(pk=risk.pk)
    fields = _risk_fields(
        partnership=risk.partnership,
        title=title,
        description=description,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        mitigation=mitigation,
        status=status,
        key_leader_dependency=key_leader_dependency,
    )
    before = _risk_data(risk)
    _save_fields(risk, fields)
    audit_log(
        action="risk.update",
        summary=f"Changed risk {risk.title} (score {risk.score})",
        actor=acting_user,
        partnership=risk.partnership,
        target=risk,
        data={"before": before, "after": _risk_data(risk)},
    )
    return risk


@transaction.atomic
def risk_close(*, risk: Risk, acting_user=None) -> Risk:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if risk.status == RiskStatus.CLOSED:
        raise ServiceError(_("This risk is already closed"), field=None)
    risk.status = RiskStatus.CLOSED
    risk.save(update_fields=["status", "updated_at"])
    audit_log(
        action="risk.close",
        summary=f"Closed risk {risk.title}",
        actor=acting_user,
        partnership=risk.partnership,
        target=risk,
    )
    return risk


# --- The public page ----------------------------------------------------------------------


@transaction.atomic
def public_page_set(*, partnership: Partnership, enabled: bool, acting_user=None) -> bool:
    """Switch the partnership's public "you said, we did" page on or off."""
    enabled = _bool(enabled, field="enabled")
    settings_row, _created = PublicPageSettings.objects.select_for_update().get_or_create(
        partnership=partnership
    )
    before = settings_row.public_page_enabled
    settings_row.public_page_enabled = enabled
    settings_row.save(update_fields=["public_page_enabled", "updated_at"])
    audit_log(
        action="public_page.set",
        summary=f"Switched the public page {'on' if enabled else 'off'}",
        actor=acting_user,
        partnership=partnership,
        target=settings_row,
        data={"before": before, "after": enabled},
    )
    return enabled

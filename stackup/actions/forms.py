"""Forms for the action plan, benefits tracker, risk register and public page switch.

They check the shape of what arrived (one of the offered choices, a real
date); the domain rules (lengths, framework ids, links, the organisation
being in the partnership) live in :mod:`stackup.actions.services`, whose
errors the views put back on the field they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stackup.actions.models import (
    LEAD_PERSON_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TEXT_MAX,
    TITLE_MAX,
    ActionStatus,
    BenefitStatus,
    RiskStatus,
)
from stackup.actions.selectors import FrameworkIndex
from stackup.partnerships.forms import YES_NO, DateInputField, ServiceErrorsMixin

NONE = ""
STATEMENT_LABEL_MAX = 110


def _too_long(label, n: int):
    return _("%(label)s must be %(n)s characters or fewer") % {"label": label, "n": n}


def _char(label, *, max_length: int, required: bool, required_message=None, **kwargs):
    messages = {"max_length": _too_long(label, max_length)}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=messages,
        **kwargs,
    )


def _text(label, *, required: bool = False, required_message=None, **kwargs):
    return _char(
        label,
        max_length=TEXT_MAX,
        required=required,
        required_message=required_message,
        widget=forms.Textarea,
        strip=True,
        **kwargs,
    )


def _pick(label, *, message, field_class=forms.ChoiceField, **kwargs):
    """A choice whose errors for nothing chosen and for a choice not offered say the same."""
    return field_class(
        label=label, error_messages={"required": message, "invalid_choice": message}, **kwargs
    )


def _owner_field() -> forms.ChoiceField:
    """The owner organisation; its choices are set per form (see ``_OwnerMixin``)."""
    return forms.ChoiceField(
        label=_("Owner organisation"),
        required=False,
        error_messages={"invalid_choice": _("Select an organisation from the list")},
    )


def _owner_choices(organisations) -> list[tuple[str, str]]:
    return [(str(o.pk), o.name) for o in organisations]


class _OwnerMixin:
    """An owner organisation chosen from a list the view decides (all, or the lead's own)."""

    def set_owners(self, organisations, *, allow_none: bool) -> None:
        self._organisations = {str(o.pk): o for o in organisations}
        choices = ([(NONE, _("No organisation"))] if allow_none else []) + _owner_choices(
            organisations
        )
        field = self.fields["owner"]  # type: ignore[attr-defined]
        field.choices = choices
        field.required = not allow_none
        field.error_messages["required"] = _("Select an organisation from the list")

    def clean_owner(self):
        value = self.cleaned_data["owner"]  # type: ignore[attr-defined]
        return self._organisations.get(value) if value else None


class ActionForm(_OwnerMixin, ServiceErrorsMixin, forms.Form):
    title = _char(
        _("Action"),
        max_length=TITLE_MAX,
        required=True,
        required_message=_("Enter what will be done"),
        help_text=_("What will be done, in a sentence."),
    )
    why = _text(_("Why"), help_text=_("What the results showed that this action is about."))
    theme_id = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        error_messages={"invalid_choice": _("Select a theme from the list")},
    )
    item_id = forms.ChoiceField(
        label=_("Statement"),
        required=False,
        error_messages={"invalid_choice": _("Select a statement from the list")},
    )
    owner = _owner_field()
    lead_person = _char(
        _("Lead person"),
        max_length=LEAD_PERSON_MAX,
        required=False,
        help_text=_("A name or a role, like Head of Community Safety."),
    )
    due_on = DateInputField(label=_("Due date"), required=False)
    status = _pick(
        label=_("Status"),
        choices=ActionStatus.choices,
        initial=ActionStatus.NOT_STARTED,
        message=_("Select the action's status"),
    )
    public = _pick(
        label=_("Show this action on the public page?"),
        choices=YES_NO,
        initial="no",
        message=_("Select yes if the action is shown on the public page"),
    )

    def __init__(
        self,
        *args,
        index: FrameworkIndex | None,
        organisations,
        allow_no_owner: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.set_owners(organisations, allow_none=allow_no_owner)
        themes = list(index.themes.items()) if index else []
        self.fields["theme_id"].choices = [(NONE, _("No theme")), *themes]
        items = []
        for item_id, item in index.items.items() if index else []:
            statement = item["statement"]
            if len(statement) > STATEMENT_LABEL_MAX:
                statement = statement[: STATEMENT_LABEL_MAX - 1].rstrip() + "…"
            items.append((item_id, f"{item_id}: {statement}"))
        self.fields["item_id"].choices = [(NONE, _("No statement")), *items]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "why": data["why"],
            "theme_id": data["theme_id"],
            "item_id": data["item_id"],
            "owner": data["owner"],
            "lead_person": data["lead_person"],
            "due_on": data["due_on"],
            "status": data["status"],
            "public": data["public"] == "yes",
        }

    @staticmethod
    def initial_for(action) -> dict[str, Any]:
        return {
            "title": action.title,
            "why": action.why,
            "theme_id": action.theme_id,
            "item_id": action.item_id,
            "owner": str(action.owner_id) if action.owner_id else NONE,
            "lead_person": action.lead_person,
            "due_on": action.due_on,
            "status": action.status,
            "public": "yes" if action.public else "no",
        }


class NoteForm(ServiceErrorsMixin, forms.Form):
    date = DateInputField(label=_("Date"), required=True)
    text = _text(
        _("Progress note"),
        required=True,
        required_message=_("Enter what has happened"),
        help_text=_("What has happened since the last note."),
    )


class BenefitForm(ServiceErrorsMixin, forms.Form):
    claim = _text(
        _("What the partnership claims"),
        help_text=_("What has changed for people or organisations because of the partnership."),
    )
    evidence = _text(_("Evidence"), help_text=_("What shows that the claim is true."))
    evidence_links = forms.CharField(
        label=_("Links to evidence"),
        required=False,
        widget=forms.Textarea,
        max_length=10_000,
        help_text=_("One web address a line, starting with https://"),
        error_messages={"max_length": _("The links must be 10,000 characters or fewer")},
    )
    status = _pick(
        label=_("How far has the benefit got?"),
        choices=BenefitStatus.choices,
        initial=BenefitStatus.AIMED_FOR,
        message=_("Select how far the benefit has got"),
    )


SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class RiskForm(_OwnerMixin, ServiceErrorsMixin, forms.Form):
    title = _char(
        _("Risk"),
        max_length=TITLE_MAX,
        required=True,
        required_message=_("Enter the risk"),
        help_text=_("What could go wrong, in a sentence."),
    )
    description = _text(_("Description"))
    likelihood = _pick(
        label=_("Likelihood"),
        choices=SCORE_CHOICES,
        coerce=int,
        help_text=_("1 is very unlikely, 5 is almost certain."),
        message=_("Select how likely the risk is"),
        field_class=forms.TypedChoiceField,
    )
    impact = _pick(
        label=_("Impact"),
        choices=SCORE_CHOICES,
        coerce=int,
        help_text=_("1 is very small, 5 is very serious."),
        message=_("Select how big the impact would be"),
        field_class=forms.TypedChoiceField,
    )
    owner = _owner_field()
    mitigation = _text(
        _("Mitigation"), help_text=_("What is being done to make it less likely or less serious.")
    )
    key_leader_dependency = _pick(
        label=_("Is this the risk that the collaboration depends on a few key leaders?"),
        choices=YES_NO,
        initial="no",
        message=_("Select yes if the risk is about depending on a few key leaders"),
    )
    status = _pick(
        label=_("Status"),
        choices=RiskStatus.choices,
        initial=RiskStatus.OPEN,
        message=_("Select open or closed"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_owners(organisations, allow_none=True)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "likelihood": data["likelihood"],
            "impact": data["impact"],
            "owner": data["owner"],
            "mitigation": data["mitigation"],
            "status": data["status"],
            "key_leader_dependency": data["key_leader_dependency"] == "yes",
        }

    @staticmethod
    def initial_for(risk) -> dict[str, Any]:
        return {
            "title": risk.title,
            "description": risk.description,
            "likelihood": str(risk.likelihood),
            "impact": str(risk.impact),
            "owner": str(risk.owner_id) if risk.owner_id else NONE,
            "mitigation": risk.mitigation,
            "status": risk.status,
            "key_leader_dependency": "yes" if risk.key_leader_dependency else "no",
        }


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Select a status from the list")},
    )
    owner = _owner_field()

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {str(o.pk): o for o in organisations}
        self.fields["status"].choices = [(NONE, _("Any status")), *ActionStatus.choices]
        self.fields["owner"].choices = [
            (NONE, _("Any organisation")),
            *_owner_choices(organisations),
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": None, "owner": None}
        owner = self.cleaned_data["owner"]
        return {
            "status": self.cleaned_data["status"] or None,
            "owner": self._organisations.get(owner) if owner else None,
        }


class PublicPageForm(forms.Form):
    enabled = _pick(
        label=_("Show the public “you said, we did” page?"),
        choices=YES_NO,
        message=_("Select yes to show the public page"),
    )


class ConfirmForm(forms.Form):
    """A confirmation page's form: nothing to fill in but the CSRF token."""

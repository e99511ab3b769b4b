"""The forms of the respondent journey, built from the round and its framework.

Every field is optional: a person may leave any question blank. What is sent is still
checked: a value that was not offered is an error, never quietly stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stackup.partnerships.models import Sector
from stackup.partnerships.tokens import normalise_open_code
from stackup.responding import answers
from stackup.responding.models import RoleLevel

#: "I'd rather not say": a choice of its own, stored as no answer.
NO_ANSWER = "no_answer"
#: "I do not work for any of these" (organisation): stored as no organisation.
NOT_LISTED = "not_listed"
SIMPLE = "simple"
STANDARD = "standard"

CHOICE_ERROR = _("Select one of the answers shown")


def _choice(label, choices, *, error=CHOICE_ERROR, help_text="") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        error_messages={"invalid_choice": error},
    )


class CommentField(forms.CharField):
    """Free text whose line breaks count as one character each, as people see them."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")


class StartForm(forms.Form):
    wording = _choice(
        _("Would you like the statements in simpler words?"),
        [
            (STANDARD, _("No, show the statements as they are written")),
            (SIMPLE, _("Yes, use simpler wording")),
        ],
        help_text=_("The meaning is the same. You can change this later."),
    )

    def __init__(self, *args: Any, offer_simple: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not offer_simple:
            del self.fields["wording"]

    @property
    def simple(self) -> bool:
        return self.cleaned_data.get("wording") == SIMPLE


class AboutYouForm(forms.Form):
    """The round's chosen questions about the person; each may be left blank."""

    def __init__(self, *args: Any, round, organisations, **kwargs: Any):
        super().__init__(*args, **kwargs)
        rather_not_say = (NO_ANSWER, _("I'd rather not say"))
        if round.ask_organisation:
            self.fields["organisation"] = _choice(
                _("Which organisation do you work or volunteer for?"),
                [(str(o.pk), o.name) for o in organisations]
                + [(NOT_LISTED, _("None of these")), rather_not_say],
                help_text=_("If you work for more than one, choose the one you know best."),
            )
        if round.ask_sector:
            self.fields["sector"] = _choice(
                _("Which sector do you work or volunteer in?"),
                [*Sector.choices, rather_not_say],
                help_text=_("Leave this blank if you do not work or volunteer for one."),
            )
        if round.ask_role_level:
            self.fields["role_level"] = _choice(
                _("What level is your role?"), [*RoleLevel.choices, rather_not_say]
            )
        if round.ask_uses_services:
            self.fields["uses_services"] = _choice(
                _("Do you use any of the services the partnership provides?"),
                [("yes", _("Yes")), ("no", _("No")), rather_not_say],
                help_text=_("For example as a patient, tenant, carer, parent or resident."),
            )

    def fragment(self) -> dict[str, Any]:
        return {"about": {name: value for name, value in self.cleaned_data.items() if value}}


def item_field_name(item_id: str) -> str:
    return f"item_{item_id}"


class ThemeForm(forms.Form):
    """Each statement of one theme as a question on the scale, plus an optional comment."""

    def __init__(self, *args: Any, theme: Mapping[str, Any], framework, simple: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme
        scale = framework["scale"]
        choices = [
            (str(value), scale["labels"][value]) for value in answers.scale_values(framework)
        ]
        choices.append((answers.DONT_KNOW, scale["dont_know"]))
        self.items = list(theme["items"])
        for number, item in enumerate(self.items, start=1):
            self.fields[item_field_name(item["id"])] = _choice(
                answers.statement_text(item, simple=simple),
                choices,
                error=_("Statement %(number)s: select one of the answers shown")
                % {"number": number},
            )
        self.fields["comment"] = CommentField(
            label=_("Do you have any comments on this theme? (optional)"),
            required=False,
            strip=False,
            max_length=answers.COMMENT_MAX_LENGTH,
            error_messages={
                "max_length": _("Your comment must be %(max)s characters or fewer")
                % {"max": f"{answers.COMMENT_MAX_LENGTH:,}"}
            },
        )

    def bound_items(self):
        return [(item, self[item_field_name(item["id"])]) for item in self.items]

    def fragment(self) -> dict[str, Any]:
        given = {}
        for item in self.items:
            value = self.cleaned_data.get(item_field_name(item["id"]))
            if value:
                given[item["id"]] = int(value) if value != answers.DONT_KNOW else value
        return {
            "theme": self.theme["id"],
            "answers": given,
            "comment": self.cleaned_data.get("comment", "").strip(),
        }


class BenefitsForm(forms.Form):
    def __init__(self, *args: Any, framework, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.entries = list(framework.get("benefits") or [])
        self.fields["benefits"] = forms.MultipleChoiceField(
            label=_("Which of these has the partnership achieved?"),
            help_text=_("Select all that apply."),
            choices=[(entry["id"], entry["title"]) for entry in self.entries],
            required=False,
            error_messages={"invalid_choice": _("Select only the benefits shown")},
        )

    def fragment(self) -> dict[str, Any]:
        return {"benefits": list(self.cleaned_data.get("benefits") or [])}


BARRIER_CHOICES = [
    (str(answers.BARRIER_NOT_AT_ALL), _("Not at all")),
    (str(answers.BARRIER_A_LITTLE), _("A little")),
    (str(answers.BARRIER_SOMEWHAT), _("Somewhat")),
    (str(answers.BARRIER_A_LOT), _("A lot")),
    (answers.DONT_KNOW, _("Don't know")),
]


def barrier_field_name(barrier_id: str) -> str:
    return f"barrier_{barrier_id}"


class BarriersForm(forms.Form):
    def __init__(self, *args: Any, framework, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.entries = list(framework.get("barriers") or [])
        for entry in self.entries:
            self.fields[barrier_field_name(entry["id"])] = _choice(entry["title"], BARRIER_CHOICES)

    def bound_entries(self):
        return [(entry, self[barrier_field_name(entry["id"])]) for entry in self.entries]

    def fragment(self) -> dict[str, Any]:
        given = {}
        for entry in self.entries:
            value = self.cleaned_data.get(barrier_field_name(entry["id"]))
            if value:
                given[entry["id"]] = answers.parse_barrier_answer(value)
        return {"barriers": given}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enter your code"),
        help_text=_(
            "It is 8 letters and numbers, like K7QM-2PXD. You will find it on your letter, "
            "poster or paper form."
        ),
        max_length=40,
        error_messages={
            "required": _("Enter the code you were given"),
            "max_length": _("Enter the code exactly as it is written, like K7QM-2PXD"),
        },
    )

    def clean_code(self) -> str:
        code = normalise_open_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter the code exactly as it is written, like K7QM-2PXD"), code="format"
            )
        return code

"""Forms for the coordinator's pages.

They check that what arrived is well formed (a whole number, a real date, one
of the offered choices) and nothing more: the rules of the domain (minimum
group size, closing after opening, unique names) live in ``services``, whose
errors the views put back on the form's fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stackup.partnerships.models import (
    DEFAULT_MIN_GROUP_SIZE,
    MIN_GROUP_SIZE_FLOOR,
    Role,
    Round,
    Sector,
)
from stackup.partnerships.services import ServiceError

# --- Dates, the GOV.UK way: three boxes for day, month and year -------------------------

DATE_PARTS = ("day", "month", "year")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DIGITS = re.compile(r"^\d{1,4}$")


class DateInputWidget(forms.Widget):
    """Reads ``<name>-day``, ``<name>-month`` and ``<name>-year``, as GOV.UK's date input does."""

    def value_from_datadict(self, data, files, name) -> tuple[str, str, str]:
        return tuple(str(data.get(f"{name}-{part}", ""))[:20] for part in DATE_PARTS)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DateInputField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages.

    ``error_parts`` says which of the three boxes to mark after a failed clean.
    """

    widget = DateInputWidget

    def __init__(self, *, label, **kwargs):
        super().__init__(label=label, **kwargs)
        self.error_parts: tuple[str, ...] = ()

    def clean(self, value):
        self.error_parts = ()
        day, month, year = (str(part).strip() for part in (value or ("", "", "")))
        label = self.label
        if not (day or month or year):
            if self.required:
                self.error_parts = DATE_PARTS
                raise ValidationError(_("Enter the %(label)s") % {"label": str(label).lower()})
            return None
        missing = tuple(p for p, v in zip(DATE_PARTS, (day, month, year), strict=True) if not v)
        if missing:
            self.error_parts = missing
            messages = {
                ("day",): _("%(label)s must include a day"),
                ("month",): _("%(label)s must include a month"),
                ("year",): _("%(label)s must include a year"),
                ("day", "month"): _("%(label)s must include a day and month"),
                ("day", "year"): _("%(label)s must include a day and year"),
                ("month", "year"): _("%(label)s must include a month and year"),
            }
            raise ValidationError(messages[missing] % {"label": label})
        month_number = _MONTHS.get(month.lower()) if not month.isdigit() else None
        wrong = tuple(
            part
            for part, text in (("day", day), ("month", month), ("year", year))
            if not _DIGITS.match(text) and not (part == "month" and month_number)
        )
        if wrong:
            self.error_parts = wrong
            raise ValidationError(_("%(label)s must be a real date") % {"label": label})
        if len(year) != 4:
            self.error_parts = ("year",)
            raise ValidationError(_("Year must include 4 numbers"))
        try:
            return dt.date(int(year), month_number or int(month), int(day))
        except ValueError:
            self.error_parts = DATE_PARTS
            raise ValidationError(_("%(label)s must be a real date") % {"label": label}) from None

    def bound_parts(self, value: Any) -> dict[str, str]:
        """The three boxes' contents for the page: what was typed, or the stored date."""
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, list | tuple) and len(value) == 3:
            return dict(zip(DATE_PARTS, (str(v) for v in value), strict=True))
        return dict.fromkeys(DATE_PARTS, "")


# --- Shared pieces ------------------------------------------------------------------------


class ServiceErrorsMixin:
    """Put a ``ServiceError`` on the field it names, or at the top of the form."""

    service_fields: dict[str, str] = {}

    def add_service_error(self, error: ServiceError) -> None:
        field = self.service_fields.get(error.field or "", error.field)
        if field and field in self.fields:  # type: ignore[attr-defined]
            self.add_error(field, error.message)  # type: ignore[attr-defined]
        else:
            self.add_error(None, error.message)  # type: ignore[attr-defined]

    def date_parts(self, name: str) -> dict[str, Any]:
        """What the date template needs: the three values and which boxes to mark."""
        bound = self[name]  # type: ignore[index]
        field: DateInputField = bound.field
        parts = field.bound_parts(bound.value())
        parts["error_parts"] = field.error_parts if bound.errors else ()
        return parts


def _name_field(label, *, max_length: int, required_message, too_long_message) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={"required": required_message, "max_length": too_long_message},
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


# --- Organisations and people -------------------------------------------------------------


class OrganisationForm(ServiceErrorsMixin, forms.Form):
    name = _name_field(
        _("Organisation name"),
        max_length=200,
        required_message=_("Enter the organisation's name"),
        too_long_message=_("Organisation name must be 200 characters or fewer"),
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=Sector.choices,
        error_messages={
            "required": _("Select the organisation's sector"),
            "invalid_choice": _("Select the organisation's sector"),
        },
    )


class _OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class _RoleFields(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={"required": _("Select a role"), "invalid_choice": _("Select a role")},
    )
    organisation = _OrganisationChoice(
        label=_("Organisation (for partner leads)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("A partner lead looks after the actions of one member organisation."),
        error_messages={"invalid_choice": _("Select an organisation from the list")},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partnership.organisations.filter(
            archived=False
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("role") != Role.PARTNER_LEAD:
            # Only partner leads are tied to an organisation.
            data["organisation"] = None
        return data


class PersonAddForm(_RoleFields):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
    )
    field_order = ["email", "role", "organisation"]


class RoleChangeForm(_RoleFields):
    pass


# --- Rounds -------------------------------------------------------------------------------

QUESTION_CHOICES = [
    ("organisation", _("Which member organisation they work for, or that they use services")),
    ("sector", _("Which sector they work in")),
    ("role_level", _("Their role level: frontline, manager or senior leader")),
    ("uses_services", _("Whether they use the partnership's services")),
]
QUESTION_FLAGS = {
    "organisation": "ask_organisation",
    "sector": "ask_sector",
    "role_level": "ask_role_level",
    "uses_services": "ask_uses_services",
}


def questions_of(round_: Round) -> list[str]:
    return [key for key, flag in QUESTION_FLAGS.items() if getattr(round_, flag)]


class _RoundSettingsForm(ServiceErrorsMixin, forms.Form):
    name = _name_field(
        _("Round name"),
        max_length=100,
        required_message=_("Enter a name for the round"),
        too_long_message=_("Round name must be 100 characters or fewer"),
    )
    opens_on = DateInputField(label=_("Opening date"), required=False)
    closes_on = DateInputField(label=_("Closing date"), required=False)
    min_group_size = forms.IntegerField(
        label=_("Minimum group size"),
        initial=DEFAULT_MIN_GROUP_SIZE,
        min_value=MIN_GROUP_SIZE_FLOOR,
        error_messages={
            "required": _("Enter the minimum group size"),
            "invalid": _("Minimum group size must be a whole number, like 5"),
            "min_value": _(
                "Minimum group size must be %(limit_value)s or more, so that nobody's answers "
                "can be picked out"
            ),
        },
    )
    questions = forms.MultipleChoiceField(
        label=_("“About you” questions"),
        choices=QUESTION_CHOICES,
        required=False,
        initial=list(QUESTION_FLAGS),
        error_messages={"invalid_choice": _("Select only the questions listed")},
    )
    open_link = forms.ChoiceField(
        label=_("Switch on the open link?"),
        choices=YES_NO,
        initial="no",
        error_messages={
            "required": _("Select yes if anyone with the link or code can answer"),
            "invalid_choice": _("Select yes if anyone with the link or code can answer"),
        },
    )

    service_fields = {
        "name": "name",
        "ask_organisation": "questions",
        "opens_on": "opens_on",
        "closes_on": "closes_on",
        "min_group_size": "min_group_size",
    }

    def clean(self):
        # The service checks this too; checking here as well means every
        # problem with the form is listed at once.
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error(
                "closes_on", _("Closing date must be the same as or after the opening date")
            )
        return data

    def settings(self) -> dict[str, Any]:
        """The cleaned settings as the service's keyword arguments."""
        data = self.cleaned_data
        result: dict[str, Any] = {
            "name": data["name"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "min_group_size": data["min_group_size"],
            "open_link_enabled": data["open_link"] == "yes",
        }
        if "questions" in self.fields:
            chosen = set(data["questions"])
            result.update({flag: key in chosen for key, flag in QUESTION_FLAGS.items()})
        return result


class RoundCreateForm(_RoundSettingsForm):
    framework = forms.ChoiceField(
        label=_("Framework"),
        error_messages={
            "required": _("Select a framework"),
            "invalid_choice": _("Select a framework from the list"),
        },
    )
    field_order = [
        "name",
        "framework",
        "opens_on",
        "closes_on",
        "min_group_size",
        "questions",
        "open_link",
    ]
    service_fields = {**_RoundSettingsForm.service_fields, "framework": "framework"}

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [
            (
                f"{framework.slug}:{framework.version}",
                _("%(title)s, version %(version)s")
                % {"title": framework.title, "version": framework.version},
            )
            for framework in frameworks
        ]
        if not self.is_bound and frameworks:
            self.fields["framework"].initial = f"{frameworks[0].slug}:{frameworks[0].version}"

    def framework_choice(self) -> tuple[str, int]:
        slug, _colon, version = self.cleaned_data["framework"].rpartition(":")
        return slug, int(version)


class RoundSettingsForm(_RoundSettingsForm):
    """A round's settings after it is made. The questions are fixed once it has opened."""

    def __init__(self, *args, round: Round, **kwargs):
        initial = {
            "name": round.name,
            "opens_on": round.opens_on,
            "closes_on": round.closes_on,
            "min_group_size": round.min_group_size,
            "questions": questions_of(round),
            "open_link": "yes" if round.open_link_enabled else "no",
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.round = round
        if round.status != "draft":
            del self.fields["questions"]

    def settings(self) -> dict[str, Any]:
        result = super().settings()
        if "questions" not in self.fields:
            result.update({flag: getattr(self.round, flag) for flag in QUESTION_FLAGS.values()})
        return result


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    """A confirmation page's form: nothing to fill in but the CSRF token."""


# --- Setting up a partnership (site administrators) ----------------------------------------


class PartnershipSetUpForm(ServiceErrorsMixin, forms.Form):
    name = _name_field(
        _("Partnership name"),
        max_length=200,
        required_message=_("Enter the partnership's name"),
        too_long_message=_("Partnership name must be 200 characters or fewer"),
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=60,
        error_messages={
            "required": _("Enter a short name for page addresses, like riverside-together"),
            "max_length": _("Short name must be 60 characters or fewer"),
        },
    )
    area = forms.CharField(
        label=_("Area (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Area must be 200 characters or fewer")},
    )
    coordinator_email = forms.EmailField(
        label=_("The first coordinator's email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the first coordinator's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
    )
    service_fields = {"email": "coordinator_email"}

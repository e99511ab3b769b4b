"""Forms for making, sending and reminding invitations. They check input; services act."""

from __future__ import annotations

import re

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stackup.partnerships import emailing, services
from stackup.partnerships.invitation_outputs import MAX_SLIPS_AT_ONCE
from stackup.partnerships.models import Organisation, Partnership, Round
from stackup.partnerships.services import ServiceError


class Output(models.TextChoices):
    CSV = "csv", gettext_lazy("Download a spreadsheet (CSV) of links")
    SLIPS = (
        "slips",
        gettext_lazy("Print slips: an A4 page of 8 slips, each with a link and a QR code"),
    )
    EMAIL = "email", gettext_lazy("Send each person their own link by email")


_NUMBER_JUNK = re.compile(r"[\s,]")


def _parse_count(value: str, *, maximum: int, too_many: str) -> int:
    text = _NUMBER_JUNK.sub("", value or "")
    if not text:
        raise forms.ValidationError(_("Enter how many invitations to make"))
    if not text.isdigit():
        raise forms.ValidationError(_("The number of invitations must be a whole number, like 25"))
    count = int(text) if len(text) <= 9 else maximum + 1
    if count < 1:
        raise forms.ValidationError(_("The number of invitations must be 1 or more"))
    if count > maximum:
        raise forms.ValidationError(too_many)
    return count


class _EmailTextMixin:
    """Subject and message checked the way the sending service checks them."""

    def _clean_email_text(self) -> None:
        try:
            subject, body = emailing.check_text(
                self.cleaned_data.get("subject", ""), self.cleaned_data.get("message", "")
            )
        except ServiceError as error:
            self.add_error("message" if error.field == "body" else error.field, error.message)
        else:
            self.cleaned_data["subject"], self.cleaned_data["message"] = subject, body


class OutputChoiceForm(forms.Form):
    """The first question: how the invitations will reach people."""

    output = forms.ChoiceField(
        label=gettext_lazy("How do you want to give out the invitations?"),
        choices=Output.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select how you want to give out the invitations"),
            "invalid_choice": gettext_lazy("Select how you want to give out the invitations"),
        },
    )


class InvitationCreateForm(_EmailTextMixin, forms.Form):
    organisation = forms.ChoiceField(
        label=gettext_lazy("Which organisation are these invitations for? (optional)"),
        required=False,
    )
    output = forms.ChoiceField(
        label=gettext_lazy("How do you want to give out the invitations?"),
        choices=Output.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select how you want to give out the invitations")
        },
    )
    csv_count = forms.CharField(label=gettext_lazy("How many links?"), required=False)
    slips_count = forms.CharField(label=gettext_lazy("How many slips?"), required=False)
    emails = forms.CharField(
        label=gettext_lazy("Email addresses"),
        required=False,
        widget=forms.Textarea,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, partnership: Partnership, round: Round, **kwargs):
        subject, body = emailing.default_invitation_text(round)
        kwargs.setdefault("initial", {}).update({"subject": subject, "message": body})
        super().__init__(*args, **kwargs)
        self.organisations = {
            str(o.pk): o
            for o in Organisation.objects.filter(partnership=partnership, archived=False)
        }
        self.fields["organisation"].choices = [
            ("", _("Not for a particular organisation")),
            *((pk, o.name) for pk, o in self.organisations.items()),
        ]

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation") or ""
        data["organisation"] = self.organisations.get(organisation) if organisation else None
        output = data.get("output")
        if output == Output.CSV:
            try:
                data["count"] = _parse_count(
                    data.get("csv_count", ""),
                    maximum=services.MAX_INVITATIONS_AT_ONCE,
                    too_many=_("You can make up to %(max)s links at once")
                    % {"max": f"{services.MAX_INVITATIONS_AT_ONCE:,}"},
                )
            except forms.ValidationError as error:
                self.add_error("csv_count", error)
        elif output == Output.SLIPS:
            try:
                data["count"] = _parse_count(
                    data.get("slips_count", ""),
                    maximum=MAX_SLIPS_AT_ONCE,
                    too_many=_(
                        "You can print up to %(max)s slips at once. For more, make them in "
                        "smaller sets or download a spreadsheet"
                    )
                    % {"max": MAX_SLIPS_AT_ONCE},
                )
            except forms.ValidationError as error:
                self.add_error("slips_count", error)
        elif output == Output.EMAIL:
            try:
                data["addresses"] = emailing.parse_addresses(data.get("emails", ""))
            except ServiceError as error:
                self.add_error("emails", error.message)
            self._clean_email_text()
        return data


class ReminderForm(_EmailTextMixin, forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, round: Round, **kwargs):
        subject, body = emailing.default_reminder_text(round)
        kwargs.setdefault("initial", {}).update({"subject": subject, "message": body})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self._clean_email_text()
        return data

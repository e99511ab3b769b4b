"""Assisted entry: a helper keys in a paper or phone response, every statement on one page.

Each statement is a one-character box that takes a digit on the scale or D for "don't know"
(blank: skipped), so a paper form can be typed in from the keyboard alone: digit, Tab,
digit, Tab. The boxes are checked here for their shape; the answers are then checked once
more against the framework by :func:`stackup.responding.answers.clean_answers` in the
service that stores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stackup.responding import answers
from stackup.responding.forms import AboutYouForm, CommentField
from stackup.responding.models import Channel

ASSISTED_CHANNELS = [
    (Channel.PAPER.value, gettext_lazy("Paper form")),
    (Channel.PHONE.value, gettext_lazy("Phone")),
]
DONT_KNOW_KEYS = ("d", "D")


def item_field_name(item_id: str) -> str:
    return f"item_{item_id}"


def comment_field_name(theme_id: str) -> str:
    return f"comment_{theme_id}"


def barrier_field_name(barrier_id: str) -> str:
    return f"barrier_{barrier_id}"


class KeyField(forms.CharField):
    """One character: a number on a scale or D for "don't know"."""

    def __init__(self, *, label: str, error: str, values: list[int], **kwargs: Any):
        super().__init__(label=label, required=False, strip=True, **kwargs)
        self.error = error
        self.values = values

    def clean(self, value: Any) -> int | str | None:
        text = super().clean(value)
        if not text:
            return None
        if text in DONT_KNOW_KEYS:
            return answers.DONT_KNOW
        if len(text) == 1 and text.isascii() and text.isdigit() and int(text) in self.values:
            return int(text)
        raise forms.ValidationError(self.error, code="invalid")


class AssistedForm(AboutYouForm):
    """The whole response on one page: how it came in, about the person, every statement."""

    def __init__(
        self, *args: Any, round, organisations, framework: Mapping[str, Any], **kwargs: Any
    ):
        super().__init__(*args, round=round, organisations=organisations, **kwargs)
        self.framework = framework
        about = dict(self.fields)
        self.fields.clear()
        self.fields["channel"] = forms.ChoiceField(
            label=_("How did the response come in?"),
            choices=ASSISTED_CHANNELS,
            error_messages={
                "required": _("Select whether the response came on a paper form or by phone"),
                "invalid_choice": _("Select whether the response came on a paper form or by phone"),
            },
        )
        self.about_names = list(about)
        for name, field in about.items():
            # Shown as drop-down lists: quicker from the keyboard than long lists of radios.
            field.choices = [("", _("Not answered")), *field.choices]
            self.fields[name] = field
        scale = answers.scale_values(framework)
        self.themes = []
        for theme in framework["themes"]:
            item_names = []
            for item in theme["items"]:
                name = item_field_name(item["id"])
                self.fields[name] = KeyField(
                    label=f"{item['id']} {item['statement']}",
                    error=_("%(id)s: enter a number from %(min)s to %(max)s, or D for don't know")
                    % {"id": item["id"], "min": scale[0], "max": scale[-1]},
                    values=scale,
                )
                item_names.append(name)
            comment = comment_field_name(theme["id"])
            self.fields[comment] = CommentField(
                label=_("Comments on %(theme)s (optional)") % {"theme": theme["title"]},
                required=False,
                strip=False,
                max_length=answers.COMMENT_MAX_LENGTH,
                error_messages={
                    "max_length": _("The comment on %(theme)s must be %(max)s characters or fewer")
                    % {"theme": theme["title"], "max": f"{answers.COMMENT_MAX_LENGTH:,}"}
                },
            )
            self.themes.append((theme, item_names, comment))
        self.benefit_entries = list(framework.get("benefits") or [])
        if self.benefit_entries:
            self.fields["benefits"] = forms.MultipleChoiceField(
                label=_("Which benefits did they say the partnership has achieved?"),
                choices=[(entry["id"], entry["title"]) for entry in self.benefit_entries],
                required=False,
                error_messages={"invalid_choice": _("Select only the benefits shown")},
            )
        self.barrier_names = []
        for entry in framework.get("barriers") or []:
            name = barrier_field_name(entry["id"])
            self.fields[name] = KeyField(
                label=entry["title"],
                error=_(
                    "%(barrier)s: enter a number from 0 (not at all) to 3 (a lot), "
                    "or D for don't know"
                )
                % {"barrier": entry["title"]},
                values=list(answers.BARRIER_LEVELS),
            )
            self.barrier_names.append((entry, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.answers():
            first = self.themes[0][1][0]
            self.add_error(first, _("Enter an answer to at least one statement"))
        return data

    def answers(self) -> dict[str, int | str]:
        given = {}
        for theme, _names, _comment in self.themes:
            for item in theme["items"]:
                value = self.cleaned_data.get(item_field_name(item["id"]))
                if value is not None:
                    given[item["id"]] = value
        return given

    def comments(self) -> dict[str, str]:
        return {
            theme["id"]: self.cleaned_data.get(comment, "").strip()
            for theme, _names, comment in self.themes
            if self.cleaned_data.get(comment, "").strip()
        }

    def benefits(self) -> list[str]:
        return list(self.cleaned_data.get("benefits") or [])

    def barriers(self) -> dict[str, int | str]:
        return {
            entry["id"]: self.cleaned_data[name]
            for entry, name in self.barrier_names
            if self.cleaned_data.get(name) is not None
        }

    def about(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.about_names
            if self.cleaned_data.get(name)
        }

"""The journey's hand-written radios and comment box give the same HTML as GOV.UK's macros."""

from __future__ import annotations

import re

import pytest
from django.template import engines

from stackup.responding.forms import AboutYouForm, ThemeForm

FRAMEWORK = {
    "scale": {
        "min": 1,
        "max": 5,
        "labels": {1: "No", 2: "Hardly", 3: "Maybe", 4: "Yes", 5: "Very <much>"},
        "dont_know": "Don't know",
    }
}
THEME = {"id": "t", "items": [{"id": "A1", "statement": "Some <b>statement</b>"}]}


def normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*>\s*", ">", html)
    return re.sub(r"\s*<\s*", "<", html).strip()


def render(source: str, **context) -> str:
    return engines["jinja2"].env.from_string(source).render(**context)


OURS_RADIOS = """{% from "responding/_fields.html" import fw, choice_radios %}
{{ choice_radios(field, fw(legend), hint=fw(hint) if hint else None, divider_before="DK",
                 label_lang=lang) }}"""

GOVUK_RADIOS = """{% from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}
{% set items = [] %}
{% for value, label in field.field.choices %}
  {% if value == "DK" %}{% do items.append({"divider": "or"}) %}{% endif %}
  {% set text %}{% if lang %}<span lang="{{ lang }}">{{ label }}</span>
  {%- else %}{{ label }}{% endif %}{% endset %}
  {% do items.append({"value": value, "html": text, "checked": field.value()|string == value}) %}
{% endfor %}
{{ govukRadios({
  "idPrefix": field.auto_id,
  "name": field.html_name,
  "fieldset": {"legend": {"text": legend, "classes": "govuk-fieldset__legend--s"}},
  "hint": {"text": hint} if hint else None,
  "items": items,
  "errorMessage": {"text": field.errors[0]} if field.errors else None
}) }}"""


@pytest.mark.parametrize("data", [None, {"item_A1": "4"}, {"item_A1": "DK"}, {"item_A1": "9"}])
@pytest.mark.parametrize("hint", [None, "A <hint>"])
@pytest.mark.parametrize("lang", [None, "en"])
def test_statement_radios_match_govuk_radios(data, hint, lang):
    form = ThemeForm(data, theme=THEME, framework=FRAMEWORK, simple=False)
    form.is_valid()
    field = form["item_A1"]
    context = {"field": field, "legend": "Some <b>statement</b>", "hint": hint, "lang": lang}
    ours = normalised(render(OURS_RADIOS, **context))
    assert ours == normalised(render(GOVUK_RADIOS, **context))
    assert 'id="id_item_A1" name="item_A1"' in ours
    assert "&lt;b&gt;" in ours  # framework text is escaped
    if data and data["item_A1"] == "9":
        assert 'id="id_item_A1-error"' in ours


def test_about_you_radios_match_govuk_radios(db):
    from stackup.partnerships.models import Round

    form = AboutYouForm({"uses_services": "maybe"}, round=Round(), organisations=[])
    form.is_valid()
    field = form["uses_services"]
    ours = render(
        """{% from "responding/_fields.html" import fw, choice_radios %}
        {{ choice_radios(field, fw(field.label), hint=fw(field.help_text),
                         divider_before="no_answer") }}""",
        field=field,
    )
    theirs = render(
        GOVUK_RADIOS.replace('"DK"', '"no_answer"'),
        field=field,
        legend=field.label,
        hint=field.help_text,
        lang=None,
    )
    assert normalised(ours) == normalised(theirs)
    assert 'id="id_uses_services-4" name="uses_services" type="radio" value="no_answer"' in ours


@pytest.mark.parametrize("value", ["", "Some text", "x" * 2001])
def test_comment_box_matches_govuk_character_count(value):
    form = ThemeForm({"comment": value}, theme=THEME, framework=FRAMEWORK, simple=False)
    form.is_valid()
    field = form["comment"]
    ours = render(
        """{% from "responding/_fields.html" import comment_box %}
        {{ comment_box(field, "Any comments?") }}""",
        field=field,
    )
    theirs = render(
        """{% from "govuk_frontend_jinja/components/character-count/macro.html"
              import govukCharacterCount %}
        {{ govukCharacterCount({
          "name": field.html_name, "id": field.auto_id, "maxlength": 2000, "rows": 5,
          "label": {"text": "Any comments?", "classes": "govuk-label--s"},
          "hint": {"text": hint},
          "value": field.value() or "",
          "errorMessage": {"text": field.errors[0]} if field.errors else None,
          "textareaDescriptionText": "You can enter up to 2,000 characters",
          "charactersUnderLimitText": {"one": "You have %{count} character remaining",
                                       "other": "You have %{count} characters remaining"},
          "charactersAtLimitText": "You have 0 characters remaining",
          "charactersOverLimitText": {"one": "You have %{count} character too many",
                                      "other": "You have %{count} characters too many"}
        }) }}""",
        field=field,
        hint="Do not include your name or anything else that could identify you or anyone else.",
    )
    # Ours starts the textarea's content on a new line, which HTML ignores (and which keeps
    # a comment's own first line break).
    assert normalised(ours) == normalised(theirs)
    assert ('id="id_comment-error"' in ours) == (len(value) > 2000)

"""The Jinja2 environment every page is rendered with.

GOV.UK Frontend's macros come from ``govuk-frontend-jinja`` under the
``govuk_frontend_jinja/`` prefix; strings are translated through Django's
gettext with Jinja's new-style (named placeholder) calls.
"""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def html_lang(code: str | None = None) -> str:
    """The BCP 47 tag for ``lang`` attributes: ``en-gb`` becomes ``en-GB``."""
    code = code or translation.get_language() or settings.LANGUAGE_CODE
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def other_languages(request) -> list[dict[str, str]]:
    """Links to the current page in every language but the one in use."""
    current = translation.get_language()
    path = request.get_full_path() if request is not None else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "lang": html_lang(code),
                "name": info["name_local"],
                "href": translate_url(path, code),
            }
        )
    return links


def links_base() -> dict[str, str | None]:
    """The address every link made for people outside starts with, and what is wrong with it."""
    from stackup.core.checks import base_url_problem

    return {
        "url": settings.STACKUP_BASE_URL,
        "problem": base_url_problem(settings.STACKUP_BASE_URL),
    }


def environment(**options) -> Environment:
    project_loader = options.pop("loader")
    options.setdefault("extensions", [])
    options["extensions"] = [*options["extensions"], "jinja2.ext.i18n", "jinja2.ext.do"]
    options.pop("autoescape", None)
    env = Environment(
        autoescape=True,
        loader=ChoiceLoader(
            [
                project_loader,
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        **options,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "html_lang": html_lang,
            "other_languages": other_languages,
            "pgettext": translation.pgettext,
            "get_language": translation.get_language,
            "links_base": links_base,
        }
    )
    return env

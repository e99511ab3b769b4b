"""The public pages that show the stored frameworks. No sign-in is needed to read them."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_safe

from stackup.frameworks import selectors
from stackup.frameworks.models import Framework


@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.framework_versions_by_slug()
    rows = [
        {
            "framework": framework,
            "earlier_versions": [
                v for v in versions.get(framework.slug, []) if v < framework.version
            ],
        }
        for framework in selectors.framework_latest_versions()
    ]
    return render(request, "frameworks/list.html", {"rows": rows})


@require_safe
def framework_latest(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        framework = selectors.framework_get(slug=slug)
    except Framework.DoesNotExist:
        raise Http404("No such framework") from None
    return redirect("frameworks:detail", slug=framework.slug, version=framework.version)


@require_safe
def framework_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    try:
        framework = selectors.framework_get(slug=slug, version=version)
    except Framework.DoesNotExist:
        raise Http404("No such framework version") from None
    document = framework.as_document()
    content_language = document["languages"][0]
    page_language = translation.get_language() or ""
    same_language = content_language.split("-")[0] == page_language.split("-")[0]
    return render(
        request,
        "frameworks/detail.html",
        {
            "framework": framework,
            "doc": document,
            # Marks the framework's own wording with its language when the page is in another.
            "content_lang": None if same_language else content_language,
            "languages": [_language_name(code) for code in document["languages"]],
            "other_versions": [
                v for v in selectors.framework_versions(slug=slug) if v != framework.version
            ],
        },
    )


def _language_name(code: str) -> str:
    """A language's name in the language of the page, or its code if Django does not know it."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code

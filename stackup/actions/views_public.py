"""The public "you said, we did" page: no sign-in; off until a coordinator switches it on."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from stackup.actions.public import public_page
from stackup.actions.selectors import public_page_enabled
from stackup.partnerships.models import Partnership


@require_safe
def you_said_we_did(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None or not public_page_enabled(partnership=partnership):
        raise Http404("No public page for this partnership")
    return render(
        request,
        "public/you_said_we_did.html",
        {
            "page": public_page(partnership=partnership),
            "month_year": lambda day: date_format(day, "F Y"),
        },
    )

"""The workshop: conversation starters from a round's results, for a room and on paper."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stackup.results.access import results_round
from stackup.results.document import has_results, results_document
from stackup.results.starters import KINDS, conversation_starters


def _workshop(request: HttpRequest, slug: str, round_id: int) -> dict[str, Any]:
    acc, round_ = results_round(request.user, slug, round_id)
    context: dict[str, Any] = {"partnership": acc.partnership, "round": round_, "ready": False}
    if not has_results(round_):
        return context
    document = results_document(round_)
    found = conversation_starters(document)
    starters = [starter for kind in KINDS for starter in found[kind]]
    context.update(
        ready=True,
        document=document,
        labels=document["labels"],
        by_kind=[(kind, found[kind]) for kind in KINDS],
        starters=starters,
    )
    return context


@never_cache
@login_required
@require_safe
def workshop(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    return render(request, "workshop/index.html", _workshop(request, slug, round_id))


@never_cache
@login_required
@require_safe
def workshop_starter(request: HttpRequest, slug: str, round_id: int, number: int) -> HttpResponse:
    context = _workshop(request, slug, round_id)
    starters = context.get("starters") or []
    if not 1 <= number <= len(starters):
        raise Http404("No such conversation starter")
    context.update(number=number, starter=starters[number - 1], total=len(starters))
    return render(request, "workshop/starter.html", context)


@never_cache
@login_required
@require_safe
def workshop_handout(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    return render(request, "workshop/handout.html", _workshop(request, slug, round_id))

"""The results report of a round: thin views over :func:`results_document`.

Who sees what (:func:`stackup.results.access.results_round`, shared with the downloads):
coordinators and partner leads see the results of closed and published rounds, and for a
draft or open round a page that says when results will come, with no numbers; viewers
only published rounds (403 otherwise); helpers none (403); people with no role in the
partnership get a 404, and signed-out visitors are sent to sign in.
Every page reads the document once per request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stackup.partnerships import access, selectors
from stackup.partnerships.access import Access, Permission
from stackup.partnerships.models import Round, RoundStatus
from stackup.results import presentation
from stackup.results.access import results_round
from stackup.results.document import has_results, previous_round, results_document
from stackup.results.presentation import Report

#: The report's pages, in the order of its navigation: (url name, title).
PAGES = [
    ("overview", gettext_lazy("Overview")),
    ("perspectives", gettext_lazy("Perspectives")),
    ("agreement", gettext_lazy("Agreement")),
    ("balance", gettext_lazy("Theme balance")),
    ("benefits_barriers", gettext_lazy("Benefits and barriers")),
    ("change", gettext_lazy("Change since last round")),
    ("comments", gettext_lazy("Comments")),
    ("methodology", gettext_lazy("How we worked it out")),
]


def _may_see(acc: Access, round_: Round) -> bool:
    """Whether this person may read the results of ``round_`` (the rule of results_round)."""
    return round_.status == RoundStatus.PUBLISHED or acc.can(Permission.VIEW_UNPUBLISHED_RESULTS)


def _render(
    request: HttpRequest,
    page: str,
    template: str,
    slug: str,
    round_id: int,
    extra: dict[str, Any] | None = None,
    *,
    needs_results: bool = True,
    theme_id: str | None = None,
) -> HttpResponse:
    acc, round_ = results_round(request.user, slug, round_id)
    if theme_id is not None and theme_id not in {
        t["id"] for t in round_.framework.as_document()["themes"]
    }:
        raise Http404("No such theme in this round's framework")
    context: dict[str, Any] = {
        "partnership": acc.partnership,
        "round": round_,
        "page": page,
        "pages": PAGES,
        "p": presentation,
        "ready": has_results(round_),
        "published": round_.status == RoundStatus.PUBLISHED,
        "report": None,
        "layout": "results/_layout.html",
    }
    if context["ready"] and needs_results:
        report = Report(results_document(round_, compare_to=previous_round(round_)))
        context["report"] = report
        if theme_id is not None:
            context["theme"] = report.theme(theme_id)
    if not context["ready"] and needs_results:
        template = "results/not_ready.html"
    context.update(extra or {})
    return render(request, template, context)


def _view(page: str, template: str, **options):
    @never_cache
    @login_required
    @require_safe
    def view(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
        return _render(request, page, template, slug, round_id, **options)

    view.__name__ = page
    return view


overview = _view("overview", "results/overview.html")
perspectives = _view("perspectives", "results/perspectives.html")
agreement = _view("agreement", "results/agreement.html")
balance = _view("balance", "results/balance.html")
benefits_barriers = _view("benefits_barriers", "results/benefits_barriers.html")
change = _view("change", "results/change.html")
comments = _view("comments", "results/comments.html")
methodology = _view("methodology", "results/methodology.html", needs_results=False)


@never_cache
@login_required
@require_safe
def theme(request: HttpRequest, slug: str, round_id: int, theme_id: str) -> HttpResponse:
    return _render(request, "theme", "results/theme.html", slug, round_id, theme_id=theme_id)


@never_cache
@login_required
@require_safe
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's rounds whose results this person may read, newest first."""
    acc = access.require(request.user, slug, Permission.VIEW_PUBLISHED_RESULTS)
    rounds = list(selectors.rounds_for(partnership=acc.partnership).defer("framework__document"))
    visible = [r for r in rounds if has_results(r) and _may_see(acc, r)]
    waiting = [r for r in rounds if not has_results(r)]
    return render(
        request,
        "results/index.html",
        {
            "partnership": acc.partnership,
            "rounds": visible,
            "waiting": waiting,
            "can_see_unpublished": acc.can(Permission.VIEW_UNPUBLISHED_RESULTS),
        },
    )

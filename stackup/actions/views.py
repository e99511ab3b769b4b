"""The action plan, benefits tracker, risk register and public page switch.

Every view asks :mod:`stackup.partnerships.access` first: signed-out visitors
are sent to sign in, people with no role in the partnership get 404, a role
without the permission 403. Anyone with a role reads the action plan, the
benefits and the risks; coordinators change everything; a partner lead adds
and changes only the actions of their own organisation. Forms post, then
redirect (POST-redirect-GET), and work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from stackup.actions import exports, perceptions, selectors, services
from stackup.actions.forms import (
    ActionFilterForm,
    ActionForm,
    BenefitForm,
    ConfirmForm,
    NoteForm,
    PublicPageForm,
    RiskForm,
)
from stackup.actions.models import Action, ActionStatus, BenefitStatus, Risk, RiskStatus
from stackup.partnerships import access
from stackup.partnerships.access import Access, Permission
from stackup.partnerships.selectors import organisations_for
from stackup.partnerships.services import ServiceError
from stackup.partnerships.views import format_date, format_datetime, pagination_items

GET_POST = ["GET", "HEAD", "POST"]
ACTIONS_PER_PAGE = 50

ACTION_STATUS_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.DROPPED: "govuk-tag--orange",
}
BENEFIT_STATUS_TAGS = {
    BenefitStatus.AIMED_FOR: "govuk-tag--grey",
    BenefitStatus.EMERGING: "govuk-tag--blue",
    BenefitStatus.REALISED: "govuk-tag--green",
}
RISK_STATUS_TAGS = {RiskStatus.OPEN: "govuk-tag--orange", RiskStatus.CLOSED: "govuk-tag--grey"}


# --- Helpers ------------------------------------------------------------------------------


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "format_date": format_date,
        "format_datetime": format_datetime,
        "action_status_tags": ACTION_STATUS_TAGS,
        "benefit_status_tags": BENEFIT_STATUS_TAGS,
        "risk_status_tags": RISK_STATUS_TAGS,
        **context,
    }
    return render(request, f"actions/{template}", context, status=status)


def _is_post(request: HttpRequest) -> bool:
    # Not `request.POST or None`: an empty POST is still a POST, and must show errors.
    return request.method == "POST"


def _action_or_404(acc: Access, action_id: int) -> Action:
    action = selectors.action_get(partnership=acc.partnership, action_id=action_id)
    if action is None:
        raise Http404("No such action in this partnership")
    return action


def _risk_or_404(acc: Access, risk_id: int) -> Risk:
    risk = selectors.risk_get(partnership=acc.partnership, risk_id=risk_id)
    if risk is None:
        raise Http404("No such risk in this partnership")
    return risk


def _require_edit(acc: Access, action: Action) -> None:
    """403 unless this person may change ``action`` (coordinators; the owner's partner lead)."""
    if not acc.can_edit_actions_for(action.owner):
        raise PermissionDenied


def _can_add_actions(acc: Access) -> bool:
    return acc.can(Permission.EDIT_ALL_ACTIONS) or (
        acc.can(Permission.EDIT_OWN_ORGANISATION_ACTIONS) and acc.membership.organisation_id
    )


def _owner_choices(acc: Access) -> tuple[list, bool]:
    """The organisations this person may give an action to, and whether "none" is allowed."""
    organisations = list(organisations_for(partnership=acc.partnership))
    if acc.can(Permission.EDIT_ALL_ACTIONS):
        return organisations, True
    own = acc.membership.organisation_id
    return [o for o in organisations if o.pk == own], False


def _action_context(acc: Access, action: Action, index, moved=None) -> dict[str, Any]:
    moved = moved or {}
    return {
        "action": action,
        "can_edit": acc.can_edit_actions_for(action.owner),
        "theme_title": index.theme_title(action.theme_id) if index and action.theme_id else "",
        "item_statement": index.item_statement(action.item_id) if index and action.item_id else "",
        # How the linked statement (or else theme) moved between the two latest rounds.
        "movement": moved.get(("item", action.item_id)) if action.item_id else None,
        "theme_movement": moved.get(("theme", action.theme_id)) if action.theme_id else None,
    }


def _movements(acc: Access) -> dict:
    return perceptions.movements(perceptions.visible_result_rounds(acc.partnership, acc))


def _benefit_perceptions(acc: Access) -> dict[str, Any]:
    """What respondents said about each benefit in the latest round this person may see."""
    rounds = perceptions.visible_result_rounds(acc.partnership, acc)
    seen = perceptions.benefit_perceptions(perceptions.documents(rounds[-1:]))
    if seen["round"] is None:
        return {"perceptions": None, "perceptions_round": None}
    return {
        "perceptions": {key: {"share": share} for key, share in seen["shares"].items()},
        "perceptions_round": seen["round"],
    }


def _risk_perceptions(acc: Access) -> dict[str, Any]:
    documents = perceptions.documents(perceptions.visible_result_rounds(acc.partnership, acc))
    weak = perceptions.sustainability_warning(documents)
    warning = None
    if weak is not None:
        warning = _(
            "In %(round)s only %(percent)s%% of answers on “%(theme)s” were positive. "
            "That can mean the partnership depends on a few key leaders."
        ) % {
            "round": weak["round"],
            "percent": f"{weak['pct_positive']:.0f}",
            "theme": weak["title"],
        }
    return {
        "sustainability_warning": warning,
        "barrier_ratings": perceptions.barrier_ratings(documents),
    }


# --- The action plan ----------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    partnership = acc.partnership
    organisations = list(organisations_for(partnership=partnership))
    filters = ActionFilterForm(request.GET or None, organisations=organisations)
    chosen = filters.filters() if filters.is_bound else {"status": None, "owner": None}
    actions = selectors.actions_for(partnership=partnership, **chosen)
    page = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    index = selectors.framework_index(partnership=partnership)
    query = {}
    if chosen["status"]:
        query["status"] = chosen["status"]
    if chosen["owner"]:
        query["owner"] = str(chosen["owner"].pk)
    base_url = reverse("actions:action_list", kwargs={"slug": slug})
    moved = _movements(acc)
    return _render(
        request,
        "action_list.html",
        {
            "partnership": partnership,
            "filters": filters,
            "filtered": bool(query),
            "page": page,
            "rows": [_action_context(acc, action, index, moved) for action in page.object_list],
            "pagination": pagination_items(
                page, base_url, label=_("Pages of the action plan"), query=query
            ),
            "can_add": _can_add_actions(acc),
            "can_manage": acc.can(Permission.EDIT_ALL_ACTIONS),
        },
    )


@never_cache
@login_required
@require_safe
def action_detail(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    action = _action_or_404(acc, action_id)
    index = selectors.framework_index(partnership=acc.partnership)
    return _render(
        request,
        "action_detail.html",
        {
            "partnership": acc.partnership,
            "can_delete": acc.can(Permission.EDIT_ALL_ACTIONS),
            **_action_context(acc, action, index, _movements(acc)),
        },
    )


def _action_form(request: HttpRequest, acc: Access, action: Action | None) -> ActionForm:
    organisations, allow_none = _owner_choices(acc)
    initial = ActionForm.initial_for(action) if action else {}
    if action is None and not allow_none and organisations:
        initial["owner"] = str(organisations[0].pk)
    return ActionForm(
        request.POST if _is_post(request) else None,
        index=selectors.framework_index(partnership=acc.partnership),
        organisations=organisations,
        allow_no_owner=allow_none,
        initial=initial,
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def action_add(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    if not _can_add_actions(acc):
        raise PermissionDenied
    form = _action_form(request, acc, None)
    if _is_post(request) and form.is_valid():
        values = form.values()
        if not acc.can_edit_actions_for(values["owner"]):
            raise PermissionDenied
        try:
            action = services.action_create(
                partnership=acc.partnership, acting_user=request.user, **values
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Action added: %(title)s") % {"title": action.title})
            return redirect("actions:action_detail", slug=slug, action_id=action.pk)
    return _render(
        request, "action_form.html", {"partnership": acc.partnership, "form": form, "action": None}
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def action_edit(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    action = _action_or_404(acc, action_id)
    _require_edit(acc, action)
    form = _action_form(request, acc, action)
    if _is_post(request) and form.is_valid():
        values = form.values()
        # A partner lead cannot hand the action to another organisation either.
        if not acc.can_edit_actions_for(values["owner"]):
            raise PermissionDenied
        try:
            action = services.action_update(action=action, acting_user=request.user, **values)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Action saved: %(title)s") % {"title": action.title})
            return redirect("actions:action_detail", slug=slug, action_id=action.pk)
    return _render(
        request,
        "action_form.html",
        {"partnership": acc.partnership, "form": form, "action": action},
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def action_note_add(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    action = _action_or_404(acc, action_id)
    _require_edit(acc, action)
    form = NoteForm(
        request.POST if _is_post(request) else None, initial={"date": timezone.localdate()}
    )
    if _is_post(request) and form.is_valid():
        try:
            services.action_note_add(
                action=action,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Progress note added"))
            return redirect("actions:action_detail", slug=slug, action_id=action.pk)
    return _render(
        request, "note_form.html", {"partnership": acc.partnership, "form": form, "action": action}
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def action_delete(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.EDIT_ALL_ACTIONS)
    action = _action_or_404(acc, action_id)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        title = action.title
        services.action_delete(action=action, acting_user=request.user)
        messages.success(request, _("Action deleted: %(title)s") % {"title": title})
        return redirect("actions:action_list", slug=slug)
    return _render(
        request,
        "action_delete.html",
        {"partnership": acc.partnership, "form": form, "action": action},
    )


@never_cache
@login_required
@require_safe
def action_print(request: HttpRequest, slug: str) -> HttpResponse:
    """Every action on one page, laid out for a board paper."""
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    partnership = acc.partnership
    index = selectors.framework_index(partnership=partnership)
    actions = list(selectors.actions_for(partnership=partnership))
    counts = dict.fromkeys(ActionStatus.values, 0)
    for action in actions:
        counts[action.status] += 1
    return _render(
        request,
        "action_print.html",
        {
            "partnership": partnership,
            "rows": [_action_context(acc, action, index) for action in actions],
            "counts": [(ActionStatus(s).label, n) for s, n in counts.items()],
            "today": timezone.localdate(),
        },
    )


@never_cache
@login_required
@require_safe
def action_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    export = exports.export_actions(partnership=acc.partnership, fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


# --- Benefits -----------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def benefit_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    index = selectors.framework_index(partnership=acc.partnership, prefer_used=True)
    return _render(
        request,
        "benefit_list.html",
        {
            "partnership": acc.partnership,
            "index": index,
            "rows": selectors.benefit_rows(partnership=acc.partnership, index=index),
            "can_edit": acc.can(Permission.EDIT_ALL_ACTIONS),
            **_benefit_perceptions(acc),
        },
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def benefit_edit(request: HttpRequest, slug: str, benefit_id: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.EDIT_ALL_ACTIONS)
    index = selectors.framework_index(partnership=acc.partnership, prefer_used=True)
    benefit = next((b for b in (index.benefits if index else []) if b["id"] == benefit_id), None)
    if benefit is None:
        raise Http404("No such benefit in this partnership's framework")
    row = next(
        r
        for r in selectors.benefit_rows(partnership=acc.partnership, index=index)
        if r.id == benefit_id
    )
    initial = (
        {
            "claim": row.claim.claim,
            "evidence": row.claim.evidence,
            "evidence_links": row.claim.evidence_links,
            "status": row.claim.status,
        }
        if row.claim
        else {}
    )
    form = BenefitForm(request.POST if _is_post(request) else None, initial=initial)
    if _is_post(request) and form.is_valid():
        try:
            services.benefit_claim_save(
                partnership=acc.partnership,
                benefit_id=benefit_id,
                acting_user=request.user,
                **form.cleaned_data,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved: %(title)s") % {"title": benefit["title"]})
            return redirect("actions:benefit_list", slug=slug)
    return _render(
        request,
        "benefit_form.html",
        {"partnership": acc.partnership, "form": form, "benefit": benefit},
    )


# --- Risks --------------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def risk_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    return _render(
        request,
        "risk_list.html",
        {
            "partnership": acc.partnership,
            "risks": list(selectors.risks_for(partnership=acc.partnership)),
            "can_edit": acc.can(Permission.EDIT_ALL_ACTIONS),
            **_risk_perceptions(acc),
        },
    )


def _risk_form(request: HttpRequest, acc: Access, risk: Risk | None) -> RiskForm:
    return RiskForm(
        request.POST if _is_post(request) else None,
        organisations=list(organisations_for(partnership=acc.partnership)),
        initial=RiskForm.initial_for(risk) if risk else {},
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def risk_add(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.EDIT_ALL_ACTIONS)
    form = _risk_form(request, acc, None)
    if _is_post(request) and form.is_valid():
        try:
            risk = services.risk_create(
                partnership=acc.partnership, acting_user=request.user, **form.values()
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Risk added: %(title)s") % {"title": risk.title})
            return redirect("actions:risk_list", slug=slug)
    return _render(
        request, "risk_form.html", {"partnership": acc.partnership, "form": form, "risk": None}
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def risk_edit(request: HttpRequest, slug: str, risk_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.EDIT_ALL_ACTIONS)
    risk = _risk_or_404(acc, risk_id)
    form = _risk_form(request, acc, risk)
    if _is_post(request) and form.is_valid():
        try:
            risk = services.risk_update(risk=risk, acting_user=request.user, **form.values())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Risk saved: %(title)s") % {"title": risk.title})
            return redirect("actions:risk_list", slug=slug)
    return _render(
        request, "risk_form.html", {"partnership": acc.partnership, "form": form, "risk": risk}
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def risk_close(request: HttpRequest, slug: str, risk_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.EDIT_ALL_ACTIONS)
    risk = _risk_or_404(acc, risk_id)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        try:
            services.risk_close(risk=risk, acting_user=request.user)
        except ServiceError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, _("Risk closed: %(title)s") % {"title": risk.title})
        return redirect("actions:risk_list", slug=slug)
    return _render(
        request, "risk_close.html", {"partnership": acc.partnership, "form": form, "risk": risk}
    )


# --- The public page switch ---------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(GET_POST)
def public_page_settings(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    enabled = selectors.public_page_enabled(partnership=acc.partnership)
    form = PublicPageForm(
        request.POST if _is_post(request) else None,
        initial={"enabled": "yes" if enabled else "no"},
    )
    if _is_post(request) and form.is_valid():
        on = form.cleaned_data["enabled"] == "yes"
        services.public_page_set(partnership=acc.partnership, enabled=on, acting_user=request.user)
        messages.success(
            request,
            _("The public page is switched on") if on else _("The public page is switched off"),
        )
        return redirect("partnerships:detail", slug=slug)
    return _render(
        request,
        "public_page_settings.html",
        {"partnership": acc.partnership, "form": form, "enabled": enabled},
    )

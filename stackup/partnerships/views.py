"""The coordinator's pages: partnerships, organisations, people, rounds, response rates, audit.

Every view starts by asking ``access.require`` (signed-out visitors are sent to
sign in first): no role in the partnership gives 404, a role without the
permission 403. Views stay thin: forms check the shape of what arrived, the
services change data and audit it, the selectors read. Every form posts,
then redirects to a page that says what happened (POST-redirect-GET), and
works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from stackup.accounts.services import password_link_lifetime, password_set_link
from stackup.partnerships import access, selectors, services
from stackup.partnerships.access import Permission
from stackup.partnerships.forms import (
    QUESTION_CHOICES,
    ConfirmForm,
    OrganisationForm,
    PersonAddForm,
    RoleChangeForm,
    RoundCreateForm,
    RoundSettingsForm,
    questions_of,
)
from stackup.partnerships.models import ROUND_TRANSITIONS, Membership, Role, Round, RoundStatus
from stackup.partnerships.services import ServiceError

GET_POST = ["GET", "HEAD", "POST"]
AUDIT_PER_PAGE = 50
# Where the one-time password link waits between the form and the page that shows it.
PERSON_ADDED_SESSION_KEY = "partnerships.person_added"


# --- Helpers ------------------------------------------------------------------------------


def format_date(value: dt.date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def format_datetime(value: dt.datetime) -> str:
    """A moment in Europe/London (the site's time zone), like 3 March 2026, 14:05."""
    local = timezone.localtime(value)
    return _("%(date)s, %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": date_format(local, "H:i"),
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"format_date": format_date, "format_datetime": format_datetime, **context}
    return render(request, f"partnerships/{template}", context, status=status)


def optional_url(name: str, **kwargs) -> str | None:
    """The address of a page that may not be built yet; None until it is."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def round_or_404(partnership, round_id: int) -> Round:
    round_ = selectors.round_get(partnership=partnership, round_id=round_id)
    if round_ is None:
        raise Http404("No such round in this partnership")
    return round_


def _membership(partnership, membership_id: int) -> Membership:
    membership = selectors.membership_get(partnership=partnership, membership_id=membership_id)
    if membership is None:
        raise Http404("No such person in this partnership")
    return membership


def _is_post(request: HttpRequest) -> bool:
    # Not `request.POST or None`: an empty POST is still a POST, and must show errors.
    return request.method == "POST"


STATUS_TAG_CLASSES = {
    RoundStatus.DRAFT: "govuk-tag--grey",
    RoundStatus.OPEN: "govuk-tag--green",
    RoundStatus.CLOSED: "govuk-tag--orange",
    RoundStatus.PUBLISHED: "govuk-tag--blue",
}


# The explicit actions that move a round on, keyed by (from, to). Each has a
# button, a confirmation page that explains what happens, and a notification.
STATUS_ACTIONS: dict[tuple[str, str], dict[str, Any]] = {
    (RoundStatus.DRAFT, RoundStatus.OPEN): {
        "button": gettext_lazy("Open the round"),
        "title": gettext_lazy("Are you sure you want to open %(name)s?"),
        "consequences": [
            gettext_lazy(
                "People with an invitation, or with the open link if it is switched on, "
                "can start answering."
            ),
            gettext_lazy("The “about you” questions cannot be changed once the round is open."),
        ],
        "done": gettext_lazy("%(name)s is open"),
        "warning": False,
    },
    (RoundStatus.OPEN, RoundStatus.CLOSED): {
        "button": gettext_lazy("Close the round"),
        "title": gettext_lazy("Are you sure you want to close %(name)s?"),
        "consequences": [
            gettext_lazy("Nobody can start or finish answering any more."),
            gettext_lazy(
                "Unfinished answers are deleted and cannot be got back. Submitted responses "
                "are kept."
            ),
            gettext_lazy("Viewers cannot read the results until you publish them."),
        ],
        "done": gettext_lazy("%(name)s is closed"),
        "warning": True,
    },
    (RoundStatus.CLOSED, RoundStatus.PUBLISHED): {
        "button": gettext_lazy("Publish the results"),
        "title": gettext_lazy("Are you sure you want to publish the results of %(name)s?"),
        "consequences": [
            gettext_lazy(
                "Everyone with a role in the partnership, viewers included, can read the results."
            ),
            gettext_lazy(
                "Groups smaller than the minimum group size stay hidden, so nobody's answers "
                "can be picked out."
            ),
        ],
        "done": gettext_lazy("The results of %(name)s are published"),
        "warning": False,
    },
    (RoundStatus.CLOSED, RoundStatus.OPEN): {
        "button": gettext_lazy("Reopen the round"),
        "title": gettext_lazy("Are you sure you want to reopen %(name)s?"),
        "consequences": [
            gettext_lazy("People can answer again with their invitations or the open link."),
            gettext_lazy("Unfinished answers deleted when the round closed do not come back."),
        ],
        "done": gettext_lazy("%(name)s is open again"),
        "warning": False,
    },
    (RoundStatus.PUBLISHED, RoundStatus.CLOSED): {
        "button": gettext_lazy("Unpublish the results"),
        "title": gettext_lazy("Are you sure you want to unpublish the results of %(name)s?"),
        "consequences": [
            gettext_lazy("Viewers can no longer read the results."),
            gettext_lazy("The round stays closed and keeps its responses."),
        ],
        "done": gettext_lazy("The results of %(name)s are no longer published"),
        "warning": False,
    },
}


def next_actions(round_: Round) -> list[dict[str, Any]]:
    return [
        {"status": target, **STATUS_ACTIONS[(round_.status, target)]}
        for target in ROUND_TRANSITIONS[round_.status]
    ]


# --- Partnerships ---------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def partnership_list(request: HttpRequest) -> HttpResponse:
    memberships = list(access.partnerships_for(request.user))
    site_admin = access.is_site_admin(request.user)
    return _render(
        request,
        "list.html",
        {
            "memberships": memberships,
            "site_admin": site_admin,
            "all_partnerships": list(selectors.all_partnerships()) if site_admin else [],
        },
    )


@never_cache
@login_required
@require_safe
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    partnership = acc.partnership
    can_manage = acc.can(Permission.MANAGE_PARTNERSHIP)
    context = {
        "partnership": partnership,
        "access": acc,
        "can_manage": can_manage,
        "can_view_audit": acc.can(Permission.VIEW_AUDIT_LOG),
        "can_enter_responses": acc.can(Permission.ENTER_RESPONSES),
        "organisations": list(selectors.organisations_for(partnership=partnership)),
        "rounds": list(selectors.rounds_for(partnership=partnership).defer("framework__document")),
        "people": list(selectors.memberships_for(partnership=partnership)) if can_manage else [],
        "status_tags": STATUS_TAG_CLASSES,
    }
    return _render(request, "detail.html", context)


# --- Organisations -------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def organisation_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_PARTNERSHIP)
    organisations = list(selectors.organisations_for(partnership=acc.partnership))
    return _render(
        request,
        "organisations.html",
        {
            "partnership": acc.partnership,
            "organisations": organisations,
            "can_manage": acc.can(Permission.MANAGE_PARTNERSHIP),
        },
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def organisation_add(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    form = OrganisationForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        try:
            organisation = services.organisation_add(
                partnership=acc.partnership,
                name=form.cleaned_data["name"],
                sector=form.cleaned_data["sector"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s added") % {"name": organisation.name})
            return redirect("partnerships:organisations", slug=slug)
    return _render(request, "organisation_add.html", {"partnership": acc.partnership, "form": form})


# --- People --------------------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def people(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    return _render(
        request,
        "people.html",
        {
            "partnership": acc.partnership,
            "people": list(selectors.memberships_for(partnership=acc.partnership)),
            "me": acc.membership,
        },
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    partnership = acc.partnership
    form = PersonAddForm(request.POST if _is_post(request) else None, partnership=partnership)
    if _is_post(request) and form.is_valid():
        try:
            added = services.user_add(
                email=form.cleaned_data["email"],
                partnership=partnership,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            # A link to set a password only for an account made just now: an
            # existing account may hold roles elsewhere that are not ours to hand out.
            request.session[PERSON_ADDED_SESSION_KEY] = {
                "partnership": partnership.slug,
                "email": added.user.email,
                "role": added.membership.get_role_display(),
                "link": password_set_link(user=added.user) if added.user_created else None,
            }
            messages.success(
                request,
                _("%(email)s added with the role %(role)s")
                % {"email": added.user.email, "role": added.membership.get_role_display().lower()},
            )
            return redirect("partnerships:person_added", slug=slug)
    return _render(request, "person_add.html", {"partnership": partnership, "form": form})


@never_cache
@login_required
@require_safe
def person_added(request: HttpRequest, slug: str) -> HttpResponse:
    """Shows the new person's one-time link once; reloading the page does not show it again."""
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    added = request.session.get(PERSON_ADDED_SESSION_KEY)
    if added and added.get("partnership") == acc.partnership.slug:
        del request.session[PERSON_ADDED_SESSION_KEY]
    else:
        added = None
    return _render(
        request,
        "person_added.html",
        {"partnership": acc.partnership, "added": added, "lifetime": password_link_lifetime()},
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def person_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    partnership = acc.partnership
    membership = _membership(partnership, membership_id)
    form = RoleChangeForm(
        request.POST if _is_post(request) else None,
        partnership=partnership,
        initial={"role": membership.role, "organisation": membership.organisation_id},
    )
    if _is_post(request) and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(email)s now has the role %(role)s")
                % {
                    "email": membership.user.email,
                    "role": str(Role(membership.role).label).lower(),
                },
            )
            if membership.pk == acc.membership.pk and membership.role != Role.COORDINATOR:
                return redirect("partnerships:detail", slug=slug)
            return redirect("partnerships:people", slug=slug)
    return _render(
        request,
        "person_role.html",
        {"partnership": partnership, "membership": membership, "form": form},
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def person_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    partnership = acc.partnership
    membership = _membership(partnership, membership_id)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        email = membership.user.email
        try:
            services.membership_remove(membership=membership, acting_user=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(email)s no longer has a role in %(partnership)s")
                % {"email": email, "partnership": partnership.name},
            )
            if membership.user_id == request.user.pk:
                return redirect("partnerships:list")
            return redirect("partnerships:people", slug=slug)
    return _render(
        request,
        "person_remove.html",
        {
            "partnership": partnership,
            "membership": membership,
            "form": form,
            "is_me": membership.pk == acc.membership.pk,
        },
    )


# --- Rounds --------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(GET_POST)
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    partnership = acc.partnership
    form = RoundCreateForm(
        request.POST if _is_post(request) else None, frameworks=selectors.framework_choices()
    )
    if _is_post(request) and form.is_valid():
        framework_slug, framework_version = form.framework_choice()
        try:
            round_ = services.round_create(
                partnership=partnership,
                framework_slug=framework_slug,
                framework_version=framework_version,
                acting_user=request.user,
                **form.settings(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s is set up as a draft. Open it when you are ready for people to answer.")
                % {"name": round_.name},
            )
            return redirect("partnerships:round_detail", slug=slug, round_id=round_.pk)
    return _render(
        request,
        "round_form.html",
        {"partnership": partnership, "form": form, "round": None},
    )


@never_cache
@login_required
@require_safe
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    round_ = round_or_404(acc.partnership, round_id)
    questions = dict(QUESTION_CHOICES)
    return _render(
        request,
        "round_detail.html",
        {
            "partnership": acc.partnership,
            "round": round_,
            "status_tag": STATUS_TAG_CLASSES[round_.status],
            "actions": next_actions(round_),
            "questions": [questions[key] for key in questions_of(round_)],
            "open_link": services.open_link_url(round_.open_code)
            if round_.open_link_enabled and round_.open_code
            else None,
            "invitations_url": optional_url(
                "partnerships:invitations", slug=slug, round_id=round_.pk
            ),
        },
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def round_edit(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    round_ = round_or_404(acc.partnership, round_id)
    form = RoundSettingsForm(request.POST if _is_post(request) else None, round=round_)
    if _is_post(request) and form.is_valid():
        try:
            services.round_update(round=round_, acting_user=request.user, **form.settings())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The settings of %(name)s are saved") % {"name": round_.name}
            )
            return redirect("partnerships:round_detail", slug=slug, round_id=round_.pk)
    return _render(
        request,
        "round_form.html",
        {
            "partnership": acc.partnership,
            "form": form,
            "round": round_,
            "fixed_questions": [dict(QUESTION_CHOICES)[key] for key in questions_of(round_)],
        },
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def round_status(request: HttpRequest, slug: str, round_id: int, status: str) -> HttpResponse:
    """Confirm, then make, one move of a round's status."""
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    round_ = round_or_404(acc.partnership, round_id)
    if status not in RoundStatus.values:
        raise Http404("No such status")
    action = STATUS_ACTIONS.get((round_.status, status))
    if action is None:
        # A stale page: someone else (or another tab) has moved the round on already.
        messages.info(
            request,
            _("%(name)s is %(status)s now, so that action is no longer available")
            % {"name": round_.name, "status": round_.get_status_display().lower()},
        )
        return redirect("partnerships:round_detail", slug=slug, round_id=round_.pk)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        try:
            services.round_set_status(round=round_, status=status, acting_user=request.user)
        except ServiceError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, str(action["done"]) % {"name": round_.name})
        return redirect("partnerships:round_detail", slug=slug, round_id=round_.pk)
    return _render(
        request,
        "round_status.html",
        {
            "partnership": acc.partnership,
            "round": round_,
            "action": action,
            "heading": str(action["title"]) % {"name": round_.name},
            "form": form,
        },
    )


@never_cache
@login_required
@require_safe
def response_rates(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_RESPONSE_RATES)
    round_ = round_or_404(acc.partnership, round_id)
    return _render(
        request,
        "response_rates.html",
        {
            "partnership": acc.partnership,
            "round": round_,
            "rates": selectors.response_rates(round=round_),
            "can_manage": acc.can(Permission.MANAGE_PARTNERSHIP),
        },
    )


# --- Audit log -----------------------------------------------------------------------------


def pagination_items(
    page, base_url: str, *, label: str, query: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """Parameters for GOV.UK's pagination component: first, last, and the pages near this one.

    Every link keeps ``query`` (for example the filters of a list). None when there is one page.
    """
    if page.paginator.num_pages < 2:
        return None

    def href(n: int) -> str:
        return f"{base_url}?{urlencode({**(query or {}), 'page': n})}"

    number, last = page.number, page.paginator.num_pages
    shown = sorted({1, last, number - 1, number, number + 1} & set(range(1, last + 1)))
    items: list[dict[str, Any]] = []
    previous = None
    for n in shown:
        if previous is not None and n - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": n,
                "href": href(n),
                "current": n == number,
                "visuallyHiddenText": _("Page %(n)s") % {"n": n},
            }
        )
        previous = n
    params: dict[str, Any] = {"items": items, "landmarkLabel": label}
    if page.has_previous():
        params["previous"] = {"href": href(page.previous_page_number()), "text": _("Previous")}
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number()), "text": _("Next")}
    return params


@never_cache
@login_required
@require_safe
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.VIEW_AUDIT_LOG)
    page = selectors.audit_events(
        partnership=acc.partnership, page=request.GET.get("page"), per_page=AUDIT_PER_PAGE
    )
    base_url = reverse("partnerships:audit_log", kwargs={"slug": slug})
    return _render(
        request,
        "audit_log.html",
        {
            "partnership": acc.partnership,
            "page": page,
            "pagination": pagination_items(page, base_url, label=_("Pages of the audit log")),
        },
    )

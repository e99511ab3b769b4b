"""Setting up without the command line or /admin/.

Site administrators make partnerships and their first coordinators; coordinators
change, archive or remove organisations and delete draft rounds made by mistake.
Every change goes through ``services`` (audited) after a confirmation page where
it cannot be undone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from stackup.accounts.services import password_link_lifetime, password_set_link
from stackup.partnerships import access, selectors, services
from stackup.partnerships.access import Permission
from stackup.partnerships.forms import ConfirmForm, OrganisationForm, PartnershipSetUpForm
from stackup.partnerships.models import Organisation, RoundStatus
from stackup.partnerships.services import ServiceError
from stackup.partnerships.views import GET_POST, _is_post, _render, round_or_404

# Where the new coordinator's one-time link waits for the page that shows it.
SET_UP_SESSION_KEY = "partnerships.set_up"


@never_cache
@login_required
@require_http_methods(GET_POST)
def partnership_new(request: HttpRequest) -> HttpResponse:
    access.require_site_admin(request.user)
    form = PartnershipSetUpForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        try:
            set_up = services.partnership_set_up(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                coordinator_email=form.cleaned_data["coordinator_email"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            coordinator = set_up.coordinator
            request.session[SET_UP_SESSION_KEY] = {
                "partnership": set_up.partnership.slug,
                "email": coordinator.user.email,
                "link": password_set_link(user=coordinator.user)
                if coordinator.user_created
                else None,
            }
            messages.success(request, _("%(name)s set up") % {"name": set_up.partnership.name})
            return redirect("partnerships:set_up", slug=set_up.partnership.slug)
    return _render(request, "partnership_new.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def partnership_set_up(request: HttpRequest, slug: str) -> HttpResponse:
    """What happens next, with the new coordinator's one-time link shown once."""
    access.require_site_admin(request.user)
    partnership = selectors.partnership_get(slug=slug)
    if partnership is None:
        raise Http404("No such partnership")
    set_up = request.session.get(SET_UP_SESSION_KEY)
    if set_up and set_up.get("partnership") == slug:
        del request.session[SET_UP_SESSION_KEY]
    else:
        set_up = None
    return _render(
        request,
        "partnership_set_up.html",
        {"partnership": partnership, "set_up": set_up, "lifetime": password_link_lifetime()},
    )


def _organisation(partnership, organisation_id: int) -> Organisation:
    organisation = partnership.organisations.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation in this partnership")
    return organisation


@never_cache
@login_required
@require_http_methods(GET_POST)
def organisation_edit(request: HttpRequest, slug: str, organisation_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    organisation = _organisation(acc.partnership, organisation_id)
    form = OrganisationForm(
        request.POST if _is_post(request) else None,
        initial={"name": organisation.name, "sector": organisation.sector},
    )
    if _is_post(request) and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                name=form.cleaned_data["name"],
                sector=form.cleaned_data["sector"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s changed") % {"name": form.cleaned_data["name"]})
            return redirect("partnerships:organisations", slug=slug)
    return _render(
        request,
        "organisation_add.html",
        {"partnership": acc.partnership, "organisation": organisation, "form": form},
    )


@never_cache
@login_required
@require_http_methods(GET_POST)
def organisation_remove(request: HttpRequest, slug: str, organisation_id: int) -> HttpResponse:
    """Confirm, then remove; or say why not and offer archiving instead."""
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    organisation = _organisation(acc.partnership, organisation_id)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        try:
            services.organisation_remove(organisation=organisation, acting_user=request.user)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s removed") % {"name": organisation.name})
            return redirect("partnerships:organisations", slug=slug)
    uses = services.organisation_uses(organisation)
    return _render(
        request,
        "organisation_remove.html",
        {
            "partnership": acc.partnership,
            "organisation": organisation,
            "form": form,
            "uses": uses,
            "has_leads": organisation.memberships.exists(),
        },
    )


@never_cache
@login_required
@require_POST
def organisation_archive(request: HttpRequest, slug: str, organisation_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    organisation = _organisation(acc.partnership, organisation_id)
    archived = request.POST.get("archived") != "no"
    services.organisation_archive(
        organisation=organisation, archived=archived, acting_user=request.user
    )
    message = _("%(name)s archived") if archived else _("%(name)s brought back")
    messages.success(request, message % {"name": organisation.name})
    return redirect("partnerships:organisations", slug=slug)


@never_cache
@login_required
@require_http_methods(GET_POST)
def round_delete(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    round_ = round_or_404(acc.partnership, round_id)
    form = ConfirmForm(request.POST if _is_post(request) else None)
    if round_.status == RoundStatus.DRAFT and _is_post(request) and form.is_valid():
        try:
            services.round_delete(round=round_, acting_user=request.user)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s deleted") % {"name": round_.name})
            return redirect("partnerships:detail", slug=slug)
    return _render(
        request,
        "round_delete.html",
        {
            "partnership": acc.partnership,
            "round": round_,
            "form": form,
            "is_draft": round_.status == RoundStatus.DRAFT,
            "invitations": round_.invitations.count(),
        },
        status=200 if round_.status == RoundStatus.DRAFT else 409,
    )

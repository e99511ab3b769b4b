"""The coordinator's invitation pages: make links, download or print them, email them, remind.

Links exist only at the moment they are made, so making them is a POST whose
response *is* the result: a CSV download, or a printable page of slips. For
email, the request records a batch and queues it; the worker makes each link,
sends it and forgets it (see emailing.py). Nothing here stores a link.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stackup.partnerships import access, emailing, invitation_outputs, selectors, services
from stackup.partnerships.access import Permission
from stackup.partnerships.forms_invitations import (
    InvitationCreateForm,
    Output,
    OutputChoiceForm,
    ReminderForm,
)
from stackup.partnerships.models import Round
from stackup.partnerships.models_email import EmailBatch, EmailBatchStatus
from stackup.partnerships.services import ServiceError
from stackup.partnerships.views import format_datetime, round_or_404

STATUS_TAG_CLASSES = {
    EmailBatchStatus.QUEUED: "govuk-tag--grey",
    EmailBatchStatus.RUNNING: "govuk-tag--blue",
    EmailBatchStatus.FINISHED: "govuk-tag--green",
    EmailBatchStatus.FAILED: "govuk-tag--red",
}


def _coordinator_view(view):
    """Signed in, coordinator of the partnership (404 / 403 otherwise), and one of its rounds."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, round_id: int, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            # After signing in, a form's page rather than the address it posts to.
            target = (
                request.get_full_path()
                if request.method in ("GET", "HEAD")
                else reverse(
                    "partnerships:invitations", kwargs={"slug": slug, "round_id": round_id}
                )
            )
            return redirect_to_login(target)
        acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
        return view(request, round_or_404(acc.partnership, round_id), **kwargs)

    return wrapper


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {
        "format_datetime": format_datetime,
        "status_tag_classes": STATUS_TAG_CLASSES,
        **context,
    }
    return render(request, f"partnerships/invitations/{template}", context, status=status)


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages and files that hold links are never kept by a browser or a proxy."""
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _page(request: HttpRequest, round_: Round, form: OutputChoiceForm) -> HttpResponse:
    counts = emailing.invitation_counts(round=round_)
    threshold = round_.min_group_size
    # Like the response rates: how many links were used (or not) is shown only in
    # groups big enough not to point at anyone, and never one beside a hidden other.
    used, not_used = selectors.invitation_use(
        made=counts.made, used=counts.used, threshold=threshold
    )
    return _render(
        request,
        "index.html",
        {
            "partnership": round_.partnership,
            "round": round_,
            "form": form,
            "counts": counts,
            "used": used,
            "not_used": not_used,
            "remindable": _remindable_count(counts, threshold=threshold),
            "can_send": round_.status in emailing.SENDABLE_STATUSES,
            "batches": list(emailing.batches_for_round(round=round_)),
        },
    )


def _remindable_count(counts, *, threshold: int) -> selectors.Count:
    """Links not yet used that have an address: hidden whenever the used count is.

    When every invitation went by email, made minus this is the used count, so
    it may be shown only where the used count itself may be.
    """
    used, _not_used = selectors.invitation_use(
        made=counts.made, used=counts.used, threshold=threshold
    )
    return selectors.Count.of(counts.remindable, threshold=threshold, complementary=used.hidden)


def _make_page(request: HttpRequest, round_: Round, form: InvitationCreateForm, output: str):
    return _render(
        request,
        "make.html",
        {
            "partnership": round_.partnership,
            "round": round_,
            "form": form,
            "output": output,
            "can_send": round_.status in emailing.SENDABLE_STATUSES,
            "max_slips": invitation_outputs.MAX_SLIPS_AT_ONCE,
            "max_links": services.MAX_INVITATIONS_AT_ONCE,
        },
    )


@never_cache
@require_safe
@_coordinator_view
def invitations(request: HttpRequest, round_: Round) -> HttpResponse:
    return _page(request, round_, OutputChoiceForm())


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_coordinator_view
def invitations_create(request: HttpRequest, round_: Round) -> HttpResponse:
    """GET ?output=…: the form for that way of giving out invitations. POST: make them.

    The POST's response is the result itself: the CSV file, the page of slips,
    or (for email) a redirect to the batch's progress page.
    """
    data = request.POST if request.method == "POST" else request.GET
    choice = OutputChoiceForm({"output": data.get("output", "")})
    if not choice.is_valid():
        return _page(request, round_, choice)
    output = choice.cleaned_data["output"]
    if request.method != "POST":
        form = InvitationCreateForm(
            initial={"output": output}, partnership=round_.partnership, round=round_
        )
        return _make_page(request, round_, form, output)

    form = InvitationCreateForm(request.POST, partnership=round_.partnership, round=round_)
    if not form.is_valid():
        return _make_page(request, round_, form, output)
    data = form.cleaned_data
    try:
        if output == Output.EMAIL:
            batch = emailing.invitation_batch_start(
                round=round_,
                addresses=data["addresses"],
                subject=data["subject"],
                body=data["message"],
                organisation=data["organisation"],
                acting_user=request.user,
            )
        else:
            issued = services.invitations_create(
                round=round_,
                count=data["count"],
                organisation=data["organisation"],
                acting_user=request.user,
            )
    except ServiceError as error:
        field = {
            "count": {Output.CSV: "csv_count", Output.SLIPS: "slips_count"}.get(output, "emails"),
            "organisation": "organisation",
            "emails": "emails",
            "subject": "subject",
            "body": "message",
        }.get(error.field or "")
        form.add_error(field, error.message)
        return _make_page(request, round_, form, output)

    if output == Output.EMAIL:
        messages.success(
            request,
            _("Your invitations are being sent to %(n)s addresses") % {"n": f"{batch.total:,}"},
        )
        return redirect(
            "partnerships:invitation_batch",
            slug=round_.partnership.slug,
            round_id=round_.pk,
            batch_id=batch.pk,
        )
    if output == Output.CSV:
        response = HttpResponse(
            invitation_outputs.invitations_csv(issued), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=invitation_outputs.csv_filename(round_)
        )
        return _no_store(response)
    slips = invitation_outputs.slips(issued, qr_label=_("QR code for the link written beside it"))
    return _no_store(
        _render(
            request,
            "slips.html",
            {
                "partnership": round_.partnership,
                "round": round_,
                "organisation": data["organisation"],
                "count": len(slips),
                "pages": invitation_outputs.pages(slips),
            },
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_coordinator_view
def invitations_remind(request: HttpRequest, round_: Round) -> HttpResponse:
    is_post = request.method == "POST"
    form = ReminderForm(request.POST if is_post else None, round=round_)
    if is_post and form.is_valid():
        try:
            batch = emailing.reminder_batch_start(
                round=round_,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
                acting_user=request.user,
            )
        except ServiceError as error:
            form.add_error(
                {"subject": "subject", "body": "message"}.get(error.field or ""), error.message
            )
        else:
            messages.success(
                request, _("Your reminders are being sent to %(n)s people") % {"n": batch.total}
            )
            return redirect(
                "partnerships:invitation_batch",
                slug=round_.partnership.slug,
                round_id=round_.pk,
                batch_id=batch.pk,
            )
    counts = emailing.invitation_counts(round=round_)
    return _render(
        request,
        "remind.html",
        {
            "partnership": round_.partnership,
            "round": round_,
            "form": form,
            "remindable": _remindable_count(counts, threshold=round_.min_group_size),
            "has_remindable": counts.remindable > 0,
            "can_send": round_.status in emailing.SENDABLE_STATUSES,
        },
    )


def _batch(round_: Round, batch_id: int) -> EmailBatch:
    batch = selectors.email_batch_get(round=round_, batch_id=batch_id)
    if batch is None:
        raise Http404("No such batch in this round")
    return batch


@never_cache
@require_safe
@_coordinator_view
def invitation_batch(request: HttpRequest, round_: Round, batch_id: int) -> HttpResponse:
    batch = _batch(round_, batch_id)
    return _render(
        request,
        "batch.html",
        {
            "partnership": round_.partnership,
            "round": round_,
            "batch": batch,
            "stalled": emailing.batch_is_stalled(batch),
            "can_carry_on": emailing.batch_can_carry_on(batch),
            "stalled_minutes": settings.STACKUP_EMAIL_STALLED_MINUTES,
        },
    )


@never_cache
@require_POST
@_coordinator_view
def invitation_batch_carry_on(request: HttpRequest, round_: Round, batch_id: int) -> HttpResponse:
    batch = _batch(round_, batch_id)
    try:
        emailing.batch_carry_on(batch=batch, acting_user=request.user)
    except ServiceError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("Sending has started again"))
    return redirect(
        "partnerships:invitation_batch",
        slug=round_.partnership.slug,
        round_id=round_.pk,
        batch_id=batch.pk,
    )

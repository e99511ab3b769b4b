"""The respondent journey's pages. Forms check what is sent, services change data.

Every step saves on the server and redirects (POST, then redirect, then GET). A step can only
be opened or sent once the steps before it are saved; anything else is sent back to where
the person should be, with nothing changed.
"""

from __future__ import annotations

import logging
import math

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from stackup.partnerships.models import Invitation, Round, RoundStatus
from stackup.partnerships.selectors import organisations_offered
from stackup.partnerships.services import invitation_for_token
from stackup.partnerships.tokens import normalise_open_code
from stackup.responding import answers, forms, services, steps, throttling
from stackup.responding.journey import INVITATION, OPEN, Journey
from stackup.responding.models import Draft

logger = logging.getLogger(__name__)

SENT_SESSION_KEY = "stackup_responding_sent"
GET_POST = ["GET", "HEAD", "POST"]


# --- Pages that end or refuse a journey ----------------------------------------------------


def _page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(request, f"responding/{template}", context or {}, status=status)


def _link_not_found(request, *, kind: str = INVITATION):
    return _page(request, "link_not_found.html", {"kind": kind}, status=404)


def _already_submitted(request, round_: Round | None):
    return _page(request, "already_submitted.html", {"round": round_})


def _not_open(request, round_: Round):
    return _page(
        request,
        "not_open.html",
        {
            "round": round_,
            "not_yet": round_.status == RoundStatus.DRAFT,
            "closes_on": _date(round_.closes_on),
        },
    )


def _date(value) -> str | None:
    return formats.date_format(value, "j F Y") if value else None


# --- Finding the journey from the address ------------------------------------------------


def _invitation_journey(request: HttpRequest, token: str) -> Journey | HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return _link_not_found(request)
    round_ = invitation.round
    if invitation.used:
        return _already_submitted(request, round_)
    if not round_.is_open:
        return _not_open(request, round_)
    draft = (
        Draft.objects.filter(invitation=invitation)
        .annotate(framework_hash=F("round__framework__content_hash"))
        .first()
    )
    if draft is None and Invitation.objects.filter(pk=invitation.pk, used=True).exists():
        # Sent from another tab between the two reads above.
        return _already_submitted(request, round_)
    return Journey(kind=INVITATION, token=token, round=round_, draft=draft, invitation=invitation)


def _resume_journey(
    request: HttpRequest, token: str, *, submitting: bool = False
) -> Journey | HttpResponse:
    draft = services.draft_for_resume_token(token)
    if draft is None:
        # The draft is deleted when its answers are sent (or the round closes), so a
        # replayed submission finds nothing: it has been sent already.
        if submitting:
            return _already_submitted(request, None)
        return _page(request, "link_expired.html", status=404)
    if not draft.round.is_open:
        return _not_open(request, draft.round)
    return Journey(kind=OPEN, token=token, round=draft.round, draft=draft)


# --- Invitation links: /i/<token>/ ---------------------------------------------------------


@never_cache
@require_safe
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    journey = _invitation_journey(request, token)
    if isinstance(journey, HttpResponse):
        return journey
    if journey.draft is None:
        return _start_page(request, journey, _start_form(journey), action=journey.url(steps.START))
    return redirect(journey.url(journey.resume_point()))


@never_cache
@require_http_methods(GET_POST)
def invitation_step(request: HttpRequest, token: str, step: str) -> HttpResponse:
    journey = _invitation_journey(request, token)
    if isinstance(journey, HttpResponse):
        return journey
    return _step(request, journey, _named_step(step))


@never_cache
@require_http_methods(GET_POST)
def invitation_theme(request: HttpRequest, token: str, theme: str) -> HttpResponse:
    journey = _invitation_journey(request, token)
    if isinstance(journey, HttpResponse):
        return journey
    return _step(request, journey, steps.theme_step(theme))


# --- The open link: /r/, /r/<CODE>/ and /r/resume/<token>/ -------------------------------------


@never_cache
@require_safe
def code_entry(request: HttpRequest) -> HttpResponse:
    """Type the code from a poster, letter or paper form."""
    form = forms.CodeForm(request.GET) if "code" in request.GET else forms.CodeForm()
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if Round.objects.filter(open_code=code, open_link_enabled=True).exists():
            return redirect("responding:open", code=code)
        form.add_error(
            "code", _("There is no questionnaire with this code. Check the code and try again")
        )
    return _page(request, "code.html", {"form": form})


@never_cache
@require_http_methods(GET_POST)
def open_link(request: HttpRequest, code: str) -> HttpResponse:
    """The start page of the open link; starting makes a new draft with its own resume link."""
    canonical = normalise_open_code(code)
    if canonical is None:
        return _link_not_found(request, kind=OPEN)
    if canonical != code:
        return redirect("responding:open", code=canonical)
    round_ = (
        Round.objects.select_related("partnership", "framework")
        .filter(open_code=canonical, open_link_enabled=True)
        .first()
    )
    if round_ is None:
        return _link_not_found(request, kind=OPEN)
    if not round_.is_open:
        return _not_open(request, round_)
    journey = Journey(kind=OPEN, token="", round=round_, draft=None)
    form = _start_form(journey, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not throttling.open_start_allowed(request):
            response = _page(request, "too_many_starts.html", {"round": round_}, status=429)
            response["Retry-After"] = str(throttling.retry_after_seconds())
            return response
        try:
            draft, token = services.draft_start_open(round=round_, simple=_wants_simple(form))
        except services.RoundNotOpen:
            return _not_open(request, round_)
        journey = Journey(kind=OPEN, token=token, round=round_, draft=draft)
        return redirect(
            journey.url(
                steps.after_saving(journey.steps, journey.done, steps.START, changing=False)
            )
        )
    return _start_page(request, journey, form, action=request.path)


@never_cache
@require_safe
def resume(request: HttpRequest, token: str) -> HttpResponse:
    journey = _resume_journey(request, token)
    if isinstance(journey, HttpResponse):
        return journey
    return redirect(journey.url(journey.resume_point()))


@never_cache
@require_http_methods(GET_POST)
def resume_step(request: HttpRequest, token: str, step: str) -> HttpResponse:
    submitting = request.method == "POST" and step == steps.CHECK_ANSWERS
    journey = _resume_journey(request, token, submitting=submitting)
    if isinstance(journey, HttpResponse):
        return journey
    return _step(request, journey, _named_step(step))


@never_cache
@require_http_methods(GET_POST)
def resume_theme(request: HttpRequest, token: str, theme: str) -> HttpResponse:
    journey = _resume_journey(request, token)
    if isinstance(journey, HttpResponse):
        return journey
    return _step(request, journey, steps.theme_step(theme))


@never_cache
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """The confirmation page, for the browser that has just sent its answers."""
    round_id = request.session.get(SENT_SESSION_KEY)
    round_ = (
        Round.objects.select_related("partnership").filter(pk=round_id).first()
        if isinstance(round_id, int)
        else None
    )
    if round_ is None:
        raise Http404("Nothing has been sent from this browser")
    return _page(
        request,
        "confirmation.html",
        {"round": round_, "partnership": round_.partnership, "closes_on": _date(round_.closes_on)},
    )


# --- The steps -------------------------------------------------------------------------------


def _named_step(slug: str) -> str:
    """A step from its address; theme steps have their own address."""
    if slug.startswith(steps.THEME_PREFIX) or slug not in (
        steps.START,
        steps.ABOUT_YOU,
        steps.BENEFITS,
        steps.BARRIERS,
        steps.CHECK_ANSWERS,
    ):
        raise Http404("No such step")
    return slug


def _changing(request: HttpRequest) -> bool:
    return request.GET.get("change") == "1"


def _step(request: HttpRequest, journey: Journey, step: str) -> HttpResponse:
    if step not in journey.steps:
        raise Http404("No such step in this journey")
    if step == steps.START:
        return _start_step(request, journey)
    if journey.draft is None:
        return redirect(journey.entry_url())
    if not steps.is_reachable(journey.steps, journey.done, step):
        # Forged order: an address typed ahead, or a form sent out of turn.
        return redirect(journey.url(journey.resume_point()))
    if step == steps.CHECK_ANSWERS:
        return _check_answers(request, journey)

    form = _step_form(journey, step, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_save_step(
                draft=journey.draft,
                step=step,
                fragment=form.fragment(),
                framework=journey.framework,
                journey_steps=journey.steps,
            )
        except (services.StepNotReachable, services.DraftGone, services.RoundNotOpen):
            return redirect(journey.entry_url())
        journey.draft = draft
        return redirect(
            journey.url(
                steps.after_saving(journey.steps, journey.done, step, changing=_changing(request))
            )
        )
    return _question_page(request, journey, step, form)


def _wants_simple(form: forms.StartForm) -> bool:
    return "wording" in form.fields and form.simple


def _start_form(journey: Journey, data=None) -> forms.StartForm:
    initial = {}
    if journey.draft is not None and steps.START in journey.done:
        initial["wording"] = forms.SIMPLE if journey.simple else forms.STANDARD
    return forms.StartForm(
        data,
        initial=initial,
        offer_simple=answers.has_plain_statements(journey.framework),
    )


def _start_step(request: HttpRequest, journey: Journey) -> HttpResponse:
    form = _start_form(journey, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if journey.kind == INVITATION:
                journey.draft = services.draft_start_for_invitation(
                    invitation=journey.invitation, simple=_wants_simple(form)
                )
            else:
                journey.draft = services.draft_save_step(
                    draft=journey.draft,
                    step=steps.START,
                    fragment={"simple": _wants_simple(form)},
                    framework=journey.framework,
                    journey_steps=journey.steps,
                )
        except services.AlreadySubmitted:
            return _already_submitted(request, journey.round)
        except (services.RoundNotOpen, services.DraftGone):
            return redirect(journey.entry_url())
        following = steps.after_saving(
            journey.steps, journey.done, steps.START, changing=_changing(request)
        )
        return redirect(journey.url(following))
    return _start_page(request, journey, form, action=request.get_full_path())


def _minutes(framework) -> int:
    """About how long the questions take: some 20 seconds a statement, in steps of 5 minutes."""
    seconds = 20 * sum(len(theme["items"]) for theme in framework["themes"]) + 90
    return 5 * max(1, math.ceil(seconds / 300 - 0.5))


def _start_page(request, journey: Journey, form, *, action: str) -> HttpResponse:
    return _page(
        request,
        "start.html",
        {
            **_common(request, journey, steps.START),
            "form": form,
            "action": action,
            "minutes": _minutes(journey.framework),
            "pages": steps.progress(journey.steps, steps.START)[1],
            "closes_on": _date(journey.round.closes_on),
            "back_url": None,
        },
    )


def _common(request, journey: Journey, step: str) -> dict:
    changing = _changing(request)
    back = None
    if changing and steps.is_reachable(journey.steps, journey.done, steps.CHECK_ANSWERS):
        back = journey.url(steps.CHECK_ANSWERS)
    else:
        previous = steps.previous_step(journey.steps, step) if step in journey.steps else None
        if previous is not None and journey.draft is not None:
            back = journey.url(previous)
    number, total = steps.progress(journey.steps, step)
    resume_url = None
    if journey.kind == OPEN and journey.draft is not None:
        resume_url = request.build_absolute_uri(
            reverse("responding:resume", kwargs={"token": journey.token})
        )
    return {
        "journey": journey,
        "round": journey.round,
        "partnership": journey.partnership,
        "step": step,
        "back_url": back,
        "page_number": number,
        "page_total": total,
        "resume_url": resume_url,
        "content_lang": journey.content_lang(),
        "min_group_size": journey.round.min_group_size,
    }


def _step_form(journey: Journey, step: str, data=None):
    saved = journey.data
    theme_id = steps.theme_of(step)
    if step == steps.ABOUT_YOU:
        return forms.AboutYouForm(
            data,
            initial=saved["about"],
            round=journey.round,
            organisations=list(organisations_offered(partnership=journey.partnership)),
        )
    if theme_id is not None:
        theme = journey.theme(theme_id)
        initial = {
            forms.item_field_name(item["id"]): str(saved["answers"][item["id"]])
            for item in theme["items"]
            if item["id"] in saved["answers"]
        }
        initial["comment"] = saved["comments"].get(theme_id, "")
        return forms.ThemeForm(
            data, initial=initial, theme=theme, framework=journey.framework, simple=journey.simple
        )
    if step == steps.BENEFITS:
        return forms.BenefitsForm(
            data, initial={"benefits": saved["benefits"]}, framework=journey.framework
        )
    if step == steps.BARRIERS:
        initial = {
            forms.barrier_field_name(key): str(value) for key, value in saved["barriers"].items()
        }
        return forms.BarriersForm(data, initial=initial, framework=journey.framework)
    raise Http404("No such step")


_TEMPLATES = {
    steps.ABOUT_YOU: "about_you.html",
    steps.BENEFITS: "benefits.html",
    steps.BARRIERS: "barriers.html",
}


def _question_page(request, journey: Journey, step: str, form) -> HttpResponse:
    theme_id = steps.theme_of(step)
    context = {**_common(request, journey, step), "form": form}
    if theme_id is not None:
        context["theme"] = journey.theme(theme_id)
        context["theme_number"] = [s for s in journey.steps if steps.theme_of(s)].index(step) + 1
        context["theme_total"] = len(journey.framework["themes"])
        template = "theme.html"
    else:
        template = _TEMPLATES[step]
    return _page(request, template, context)


# --- Check answers and sending -----------------------------------------------------------------


class _SubmitProblem(django_forms.Form):
    """No fields: carries a problem with the whole submission, for the page title."""


def _check_answers(request: HttpRequest, journey: Journey) -> HttpResponse:
    problem = None
    if request.method == "POST":
        try:
            services.response_submit(
                draft=journey.draft, framework=journey.framework, journey_steps=journey.steps
            )
        except services.AlreadySubmitted:
            return _already_submitted(request, journey.round)
        except services.RoundNotOpen:
            return _not_open(request, journey.round)
        except (services.StepNotReachable, services.DraftGone):
            return redirect(journey.entry_url())
        except services.NothingAnswered:
            problem = _("Answer at least one statement before you send your answers")
        except answers.InvalidAnswers as error:
            logger.warning("A draft's answers did not fit its framework: %s", error)
            problem = _(
                "Some answers could not be saved. Go through the pages again, "
                "then send your answers"
            )
        else:
            request.session[SENT_SESSION_KEY] = journey.round.pk
            return redirect("responding:sent")
    form = _SubmitProblem()
    if problem:
        form = _SubmitProblem(data={})
        form.add_error(None, problem)
    first_theme = next(s for s in journey.steps if steps.theme_of(s))
    return _page(
        request,
        "check_answers.html",
        {
            **_common(request, journey, steps.CHECK_ANSWERS),
            "form": form,
            "problem": problem,
            "problem_href": journey.url(first_theme) + "?change=1",
            "sections": _summary(journey),
        },
    )


def _summary(journey: Journey) -> list[dict]:
    """The sections of check answers: a title, a change link and rows of key and value."""
    saved = journey.data
    framework = journey.framework
    not_answered = _("Not answered")
    sections = []

    if steps.ABOUT_YOU in journey.steps:
        about = saved["about"]
        form = forms.AboutYouForm(
            round=journey.round,
            organisations=list(organisations_offered(partnership=journey.partnership)),
        )
        rows = []
        for name, field in form.fields.items():
            labels = dict(field.choices)
            value = about.get(name)
            rows.append(
                {"key": field.label, "value": str(labels.get(value, not_answered)), "lang": None}
            )
        sections.append(
            {"title": _("About you"), "href": journey.url(steps.ABOUT_YOU), "rows": rows}
        )

    scale = framework["scale"]
    for theme in framework["themes"]:
        rows = []
        for item in theme["items"]:
            value = saved["answers"].get(item["id"])
            if value is None:
                text, lang = not_answered, None
            elif value == answers.DONT_KNOW:
                text, lang = scale["dont_know"], "framework"
            else:
                text, lang = scale["labels"].get(value, str(value)), "framework"
            rows.append(
                {
                    "key": answers.statement_text(item, simple=journey.simple),
                    "key_lang": "framework",
                    "value": text,
                    "lang": lang,
                }
            )
        rows.append(
            {
                "key": _("Your comments"),
                "value": saved["comments"].get(theme["id"]) or _("None"),
                "lang": None,
                "multiline": True,
            }
        )
        sections.append(
            {
                "title": theme["title"],
                "title_lang": "framework",
                "href": journey.url(steps.theme_step(theme["id"])),
                "rows": rows,
            }
        )

    if steps.BENEFITS in journey.steps:
        titles = {entry["id"]: entry["title"] for entry in framework["benefits"]}
        chosen = [titles[key] for key in saved["benefits"] if key in titles]
        sections.append(
            {
                "title": _("What the partnership has achieved"),
                "href": journey.url(steps.BENEFITS),
                "rows": [
                    {
                        "key": _("Benefits achieved"),
                        "value": chosen or _("None selected"),
                        "lang": "framework" if chosen else None,
                    }
                ],
            }
        )

    if steps.BARRIERS in journey.steps:
        levels = dict(forms.BARRIER_CHOICES)
        rows = []
        for entry in framework["barriers"]:
            value = saved["barriers"].get(entry["id"])
            rows.append(
                {
                    "key": entry["title"],
                    "key_lang": "framework",
                    "value": str(levels.get(str(value), not_answered))
                    if value is not None
                    else not_answered,
                    "lang": None,
                }
            )
        sections.append(
            {
                "title": _("What holds the partnership back"),
                "href": journey.url(steps.BARRIERS),
                "rows": rows,
            }
        )
    return sections


# --- Assisted entry and imports (signed-in staff) ------------------------------------------


def _staff_round(partnership, round_id: int) -> Round:
    from stackup.partnerships import selectors

    round_ = selectors.round_get(partnership=partnership, round_id=round_id)
    if round_ is None:
        raise Http404("No such round in this partnership")
    return round_


@login_required
@never_cache
@require_http_methods(GET_POST)
def assisted_entry(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """A helper or coordinator keys in a paper or phone response, then the next one.

    The page shows only the empty form: never another response, not even the one just saved.
    """
    from stackup.partnerships import access
    from stackup.partnerships.access import Permission
    from stackup.responding.assisted import AssistedForm
    from stackup.responding.journey import framework_document

    acc = access.require(request.user, slug, Permission.ENTER_RESPONSES)
    round_ = _staff_round(acc.partnership, round_id)
    context = {"partnership": acc.partnership, "round": round_, "form": None}
    if round_.status != RoundStatus.OPEN:
        return _page(request, "assisted.html", context)
    framework = framework_document(round_)
    form = AssistedForm(
        request.POST if request.method == "POST" else None,
        round=round_,
        organisations=list(organisations_offered(partnership=acc.partnership)),
        framework=framework,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_record(
                round=round_,
                answers=form.answers(),
                about=form.about(),
                channel=form.cleaned_data["channel"],
                comments=form.comments(),
                benefits=form.benefits(),
                barriers=form.barriers(),
                acting_user=request.user,
            )
        except services.RoundNotOpen:
            form.add_error(None, _("The round has closed: the response was not saved"))
        except answers.InvalidAnswers:
            form.add_error(None, _("The response was not saved: check the answers"))
        else:
            messages.success(request, _("Response saved"))
            return redirect(request.path)
    context["form"] = form
    return _page(request, "assisted.html", context, status=200)


class ImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=_lazy("Upload a file"),
        help_text=_lazy("A CSV file (UTF-8) or an ODS spreadsheet, smaller than 20 MB."),
        error_messages={
            "required": _lazy("Select a CSV or ODS file"),
            "empty": _lazy("The selected file is empty"),
            "invalid": _lazy("Select a CSV or ODS file"),
        },
    )
    round = django_forms.ChoiceField(
        label=_lazy("Which round are the responses for?"),
        help_text=_lazy("Rows with a round column go to the round they name."),
        required=False,
        error_messages={"invalid_choice": _lazy("Select one of the rounds shown")},
    )
    confirm = django_forms.BooleanField(
        label=_lazy("I have checked the file: import it if it has no problems"),
        required=False,
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("Use the round column")), *rounds]


IMPORT_PROBLEMS_SHOWN = 200


@login_required
@never_cache
@require_http_methods(GET_POST)
def import_responses(request: HttpRequest, slug: str) -> HttpResponse:
    """Check a file of responses and, when asked, import it, all or nothing.

    The file is checked every time it is sent; nothing of it is kept on the server. Ticking
    "I have checked the file" imports it if (and only if) it has no problems.
    """
    from stackup.partnerships import access
    from stackup.partnerships.access import Permission
    from stackup.responding import importing

    acc = access.require(request.user, slug, Permission.MANAGE_PARTNERSHIP)
    rounds = [
        (r.name, f"{r.name} ({r.get_status_display().lower()})")
        for r in acc.partnership.rounds.exclude(status=RoundStatus.DRAFT).order_by("-created_at")
    ]
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        rounds=rounds,
    )
    context = {
        "partnership": acc.partnership,
        "form": form,
        "problems": None,
        "result": None,
        "shown": IMPORT_PROBLEMS_SHOWN,
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        confirm = form.cleaned_data["confirm"]
        try:
            if upload.size > importing.MAX_FILE_BYTES:
                raise importing.TableError(
                    _("The file must be smaller than %(size)s MB")
                    % {"size": importing.MAX_FILE_BYTES // (1024 * 1024)}
                )
            table = importing.read_table(upload.read(), upload.name or "")
            result = services.responses_import(
                partnership=acc.partnership,
                rows=table,
                default_round=form.cleaned_data["round"] or None,
                acting_user=request.user,
                dry_run=not confirm,
            )
        except importing.TableError as error:
            form.add_error("file", str(error))
            status = 400
        except services.ImportRefused as refused:
            context["problems"] = refused.checked.problems[:IMPORT_PROBLEMS_SHOWN]
            context["problem_count"] = refused.checked.problem_count
            status = 400
        else:
            if not result.dry_run:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s response imported",
                        "%(count)s responses imported",
                        result.created_total,
                    )
                    % {"count": f"{result.created_total:,}"},
                )
                return redirect(request.path)
            context["result"] = result
    elif request.method == "POST":
        status = 400
    return _page(request, "import.html", context, status=status)

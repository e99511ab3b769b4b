"""Changes to responses and drafts.

The respondent's actions write no audit rows: a timestamped row per answer or submission
would record when someone responded, which the anonymity promise rules out. A draft knows
its invitation (so that the same link carries on where it stopped, on any device); the
response made from it does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from stackup.partnerships import tokens
from stackup.partnerships.models import Invitation, Organisation, Round, RoundStatus, Sector
from stackup.responding import answers, drafts, forms, steps
from stackup.responding import answers as answers_module
from stackup.responding.models import Channel, Draft, Response, RoleLevel

LONDON = ZoneInfo("Europe/London")


class JourneyError(Exception):
    """Something stops the answers being saved or sent; the view says what."""


class RoundNotOpen(JourneyError):
    pass


class AlreadySubmitted(JourneyError):
    pass


class StepNotReachable(JourneyError):
    """A step was sent before the steps ahead of it: nothing is saved."""


class NothingAnswered(JourneyError):
    """Check answers was sent without a single statement answered."""


class DraftGone(JourneyError):
    """The draft no longer exists (the round closed, or it was sent from another tab)."""


@transaction.atomic
def drafts_delete_for_round(*, round) -> int:
    """Delete every unfinished answer in a round (when it closes)."""
    deleted, _by_model = Draft.objects.filter(round=round).delete()
    return deleted


def journey_steps_for(*, round: Round, framework: dict[str, Any]) -> tuple[str, ...]:
    return steps.journey_steps(
        asks_about_you=any(
            (
                round.ask_organisation,
                round.ask_sector,
                round.ask_role_level,
                round.ask_uses_services,
            )
        ),
        theme_ids=[theme["id"] for theme in framework["themes"]],
        has_benefits=bool(framework.get("benefits")),
        has_barriers=bool(framework.get("barriers")),
    )


def _require_open(round_id: int) -> None:
    status = Round.objects.filter(pk=round_id).values_list("status", flat=True).first()
    if status != RoundStatus.OPEN:
        raise RoundNotOpen


@transaction.atomic
def draft_start_for_invitation(*, invitation: Invitation, simple: bool) -> Draft:
    """Begin (or carry on) answering through a personal invitation.

    The invitation is marked as started (only that: never when, never by whom), with a
    conditional update so two tabs starting at once cannot race.
    """
    _require_open(invitation.round_id)
    # The invitation row first, then the draft: the same order as a submission, so the
    # two cannot wait on each other.
    Invitation.objects.filter(pk=invitation.pk, started=False).update(started=True)
    if Invitation.objects.filter(pk=invitation.pk, used=True).exists():
        raise AlreadySubmitted
    draft, _created = Draft.objects.get_or_create(
        invitation=invitation, defaults={"round_id": invitation.round_id, "data": drafts.empty()}
    )
    return _save(draft.pk, steps.START, {"simple": simple}, framework=None, steps_=None)


@transaction.atomic
def draft_start_open(*, round: Round, simple: bool) -> tuple[Draft, str]:
    """Begin answering through the open link: a new draft with its own resume token.

    Returns the draft and the token; only the token's hash is kept.
    """
    _require_open(round.pk)
    if not round.open_link_enabled:
        raise RoundNotOpen
    token = tokens.new_token()
    data = drafts.apply_step(drafts.empty(), steps.START, {"simple": simple}, {})
    draft = Draft.objects.create(round=round, resume_token_hash=tokens.hash_token(token), data=data)
    return draft, token


def draft_for_resume_token(token: str) -> Draft | None:
    """The open-link draft a resume token belongs to, if any."""
    if not tokens.TOKEN_RE.match(token or ""):
        return None
    draft = (
        Draft.objects.select_related("round", "round__partnership", "round__framework")
        .filter(resume_token_hash=tokens.hash_token(token))
        .first()
    )
    if draft is None or not tokens.token_matches(token, draft.resume_token_hash or ""):
        return None
    return draft


@transaction.atomic
def draft_save_step(
    *,
    draft: Draft,
    step: str,
    fragment: dict[str, Any],
    framework: dict[str, Any],
    journey_steps: tuple[str, ...],
) -> Draft:
    """Save one step's answers into the draft, checked again under a row lock."""
    return _save(draft.pk, step, fragment, framework=framework, steps_=journey_steps)


def _save(draft_id, step, fragment, *, framework, steps_) -> Draft:
    locked = Draft.objects.select_for_update().filter(pk=draft_id).first()
    if locked is None:
        raise DraftGone
    _require_open(locked.round_id)
    data = drafts.normalised(locked.data)
    if steps_ is not None and not steps.is_reachable(steps_, data["done"], step):
        raise StepNotReachable
    locked.data = drafts.apply_step(data, step, fragment, framework or {})
    locked.save(update_fields=["data", "updated_at"])
    return locked


def today_in_london() -> dt.date:
    return timezone.now().astimezone(LONDON).date()


@transaction.atomic
def response_submit(
    *, draft: Draft, framework: dict[str, Any], journey_steps: tuple[str, ...]
) -> Response:
    """Turn a finished draft into a response, once.

    In one transaction: an invitation is marked used with a conditional update, and only the
    request whose update changed the row goes on; an open-link draft is deleted with a
    conditional delete, and only the request whose delete removed it goes on. Every other
    request, however close in time, gets :class:`AlreadySubmitted` and changes nothing.
    The answers are checked against the framework again before they are stored.
    """
    if draft.invitation_id is not None:
        won = Invitation.objects.filter(pk=draft.invitation_id, used=False).update(used=True)
        if won != 1:
            raise AlreadySubmitted
        current = Draft.objects.select_for_update().filter(pk=draft.pk).first()
        if current is None:
            raise DraftGone
        Draft.objects.filter(pk=draft.pk).delete()
    else:
        current = Draft.objects.select_for_update().filter(pk=draft.pk).first()
        if current is None:
            raise AlreadySubmitted
        removed, _by_model = Draft.objects.filter(pk=draft.pk).delete()
        if removed != 1:
            raise AlreadySubmitted
    round_ = Round.objects.select_related("partnership").get(pk=current.round_id)
    if round_.status != RoundStatus.OPEN:
        raise RoundNotOpen
    data = drafts.normalised(current.data)
    if not steps.is_reachable(journey_steps, data["done"], steps.CHECK_ANSWERS):
        raise StepNotReachable
    clean = answers.clean_answers(
        framework,
        answers=data["answers"],
        comments=data["comments"],
        benefits=data["benefits"],
        barriers=data["barriers"],
    )
    if not clean.answers:
        raise NothingAnswered
    about = clean_about(round_, data["about"])
    return Response.objects.create(
        round=round_,
        channel=Channel.ONLINE,
        submitted_on=today_in_london(),
        answers=clean.answers,
        comments=clean.comments,
        benefits=clean.benefits,
        barriers=clean.barriers,
        **about,
    )


def clean_about(round_: Round, about: dict[str, Any]) -> dict[str, Any]:
    """The "about you" answers as a response stores them; unknown values are refused."""
    problems = []
    asked = {
        "organisation": round_.ask_organisation,
        "sector": round_.ask_sector,
        "role_level": round_.ask_role_level,
        "uses_services": round_.ask_uses_services,
    }
    for name in about:
        if name not in asked or not asked[name]:
            problems.append(f"about: {name!r} was not asked")
    result: dict[str, Any] = {
        "organisation": None,
        "sector": "",
        "role_level": "",
        "uses_services": None,
    }
    skipped = ("", None, forms.NO_ANSWER)
    organisation = about.get("organisation")
    if organisation not in (*skipped, forms.NOT_LISTED):
        if not (isinstance(organisation, str) and organisation.isdigit()):
            problems.append(f"about: {organisation!r} is not an organisation")
        else:
            found = Organisation.objects.filter(pk=int(organisation)).first()
            # An organisation removed from the partnership since is no answer; one from
            # another partnership is a forged value.
            if found is not None and found.partnership_id != round_.partnership_id:
                problems.append(f"about: {organisation!r} is not in this partnership")
            result["organisation"] = found
    sector = about.get("sector")
    if sector not in skipped:
        if sector in Sector.values:
            result["sector"] = sector
        else:
            problems.append(f"about: {sector!r} is not a sector")
    role_level = about.get("role_level")
    if role_level not in skipped:
        if role_level in RoleLevel.values:
            result["role_level"] = role_level
        else:
            problems.append(f"about: {role_level!r} is not a role level")
    uses = about.get("uses_services")
    if uses not in skipped:
        if uses in ("yes", "no"):
            result["uses_services"] = uses == "yes"
        else:
            problems.append(f"about: {uses!r} is not an answer about services")
    if problems:
        raise answers.InvalidAnswers(problems)
    return result


# --- Assisted entry and imports -----------------------------------------------------------

#: The channels a person keys in or answers through while a round is open.
LIVE_CHANNELS = (Channel.ONLINE, Channel.PAPER, Channel.PHONE)


class ImportRefused(Exception):
    """The file has problems: nothing was stored. ``checked.problems`` says which."""

    def __init__(self, checked):
        super().__init__(f"{checked.problem_count} problems")
        self.checked = checked


@transaction.atomic
def response_record(
    *,
    round: Round,
    answers: dict[str, Any],
    about: dict[str, Any],
    channel: str,
    comments: dict[str, Any] | None = None,
    benefits: Any = None,
    barriers: dict[str, Any] | None = None,
    import_key: str | None = None,
    acting_user=None,
) -> Response:
    """Store one response keyed in by a helper (paper or phone) or brought in from a file.

    The answers are checked against the round's framework with the same checks as the
    journey's; ``about`` is in the journey's shape (organisation id as text, sector,
    role_level, uses_services "yes"/"no"). Open rounds take online, paper and phone
    responses; imported ones may also go into a closed round (historic data). Nothing links
    the response to an invitation, and the audit row says only that a response came in by
    this channel: never its answers, its "about you" answers or its id.
    """
    from stackup.core.audit import audit_log
    from stackup.responding.journey import framework_document

    round_ = Round.objects.select_for_update().select_related("partnership").get(pk=round.pk)
    if channel not in Channel.values:
        raise answers_module.InvalidAnswers([f"channel: {channel!r} is not a channel"])
    allowed = (
        (RoundStatus.OPEN, RoundStatus.CLOSED) if channel == Channel.IMPORT else (RoundStatus.OPEN,)
    )
    if round_.status not in allowed:
        raise RoundNotOpen
    framework = framework_document(round_)
    clean = answers_module.clean_answers(
        framework, answers=answers, comments=comments, benefits=benefits, barriers=barriers
    )
    if not clean.answers:
        raise NothingAnswered
    about_clean = clean_about(round_, about)
    response = Response.objects.create(
        round=round_,
        channel=channel,
        submitted_on=today_in_london(),
        answers=clean.answers,
        comments=clean.comments,
        benefits=clean.benefits,
        barriers=clean.barriers,
        import_key=import_key,
        **about_clean,
    )
    if channel != Channel.ONLINE:
        audit_log(
            action="response.record",
            summary=f"Entered a response ({Channel(channel).label.lower()}) in {round_.name}",
            actor=acting_user,
            partnership=round_.partnership,
            target=round_,
            data={"channel": channel},
        )
    return response


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    #: Round name → responses stored (or ready to store).
    created: dict[str, int] = dataclass_field(default_factory=dict)
    #: Spreadsheet row numbers whose respondent_id is already in their round.
    already_imported: list[int] = dataclass_field(default_factory=list)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())


def import_context(*, partnership, default_round: str | None = None):
    """The facts about ``partnership`` that the file is checked against."""
    from stackup.responding import importing
    from stackup.responding.journey import framework_document

    rounds = Round.objects.filter(partnership=partnership).select_related("framework")
    return importing.ImportContext(
        rounds={
            r.name: importing.RoundInfo(
                id=r.pk, name=r.name, status=r.status, framework=framework_document(r)
            )
            for r in rounds
        },
        organisations={
            name.lower(): pk
            for pk, name in Organisation.objects.filter(partnership=partnership).values_list(
                "pk", "name"
            )
        },
        sectors=frozenset(Sector.values),
        default_round=default_round,
    )


@transaction.atomic
def responses_import(
    *,
    partnership,
    rows: list[list[str]],
    default_round: str | None = None,
    acting_user=None,
    dry_run: bool = False,
) -> ImportResult:
    """Check a whole table of responses and store every row, or none.

    ``rows`` are the file's rows of text, the header first (see
    :func:`stackup.responding.importing.read_table`). Any problem raises
    :class:`ImportRefused` listing them all, and nothing is stored. Rows whose respondent_id
    is already stored in their round are skipped, so importing the same file twice stores it
    once. One audit row records the import: the rounds and the counts, nothing from the file.
    """
    from stackup.core.audit import audit_log
    from stackup.responding import importing

    context = import_context(partnership=partnership, default_round=default_round)
    checked = importing.check_table(rows, context)
    if checked.problem_count:
        raise ImportRefused(checked)
    names = {info.id: info.name for info in context.rounds.values()}
    round_ids = sorted({row.round_id for row in checked.rows})
    # Locking the rounds keeps two imports of the same file from both storing it.
    list(Round.objects.select_for_update().filter(pk__in=round_ids).order_by("pk"))
    statuses = dict(Round.objects.filter(pk__in=round_ids).values_list("pk", "status"))
    refused = [row for row in checked.rows if statuses.get(row.round_id) == RoundStatus.DRAFT]
    if refused:
        for row in refused:
            checked.add(row.line, "round", f"{names[row.round_id]} is a draft round")
        raise ImportRefused(checked)
    keys = [row.import_key for row in checked.rows if row.import_key]
    existing = (
        set(
            Response.objects.filter(round_id__in=round_ids, import_key__in=keys).values_list(
                "round_id", "import_key"
            )
        )
        if keys
        else set()
    )
    result = ImportResult(dry_run=dry_run)
    today = today_in_london()
    new: list[Response] = []
    for row in checked.rows:
        if row.import_key and (row.round_id, row.import_key) in existing:
            result.already_imported.append(row.line)
            continue
        name = names[row.round_id]
        result.created[name] = result.created.get(name, 0) + 1
        new.append(
            Response(
                round_id=row.round_id,
                channel=row.channel,
                submitted_on=today,
                organisation_id=row.organisation_id,
                sector=row.sector,
                role_level=row.role_level,
                uses_services=row.uses_services,
                answers=row.answers,
                comments=row.comments,
                import_key=row.import_key,
            )
        )
    if dry_run or not new:
        return result
    Response.objects.bulk_create(new, batch_size=1000)
    audit_log(
        action="responses.import",
        summary=f"Imported {len(new)} responses ("
        + ", ".join(f"{count} in {name}" for name, count in sorted(result.created.items()))
        + ")",
        actor=acting_user,
        partnership=partnership,
        data={
            "created": result.created,
            "already_imported": len(result.already_imported),
        },
    )
    return result


@transaction.atomic
def responses_bulk_record(
    *,
    round: Round,
    entries: list[dict[str, Any]],
    submitted_on: dt.date | None = None,
    acting_user=None,
) -> int:
    """Store many responses at once, each checked like any other (for the demo and tools).

    Each entry holds ``answers`` and optionally ``comments``, ``benefits``, ``barriers``,
    ``organisation`` (an Organisation of the partnership), ``sector``, ``role_level``,
    ``uses_services`` and ``channel`` (default import). All or nothing; one audit row.
    Draft rounds take none.
    """
    from stackup.core.audit import audit_log
    from stackup.responding.journey import framework_document

    round_ = Round.objects.select_for_update().select_related("partnership").get(pk=round.pk)
    if round_.status == RoundStatus.DRAFT:
        raise RoundNotOpen
    framework = framework_document(round_)
    day = submitted_on or today_in_london()
    new = []
    for number, entry in enumerate(entries, start=1):
        problems = []
        clean = answers_module.clean_answers(
            framework,
            answers=entry.get("answers"),
            comments=entry.get("comments"),
            benefits=entry.get("benefits"),
            barriers=entry.get("barriers"),
        )
        organisation = entry.get("organisation")
        if organisation is not None and organisation.partnership_id != round_.partnership_id:
            problems.append(f"entry {number}: the organisation is not in this partnership")
        if entry.get("sector", "") not in ("", *Sector.values):
            problems.append(f"entry {number}: {entry['sector']!r} is not a sector")
        if entry.get("role_level", "") not in ("", *RoleLevel.values):
            problems.append(f"entry {number}: {entry['role_level']!r} is not a role level")
        if entry.get("channel", Channel.IMPORT) not in Channel.values:
            problems.append(f"entry {number}: {entry['channel']!r} is not a channel")
        if not clean.answers:
            problems.append(f"entry {number}: no statement is answered")
        if problems:
            raise answers_module.InvalidAnswers(problems)
        new.append(
            Response(
                round=round_,
                channel=entry.get("channel", Channel.IMPORT),
                submitted_on=day,
                organisation=organisation,
                sector=entry.get("sector", ""),
                role_level=entry.get("role_level", ""),
                uses_services=entry.get("uses_services"),
                answers=clean.answers,
                comments=clean.comments,
                benefits=clean.benefits,
                barriers=clean.barriers,
            )
        )
    Response.objects.bulk_create(new, batch_size=1000)
    audit_log(
        action="responses.import",
        summary=f"Imported {len(new)} responses in {round_.name}",
        actor=acting_user,
        partnership=round_.partnership,
        target=round_,
        data={"created": {round_.name: len(new)}},
    )
    return len(new)

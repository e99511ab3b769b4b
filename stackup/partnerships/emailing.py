"""Invitation and reminder emails, sent in the background.

The web request only records a batch (the addresses, or for reminders the
invitations to remind, with the subject and message) and queues a task that
carries nothing but the batch's id. The worker then, for each person, makes
the link (a new invitation, or for a reminder a replacement link), sends it
and forgets it: no link or token is ever stored, in the batch, the task
queue or anywhere else.

Each email is tried ``STACKUP_EMAIL_ATTEMPTS`` times with a growing wait in
between; one that still fails is counted and its address kept on the batch,
so the coordinator knows who did not get an email. A reminder that cannot be
sent gives the invitation its earlier link back, so the person's first email
still works.

The audit log gets one row when the coordinator queues a batch (who, how
many) and one when it finishes or stops (how many were sent), never one per
person: the services the worker calls are told not to audit each link.

Progress is written every few emails. A batch whose worker stopped part way
(a restart, a crash) can be carried on: a new run starts where the last one
got to, and the older run, if it was only slow, stops at its next write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stackup.core.audit import audit_log
from stackup.partnerships import services
from stackup.partnerships.models import Invitation, Organisation, Round, RoundStatus
from stackup.partnerships.models_email import EmailBatch, EmailBatchKind, EmailBatchStatus
from stackup.partnerships.services import ServiceError, parse_addresses

logger = logging.getLogger(__name__)

LINK_PLACEHOLDER = "{link}"
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 5000
# Rounds whose invitations may still be sent out.
SENDABLE_STATUSES = (RoundStatus.DRAFT, RoundStatus.OPEN)
# How many people are handled between two writes of progress.
CHUNK_SIZE = 100
FLUSH_EVERY = 20


# --- Texts ---------------------------------------------------------------------------------


def default_invitation_text(round_: Round) -> tuple[str, str]:
    partnership = round_.partnership.name
    subject = _("How well does %(partnership)s work together? Tell us in 10 minutes") % {
        "partnership": partnership
    }
    body = _(
        "Hello,\n\n"
        "%(partnership)s is asking the people who work in its organisations, and the people "
        "who use their services, how well they work together.\n\n"
        "Please answer a short set of questions. It takes about 10 minutes. Your answers are "
        "anonymous: nobody, including the people who run the survey, can tell which answers "
        "are yours.\n\n"
        "Your own link (please do not pass it on, as it works for one set of answers):\n"
        "{link}\n\n"
        "Thank you."
    ) % {"partnership": partnership}
    return subject, body


def default_reminder_text(round_: Round) -> tuple[str, str]:
    partnership = round_.partnership.name
    subject = _("Reminder: how well does %(partnership)s work together?") % {
        "partnership": partnership
    }
    body = _(
        "Hello,\n\n"
        "A little while ago %(partnership)s asked for your views on how well its "
        "organisations work together. If you have not had the chance yet, there is still "
        "time. It takes about 10 minutes and your answers are anonymous.\n\n"
        "Here is a new link for you. The link in our earlier email no longer works.\n"
        "{link}\n\n"
        "Thank you."
    ) % {"partnership": partnership}
    return subject, body


def check_text(subject: str, body: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not subject:
        raise ServiceError(_("Enter the subject of the email"), field="subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise ServiceError(
            _("The subject must be %(n)s characters or fewer") % {"n": MAX_SUBJECT_LENGTH},
            field="subject",
        )
    if not body:
        raise ServiceError(_("Enter the message"), field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise ServiceError(
            _("The message must be %(n)s characters or fewer") % {"n": MAX_BODY_LENGTH},
            field="body",
        )
    if LINK_PLACEHOLDER not in body:
        raise ServiceError(
            _("The message must include %(link)s where each person's own link goes")
            % {"link": LINK_PLACEHOLDER},
            field="body",
        )
    return subject, body


# --- Reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationCounts:
    made: int
    used: int
    remindable: int

    @property
    def not_used(self) -> int:
        return self.made - self.used


def invitation_counts(*, round: Round) -> InvitationCounts:
    counts = Invitation.objects.filter(round=round).aggregate(
        n_made=Count("id"),
        n_used=Count("id", filter=Q(used=True)),
        n_remindable=Count("id", filter=Q(used=False) & ~Q(email="")),
    )
    return InvitationCounts(
        made=counts["n_made"], used=counts["n_used"], remindable=counts["n_remindable"]
    )


def _remindable(round_: Round):
    return Invitation.objects.filter(round=round_, used=False).exclude(email="")


def batches_for_round(*, round: Round, limit: int = 50):
    return EmailBatch.objects.filter(round=round).select_related("organisation")[:limit]


def batch_is_stalled(batch: EmailBatch) -> bool:
    """True when a batch that should be moving has not written progress for a while."""
    if batch.is_done:
        return False
    limit = dt.timedelta(minutes=settings.STACKUP_EMAIL_STALLED_MINUTES)
    return batch.updated_at < timezone.now() - limit


def batch_can_carry_on(batch: EmailBatch) -> bool:
    """A batch that stalled, or stopped on a problem with people still to write to."""
    if batch.status == EmailBatchStatus.FAILED:
        return batch.processed < batch.total
    return batch_is_stalled(batch)


# --- Starting batches (the web request) ----------------------------------------------------


def _check_round(round_: Round) -> None:
    if round_.status not in SENDABLE_STATUSES:
        raise ServiceError(_("This round has closed, so it cannot send invitations or reminders"))


def invitation_batch_start(
    *,
    round: Round,
    addresses: list[str],
    subject: str,
    body: str,
    organisation: Organisation | None = None,
    acting_user=None,
) -> EmailBatch:
    """Record a batch of invitation emails and queue it. Sends nothing itself."""
    batch = _invitation_batch_create(
        round_=round,
        addresses=addresses,
        subject=subject,
        body=body,
        organisation=organisation,
        acting_user=acting_user,
    )
    _enqueue(batch)
    return batch


@transaction.atomic
def _invitation_batch_create(
    *, round_, addresses, subject, body, organisation, acting_user
) -> EmailBatch:
    _check_round(round_)
    if organisation is not None and organisation.partnership_id != round_.partnership_id:
        raise ServiceError(_("That organisation is not in this partnership"), field="organisation")
    subject, body = check_text(subject, body)
    addresses = parse_addresses("\n".join(addresses))
    return _batch_create(
        round_,
        kind=EmailBatchKind.INVITATION,
        subject=subject,
        body=body,
        acting_user=acting_user,
        organisation=organisation,
        addresses=addresses,
        action="emails.invitations_queued",
        summary=f"Queued invitation emails to {len(addresses)} addresses for round {round_.name}"
        + (f" for {organisation.name}" if organisation else ""),
        data={"count": len(addresses), "organisation": organisation.name if organisation else None},
    )


def reminder_batch_start(
    *,
    round: Round,
    subject: str,
    body: str,
    acting_user=None,
) -> EmailBatch:
    """Queue reminders to everyone with an address whose invitation is not used yet."""
    batch = _reminder_batch_create(
        round_=round, subject=subject, body=body, acting_user=acting_user
    )
    _enqueue(batch)
    return batch


@transaction.atomic
def _reminder_batch_create(*, round_, subject, body, acting_user) -> EmailBatch:
    _check_round(round_)
    subject, body = check_text(subject, body)
    ids = list(_remindable(round_).order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ServiceError(
            _("There is nobody to remind: every invitation with an email address has been used")
        )
    return _batch_create(
        round_,
        kind=EmailBatchKind.REMINDER,
        subject=subject,
        body=body,
        acting_user=acting_user,
        invitation_ids=ids,
        action="emails.reminders_queued",
        summary=f"Queued reminders to {len(ids)} people for round {round_.name}",
        data={"count": len(ids)},
    )


def _batch_create(
    round_: Round,
    *,
    kind: str,
    subject: str,
    body: str,
    acting_user,
    action: str,
    summary: str,
    data: dict,
    organisation: Organisation | None = None,
    addresses: list[str] | None = None,
    invitation_ids: list[int] | None = None,
) -> EmailBatch:
    """Record a batch, with its one audit row: who queued it and for how many people.

    The worker that sends it writes no row per person (see ``audit=False``), only
    one when the batch finishes or stops.
    """
    work = addresses if addresses is not None else invitation_ids or []
    batch = EmailBatch.objects.create(
        round=round_,
        kind=kind,
        organisation=organisation,
        subject=subject,
        body=body,
        addresses=addresses or [],
        invitation_ids=invitation_ids or [],
        total=len(work),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit_log(
        action=action,
        summary=summary,
        actor=acting_user,
        partnership=round_.partnership,
        target=batch,
        data=data,
    )
    return batch


def batch_carry_on(*, batch: EmailBatch, acting_user=None) -> EmailBatch:
    """Start a new run of a batch that stopped part way; it picks up where the last one was."""
    if not batch_can_carry_on(batch):
        raise ServiceError(_("This batch is still being sent, or has finished"))
    with transaction.atomic():
        moved = EmailBatch.objects.filter(pk=batch.pk, run=batch.run).update(
            run=F("run") + 1,
            status=EmailBatchStatus.QUEUED,
            error="",
            finished_at=None,
            updated_at=timezone.now(),
        )
        if not moved:
            raise ServiceError(_("This batch has already been started again"))
        batch.refresh_from_db()
        audit_log(
            action="emails.batch_carried_on",
            summary=f"Carried on sending {batch.get_kind_display().lower()} batch {batch.pk} "
            f"after it stopped at {batch.processed} of {batch.total}",
            actor=acting_user,
            partnership=batch.round.partnership,
            target=batch,
        )
    _enqueue(batch)
    return batch


def _enqueue(batch: EmailBatch) -> None:
    from stackup.partnerships.tasks import send_email_batch

    send_email_batch.enqueue(batch.pk, batch.run)


# --- Sending (the worker) ------------------------------------------------------------------


class _Superseded(Exception):
    """A newer run owns the batch: this one stops quietly."""


class _Sender:
    """One mail connection, reopened after a failure; each message tried a few times."""

    def __init__(self) -> None:
        self.connection = None
        self.attempts = max(1, int(settings.STACKUP_EMAIL_ATTEMPTS))
        self.delay = max(0.0, float(settings.STACKUP_EMAIL_RETRY_SECONDS))

    def send(self, message: mail.EmailMessage) -> bool:
        for attempt in range(1, self.attempts + 1):
            try:
                if self.connection is None:
                    self.connection = mail.get_connection(fail_silently=False)
                    self.connection.open()
                if self.connection.send_messages([message]) == 1:
                    return True
                logger.warning("The mail server accepted no message (try %s)", attempt)
            except Exception as error:  # any failure of the mail server or the network
                # The address is personal data: it goes on the batch, not in the log.
                logger.warning(
                    "Could not send an email (try %s of %s): %s",
                    attempt,
                    self.attempts,
                    type(error).__name__,
                )
                self.close()
            if attempt < self.attempts and self.delay:
                time.sleep(self.delay * 2 ** (attempt - 1))
        return False

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection is dropped either way
                self.connection.close()
            self.connection = None


@dataclass
class _Progress:
    batch: EmailBatch
    processed: int
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    failed_addresses: list[str] = field(default_factory=list)
    skipped_addresses: list[str] = field(default_factory=list)
    sent_ids: list[int] = field(default_factory=list)
    failed_ids: list[int] = field(default_factory=list)
    pending: int = 0

    def done(self, *, invitation_id: int | None, address: str, outcome: str) -> None:
        if outcome == "sent":
            self.sent += 1
            self.sent_ids.append(invitation_id)
        elif outcome == "failed":
            self.failed += 1
            self.failed_ids.append(invitation_id)
            self.failed_addresses.append(address)
        else:
            self.skipped += 1
            if address:
                self.skipped_addresses.append(address)
        self.processed += 1
        self.pending += 1
        if self.pending >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        batch = self.batch
        with transaction.atomic():
            updated = EmailBatch.objects.filter(pk=batch.pk, run=batch.run).update(
                processed=self.processed,
                sent=F("sent") + self.sent,
                failed=F("failed") + self.failed,
                skipped=F("skipped") + self.skipped,
                failed_addresses=batch.failed_addresses + self.failed_addresses,
                skipped_addresses=batch.skipped_addresses + self.skipped_addresses,
                updated_at=timezone.now(),
            )
            if not updated:
                raise _Superseded
            if self.sent_ids:
                Invitation.objects.filter(pk__in=self.sent_ids).update(
                    emails_sent=F("emails_sent") + 1, email_failed=False
                )
            if self.failed_ids:
                Invitation.objects.filter(pk__in=self.failed_ids).update(email_failed=True)
        batch.failed_addresses = batch.failed_addresses + self.failed_addresses
        batch.skipped_addresses = batch.skipped_addresses + self.skipped_addresses
        batch.sent += self.sent
        batch.failed += self.failed
        batch.skipped += self.skipped
        batch.processed = self.processed
        self.sent = self.failed = self.skipped = self.pending = 0
        self.failed_addresses, self.skipped_addresses = [], []
        self.sent_ids, self.failed_ids = [], []


def _message(batch: EmailBatch, *, address: str, url: str) -> mail.EmailMessage:
    return mail.EmailMessage(
        subject=batch.subject,
        body=batch.body.replace(LINK_PLACEHOLDER, url),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


def batch_run(*, batch_id: int, run: int) -> dict:
    """Send a batch (the task's body). Returns counts, never an address or a link."""
    batch = (
        EmailBatch.objects.select_related("round__partnership", "organisation", "created_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.run != run or batch.is_done:
        return {"batch": batch_id, "ran": False}
    started = EmailBatch.objects.filter(pk=batch.pk, run=run).update(
        status=EmailBatchStatus.RUNNING, updated_at=timezone.now()
    )
    if not started:
        return {"batch": batch_id, "ran": False}
    progress = _Progress(batch=batch, processed=batch.processed)
    sender = _Sender()
    try:
        _check_round(batch.round)
        if batch.kind == EmailBatchKind.INVITATION:
            _send_invitations(batch, progress, sender)
        else:
            _send_reminders(batch, progress, sender)
        progress.flush()
    except _Superseded:
        return {"batch": batch_id, "ran": False}
    except ServiceError as error:
        with contextlib.suppress(_Superseded):
            progress.flush()
        _finish(batch, status=EmailBatchStatus.FAILED, error=error.message)
        return _summary(batch)
    except Exception:
        logger.exception("Email batch %s stopped", batch_id)
        with contextlib.suppress(Exception):  # the counts written before still stand
            progress.flush()
        _finish(
            batch,
            status=EmailBatchStatus.FAILED,
            error=_("There was an unexpected problem (the details are in the worker's log)"),
        )
        raise
    finally:
        sender.close()
    _finish(batch, status=EmailBatchStatus.FINISHED)
    return _summary(batch)


def _summary(batch: EmailBatch) -> dict:
    return {
        "batch": batch.pk,
        "ran": True,
        "sent": batch.sent,
        "failed": batch.failed,
        "skipped": batch.skipped,
    }


def _finish(batch: EmailBatch, *, status: str, error: str = "") -> None:
    now = timezone.now()
    done = {}
    if status == EmailBatchStatus.FINISHED:
        # The addresses now live on the invitations; the batch keeps only the failures.
        # (A batch that stopped keeps its list, so that it can carry on.)
        done = {"addresses": [], "invitation_ids": []}
    with transaction.atomic():
        updated = EmailBatch.objects.filter(pk=batch.pk, run=batch.run).update(
            status=status, error=error[:500], finished_at=now, updated_at=now, **done
        )
        if not updated:
            return
        batch.refresh_from_db()
        kind = batch.get_kind_display().lower()
        audit_log(
            action="emails.batch_finished"
            if status == EmailBatchStatus.FINISHED
            else "emails.batch_failed",
            summary=f"Sent {kind} for round {batch.round.name}: {batch.sent} sent, "
            f"{batch.failed} not sent, {batch.skipped} skipped" + (f" ({error})" if error else ""),
            actor=batch.created_by,
            partnership=batch.round.partnership,
            target=batch,
            data={"sent": batch.sent, "failed": batch.failed, "skipped": batch.skipped},
        )


def _send_invitations(batch: EmailBatch, progress: _Progress, sender: _Sender) -> None:
    addresses: list[str] = batch.addresses
    while progress.processed < len(addresses):
        chunk = addresses[progress.processed : progress.processed + CHUNK_SIZE]
        existing: dict[str, list[Invitation]] = {}
        for invitation in Invitation.objects.filter(round=batch.round, email__in=chunk):
            existing.setdefault(invitation.email, []).append(invitation)
        plan: list[tuple[str, str, Invitation | None]] = []
        new_addresses = []
        for address in chunk:
            earlier = existing.get(address, [])
            if any(i.used or (i.emails_sent and not i.email_failed) for i in earlier):
                # Already invited: a reminder, not a second invitation, is what they need.
                plan.append(("skip", address, None))
            elif earlier:
                # Made before but never delivered (an earlier failure or a stopped run):
                # give it a fresh link rather than make a second invitation.
                plan.append(("reuse", address, earlier[0]))
            else:
                plan.append(("new", address, None))
                new_addresses.append(address)
        issued_new = {}
        if new_addresses:
            issued = services.invitations_create(
                round=batch.round,
                emails=new_addresses,
                organisation=batch.organisation,
                acting_user=batch.created_by,
                audit=False,  # the batch is audited as a whole
            )
            issued_new = {i.invitation.email: i for i in issued}
        for action, address, invitation in plan:
            if action == "skip":
                progress.done(invitation_id=None, address=address, outcome="skipped")
                continue
            if action == "reuse":
                issued_one = services.invitation_replace(
                    invitation=invitation, acting_user=batch.created_by, audit=False
                )
            else:
                issued_one = issued_new[address]
            ok = sender.send(_message(batch, address=address, url=issued_one.url))
            progress.done(
                invitation_id=issued_one.invitation.pk,
                address=address,
                outcome="sent" if ok else "failed",
            )
            del issued_one  # the link is forgotten as soon as it has been sent
        progress.flush()


def _send_reminders(batch: EmailBatch, progress: _Progress, sender: _Sender) -> None:
    ids: list[int] = batch.invitation_ids
    while progress.processed < len(ids):
        chunk = ids[progress.processed : progress.processed + CHUNK_SIZE]
        invitations = Invitation.objects.select_related("round__partnership").in_bulk(chunk)
        for invitation_id in chunk:
            invitation = invitations.get(invitation_id)
            if invitation is None or invitation.used or not invitation.email:
                # Answered (or removed) since the reminders were queued.
                progress.done(invitation_id=None, address="", outcome="skipped")
                continue
            earlier_hash = invitation.token_hash
            try:
                issued = services.invitation_replace(
                    invitation=invitation, acting_user=batch.created_by, audit=False
                )
            except ServiceError:
                progress.done(invitation_id=None, address="", outcome="skipped")
                continue
            ok = sender.send(_message(batch, address=invitation.email, url=issued.url))
            if not ok:
                # The new link never left: give back the earlier one, which the person has.
                Invitation.objects.filter(
                    pk=invitation.pk, token_hash=issued.invitation.token_hash
                ).update(token_hash=earlier_hash)
            progress.done(
                invitation_id=invitation.pk,
                address=invitation.email,
                outcome="sent" if ok else "failed",
            )
            del issued
        progress.flush()

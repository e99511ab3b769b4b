"""Invitations and reminders by email: sent in the background, retried, failures reported."""

from __future__ import annotations

import datetime as dt
import re
import signal
import smtplib
from collections import Counter

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships import emailing, services
from stackup.partnerships.models import EmailBatch, Invitation, Role, RoundStatus
from tests.partnerships.factories import make_member, make_partnership, make_round

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(re.escape(settings.STACKUP_BASE_URL) + r"/i/([A-Za-z0-9_-]{32})/")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MESSAGE = "Hello,\n\nPlease tell us what you think:\n{link}\n\nThank you."


class FlakyBackend(LocmemBackend):
    """Keeps mail like locmem, but refuses some addresses: always, or a number of times."""

    always_fail: set[str] = set()
    fail_times: dict[str, int] = {}
    attempts: Counter = Counter()

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                FlakyBackend.attempts[address] += 1
                if address in self.always_fail or (
                    FlakyBackend.attempts[address] <= self.fail_times.get(address, 0)
                ):
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.always_fail = set()
    FlakyBackend.fail_times = {}
    FlakyBackend.attempts = Counter()
    return FlakyBackend


@pytest.fixture
def setup(db):
    partnership = make_partnership()
    coordinator = make_member(partnership, "coordinator@example.org", Role.COORDINATOR).user
    round_ = make_round(partnership, "Spring 2026", min_group_size=3)
    mail.outbox.clear()
    return partnership, coordinator, round_


@pytest.fixture
def client_in(setup) -> Client:
    client = Client()
    client.force_login(User.objects.get(email="coordinator@example.org"))
    return client


def url(name: str, round_, **extra) -> str:
    return reverse(
        f"partnerships:{name}",
        kwargs={"slug": round_.partnership.slug, "round_id": round_.pk, **extra},
    )


def send(client, round_, addresses: list[str], **extra):
    data = {
        "output": "email",
        "emails": "\n".join(addresses),
        "subject": "Tell us how we work together",
        "message": MESSAGE,
        **extra,
    }
    return client.post(url("invitations_create", round_), data)


def link_in(message) -> str:
    found = LINK_RE.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def run_worker() -> None:
    """The real worker command, once through the queue, then back to pytest's signal handlers."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


# The worker commits, and closes connections that are inside a transaction: tests that run
# it need real transactions.
WORKER = pytest.mark.django_db(transaction=True)


ADDRESSES = ["ana@example.org", "Bo@Example.org", "cai@example.org", "dee@example.org"]


# --- Sending invitations -------------------------------------------------------------------


def test_each_address_gets_its_own_working_link(client_in, setup):
    _, _, round_ = setup
    response = send(client_in, round_, [*ADDRESSES, "ana@example.org"])  # a repeat is dropped
    batch = EmailBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("invitation_batch", round_, batch_id=batch.pk)
    assert len(mail.outbox) == 4
    seen = set()
    for message in mail.outbox:
        assert message.subject == "Tell us how we work together"
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert len(message.to) == 1
        token = link_in(message)
        seen.add(token)
        invitation = services.invitation_for_token(token)
        assert invitation is not None and invitation.round == round_
        assert invitation.email == message.to[0]
        assert invitation.emails_sent == 1 and not invitation.email_failed
        assert "{link}" not in message.body
    assert len(seen) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.lower() for a in ADDRESSES)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.sent, batch.failed) == ("finished", 4, 4, 0)
    assert batch.addresses == []  # kept on the invitations, not twice
    # No link or token is stored anywhere in the batch.
    stored = str(list(EmailBatch.objects.values_list()))
    assert all(token not in stored for token in seen)
    page = client_in.get(response["Location"]).content.decode()
    assert "Sending has finished." in page
    assert "Your invitations are being sent to 4 addresses" in page


def test_invitations_for_an_organisation_count_for_it(client_in, setup):
    partnership, _, round_ = setup
    organisation = services.organisation_add(
        partnership=partnership, name="Fire", sector="fire_rescue"
    )
    send(client_in, round_, ADDRESSES[:2], organisation=str(organisation.pk))
    assert Invitation.objects.filter(organisation=organisation).count() == 2


@WORKER
def test_the_web_request_sends_nothing_the_worker_does(client_in, setup, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    _, _, round_ = setup
    response = send(client_in, round_, ADDRESSES)
    assert response.status_code == 302
    # Queued only: no email, not even an invitation yet.
    assert mail.outbox == []
    assert Invitation.objects.count() == 0
    batch = EmailBatch.objects.get()
    assert batch.status == "queued"
    task = DBTaskResult.objects.get()
    # The queue holds ids only: no address, no link.
    assert task.args_kwargs == {"args": [batch.pk, 1], "kwargs": {}}
    page = client_in.get(response["Location"]).content.decode()
    assert "The emails are waiting to be sent" in page
    assert "Refresh this page" in page
    assert 'http-equiv="refresh"' not in page

    run_worker()

    assert len(mail.outbox) == 4
    assert len({link_in(m) for m in mail.outbox}) == 4
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {
        "batch": batch.pk,
        "ran": True,
        "sent": 4,
        "failed": 0,
        "skipped": 0,
    }
    page = client_in.get(response["Location"]).content.decode()
    assert "Sending has finished." in page
    assert "Refresh this page" not in page


def test_an_address_already_invited_is_not_invited_twice(client_in, setup):
    _, _, round_ = setup
    send(client_in, round_, ADDRESSES[:2])
    mail.outbox.clear()
    response = send(client_in, round_, ADDRESSES[1:3])
    assert [m.to for m in mail.outbox] == [["cai@example.org"]]
    assert Invitation.objects.count() == 3
    batch = EmailBatch.objects.order_by("-pk").first()
    assert (batch.sent, batch.skipped, batch.skipped_addresses) == (1, 1, ["bo@example.org"])
    page = client_in.get(response["Location"]).content.decode()
    assert "bo@example.org" in page


def test_a_failing_address_is_retried_then_reported(client_in, setup, flaky, settings):
    _, _, round_ = setup
    flaky.always_fail = {"bad@example.org"}
    flaky.fail_times = {"cai@example.org": 2}  # fails twice, then gets through
    response = send(client_in, round_, ["ana@example.org", "bad@example.org", "cai@example.org"])
    assert flaky.attempts == {"ana@example.org": 1, "bad@example.org": 3, "cai@example.org": 3}
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "cai@example.org"]
    batch = EmailBatch.objects.get()
    assert (batch.status, batch.sent, batch.failed) == ("finished", 2, 1)
    assert batch.failed_addresses == ["bad@example.org"]
    bad = Invitation.objects.get(email="bad@example.org")
    assert bad.email_failed and bad.emails_sent == 0
    page = client_in.get(response["Location"]).content.decode()
    assert "Addresses that did not get an email" in page
    assert "<li>bad@example.org</li>" in page
    assert re.search(r"Could not be sent</dt>\s*<dd[^>]*>1</dd>", page)

    # Once the address works, sending to it again gives the same invitation a link.
    flaky.always_fail = set()
    mail.outbox.clear()
    send(client_in, round_, ["bad@example.org"])
    assert [m.to for m in mail.outbox] == [["bad@example.org"]]
    assert Invitation.objects.filter(email="bad@example.org").count() == 1
    bad.refresh_from_db()
    assert not bad.email_failed and bad.emails_sent == 1
    assert services.invitation_for_token(link_in(mail.outbox[0])) == bad


def test_the_wait_between_tries_is_a_setting(setup, flaky, settings, monkeypatch):
    _, coordinator, round_ = setup
    waits = []
    monkeypatch.setattr(emailing.time, "sleep", waits.append)
    flaky.always_fail = {"bad@example.org"}
    settings.STACKUP_EMAIL_RETRY_SECONDS = 5
    settings.STACKUP_EMAIL_ATTEMPTS = 3
    emailing.invitation_batch_start(
        round=round_,
        addresses=["bad@example.org"],
        subject="S",
        body=MESSAGE,
        acting_user=coordinator,
    )
    assert waits == [5, 10]
    waits.clear()
    settings.STACKUP_EMAIL_RETRY_SECONDS = 0
    emailing.invitation_batch_start(
        round=round_, addresses=["bad2@example.org"], subject="S", body=MESSAGE
    )
    assert waits == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emails": ""}, "Enter the email addresses to send invitations to"),
        ({"emails": "ana@example.org\nnot-an-address"}, "Line 2 is not an email address"),
        ({"message": "No link here"}, "The message must include {link}"),
        ({"message": ""}, "Enter the message"),
        ({"subject": ""}, "Enter the subject of the email"),
        ({"subject": "x" * 201}, "The subject must be 200 characters or fewer"),
    ],
)
def test_bad_email_input_is_explained_and_sends_nothing(client_in, setup, data, message):
    _, _, round_ = setup
    response = send(client_in, round_, ["ana@example.org"], **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EmailBatch.objects.count() == 0
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_names_and_separators_in_pasted_addresses_are_understood():
    assert emailing.parse_addresses(
        "Ana Lee <Ana@Example.org>; bo@example.org,\n\n  cai@example.org  \nbo@example.org"
    ) == ["ana@example.org", "bo@example.org", "cai@example.org"]


def test_a_closed_round_sends_nothing(client_in, setup):
    _, _, round_ = setup
    services.round_set_status(round=round_, status=RoundStatus.OPEN)
    services.round_set_status(round=round_, status=RoundStatus.CLOSED)
    response = send(client_in, round_, ["ana@example.org"])
    assert "This round has closed" in response.content.decode()
    assert EmailBatch.objects.count() == 0 and mail.outbox == []


@WORKER
def test_a_round_closed_before_the_worker_runs_stops_the_batch(client_in, setup, settings):
    settings.TASKS = DATABASE_TASKS
    _, _, round_ = setup
    send(client_in, round_, ADDRESSES)
    services.round_set_status(round=round_, status=RoundStatus.OPEN)
    services.round_set_status(round=round_, status=RoundStatus.CLOSED)
    run_worker()
    batch = EmailBatch.objects.get()
    assert batch.status == "failed" and "closed" in batch.error
    assert mail.outbox == [] and Invitation.objects.count() == 0
    page = client_in.get(url("invitation_batch", round_, batch_id=batch.pk)).content.decode()
    assert "Sending stopped. This round has closed" in page

    # Reopened, the batch can carry on from where it stopped.
    services.round_set_status(round=round_, status=RoundStatus.OPEN)
    client_in.post(url("invitation_batch_carry_on", round_, batch_id=batch.pk))
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.sent, batch.error) == ("finished", 4, "")
    assert len(mail.outbox) == 4


# --- Reminders -----------------------------------------------------------------------------


def test_reminders_go_only_to_unused_invitations_with_an_address_and_replace_the_link(
    client_in, setup
):
    _, _, round_ = setup
    send(client_in, round_, ["ana@example.org", "bo@example.org", "cai@example.org"])
    first_links = {m.to[0]: link_in(m) for m in mail.outbox}
    services.invitations_create(round=round_, count=2)  # links handed out on paper: no address
    ana = services.invitation_for_token(first_links["ana@example.org"])
    Invitation.objects.filter(pk=ana.pk).update(used=True)
    hashes_before = dict(Invitation.objects.values_list("pk", "token_hash"))
    mail.outbox.clear()

    page = client_in.get(url("invitations_remind", round_)).content.decode()
    assert "Reminders include a new link; the old link stops working." in page
    assert "has not used their link yet: fewer than 3 people" in page  # 2 is below 3
    response = client_in.post(
        url("invitations_remind", round_),
        {"subject": "Reminder", "message": "A new link: {link}"},
    )
    batch = EmailBatch.objects.get(kind="reminder")
    assert response["Location"] == url("invitation_batch", round_, batch_id=batch.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.org", "cai@example.org"]
    for message in mail.outbox:
        address = message.to[0]
        new = link_in(message)
        assert new != first_links[address]
        assert services.invitation_for_token(first_links[address]) is None  # old link stopped
        invitation = services.invitation_for_token(new)
        assert invitation.email == address and invitation.emails_sent == 2
    hashes_after = dict(Invitation.objects.values_list("pk", "token_hash"))
    changed = {pk for pk in hashes_before if hashes_before[pk] != hashes_after[pk]}
    assert changed == set(
        Invitation.objects.filter(email__in=["bo@example.org", "cai@example.org"]).values_list(
            "pk", flat=True
        )
    )
    assert services.invitation_for_token(first_links["ana@example.org"]) == ana
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.sent, batch.failed) == ("finished", 2, 2, 0)


def _audit_rows_since(last_id: int) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(id__gt=last_id)
        .order_by("id")
        .values_list("action", "actor__email", "data")
    )


def _last_audit_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_reminder_batch_is_audited_once_not_once_per_person(client_in, setup, monkeypatch):
    _, coordinator, round_ = setup
    monkeypatch.setattr(emailing, "CHUNK_SIZE", 2)  # several chunks, as with thousands
    send(client_in, round_, ADDRESSES)
    last = _last_audit_id()
    client_in.post(
        url("invitations_remind", round_), {"subject": "Reminder", "message": "Here: {link}"}
    )
    assert len(mail.outbox) == 8  # 4 invitations, then 4 reminders
    rows = _audit_rows_since(last)
    assert [(action, actor) for action, actor, _data in rows] == [
        ("emails.reminders_queued", coordinator.email),
        ("emails.batch_finished", coordinator.email),
    ]
    assert rows[0][2] == {"count": 4}
    assert not AuditEvent.objects.filter(action="invitation.replace").exists()


def test_an_invitation_batch_is_audited_once_not_once_per_chunk(client_in, setup, monkeypatch):
    _, coordinator, round_ = setup
    monkeypatch.setattr(emailing, "CHUNK_SIZE", 2)
    last = _last_audit_id()
    send(client_in, round_, ADDRESSES)
    assert len(mail.outbox) == 4
    rows = _audit_rows_since(last)
    assert [(action, actor) for action, actor, _data in rows] == [
        ("emails.invitations_queued", coordinator.email),
        ("emails.batch_finished", coordinator.email),
    ]
    assert rows[0][2] == {"count": 4, "organisation": None}
    assert rows[1][2] == {"sent": 4, "failed": 0, "skipped": 0}


def test_a_link_made_again_for_an_undelivered_invitation_is_not_audited_alone(
    client_in, setup, flaky
):
    _, _, round_ = setup
    flaky.always_fail = {"bo@example.org"}
    send(client_in, round_, ADDRESSES[:2])
    flaky.always_fail = set()
    last = _last_audit_id()
    send(client_in, round_, ["bo@example.org"])  # made before, never delivered: a new link
    assert Invitation.objects.filter(email="bo@example.org").count() == 1
    assert [action for action, _actor, _data in _audit_rows_since(last)] == [
        "emails.invitations_queued",
        "emails.batch_finished",
    ]


def test_a_reminder_that_cannot_be_sent_keeps_the_earlier_link(client_in, setup, flaky):
    _, _, round_ = setup
    send(client_in, round_, ["ana@example.org", "bo@example.org"])
    first_links = {m.to[0]: link_in(m) for m in mail.outbox}
    mail.outbox.clear()
    flaky.always_fail = {"bo@example.org"}
    response = client_in.post(
        url("invitations_remind", round_), {"subject": "Reminder", "message": "Here: {link}"}
    )
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert services.invitation_for_token(first_links["bo@example.org"]) is not None
    assert services.invitation_for_token(first_links["ana@example.org"]) is None
    batch = EmailBatch.objects.get(kind="reminder")
    assert (batch.sent, batch.failed, batch.failed_addresses) == (1, 1, ["bo@example.org"])
    page = client_in.get(response["Location"]).content.decode()
    assert "<li>bo@example.org</li>" in page
    assert "Their earlier link still works" in page


def test_reminders_with_nobody_to_remind_are_refused(client_in, setup):
    _, _, round_ = setup
    services.invitations_create(round=round_, count=3)
    page = client_in.get(url("invitations_remind", round_)).content.decode()
    assert "There is nobody to remind" in page
    response = client_in.post(
        url("invitations_remind", round_), {"subject": "Reminder", "message": "Here: {link}"}
    )
    assert "There is nobody to remind" in response.content.decode()
    assert EmailBatch.objects.count() == 0 and mail.outbox == []


def test_reminder_text_needs_the_link(client_in, setup):
    _, _, round_ = setup
    send(client_in, round_, ["ana@example.org"])
    mail.outbox.clear()
    response = client_in.post(
        url("invitations_remind", round_), {"subject": "Reminder", "message": "No link"}
    )
    assert "The message must include {link}" in response.content.decode()
    assert EmailBatch.objects.filter(kind="reminder").count() == 0 and mail.outbox == []


# --- A batch that stopped part way ----------------------------------------------------------


@WORKER
def test_a_stopped_batch_can_be_carried_on_without_sending_twice(client_in, setup, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    _, _, round_ = setup
    response = send(client_in, round_, ADDRESSES)
    batch = EmailBatch.objects.get()
    carry_on = url("invitation_batch_carry_on", round_, batch_id=batch.pk)

    # Not stalled yet: no button, and carrying on is refused.
    page = client_in.get(response["Location"]).content.decode()
    assert "Carry on sending" not in page
    client_in.post(carry_on)
    assert EmailBatch.objects.get().run == 1

    # As if the worker had stopped long ago, part way through.
    old = timezone.now() - dt.timedelta(minutes=settings.STACKUP_EMAIL_STALLED_MINUTES + 1)
    EmailBatch.objects.filter(pk=batch.pk).update(updated_at=old)
    page = client_in.get(response["Location"]).content.decode()
    assert "Carry on sending" in page
    client_in.post(carry_on)
    batch.refresh_from_db()
    assert batch.run == 2 and DBTaskResult.objects.count() == 2

    run_worker()  # the first run finds it is no longer its batch; the second sends

    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.lower() for a in ADDRESSES)
    batch.refresh_from_db()
    assert (batch.status, batch.sent) == ("finished", 4)


# --- Access ---------------------------------------------------------------------------------


def test_batch_pages_belong_to_their_round(client_in, setup):
    partnership, _, round_ = setup
    send(client_in, round_, ["ana@example.org"])
    batch = EmailBatch.objects.get()
    other_round = make_round(partnership, "Autumn 2026")
    assert client_in.get(url("invitation_batch", other_round, batch_id=batch.pk)).status_code == 404
    viewer = make_member(partnership, "viewer@example.org", Role.VIEWER).user
    client = Client()
    client.force_login(viewer)
    assert client.get(url("invitation_batch", round_, batch_id=batch.pk)).status_code == 403
    assert (
        client.post(
            url("invitations_remind", round_), {"subject": "x", "message": "{link}"}
        ).status_code
        == 403
    )
    assert Client().get(url("invitations_remind", round_)).status_code == 302


def test_the_invitations_page_does_not_query_per_batch(client_in, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partnership, _, round_ = setup
    organisation = services.organisation_add(partnership=partnership, name="Fire", sector="other")
    send(client_in, round_, ["ana@example.org"], organisation=str(organisation.pk))
    with CaptureQueriesContext(connection) as one:
        assert client_in.get(url("invitations", round_)).status_code == 200
    for index in range(4):
        send(client_in, round_, [f"p{index}@example.org"], organisation=str(organisation.pk))
    with CaptureQueriesContext(connection) as five:
        html = client_in.get(url("invitations", round_)).content.decode()
    assert html.count("Invitations (Fire)") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_an_unexpected_problem_stops_the_batch_which_can_carry_on(client_in, setup, monkeypatch):
    _, _, round_ = setup
    real = services.invitations_create

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "invitations_create", broken)
    response = send(client_in, round_, ADDRESSES[:2])
    assert response.status_code == 302  # the request itself is unaffected
    batch = EmailBatch.objects.get()
    assert batch.status == "failed" and "unexpected problem" in batch.error
    assert batch.addresses == ["ana@example.org", "bo@example.org"]  # kept, to carry on
    page = client_in.get(response["Location"]).content.decode()
    assert "Carry on sending" in page
    assert "database on fire" not in page

    monkeypatch.setattr(services, "invitations_create", real)
    client_in.post(url("invitation_batch_carry_on", round_, batch_id=batch.pk))
    batch.refresh_from_db()
    assert (batch.status, batch.sent, batch.run) == ("finished", 2, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]


def test_the_number_left_to_remind_is_hidden_when_the_used_count_is(client_in, setup):
    # Every invitation went by email, so made minus "left to remind" would be the used count.
    _partnership, _coordinator, round_ = setup
    addresses = [f"person{n}@example.org" for n in range(10)]
    send(client_in, round_, addresses)
    assert Invitation.objects.filter(round=round_).count() == 10
    for pages in (url("invitations", round_), url("invitations_remind", round_)):
        Invitation.objects.filter(round=round_).update(used=False)
        shown = " ".join(re.sub(r"<[^>]+>", " ", client_in.get(pages).content.decode()).split())
        # Nobody has answered: everything can be shown.
        assert "link yet: 10" in shown or "10 people" in shown, pages
        # Two used: fewer than the round's minimum (3), so hidden, and so is the 8 left.
        ids = list(Invitation.objects.filter(round=round_).values_list("pk", flat=True)[:2])
        Invitation.objects.filter(pk__in=ids).update(used=True)
        page = client_in.get(pages).content.decode()
        main = " ".join(re.sub(r"<[^>]+>", " ", page[page.index("<main") :]).split())
        assert "link yet: 8" not in main and "8 people" not in main, pages
        assert "link yet: 10" not in main and "10 people" not in main, pages
        assert "fewer than 3" in main or "hidden" in main

"""Batches of invitation and reminder emails, sent in the background.

A batch never holds a link or a token. An invitation batch holds the
addresses to write to until its invitations are made (the worker makes each
link, sends it and forgets it); a reminder batch holds the ids of the
invitations to remind. Both keep the addresses that could not be reached, so
the coordinator knows who did not get an email.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailBatchKind(models.TextChoices):
    INVITATION = "invitation", _("Invitations")
    REMINDER = "reminder", _("Reminders")


class EmailBatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Sending")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Stopped")


class EmailBatch(models.Model):
    round = models.ForeignKey(
        "partnerships.Round", on_delete=models.CASCADE, related_name="email_batches"
    )
    kind = models.CharField(max_length=12, choices=EmailBatchKind.choices)
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For invitation batches: the organisation the invitations are for."),
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    # Work still to do: addresses (invitation batches) or invitation ids (reminders).
    # Addresses are cleared when the batch finishes; they live on the invitations.
    addresses = models.JSONField(default=list, blank=True)
    invitation_ids = models.JSONField(default=list, blank=True)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed_addresses = models.JSONField(default=list, blank=True)
    skipped_addresses = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailBatchStatus.choices, default=EmailBatchStatus.QUEUED
    )
    error = models.CharField(max_length=500, blank=True)
    # Which run of the task owns the batch: carrying on after a stop starts a new one.
    run = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["round", "-created_at"], name="email_batch_round_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} batch {self.pk} for {self.round}"

    @property
    def is_done(self) -> bool:
        return self.status in (EmailBatchStatus.FINISHED, EmailBatchStatus.FAILED)

"""Responses and unfinished answers.

A stored response holds the answers, the "about you" answers, how it came in
(the channel) and the day it was submitted — nothing else. Its key is random,
so neither the key nor any other column says who answered or in what order,
and nothing links it to an invitation or an address.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone")
    IMPORT = "import", _("Imported")


class RoleLevel(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline")
    MANAGER = "manager", _("Manager")
    SENIOR_LEADER = "senior_leader", _("Senior leader")


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        "partnerships.Round", on_delete=models.CASCADE, related_name="responses"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    submitted_on = models.DateField()
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sector = models.CharField(max_length=32, blank=True)
    role_level = models.CharField(max_length=16, choices=RoleLevel.choices, blank=True)
    uses_services = models.BooleanField(null=True)
    # {item id: 1..5 or "DK"}; a skipped item is absent. Stored as answered:
    # reverse-keyed items are never flipped here.
    answers = models.JSONField(default=dict)
    # {theme id: text}
    comments = models.JSONField(default=dict, blank=True)
    # {benefit id: answer} and {barrier id: answer}
    benefits = models.JSONField(default=dict, blank=True)
    barriers = models.JSONField(default=dict, blank=True)
    # A hash of an imported file's respondent_id, only so that importing the
    # same file again changes nothing.
    # NULL rather than "" when there is none, so the unique constraint ignores those rows.
    import_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "import_key"], name="response_import_key_unique_in_round"
            )
        ]
        indexes = [models.Index(fields=["round"], name="response_round")]

    def __str__(self) -> str:
        return f"Response to {self.round}"


class Draft(models.Model):
    """Answers in progress, kept so a person can stop and carry on later.

    Deleted when the response is submitted and when the round closes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("partnerships.Round", on_delete=models.CASCADE, related_name="drafts")
    invitation = models.OneToOneField(
        "partnerships.Invitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="draft",
    )
    # For people who came by the open link: the hash of their own resume token.
    resume_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft for {self.round}"

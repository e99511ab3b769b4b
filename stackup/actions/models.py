"""What a partnership does about its results: actions, benefits claimed, risks.

Framework ids (themes, items, benefits) are stored as the framework's own
stable ids, checked by :mod:`stackup.actions.services` against the framework
of the partnership's latest round, so that the next round can re-measure them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stackup.partnerships.models import Organisation, Partnership

TITLE_MAX = 200
TEXT_MAX = 5000
LEAD_PERSON_MAX = 200
FRAMEWORK_ID_MAX = 64
LINK_MAX = 500
LINKS_MAX = 20
SCORE_MIN, SCORE_MAX = 1, 5


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """One thing the partnership has agreed to do, and why."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=TITLE_MAX)
    why = models.TextField(_("why"), max_length=TEXT_MAX, blank=True)
    theme_id = models.CharField(_("theme"), max_length=FRAMEWORK_ID_MAX, blank=True)
    item_id = models.CharField(_("statement"), max_length=FRAMEWORK_ID_MAX, blank=True)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("owner organisation"),
    )
    lead_person = models.CharField(_("lead person"), max_length=LEAD_PERSON_MAX, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    public = models.BooleanField(_("shown on the public page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "title", "pk"]
        indexes = [models.Index(fields=["partnership", "status"], name="action_partnership_status")]

    def __str__(self) -> str:
        return self.title


class ActionNote(models.Model):
    """A dated note of progress on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date"))
    text = models.TextField(_("note"), max_length=TEXT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:50]}"


class BenefitStatus(models.TextChoices):
    AIMED_FOR = "aimed_for", _("Aimed for")
    EMERGING = "emerging", _("Emerging")
    REALISED = "realised", _("Realised")


class BenefitClaim(models.Model):
    """What the partnership claims for one of its framework's benefits, and its evidence."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="benefit_claims"
    )
    benefit_id = models.CharField(_("benefit"), max_length=FRAMEWORK_ID_MAX)
    claim = models.TextField(_("claim"), max_length=TEXT_MAX, blank=True)
    evidence = models.TextField(_("evidence"), max_length=TEXT_MAX, blank=True)
    evidence_links = models.TextField(_("links to evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BenefitStatus.choices, default=BenefitStatus.AIMED_FOR
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partnership", "benefit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "benefit_id"], name="benefit_claim_once_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} — {self.benefit_id}"

    @property
    def links(self) -> list[str]:
        return [line for line in self.evidence_links.splitlines() if line.strip()]


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Risk(models.Model):
    """A risk to the partnership, scored as likelihood times impact."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("risk"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("owner organisation"),
    )
    mitigation = models.TextField(_("mitigation"), max_length=TEXT_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    key_leader_dependency = models.BooleanField(
        _("the collaboration depends on a few key leaders"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=SCORE_MIN, likelihood__lte=SCORE_MAX)
                & models.Q(impact__gte=SCORE_MIN, impact__lte=SCORE_MAX),
                name="risk_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class PublicPageSettings(models.Model):
    """Whether the partnership's public "you said, we did" page is shown."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="public_page_settings"
    )
    public_page_enabled = models.BooleanField(_("public page switched on"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.partnership}: {'on' if self.public_page_enabled else 'off'}"

"""Partnerships, their member organisations and the people who run them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    COUNCIL = "council", _("Council")
    NHS = "nhs", _("NHS")
    POLICE = "police", _("Police")
    FIRE_RESCUE = "fire_rescue", _("Fire and rescue")
    HOUSING = "housing", _("Housing")
    VOLUNTARY_COMMUNITY = "voluntary_community", _("Voluntary and community")
    PRIVATE_PROVIDER = "private_provider", _("Private provider")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER_LEAD = "partner_lead", _("Partner lead")
    VIEWER = "viewer", _("Viewer")
    HELPER = "helper", _("Helper")


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    # An archived organisation stays in past results but is no longer offered to
    # respondents, invitations or partner leads.
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="organisation_name_unique_in_partnership",
                violation_error_message=_(
                    "This partnership already has a member organisation with this name"
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in one partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("For partner leads: the organisation whose actions they look after."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"],
                name="one_role_per_person_per_partnership",
                violation_error_message=_("This person already has a role in this partnership"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.partnership}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


# The only moves a round can make, each by an explicit action.
ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RoundStatus.DRAFT: (RoundStatus.OPEN,),
    RoundStatus.OPEN: (RoundStatus.CLOSED,),
    RoundStatus.CLOSED: (RoundStatus.PUBLISHED, RoundStatus.OPEN),
    RoundStatus.PUBLISHED: (RoundStatus.CLOSED,),
}

MIN_GROUP_SIZE_FLOOR = 3
DEFAULT_MIN_GROUP_SIZE = 5
ROUND_NAME_TAKEN = _("This partnership already has a round with this name")


class Round(models.Model):
    """One run of the assessment in a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="rounds"
    )
    opens_on = models.DateField(_("opening date"), null=True, blank=True)
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"), default=DEFAULT_MIN_GROUP_SIZE
    )
    ask_organisation = models.BooleanField(_("ask for the organisation"), default=True)
    ask_sector = models.BooleanField(_("ask for the sector"), default=True)
    ask_role_level = models.BooleanField(_("ask for the role level"), default=True)
    ask_uses_services = models.BooleanField(_("ask whether the person uses services"), default=True)
    open_link_enabled = models.BooleanField(_("open link switched on"), default=False)
    open_code = models.CharField(
        _("open link code"), max_length=9, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="round_name_unique_in_partnership",
                violation_error_message=ROUND_NAME_TAKEN,
            ),
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=MIN_GROUP_SIZE_FLOOR),
                name="round_min_group_size_at_least_3",
                violation_error_message=_("The minimum group size must be 3 or more"),
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
                violation_error_message=_(
                    "The closing date must be the same as or after the opening date"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} — {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Invitation(models.Model):
    """A personal link to answer a round once.

    Only a hash of the token is kept: the full link is shown when it is made
    and cannot be recovered. An invitation records *whether* it was used,
    never when, and never which response it produced.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("The organisation the invitation was sent to, for response rates."),
    )
    email = models.EmailField(_("email address"), blank=True, max_length=254)
    started = models.BooleanField(default=False)
    used = models.BooleanField(default=False)
    emails_sent = models.PositiveSmallIntegerField(default=0)
    email_failed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["round", "used"], name="invitation_round_used")]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for {self.round}"


from stackup.partnerships.models_email import EmailBatch  # noqa: E402, F401

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

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="organisation_name_unique_in_partnership"
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
                fields=["partnership", "user"], name="one_role_per_person_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.partnership}"

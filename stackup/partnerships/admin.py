"""The site administration's view of partnerships, for site administrators only.

Every change made here is written to the audit log with the administrator's
name. A round's status moves only through the service (the actions on the list
of rounds), and invitations are shown read-only, without their token hash.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stackup.core.audit import audit_log
from stackup.partnerships import services
from stackup.partnerships.models import (
    ROUND_NAME_TAKEN,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Round,
    RoundStatus,
)


def _partnership_of(obj) -> Partnership | None:
    if isinstance(obj, Partnership):
        return obj
    return getattr(obj, "partnership", None)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit row, in the same transaction, for every save and delete."""

    def save_model(self, request, obj, form, change) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            verb = "Changed" if change else "Added"
            audit_log(
                action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
                summary=f"{verb} {obj._meta.verbose_name} {obj} in the site administration",
                actor=request.user,
                partnership=_partnership_of(obj),
                target=obj,
                data={"fields": sorted(form.changed_data)} if change else {},
            )

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _audit_delete(self, request, obj) -> None:
        # A partnership's own audit rows go with it, so its deletion is logged outside it.
        partnership = None if isinstance(obj, Partnership) else _partnership_of(obj)
        audit_log(
            action=f"admin.{obj._meta.model_name}.delete",
            summary=f"Deleted {obj._meta.verbose_name} {obj} in the site administration",
            actor=request.user,
            partnership=partnership,
            target=obj,
        )


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "slug", "area", "created_at"]
    search_fields = ["name", "slug", "area"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The short name is in every page address and command: it never changes.
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "sector", "partnership"]
    list_filter = ["sector", "partnership"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "partnership", "role", "organisation"]
    list_filter = ["role", "partnership"]
    list_select_related = ["user", "partnership", "organisation"]
    search_fields = ["user__email", "user__full_name", "partnership__name"]
    raw_id_fields = ["user"]


@admin.action(description=_("Open the selected rounds"))
def open_rounds(modeladmin, request, queryset) -> None:
    _set_status(modeladmin, request, queryset, RoundStatus.OPEN)


@admin.action(description=_("Close the selected rounds"))
def close_rounds(modeladmin, request, queryset) -> None:
    _set_status(modeladmin, request, queryset, RoundStatus.CLOSED)


@admin.action(description=_("Publish the results of the selected rounds"))
def publish_rounds(modeladmin, request, queryset) -> None:
    _set_status(modeladmin, request, queryset, RoundStatus.PUBLISHED)


def _set_status(modeladmin, request, queryset, status: str) -> None:
    for round_ in queryset.select_related("partnership"):
        try:
            services.round_set_status(round=round_, status=status, acting_user=request.user)
        except services.ServiceError as error:
            modeladmin.message_user(request, f"{round_}: {error.message}", messages.ERROR)
        else:
            modeladmin.message_user(
                request, f"{round_}: {round_.get_status_display()}", messages.SUCCESS
            )


class RoundAdminForm(forms.ModelForm):
    def clean_name(self) -> str:
        # The partnership is read-only here, so Django leaves the round's unique
        # name out of the form's checks: without this, a clash would be a server error.
        name = self.cleaned_data["name"]
        taken = Round.objects.filter(
            partnership_id=self.instance.partnership_id, name__iexact=name
        ).exclude(pk=self.instance.pk)
        if self.instance.partnership_id and taken.exists():
            raise ValidationError(ROUND_NAME_TAKEN, code="unique")
        return name


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    form = RoundAdminForm
    list_display = ["name", "partnership", "status", "opens_on", "closes_on", "min_group_size"]
    list_filter = ["status", "partnership"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]
    actions = [open_rounds, close_rounds, publish_rounds]
    readonly_fields = [
        "partnership",
        "framework",
        "status",
        "open_code",
        "created_at",
    ]
    _questions = ["ask_organisation", "ask_sector", "ask_role_level", "ask_uses_services"]

    def has_add_permission(self, request) -> bool:
        # New rounds come from the coordinator's pages or `stackup create_round`.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status != RoundStatus.DRAFT:
            # Every response in a round must have been asked the same questions.
            fields += self._questions
        return fields


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["id", "round", "organisation", "started", "used", "emails_sent"]
    list_filter = ["used", "started", "email_failed"]
    list_select_related = ["round", "round__partnership", "organisation"]
    fields = ["round", "organisation", "email", "started", "used", "emails_sent", "email_failed"]
    readonly_fields = fields
    search_fields = ["email"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

"""Write audit rows. Call inside the same transaction as the change itself."""

from __future__ import annotations

from typing import Any

from django.db import models

from stackup.core.models import AuditEvent


def audit_log(
    *,
    action: str,
    summary: str,
    actor=None,
    partnership=None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a change of state. ``actor`` is a user or None for a system action."""
    return AuditEvent.objects.create(
        action=action,
        summary=summary[:500],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if getattr(actor, "pk", None) else "system",
        partnership=partnership,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
    )

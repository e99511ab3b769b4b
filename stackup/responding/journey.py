"""One person's way through a round: how they came in, where their answers are kept.

There are two ways in. A personal invitation (``/i/<token>/``) keeps its draft against the
invitation, so the same link carries on where it stopped on any device. The open link
(``/r/<CODE>/``) makes a new draft for each person with its own resume token
(``/r/resume/<token>/``). Either way the token is in every address of the journey, so no
cookie is needed to find the answers again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils import translation

from stackup.frameworks import documents
from stackup.partnerships.models import Invitation, Round
from stackup.responding import drafts, steps
from stackup.responding.models import Draft
from stackup.responding.services import journey_steps_for

INVITATION = "invitation"
OPEN = "open"

# Stored frameworks never change, so the normalised document can be kept per process,
# keyed by the row and its content hash.
_DOCUMENTS: dict[tuple[int, str], dict[str, Any]] = {}


def framework_document(round_: Round, *, content_hash: str | None = None) -> dict[str, Any]:
    """The round's framework, normalised; read from the database only once per process.

    ``content_hash``, when the caller has it already, saves looking it up.
    """
    from stackup.frameworks.models import Framework

    if "framework" in round_._state.fields_cache:
        framework = round_.framework
        key = (framework.pk, framework.content_hash)
    elif content_hash:
        key = (round_.framework_id, content_hash)
    else:
        digest = (
            Framework.objects.filter(pk=round_.framework_id)
            .values_list("content_hash", flat=True)
            .get()
        )
        key = (round_.framework_id, digest)
    document = _DOCUMENTS.get(key)
    if document is None:
        stored = round_.framework.document
        if len(_DOCUMENTS) > 64:
            _DOCUMENTS.clear()
        document = _DOCUMENTS[key] = documents.from_storage(stored)
    return document


@dataclass
class Journey:
    kind: str
    token: str
    round: Round
    draft: Draft | None
    invitation: Invitation | None = None

    @cached_property
    def framework(self) -> dict[str, Any]:
        return framework_document(
            self.round, content_hash=getattr(self.draft, "framework_hash", None)
        )

    @cached_property
    def steps(self) -> tuple[str, ...]:
        return journey_steps_for(round=self.round, framework=self.framework)

    @property
    def data(self) -> dict[str, Any]:
        return drafts.normalised(self.draft.data if self.draft else None)

    @property
    def done(self) -> list[str]:
        return self.data["done"]

    @property
    def simple(self) -> bool:
        return bool(self.data["simple"])

    @property
    def partnership(self):
        return self.round.partnership

    def url(self, step: str) -> str:
        prefix = "invitation" if self.kind == INVITATION else "resume"
        theme = steps.theme_of(step)
        if theme is not None:
            return reverse(
                f"responding:{prefix}_theme", kwargs={"token": self.token, "theme": theme}
            )
        return reverse(f"responding:{prefix}_step", kwargs={"token": self.token, "step": step})

    def entry_url(self) -> str:
        prefix = "invitation" if self.kind == INVITATION else "resume"
        return reverse(f"responding:{prefix}", kwargs={"token": self.token})

    def resume_point(self) -> str:
        return steps.resume_step(self.steps, self.done)

    def theme(self, theme_id: str) -> dict[str, Any] | None:
        return next((t for t in self.framework["themes"] if t["id"] == theme_id), None)

    def content_lang(self) -> str | None:
        """The framework's language, when the page is in another one."""
        content = (self.framework.get("languages") or ["en"])[0]
        page = translation.get_language() or ""
        return None if content.split("-")[0] == page.split("-")[0] else content

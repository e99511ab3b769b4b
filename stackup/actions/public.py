"""What the public "you said, we did" page shows: published headlines and public actions.

Only numbers that already pass the anonymity rules reach it: theme results of the whole
round (never shown for a round smaller than its minimum group size) and the gap between
people who use services and everyone else, which the engine computes only when both sides
are large enough and neither is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from stackup.actions.models import Action
from stackup.partnerships.models import Partnership, Round, RoundStatus
from stackup.results.document import results_document, round_order

SERVICE_USERS = "service_users_vs_professionals"


@dataclass(frozen=True)
class Headline:
    theme: str
    title: str
    pct_positive: float | None
    band: str | None
    #: "lower", "higher" or None: how people who use services rated it against everyone else.
    service_users: str | None


@dataclass(frozen=True)
class PublicPage:
    partnership: Partnership
    round: Round | None
    n_respondents: int | None = None
    headlines: list[Headline] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def latest_published_round(partnership: Partnership) -> Round | None:
    rounds = partnership.rounds.filter(status=RoundStatus.PUBLISHED).select_related("framework")
    return max(rounds, key=round_order, default=None)


def _headlines(document: dict[str, Any]) -> list[Headline]:
    if not document["available"]:
        return []
    gaps = {
        c["theme"]: c
        for c in document["comparisons"]
        if c["name"] == SERVICE_USERS and c["cliffs_delta"] is not None
    }
    headlines = []
    for theme in document["themes"]:
        gap = gaps.get(theme["id"])
        direction = None
        if gap is not None and gap["magnitude"] != "negligible":
            direction = "lower" if gap["difference"] < 0 else "higher"
        headlines.append(
            Headline(
                theme=theme["id"],
                title=document["labels"]["themes"][theme["id"]]["title"],
                pct_positive=theme["pct_positive"],
                band=theme["band"],
                service_users=direction,
            )
        )
    return headlines


def public_page(*, partnership: Partnership) -> PublicPage:
    round_ = latest_published_round(partnership)
    actions = list(
        Action.objects.filter(partnership=partnership, public=True)
        .select_related("owner")
        .order_by("status", "due_on", "title", "pk")
    )
    if round_ is None:
        return PublicPage(partnership=partnership, round=None, actions=actions)
    n_respondents, headlines = _published_headlines(round_)
    return PublicPage(
        partnership=partnership,
        round=round_,
        n_respondents=n_respondents,
        headlines=headlines,
        actions=actions,
    )


#: How long the public page keeps a round's headlines before working them out again.
HEADLINES_CACHE_SECONDS = 3600


def _published_headlines(round_: Round) -> tuple[int | None, list[Headline]]:
    """The round's headlines, cached: the page needs no sign-in, so every visit must be cheap.

    The key holds the round's status and number of responses, so publishing again after a
    change gives new headlines at once.
    """
    key = f"public-headlines:{round_.pk}:{round_.status}:{round_.responses.count()}"
    found = cache.get(key)
    if found is None:
        document = results_document(round_)
        found = (
            document["n_respondents"] if document["available"] else None,
            _headlines(document),
        )
        cache.set(key, found, HEADLINES_CACHE_SECONDS)
    return found

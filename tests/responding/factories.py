"""A partnership with an open round, for the journey's tests (used by the browser tests too)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from stackup.frameworks.services import framework_store
from stackup.frameworks.validation import load_framework_file
from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Organisation, Partnership, Round, RoundStatus, Sector
from tests.frameworks.factories import SHIPPED, framework_dict

SMALL_FRAMEWORK = "youth-partnership-check"


def small_framework() -> dict[str, Any]:
    """Two themes (three statements, one without plain wording), one benefit, one barrier."""
    return framework_dict()


def store_small_framework():
    doc = load_framework_from_dict(small_framework())
    return framework_store(document=doc, source_name="youth.yaml").framework


def load_framework_from_dict(doc: dict[str, Any]) -> dict[str, Any]:
    from stackup.frameworks.validation import parse_framework
    from tests.frameworks.factories import to_yaml

    return parse_framework(to_yaml(copy.deepcopy(doc)), source="test")


def store_shipped_framework(slug: str = "collaboration-health-check"):
    doc = load_framework_file(SHIPPED[slug])
    return framework_store(document=doc, source_name=SHIPPED[slug].name).framework


@dataclass
class World:
    partnership: Partnership
    organisations: list[Organisation]
    round: Round
    tokens: list[str] = field(default_factory=list)

    def invitation_url(self, index: int = 0, lang: str = "") -> str:
        return f"{lang}/i/{self.tokens[index]}/"


def build_world(
    *,
    framework_slug: str = SMALL_FRAMEWORK,
    invitations: int = 3,
    open_link: bool = True,
    slug: str = "riverside",
    round_name: str = "Spring 2026",
    **round_options: Any,
) -> World:
    if framework_slug == SMALL_FRAMEWORK:
        store_small_framework()
    elif framework_slug in SHIPPED:
        store_shipped_framework(framework_slug)
    partnership = partnership_services.partnership_create(slug=slug, name="Riverside Together")
    organisations = [
        partnership_services.organisation_add(
            partnership=partnership, name="Riverside Borough Council", sector=Sector.COUNCIL
        ),
        partnership_services.organisation_add(
            partnership=partnership, name="Riverside Homes", sector=Sector.HOUSING
        ),
    ]
    round_ = partnership_services.round_create(
        partnership=partnership,
        name=round_name,
        framework_slug=framework_slug,
        open_link_enabled=open_link,
        **round_options,
    )
    issued = partnership_services.invitations_create(round=round_, count=invitations)
    partnership_services.round_set_status(round=round_, status=RoundStatus.OPEN)
    round_.refresh_from_db()
    return World(
        partnership=partnership,
        organisations=organisations,
        round=round_,
        tokens=[i.token for i in issued],
    )

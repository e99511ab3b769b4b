"""The database's own rules, in words a person can act on when a form trips over them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from stackup.accounts.models import User
from stackup.partnerships import services
from stackup.partnerships.models import Membership, Organisation, Role, Round

pytestmark = pytest.mark.django_db

FRAMEWORK = "collaboration-health-check"


@pytest.fixture
def round_():
    partnership = services.partnership_create(slug="p", name="P")
    return services.round_create(partnership=partnership, name="Spring", framework_slug=FRAMEWORK)


def messages_of(instance) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.messages


def test_a_minimum_group_size_below_3_is_explained(round_):
    round_.min_group_size = 2
    assert messages_of(round_) == ["The minimum group size must be 3 or more"]
    round_.min_group_size = 3
    round_.full_clean()


def test_closing_before_opening_is_explained(round_):
    round_.opens_on, round_.closes_on = dt.date(2026, 3, 31), dt.date(2026, 3, 1)
    assert messages_of(round_) == ["The closing date must be the same as or after the opening date"]
    round_.closes_on = round_.opens_on  # the same day is fine
    round_.full_clean()


def test_a_second_round_of_the_same_name_is_explained(round_):
    twin = Round(
        partnership=round_.partnership, name="Spring", framework=round_.framework, status="draft"
    )
    assert messages_of(twin) == ["This partnership already has a round with this name"]


def test_a_second_organisation_of_the_same_name_is_explained(round_):
    services.organisation_add(partnership=round_.partnership, name="Council", sector="council")
    twin = Organisation(partnership=round_.partnership, name="Council", sector="nhs")
    assert messages_of(twin) == [
        "This partnership already has a member organisation with this name"
    ]


def test_a_second_role_for_the_same_person_is_explained(round_):
    added = services.user_add(email="a@example.org", partnership=round_.partnership, role="viewer")
    twin = Membership(partnership=round_.partnership, user=added.user, role=Role.HELPER)
    assert messages_of(twin) == ["This person already has a role in this partnership"]
    assert User.objects.count() == 1

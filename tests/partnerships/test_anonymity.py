"""A stored response cannot be joined back to the invitation that brought it, by any column."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import models

from stackup.partnerships import services
from stackup.partnerships.models import Invitation
from stackup.responding.models import Channel, Response

pytestmark = pytest.mark.django_db

FRAMEWORK = "collaboration-health-check"


@pytest.fixture
def answered():
    """Three invitations, one used, and the response it produced."""
    partnership = services.partnership_create(slug="p", name="P")
    council = services.organisation_add(partnership=partnership, name="Council", sector="council")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    services.round_set_status(round=round_, status="open")
    issued = services.invitations_create(
        round=round_,
        emails=["a@example.org", "b@example.org", "c@example.org"],
        organisation=council,
    )
    used = issued[1].invitation
    Invitation.objects.filter(pk=used.pk).update(started=True, used=True)
    response = Response.objects.create(
        round=round_,
        channel=Channel.ONLINE,
        submitted_on=dt.date(2026, 3, 4),
        organisation=council,
        sector="council",
        role_level="manager",
        uses_services=False,
        answers={"item": 4},
    )
    return issued, used, response


def test_no_response_column_refers_to_an_invitation():
    for field in Response._meta.concrete_fields:
        if field.is_relation:
            assert field.related_model is not Invitation, field.name
            # Nor to anything that itself points at one invitation (a draft, say).
            assert field.related_model._meta.label in {
                "partnerships.Round",
                "partnerships.Organisation",
            }, field.name
    assert not any(
        "invitation" in field.name or "token" in field.name
        for field in Response._meta.concrete_fields
    )


def test_no_stored_value_matches_any_invitation(answered):
    issued, _used, response = answered
    row = Response.objects.filter(pk=response.pk).values(
        *[f.attname for f in Response._meta.concrete_fields]
    )[0]
    stored = {str(value) for value in row.values() if value is not None}
    flattened = " ".join(stored)
    for item in issued:
        invitation = Invitation.objects.get(pk=item.invitation.pk)
        assert invitation.token_hash not in flattened
        assert item.token not in flattened
        assert invitation.email not in flattened
    # The invitation ids are small integers: none may be stored as a column value.
    invitation_ids = {str(pk) for pk in Invitation.objects.values_list("pk", flat=True)}
    key_columns = {
        f.attname: row[f.attname]
        for f in Response._meta.concrete_fields
        if not isinstance(f, models.JSONField)
    }
    for name, value in key_columns.items():
        if name in ("round_id", "organisation_id"):
            continue  # shared by every response in the round or organisation
        assert str(value) not in invitation_ids, name


def test_no_invitation_column_refers_to_a_response(answered):
    for field in Invitation._meta.concrete_fields:
        if field.is_relation:
            assert field.related_model is not Response, field.name
    for related in Invitation._meta.related_objects:
        assert related.related_model is not Response, related.name


def test_responses_keep_no_time_finer_than_a_day():
    for field in Response._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.TimeField), field.name
    assert isinstance(Response._meta.get_field("submitted_on"), models.DateField)


def test_responses_keep_no_address():
    for field in Response._meta.concrete_fields:
        assert not isinstance(field, models.GenericIPAddressField), field.name
        assert "ip" not in field.name.split("_"), field.name
        assert "address" not in field.name and "email" not in field.name, field.name


def test_the_response_key_is_random_not_a_sequence(answered):
    _issued, _used, response = answered
    primary_key = Response._meta.pk
    assert isinstance(primary_key, models.UUIDField)
    assert primary_key.default is uuid.uuid4
    assert uuid.UUID(str(response.pk)).version == 4


def test_invitations_record_whether_used_never_when():
    for field in Invitation._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.DateField | models.TimeField), (
            field.name
        )
    assert isinstance(Invitation._meta.get_field("used"), models.BooleanField)
    assert isinstance(Invitation._meta.get_field("started"), models.BooleanField)


def test_responses_are_not_ordered_by_anything_that_follows_arrival():
    # A default ordering by key or date would hand out responses in the order they came.
    assert Response._meta.ordering in ([], None) or all(
        "submitted" not in field and field.lstrip("-") not in ("id", "pk")
        for field in Response._meta.ordering
    )

"""The coordinator's import page: check a file, then import it, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stackup.core.models import AuditEvent
from stackup.partnerships.models import Role
from stackup.responding.models import Response
from tests.partnerships.factories import make_member
from tests.responding.factories import build_world
from tests.responding.test_import import BAD_CSV, GOOD_CSV


def url(world):
    return f"/partnerships/{world.partnership.slug}/import/"


def upload(text, name="responses.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def coordinator(world):
    client = Client()
    client.force_login(make_member(world.partnership, "c@example.org", Role.COORDINATOR).user)
    return client


@pytest.mark.django_db
def test_a_valid_file_is_checked_then_imported(world, coordinator):
    page = coordinator.get(url(world))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()

    checked = coordinator.post(url(world), {"file": upload(GOOD_CSV), "round": "Spring 2026"})
    assert checked.status_code == 200
    assert "4 responses are ready to import" in checked.content.decode()
    assert Response.objects.count() == 0

    done = coordinator.post(
        url(world), {"file": upload(GOOD_CSV), "round": "Spring 2026", "confirm": "on"}
    )
    assert done.status_code == 302
    assert "4 responses imported" in coordinator.get(done["Location"]).content.decode()
    assert Response.objects.count() == 4
    assert AuditEvent.objects.filter(action="responses.import").count() == 1

    again = coordinator.post(
        url(world), {"file": upload(GOOD_CSV), "round": "Spring 2026", "confirm": "on"}
    )
    assert again.status_code == 302
    assert Response.objects.count() == 4


@pytest.mark.django_db
def test_a_bad_file_shows_every_problem_and_imports_nothing(world, coordinator):
    page = coordinator.post(url(world), {"file": upload(BAD_CSV), "confirm": "on"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert "The file has 7 problems. Nothing was imported." in html
    assert '<td class="govuk-table__cell">YV1</td>' in html
    assert '<td class="govuk-table__cell">organisation</td>' in html
    assert "Nowhere Trust" in html
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_an_unreadable_or_missing_file_is_an_error(world, coordinator):
    missing = coordinator.post(url(world), {"round": "Spring 2026"})
    assert missing.status_code == 400 and "Select a CSV or ODS file" in missing.content.decode()
    latin = SimpleUploadedFile("r.csv", "YV1\n\xe9\n".encode("latin-1"))
    unreadable = coordinator.post(url(world), {"file": latin, "round": "Spring 2026"})
    assert "must be saved as UTF-8" in unreadable.content.decode()
    forged = coordinator.post(url(world), {"file": upload("YV1\n3\n"), "round": "Nope"})
    assert "Select one of the rounds shown" in forged.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_only_coordinators_may_import(world):
    for role in (Role.HELPER, Role.VIEWER):
        client = Client()
        client.force_login(make_member(world.partnership, f"{role}@example.org", role).user)
        assert client.get(url(world)).status_code == 403
        sent = client.post(url(world), {"file": upload(GOOD_CSV), "confirm": "on"})
        assert sent.status_code == 403
    other = build_world(slug="hillside", round_name="Hillside round", invitations=1)
    outsider = Client()
    outsider.force_login(make_member(other.partnership, "o@example.org", Role.COORDINATOR).user)
    assert outsider.get(url(world)).status_code == 404
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_csrf_is_required(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_member(world.partnership, "c@example.org", Role.COORDINATOR).user)
    sent = client.post(
        url(world), {"file": upload(GOOD_CSV), "round": "Spring 2026", "confirm": "on"}
    )
    assert sent.status_code == 403
    assert Response.objects.count() == 0

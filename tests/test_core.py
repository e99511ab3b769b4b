"""Settings, the health check, and the pages every visitor can read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_healthz_answers_ok_with_a_small_json_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/privacy/", "/cookies/"])
def test_public_pages_render_in_english_and_welsh(client, path):
    english = client.get(path)
    assert english.status_code == 200
    assert b'<html lang="en-GB"' in english.content
    welsh = client.get("/cy" + path)
    assert welsh.status_code == 200
    assert b'<html lang="cy"' in welsh.content


def test_cookies_page_names_every_cookie_the_service_sets(client, settings):
    body = client.get("/cookies/").content.decode()
    assert settings.SESSION_COOKIE_NAME in body
    assert settings.CSRF_COOKIE_NAME in body


def test_home_page_sets_no_cookies(client):
    response = client.get("/")
    assert response.cookies == {}


def _run_settings(module: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = module
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean,
        check=False,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_settings("stackup.settings.production", {"ALLOWED_HOSTS": "stackup.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run_settings("stackup.settings.production", {"SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_starts_with_its_secrets_and_is_locked_down():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "stackup.settings.production",
            "SECRET_KEY": "y" * 60,
            "ALLOWED_HOSTS": "stackup.example",
        },
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True"]


def test_stackup_command_behaves_like_manage_py():
    stackup = Path(sys.executable).with_name("stackup")
    result = subprocess.run(
        [str(stackup), "help", "load_demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: stackup load_demo" in result.stdout


def test_default_database_is_the_sqlite_file_in_the_data_folder():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "stackup.settings.dev"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['NAME'])",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / "var" / "stackup.sqlite3")


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    from io import StringIO

    from django.core.management import call_command

    from stackup.accounts.models import User
    from stackup.core.models import AuditEvent
    from stackup.partnerships.models import (
        Invitation,
        Membership,
        Organisation,
        Partnership,
        Round,
    )
    from stackup.responding.models import Response

    def counts():
        return tuple(
            model.objects.count()
            for model in (
                Partnership,
                Organisation,
                User,
                Membership,
                Round,
                Invitation,
                AuditEvent,
                Response,
            )
        )

    first = StringIO()
    call_command("load_demo", stdout=first)
    after_first = counts()
    second = StringIO()
    call_command("load_demo", stdout=second)
    assert counts() == after_first
    assert "The demo data is already loaded." in second.getvalue()
    assert "Created" not in second.getvalue()

    partnerships, organisations, users, memberships, rounds, invitations, _audit, responses = (
        after_first
    )
    assert (partnerships, organisations, users, memberships, rounds) == (1, 9, 4, 4, 3)
    assert invitations == 40
    partnership = Partnership.objects.get(slug="riverside")
    assert len(set(partnership.organisations.values_list("sector", flat=True))) >= 7
    roles = dict(partnership.memberships.values_list("user__email", "role"))
    assert roles == {
        "coordinator@demo.example": "coordinator",
        "viewer@demo.example": "viewer",
        "helper@demo.example": "helper",
        "lead@demo.example": "partner_lead",
    }
    lead = partnership.memberships.get(user__email="lead@demo.example")
    assert lead.organisation.name == "Riverside and Vale NHS Trust"
    for email in roles:
        assert User.objects.get(email=email).check_password("stack-up-demo")
        assert email in first.getvalue() and email in second.getvalue()

    spring = partnership.rounds.get(name="Spring 2026")
    assert (spring.status, spring.framework.slug, spring.open_link_enabled) == (
        "open",
        "collaboration-health-check",
        True,
    )
    assert spring.invitations.count() == 40
    assert spring.invitations.values("organisation").distinct().count() == 9
    assert not spring.invitations.filter(used=True).exists()
    autumn = partnership.rounds.get(name="Autumn 2025")
    assert autumn.status == "published"
    assert not autumn.invitations.exists()
    earlier = partnership.rounds.get(name="Spring 2025")
    assert earlier.status == "published"
    assert earlier.opens_on < autumn.opens_on
    assert f"/r/{spring.open_code}/" in first.getvalue()
    # Everything was made through the services, so the audit log tells the story.
    demo_events = AuditEvent.objects.filter(partnership__isnull=False)
    assert demo_events.filter(partnership=partnership, actor__isnull=True).count() == (
        demo_events.count()
    )
    assert demo_events.count() > 20

    # Three rounds of made-up responses, the same every run (a fixed seed).
    assert 300 <= responses <= 500
    assert earlier.responses.count() > 100
    assert autumn.responses.count() > 100 and spring.responses.count() > 80
    assert not any(r.import_key for r in Response.objects.all())
    channels = set(Response.objects.values_list("channel", flat=True))
    assert channels == {"online", "paper", "phone"}
    assert Response.objects.filter(channel="online").count() > responses * 0.7
    answers = list(Response.objects.values_list("answers", flat=True))
    assert any("DK" in a.values() for a in answers)
    statements = sum(len(t["items"]) for t in spring.framework.document["themes"])
    assert all(len(a) <= statements for a in answers)
    assert any(len(a) < statements for a in answers)  # some statements left blank
    assert Response.objects.values("organisation").distinct().count() >= 9
    assert Response.objects.values("role_level").distinct().count() == 4  # and blanks

    def mean(rows, prefix):
        values = [
            v for a in rows for k, v in a.items() if k.rstrip("0123456789") == prefix and v != "DK"
        ]
        return sum(values) / len(values)

    users = list(
        Response.objects.filter(uses_services=True, role_level="").values_list("answers", flat=True)
    )
    leaders = list(
        Response.objects.filter(role_level="senior_leader").values_list("answers", flat=True)
    )
    for prefix in ("SP", "SU"):
        assert mean(users, prefix) + 1 < mean(leaders, prefix), prefix
    # The same answers every run.
    from stackup.core import demo

    digest = sorted(str(sorted(a.items())) for a in answers)
    Response.objects.all().delete()
    call_command("load_demo", stdout=StringIO())
    again = sorted(
        str(sorted(a.items())) for a in Response.objects.values_list("answers", flat=True)
    )
    assert again == digest
    assert demo.RESPONSE_SEED

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
    from django.core.management import call_command

    from stackup.accounts.models import User
    from stackup.partnerships.models import Membership, Organisation, Partnership

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = (
        Partnership.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts == (
        Partnership.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == 1 and counts[1] >= 9
    assert User.objects.get(email="coordinator@demo.example").check_password("stack-up-demo")

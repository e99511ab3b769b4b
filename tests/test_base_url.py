"""Links that cannot be wrong: where the base address comes from, and when it is refused."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from stackup.core.checks import base_url_problem
from tests.partnerships.factories import build_world


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "unset"),
        ("http://127.0.0.1:8000", "loopback"),
        ("http://127.8.0.1", "loopback"),
        ("https://localhost", "loopback"),
        ("http://[::1]:8000", "loopback"),
        ("http://0.0.0.0:8000", "loopback"),
        ("https://app.localhost", "loopback"),
        ("stackup.example.org", "malformed"),
        ("ftp://stackup.example.org", "malformed"),
        ("https://stackup.example.org", None),
        ("http://10.1.2.3:8000", None),
    ],
)
def test_base_url_problems(url, problem):
    assert base_url_problem(url) == problem


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000", "http://localhost"])
def test_check_deploy_fails_on_a_missing_or_loopback_base_url(settings, url):
    settings.STACKUP_BASE_URL = url
    with pytest.raises(SystemCheckError, match=r"stackup\.E001"):
        call_command("check", deploy=True, tags=["security"], fail_level="ERROR")


def test_check_deploy_accepts_a_public_https_base_url(settings):
    settings.STACKUP_BASE_URL = "https://stackup.example.org"
    call_command("check", deploy=True, tags=["security"], fail_level="ERROR")


def test_check_without_deploy_does_not_complain(settings):
    settings.STACKUP_BASE_URL = ""
    call_command("check", fail_level="ERROR")


def _setting_in(module: str, **environ: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STACKUP_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(environ, DJANGO_SETTINGS_MODULE=module)
    code = "from django.conf import settings; print(settings.STACKUP_BASE_URL)"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_make_run_derives_the_base_url_from_where_it_serves():
    assert _setting_in("stackup.settings.dev") == "http://127.0.0.1:8000"
    derived = _setting_in("stackup.settings.dev", STACKUP_HOST="127.0.0.1", STACKUP_PORT="8123")
    assert derived == "http://127.0.0.1:8123"
    configured = _setting_in(
        "stackup.settings.dev", STACKUP_PORT="8123", STACKUP_BASE_URL="https://a.example/"
    )
    assert configured == "https://a.example"


def test_production_has_no_default_base_url():
    assert (
        _setting_in(
            "stackup.settings.production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="stackup.example"
        )
        == ""
    )


@pytest.fixture
def round_page(db):
    w = build_world()
    w.round.open_code = "RIVER7"
    w.round.open_link_enabled = True
    w.round.save(update_fields=["open_code", "open_link_enabled"])
    client = Client()
    client.force_login(w.coordinator)
    return lambda: client.get(
        reverse(
            "partnerships:round_detail",
            kwargs={"slug": w.partnership.slug, "round_id": w.round.pk},
        )
    ).content.decode()


def test_pages_that_make_links_show_the_address_in_use(settings, round_page):
    settings.STACKUP_BASE_URL = "https://stackup.example.org"
    page = round_page()
    assert "https://stackup.example.org/r/RIVER7/" in page
    assert (
        'Links made here start with <code class="stackup-address">https://stackup.example.org'
        in page
    )


def test_pages_warn_when_links_only_work_on_this_computer(settings, round_page):
    settings.STACKUP_BASE_URL = "http://127.0.0.1:8000"
    assert "only works on the computer running Stack Up" in round_page()
    settings.STACKUP_BASE_URL = ""
    assert "links made here will not work" in round_page()

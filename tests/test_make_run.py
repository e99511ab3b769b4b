"""`make run` sets everything up and serves the product on its embedded default."""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks.makerun import make_run


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def test_make_run_serves_the_demo_and_serves_again_from_what_it_made():
    with tempfile.TemporaryDirectory(prefix="stackup-run-") as data:
        with make_run(data) as (base, _seconds, output):
            status, body = _get(base + "/healthz")
            assert status == 200 and '"database": "ok"' in body
            status, body = _get(base + "/")
            assert status == 200 and "How well do we really work together?" in body
            output.seek(0)
            printed = output.read().decode()
            assert "Stack Up is starting at http://127.0.0.1:" in printed
            assert "coordinator@demo.example / stack-up-demo" in printed
            # The embedded default: SQLite in the data folder, with the demo in it.
            assert (Path(data) / "stackup.sqlite3").exists()
            # It serves like production: the product's own 404 page, no list of URLs.
            with pytest.raises(urllib.error.HTTPError) as missing:
                _get(base + "/no-such-page/")
            page = missing.value.read().decode()
            assert missing.value.code == 404
            assert "Page not found" in page
            assert "URLconf" not in page and "DEBUG = True" not in page
            # A secret key made once, readable by its owner only, and kept.
            key_file = Path(data) / "secret_key"
            key = key_file.read_text()
            assert len(key.strip()) >= 50 and key_file.stat().st_mode & 0o077 == 0
        # A second start reuses the database and the demo: nothing is made twice.
        with make_run(data) as (base, _seconds, output):
            assert _get(base + "/healthz")[0] == 200
            output.seek(0)
            assert "The demo data is already loaded." in output.read().decode()
            assert key_file.read_text() == key

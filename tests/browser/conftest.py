"""A real headless Chromium, axe-core for accessibility and vnu for HTML validity."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Validator:
    url: str

    def errors(self, html: str) -> list[str]:
        request = urllib.request.Request(  # noqa: S310 - the local validator only
            self.url + "?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
            messages = json.load(response)["messages"]
        return [
            f"line {m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()}]"
            for m in messages
            if m.get("type") == "error"
        ]


@pytest.fixture(scope="session")
def html_validator():
    """The Nu HTML Checker as a local service for the whole session."""
    port = _free_port()
    process = subprocess.Popen(
        [
            "java",
            "-Xss8m",
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "-cp",
            str(VNU),
            "nu.validator.servlet.Main",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("The HTML validator (vnu) did not start.")
            time.sleep(0.3)
    yield Validator(url)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


def _axe_violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture
def check_page(axe_source, html_validator):
    """Assert zero axe violations and valid HTML on the page as it is now.

    axe needs JavaScript, so a page seen with JavaScript off is checked by
    loading its HTML, scripts removed, into a second, scripted tab: what axe
    sees there is what a visitor without JavaScript gets.
    """

    def check(page, *, html: str | None = None, js: bool = True, context: str = "") -> None:
        """``html``: the page's source as served; the live DOM is used without it."""
        label = context or page.url
        source = html if html is not None else page.content()
        errors = html_validator.errors(source)
        assert errors == [], f"HTML errors on {label}: {errors}"
        if js:
            violations = _axe_violations(page, axe_source)
        else:
            scripted = page.context.browser.new_context()
            try:
                twin = scripted.new_page()
                twin.route(
                    page.url,
                    lambda route: route.fulfill(
                        status=200,
                        content_type="text/html; charset=utf-8",
                        body=_SCRIPT.sub("", page.content()),
                    ),
                )
                twin.goto(page.url)
                violations = _axe_violations(twin, axe_source)
            finally:
                scripted.close()
        assert violations == [], f"axe violations on {label}: {violations}"

    return check


@pytest.fixture
def no_js(browser):
    """A page in a browser context with JavaScript switched off."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()

"""Page weight: bytes a browser transfers, compressed, to show a page.

Serves the product the way `make run` does, with its default settings (gunicorn, WhiteNoise with
compressed, hashed static files, SQLite in a throwaway data folder) and loads
pages in headless Chromium with a cold cache, adding up what went over the
wire: response headers and encoded bodies of every request the page made.

    .venv/bin/python -m benchmarks.pageweight            # the public pages
    .venv/bin/python -m benchmarks.pageweight / /cy/     # chosen paths
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PUBLIC_PAGES = ["/", "/accessibility/", "/privacy/", "/cookies/", "/account/sign-in/"]


@dataclass
class Transfer:
    url: str
    kind: str
    encoding: str
    bytes: int


@dataclass
class PageWeight:
    path: str
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.bytes for t in self.transfers)

    def by_kind(self, kind: str) -> int:
        return sum(t.bytes for t in self.transfers if t.kind == kind)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_product(extra_env: dict[str, str] | None = None):
    """Yield the base URL of the product served as in production, then stop it."""
    with tempfile.TemporaryDirectory(prefix="stackup-weight-") as data:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "stackup.settings.dev",
            "STACKUP_DATA_DIR": data,
            **(extra_env or {}),
        }
        stackup = str(BIN / "stackup")
        for command in (
            ["collectstatic", "--noinput"],
            ["migrate", "--noinput"],
            ["createcachetable"],
        ):
            subprocess.run(
                [stackup, *command, "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
            )
        port = _free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "stackup.wsgi", "--bind", f"127.0.0.1:{port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).close()
                    break
                except (urllib.error.URLError, OSError):
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("The product did not start under gunicorn.") from None
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


def measure(browser, base: str, path: str, *, javascript: bool = True) -> PageWeight:
    """Load ``path`` in a new context (an empty cache) and add up the transfer."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(base + path, wait_until="networkidle")
    weight = PageWeight(path)
    for request in requests:
        response = request.response()
        sizes = request.sizes()
        weight.transfers.append(
            Transfer(
                url=request.url.removeprefix(base),
                kind=request.resource_type,
                encoding=(response.headers.get("content-encoding") if response else None) or "none",
                bytes=sizes["responseHeadersSize"] + sizes["responseBodySize"],
            )
        )
    context.close()
    return weight


def main(paths: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with served_product() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        print("| page | HTML | CSS | JS | other | total (KB) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for path in paths:
            w = measure(browser, base, path)
            other = w.total - sum(w.by_kind(k) for k in ("document", "stylesheet", "script"))
            cells = [w.by_kind("document"), w.by_kind("stylesheet"), w.by_kind("script"), other]
            print(
                f"| `{path}` | "
                + " | ".join(f"{c / 1024:.1f}" for c in cells)
                + f" | {w.total / 1024:.1f} |"
            )
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or PUBLIC_PAGES)

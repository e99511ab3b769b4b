"""`make run` from cold and again: how long until the product answers.

Runs scripts/run.sh (what `make run` runs) on a throwaway data folder and a
free port, waits for /healthz, stops it, then starts it again and times the
second start, which reuses everything the first one made. The first start is
the baseline the second is compared with.

    .venv/bin/python -m benchmarks.makerun
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_env(data_dir: str, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "stackup.settings.dev",
            "STACKUP_DATA_DIR": data_dir,
            "STACKUP_PORT": str(port),
        }
    )
    return env


@contextmanager
def make_run(data_dir: str, *, timeout: float = 300):
    """Start scripts/run.sh; yield (base URL, seconds until /healthz answered, output file)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        yield from _serve(base, data_dir, port, output, timeout)


def _serve(base: str, data_dir: str, port: int, output, timeout: float):
    started = time.monotonic()
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=run_env(data_dir, port),
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None:
                output.seek(0)
                raise RuntimeError(
                    "make run stopped before serving:\n" + output.read().decode(errors="replace")
                )
            if time.monotonic() - started > timeout:
                raise RuntimeError("make run did not start serving in time")
            time.sleep(0.1)
        yield base, time.monotonic() - started, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="stackup-run-") as data:
        with make_run(data) as (_base, first, _out):
            pass
        with make_run(data) as (_base, second, _out):
            pass
    print("| start | seconds until /healthz answers | ratio to first start |")
    print("| --- | ---: | ---: |")
    print(f"| first (empty data folder) | {first:.1f} | 1.00 |")
    print(f"| second (everything reused) | {second:.1f} | {second / first:.2f} |")


if __name__ == "__main__":
    main()

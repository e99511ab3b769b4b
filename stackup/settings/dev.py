"""One machine: ``make run`` and the ``stackup`` command on a workstation or small server.

It serves like production wherever plain HTTP on one machine allows: ``DEBUG`` is off
unless ``DEBUG=true`` is set (for developers), the secret key is made once and kept in
the data folder, static files are compressed and hashed, and errors show the product's
own pages.
"""

import os
import secrets
import socket
from pathlib import Path

from stackup.settings import env
from stackup.settings.base import *  # noqa: F403
from stackup.settings.base import DATA_DIR


def _kept_secret_key(path: Path) -> str:
    """The key in ``path``, made (readable by its owner only) the first time it is needed."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


DEBUG = env.boolean("DEBUG", False)
SECRET_KEY = env.get("SECRET_KEY") or _kept_secret_key(DATA_DIR / "secret_key")

_host = env.get("STACKUP_HOST") or "127.0.0.1"
if _host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (serving on every address: name this machine)
    _host = socket.getfqdn()
ALLOWED_HOSTS = env.listing(
    "ALLOWED_HOSTS", sorted({"127.0.0.1", "localhost", "[::1]", _host.strip("[]")})
)

# Links in emails and on printed slips point to where `make run` serves, unless set.
STACKUP_BASE_URL = (
    env.get("STACKUP_BASE_URL") or f"http://{_host}:{env.get('STACKUP_PORT') or '8000'}"
).rstrip("/")

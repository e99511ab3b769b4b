"""Local use: ``make run`` and the ``stackup`` command on a workstation."""

import socket

from stackup.settings import env
from stackup.settings.base import *  # noqa: F403

DEBUG = env.boolean("DEBUG", True)
SECRET_KEY = env.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Links in emails and on printed slips point to where `make run` serves, unless set.
_host = env.get("STACKUP_HOST") or "127.0.0.1"
if _host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (serving on every address: name this machine)
    _host = socket.getfqdn()
STACKUP_BASE_URL = (
    env.get("STACKUP_BASE_URL") or f"http://{_host}:{env.get('STACKUP_PORT') or '8000'}"
).rstrip("/")

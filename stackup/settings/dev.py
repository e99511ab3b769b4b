"""Local use: ``make run`` and the ``stackup`` command on a workstation."""

from stackup.settings import env
from stackup.settings.base import *  # noqa: F403

DEBUG = env.boolean("DEBUG", True)
SECRET_KEY = env.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

"""Every setting that comes from the environment is read here, and only here.

A ``.env`` file in the project folder is read first if it exists; variables
already set in the real environment win over it. ``.env.example`` lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ImproperlyConfigured(f"{path}:{number}: expected NAME=value, found {line!r}")
        name, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


_DOTENV = _read_dotenv(BASE_DIR / ".env")


def get(name: str, default: str | None = None) -> str | None:
    """The raw value of ``name``: the real environment first, then ``.env``."""
    if name in os.environ:
        return os.environ[name]
    return _DOTENV.get(name, default)


def required(name: str) -> str:
    value = get(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set for this configuration."
        )
    return value


def boolean(name: str, default: bool) -> bool:
    value = get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def integer(name: str, default: int) -> int:
    value = get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def listing(name: str, default: list[str] | None = None) -> list[str]:
    value = get(name)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


DATA_DIR = Path(get("STACKUP_DATA_DIR") or BASE_DIR / "var")

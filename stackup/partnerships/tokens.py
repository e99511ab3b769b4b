"""Invitation tokens and open-link codes.

Tokens carry 192 bits from ``secrets`` and only their SHA-256 hash is stored,
so a copy of the database cannot be turned back into working links. Codes for
the open link are short and typable: eight characters from an alphabet with no
look-alikes (no 0/O, 1/I/L, U), shown as two groups of four.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 24  # 192 bits
OPEN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_OPEN_CODE_RE = re.compile(rf"^[{OPEN_CODE_ALPHABET}]{{4}}-[{OPEN_CODE_ALPHABET}]{{4}}$")
# Invitation tokens as issued: URL-safe base64 of TOKEN_BYTES bytes.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def new_open_code() -> str:
    chars = "".join(secrets.choice(OPEN_CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_open_code(text: str) -> str | None:
    """What a person typed, tidied: case, spaces and a missing dash forgiven.

    Returns None when it cannot be a code at all.
    """
    if not isinstance(text, str):
        return None
    # Spaces, hyphens and the dashes a phone or word processor puts in their place.
    cleaned = re.sub(r"[\s\-\u2010-\u2015\u2212]", "", text[:40].upper())
    if len(cleaned) != 8:
        return None
    code = f"{cleaned[:4]}-{cleaned[4:]}"
    return code if _OPEN_CODE_RE.match(code) else None

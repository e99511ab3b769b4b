"""Invitation tokens and open-link codes: strength, hashing, constant-time comparison, typing."""

from __future__ import annotations

import base64
import hashlib
import math
import re

import pytest

from stackup.partnerships import services, tokens
from stackup.partnerships.models import Invitation

FRAMEWORK = "collaboration-health-check"


def test_a_token_carries_at_least_128_bits_from_secrets(monkeypatch):
    calls = []
    real = tokens.secrets.token_urlsafe

    def spy(nbytes):
        calls.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(tokens.secrets, "token_urlsafe", spy)
    token = tokens.new_token()
    assert calls == [tokens.TOKEN_BYTES]
    assert tokens.TOKEN_BYTES * 8 >= 128
    # URL-safe base64 of 24 bytes: 32 characters, decoding back to 24 random bytes.
    assert len(token) == 32
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert len(base64.urlsafe_b64decode(token)) == tokens.TOKEN_BYTES
    assert tokens.TOKEN_RE.fullmatch(token)


def test_tokens_do_not_repeat_and_use_the_whole_alphabet():
    sample = [tokens.new_token() for _ in range(2000)]
    assert len(set(sample)) == len(sample)
    characters = "".join(sample)
    counts = {c: characters.count(c) for c in set(characters)}
    assert len(counts) == 64  # every URL-safe base64 character turns up
    # Shannon entropy per character close to the 6 bits base64 can carry.
    total = len(characters)
    entropy = -sum(n / total * math.log2(n / total) for n in counts.values())
    assert entropy > 5.9
    assert entropy * 32 >= 128


def test_the_hash_is_sha256_of_the_token():
    token = tokens.new_token()
    assert tokens.hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(tokens.hash_token(token)) == 64


@pytest.mark.django_db
def test_the_database_holds_the_hash_and_never_the_token():
    partnership = services.partnership_create(slug="p", name="P")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    issued = services.invitations_create(round=round_, count=5, emails=None)
    stored_values = [
        str(value) for row in Invitation.objects.values_list() for value in row if value is not None
    ]
    for item in issued:
        assert Invitation.objects.get(pk=item.invitation.pk).token_hash == tokens.hash_token(
            item.token
        )
        assert all(item.token not in value for value in stored_values)
        assert services.invitation_for_token(item.token).pk == item.invitation.pk


@pytest.mark.django_db
def test_a_wrong_or_modified_token_finds_nothing():
    partnership = services.partnership_create(slug="p", name="P")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    token = services.invitations_create(round=round_, count=1)[0].token
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    for wrong in (flipped, token[:-1], token + "A", token.upper(), tokens.new_token()):
        assert services.invitation_for_token(wrong) is None
    # The stored hash is not a key either.
    assert services.invitation_for_token(tokens.hash_token(token)) is None


@pytest.mark.django_db
def test_lookup_compares_in_constant_time(monkeypatch):
    partnership = services.partnership_create(slug="p", name="P")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    token = services.invitations_create(round=round_, count=1)[0].token
    calls = []
    real = tokens.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert services.invitation_for_token(token) is not None
    assert calls == [(tokens.hash_token(token), tokens.hash_token(token))]
    assert tokens.token_matches(token, tokens.hash_token(token))
    assert not tokens.token_matches(token, "0" * 64)
    assert len(calls) == 3


def test_open_codes_use_the_typable_alphabet_in_two_groups_of_four():
    assert not set(tokens.OPEN_CODE_ALPHABET) & set("0O1IL U")
    for _ in range(500):
        code = tokens.new_open_code()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert set(code.replace("-", "")) <= set(tokens.OPEN_CODE_ALPHABET)
        assert tokens.normalise_open_code(code) == code


@pytest.mark.parametrize(
    "typed", ["K7QM-2PXD", "k7qm-2pxd", "K7QM2PXD", " k7qm 2pxd ", "K7 QM 2P XD", "k7qm\u20132pxd"]
)
def test_normalise_open_code_forgives_case_spaces_and_dashes(typed):
    assert tokens.normalise_open_code(typed) == "K7QM-2PXD"


@pytest.mark.parametrize(
    "junk",
    [
        "",
        None,
        "K7QM-2PX",  # too short
        "K7QM-2PXDA",  # too long
        "K0QM-2PXD",  # 0 is not in the alphabet
        "K7QO-2PXD",  # nor O
        "K7Q1-2PXD",  # nor 1
        "K7QM_2PXD",
        "K7QM-2PX!",
        "<script>",
        "K7QM-2PXD" * 10,
    ],
)
def test_normalise_open_code_rejects_junk(junk):
    assert tokens.normalise_open_code(junk) is None

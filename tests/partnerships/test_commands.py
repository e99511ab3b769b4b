"""The coordinator's commands: what they do, and how they refuse bad arguments, changing nothing."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import CommandError

from stackup.accounts.models import User
from stackup.core.models import AuditEvent
from stackup.partnerships import services, tokens
from stackup.partnerships.models import Invitation, Membership, Organisation, Partnership, Round
from tests.partnerships.helpers import snapshot

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = "collaboration-health-check"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str, containing: str) -> str:
    """Run a command that must refuse: CommandError, the message, and nothing changed."""
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=out, stderr=err)
    assert snapshot() == before
    assert out.getvalue() == ""
    message = str(caught.value)
    assert containing in message, message
    return message


@pytest.fixture
def partnership(db):
    partnership = services.partnership_create(slug="riverside", name="Riverside Together")
    services.organisation_add(partnership=partnership, name="Vale Police", sector="police")
    return partnership


@pytest.fixture
def round_(partnership):
    return services.round_create(
        partnership=partnership, name="Spring 2026", framework_slug=FRAMEWORK
    )


# ---------------------------------------------------------------------------------------------
# create_partnership


def test_create_partnership(db):
    out, _err = run(
        "create_partnership",
        "--slug",
        "vale",
        "--name",
        "Vale Health",
        "--area",
        "The Vale",
        "--description",
        "Health and care",
    )
    made = Partnership.objects.get(slug="vale")
    assert (made.name, made.area, made.description) == (
        "Vale Health",
        "The Vale",
        "Health and care",
    )
    assert "Created partnership Vale Health (vale)." in out
    event = AuditEvent.objects.get(action="partnership.create")
    assert event.actor is None and event.actor_label == "system"


def test_create_partnership_refuses_a_taken_or_bad_short_name(partnership):
    fails(
        "create_partnership",
        "--slug",
        "riverside",
        "--name",
        "Again",
        containing="already exists. Nothing was changed.",
    )
    fails("create_partnership", "--slug", "Not OK", "--name", "X", containing="short name must")


def test_create_partnership_needs_its_arguments(db):
    fails("create_partnership", "--slug", "vale", containing="--name")


# ---------------------------------------------------------------------------------------------
# add_organisation


@pytest.mark.parametrize("sector", ["fire_rescue", "Fire and rescue", "FIRE-RESCUE"])
def test_add_organisation_takes_a_sector_by_value_or_name(partnership, sector):
    out, _err = run(
        "add_organisation",
        "--partnership",
        "riverside",
        "--name",
        "Vale Fire",
        "--sector",
        sector,
    )
    assert Organisation.objects.get(name="Vale Fire").sector == "fire_rescue"
    assert "Added Vale Fire (Fire and rescue) to Riverside Together." in out


def test_add_organisation_refuses_an_unknown_sector_listing_them(partnership):
    message = fails(
        "add_organisation",
        "--partnership",
        "riverside",
        "--name",
        "X",
        "--sector",
        "army",
        containing="Choose a sector:",
    )
    for value in ("council", "nhs", "police", "fire_rescue", "voluntary_community", "other"):
        assert value in message


def test_add_organisation_refuses_an_unknown_partnership(partnership):
    message = fails(
        "add_organisation",
        "--partnership",
        "nowhere",
        "--name",
        "X",
        "--sector",
        "nhs",
        containing="There is no partnership with the short name 'nowhere'",
    )
    assert "riverside" in message


def test_add_organisation_refuses_a_duplicate(partnership):
    fails(
        "add_organisation",
        "--partnership",
        "riverside",
        "--name",
        "VALE POLICE",
        "--sector",
        "police",
        containing="already a member",
    )


# ---------------------------------------------------------------------------------------------
# create_round


def test_create_round_with_every_option(partnership):
    out, _err = run(
        "create_round",
        "--partnership",
        "riverside",
        "--name",
        "Autumn 2026",
        "--framework",
        FRAMEWORK,
        "--framework-version",
        "1",
        "--min-group-size",
        "8",
        "--opens",
        "2026-10-01",
        "--closes",
        "2026-10-31",
        "--open-link",
    )
    made = Round.objects.get(name="Autumn 2026")
    assert made.partnership == partnership
    assert made.min_group_size == 8
    assert (str(made.opens_on), str(made.closes_on)) == ("2026-10-01", "2026-10-31")
    assert made.status == "draft"
    assert made.open_link_enabled and made.open_code
    assert f"/r/{made.open_code}/" in out
    assert "--round 'Autumn 2026' --status open" in out


def test_create_round_with_only_what_it_needs(partnership):
    run("create_round", "--partnership", "riverside", "--name", "R", "--framework", FRAMEWORK)
    made = Round.objects.get(name="R")
    assert (made.min_group_size, made.opens_on, made.closes_on) == (5, None, None)
    assert not made.open_link_enabled


ROUND = ["create_round", "--partnership", "riverside", "--framework", FRAMEWORK]


def test_create_round_refuses_an_unknown_partnership(db):
    fails(
        "create_round",
        "--partnership",
        "nowhere",
        "--name",
        "R",
        "--framework",
        FRAMEWORK,
        containing="There is no partnership with the short name 'nowhere'",
    )


def test_create_round_refuses_a_duplicate_round(round_):
    fails(*ROUND, "--name", "spring 2026", containing="already has a round called spring 2026")


def test_create_round_refuses_a_minimum_group_size_of_2(partnership):
    fails(*ROUND, "--name", "R", "--min-group-size", "2", containing="must be 3 or more")


def test_create_round_refuses_closing_before_opening(partnership):
    fails(
        *ROUND,
        "--name",
        "R",
        "--opens",
        "2026-05-01",
        "--closes",
        "2026-04-30",
        containing="closing date must be the same as or after the opening date",
    )


def test_create_round_refuses_an_unknown_framework(partnership):
    fails(
        "create_round",
        "--partnership",
        "riverside",
        "--name",
        "R",
        "--framework",
        "no-such-framework",
        containing="There is no framework called no-such-framework",
    )
    fails(*ROUND, "--name", "R", "--framework-version", "7", containing="version 7")


@pytest.mark.parametrize(
    ("date", "says"),
    [("1/5/2026", "is not a date"), ("2026-5-1", "is not a date"), ("2026-02-30", "not a real")],
)
def test_create_round_refuses_a_badly_written_date(partnership, date, says):
    fails(*ROUND, "--name", "R", "--opens", date, containing=says)


def test_create_round_refuses_a_group_size_that_is_not_a_number(partnership):
    fails(*ROUND, "--name", "R", "--min-group-size", "five", containing="--min-group-size")


# ---------------------------------------------------------------------------------------------
# set_round_status


def test_set_round_status_moves_the_round_along(round_):
    out, _err = run(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "SPRING 2026",
        "--status",
        "open",
    )
    assert Round.objects.get(pk=round_.pk).status == "open"
    assert "moved from draft to open" in out
    run(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--status",
        "closed",
    )
    run(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--status",
        "published",
    )
    assert Round.objects.get(pk=round_.pk).status == "published"
    assert AuditEvent.objects.filter(action="round.status", actor__isnull=True).count() == 3


def test_set_round_status_refuses_a_move_that_is_not_allowed(round_):
    fails(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--status",
        "published",
        containing="The status of round Spring 2026 is draft, so it can only be moved to: open",
    )


def test_set_round_status_refuses_an_unknown_round_or_status(round_):
    message = fails(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "Winter",
        "--status",
        "open",
        containing="Riverside Together has no round called 'Winter'",
    )
    assert "Spring 2026" in message
    fails(
        "set_round_status",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--status",
        "draft",
        containing="invalid choice",
    )


# ---------------------------------------------------------------------------------------------
# create_invitations


def test_create_invitations_prints_one_full_link_per_line(round_, settings):
    settings.STACKUP_BASE_URL = "https://stackup.example"
    out, err = run(
        "create_invitations", "--partnership", "riverside", "--round", "Spring 2026", "--count", "4"
    )
    lines = out.splitlines()
    assert len(lines) == 4
    stored = set(Invitation.objects.filter(round=round_).values_list("token_hash", flat=True))
    assert len(stored) == 4
    for line in lines:
        match = re.fullmatch(r"https://stackup\.example/i/([A-Za-z0-9_-]{32})/", line)
        assert match, line
        assert tokens.hash_token(match.group(1)) in stored
    assert "Made 4 invitation links" in err


def test_create_invitations_as_csv_for_an_organisation(round_, settings):
    settings.STACKUP_BASE_URL = "https://stackup.example"
    out, _err = run(
        "create_invitations",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--count",
        "2",
        "--organisation",
        "vale police",
        "--format",
        "csv",
    )
    assert out.splitlines()[0] == "link,organisation"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2
    assert all(row["organisation"] == "Vale Police" for row in rows)
    assert all(row["link"].startswith("https://stackup.example/i/") for row in rows)
    assert set(Invitation.objects.values_list("organisation__name", flat=True)) == {"Vale Police"}


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--count", "0"], "1 or more"),
        (["--count", "10001"], "up to 10000"),
        (["--count", "lots"], "--count"),
        (["--count", "2", "--organisation", "Nobody"], "has no organisation called 'Nobody'"),
        (["--count", "2", "--format", "pdf"], "invalid choice"),
    ],
)
def test_create_invitations_refuses_bad_arguments(round_, extra, says):
    fails(
        "create_invitations",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        *extra,
        containing=says,
    )


def test_create_invitations_refuses_a_closed_round(round_):
    services.round_set_status(round=round_, status="open")
    services.round_set_status(round=round_, status="closed")
    fails(
        "create_invitations",
        "--partnership",
        "riverside",
        "--round",
        "Spring 2026",
        "--count",
        "1",
        containing="has closed",
    )


# ---------------------------------------------------------------------------------------------
# add_user


def test_add_user_makes_an_account_and_prints_a_one_time_link(partnership, settings):
    settings.STACKUP_BASE_URL = "https://stackup.example"
    out, _err = run(
        "add_user",
        "--email",
        "Sam@Example.org",
        "--partnership",
        "riverside",
        "--role",
        "coordinator",
        "--name",
        "Sam Smith",
    )
    user = User.objects.get(email="sam@example.org")
    assert user.full_name == "Sam Smith"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, partnership=partnership).role == "coordinator"
    link = out.strip().splitlines()[-1]
    match = re.fullmatch(r"https://stackup\.example/account/password-reset/[^/]+/([^/]+)/", link)
    assert match, out
    assert default_token_generator.check_token(user, match.group(1))
    assert "It works once" in out


def test_add_user_tells_an_existing_person_to_use_their_password(partnership):
    User.objects.create_user("old@example.org", "a-long-password-1")
    out, _err = run(
        "add_user", "--email", "old@example.org", "--partnership", "riverside", "--role", "viewer"
    )
    assert "can sign in with their existing password" in out
    assert "password-reset" not in out
    assert Membership.objects.get(user__email="old@example.org").role == "viewer"


def test_add_user_makes_a_partner_lead_for_an_organisation(partnership):
    run(
        "add_user",
        "--email",
        "lead@example.org",
        "--partnership",
        "riverside",
        "--role",
        "partner-lead",
        "--organisation",
        "Vale Police",
    )
    membership = Membership.objects.get(user__email="lead@example.org")
    assert (membership.role, membership.organisation.name) == ("partner_lead", "Vale Police")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--email", "x@example.org", "--role", "boss"], "Choose a role: coordinator"),
        (["--email", "not-an-email", "--role", "viewer"], "correct format"),
        (["--email", "x@example.org", "--role", "partner_lead"], "--organisation NAME"),
        (
            ["--email", "x@example.org", "--role", "viewer", "--organisation", "Nope"],
            "no organisation called 'Nope'",
        ),
    ],
)
def test_add_user_refuses_bad_arguments(partnership, extra, says):
    fails("add_user", "--partnership", "riverside", *extra, containing=says)


def test_add_user_refuses_an_unknown_partnership(db):
    fails(
        "add_user",
        "--email",
        "x@example.org",
        "--partnership",
        "nowhere",
        "--role",
        "viewer",
        containing="There are no partnerships yet",
    )


@pytest.mark.parametrize(
    "name",
    [
        "create_partnership",
        "add_organisation",
        "create_round",
        "set_round_status",
        "create_invitations",
        "add_user",
    ],
)
def test_every_command_has_help_with_examples(name):
    from django.core.management import load_command_class

    command = load_command_class("stackup.partnerships", name)
    text = command.create_parser("stackup", name).format_help()
    assert f"stackup {name} --" in text  # an example, kept on its own line
    assert "Example" in text


# ---------------------------------------------------------------------------------------------
# The real console script, on a fresh database


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory):
    """A migrated SQLite file with one partnership ("vale") and its round "Round 1"."""
    database = tmp_path_factory.mktemp("install") / "stackup.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "stackup.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    steps = [
        ["migrate", "--no-input", "-v", "0"],
        ["create_partnership", "--slug", "vale", "--name", "Vale Health"],
        [
            "add_organisation",
            "--partnership",
            "vale",
            "--name",
            "Vale Police",
            "--sector",
            "police",
        ],
        ["create_round", "--partnership", "vale", "--name", "Round 1", "--framework", FRAMEWORK],
        ["set_round_status", "--partnership", "vale", "--round", "Round 1", "--status", "open"],
        ["add_user", "--email", "c@example.org", "--partnership", "vale", "--role", "coordinator"],
    ]
    for step in steps:
        result = _stackup(env, *step)
        assert result.returncode == 0, (step, result.stderr)
    return env, database


def _stackup(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("stackup")), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _counts(database: Path) -> tuple[int, ...]:
    with closing(sqlite3.connect(database)) as connection:
        return tuple(
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "partnerships_partnership",
                "partnerships_organisation",
                "partnerships_round",
                "partnerships_invitation",
                "partnerships_membership",
                "core_auditevent",
            )
        )


def test_the_console_script_sets_up_a_fresh_install_and_prints_links(fresh_install):
    env, database = fresh_install
    assert _counts(database)[:3] == (1, 1, 1)
    result = _stackup(
        env, "create_invitations", "--partnership", "vale", "--round", "Round 1", "--count", "3"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(re.fullmatch(r"http://127\.0\.0\.1:8000/i/[A-Za-z0-9_-]{32}/", x) for x in lines)
    assert "Made 3 invitation links" in result.stderr


_ROUND = ["create_round", "--partnership", "vale", "--framework", FRAMEWORK]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["create_round", "--partnership", "nowhere", "--name", "R", "--framework", FRAMEWORK],
            "There is no partnership with the short name 'nowhere'",
        ),
        ([*_ROUND, "--name", "round 1"], "already has a round called round 1"),
        ([*_ROUND, "--name", "R2", "--min-group-size", "2"], "must be 3 or more"),
        (
            [*_ROUND, "--name", "R2", "--opens", "2026-05-02", "--closes", "2026-05-01"],
            "closing date must be the same as or after the opening date",
        ),
        (
            ["create_round", "--partnership", "vale", "--name", "R2", "--framework", "nope"],
            "There is no framework called nope",
        ),
        ([*_ROUND, "--name", "R2", "--opens", "1 May"], "Write dates as YYYY-MM-DD"),
        (
            [
                "set_round_status",
                "--partnership",
                "vale",
                "--round",
                "Round 1",
                "--status",
                "published",
            ],
            "The status of round Round 1 is open, so it can only be moved to: closed",
        ),
    ],
)
def test_the_console_script_refuses_bad_arguments_with_a_non_zero_exit(fresh_install, args, says):
    env, database = fresh_install
    before = _counts(database)
    result = _stackup(env, *args)
    assert result.returncode != 0
    assert result.stdout == ""
    assert says in result.stderr
    assert _counts(database) == before

"""`stackup results` on the demo and on responses imported from a spreadsheet, end to end."""

from __future__ import annotations

import json
import statistics
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import RoundStatus
from tests.responding.factories import build_world

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "results.schema.json").read_text()
)


def _results(*args: str) -> dict:
    out = StringIO()
    call_command("results", *args, stdout=out, stderr=StringIO())
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    return document


def test_results_of_the_demo_with_change_since_the_earlier_round():
    call_command("load_demo", stdout=StringIO())
    document = _results(
        "--partnership", "riverside", "--round", "Autumn 2025", "--compare-to", "Spring 2025"
    )
    assert document["n_respondents"] == 164
    assert document["change"]["from_round"] == "Spring 2025"
    assert len(document["themes"]) == 5 and all(t["mean"] for t in document["themes"])
    # People who use services rate the contested themes lower than everyone else.
    gaps = {
        c["theme"]: c["difference"]
        for c in document["comparisons"]
        if c["name"] == "service_users_vs_professionals"
    }
    assert gaps["sharing_power"] < 0 and gaps["service_user_perspective"] < 0


def test_results_of_imported_responses_match_the_file(tmp_path):
    world = build_world()
    rows = [
        # YV2 is reverse-keyed: an answer of 2 counts as 4.
        ("r1", "4", "2", "5", "frontline"),
        ("r2", "3", "DK", "4", "frontline"),
        ("r3", "5", "1", "", "senior_leader"),
        ("r4", "2", "4", "2", "senior_leader"),
        ("r5", "DK", "3", "3", "manager"),
        ("r6", "4", "2", "4", "manager"),
    ]
    lines = ["respondent_id,YV1,YV2,JW1,role_level"] + [",".join(row) for row in rows]
    path = tmp_path / "paper.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partnership_services.round_set_status(round=world.round, status=RoundStatus.CLOSED)
    call_command(
        "import_responses",
        "--partnership",
        world.partnership.slug,
        "--round",
        world.round.name,
        str(path),
        stdout=StringIO(),
    )

    document = _results("--partnership", world.partnership.slug, "--round", world.round.name)

    assert document["n_respondents"] == 6
    # The "voice" theme (YV1, YV2 reverse-keyed): each person's mean of their valid answers,
    # needing at least one of the two (ceil(2/2)).
    scores = [
        statistics.mean([4, 6 - 2]),
        3,
        statistics.mean([5, 6 - 1]),
        statistics.mean([2, 6 - 4]),
        6 - 3,
        statistics.mean([4, 6 - 2]),
    ]
    voice = next(t for t in document["themes"] if t["id"] == "voice")
    assert voice["n_scored"] == 6
    assert voice["mean"] == pytest.approx(statistics.mean(scores))
    assert voice["sd"] == pytest.approx(statistics.stdev(scores))
    item = next(i for i in document["items"] if i["id"] == "JW1")
    assert (item["n_valid"], item["n_skipped"], item["n_dont_know"]) == (5, 1, 0)
    assert item["frequencies"] == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    # Role levels of 2 each are below the minimum of 5: hidden, never a number.
    roles = [g for g in document["groups"] if g["dimension"] == "role_level"]
    assert roles and all(g["mean"] is None and g["n"] is None for g in roles)

"""No output of any kind reveals a suppressed group.

A round with small groups is built from known answers. The suppressed groups' means are
worked out here straight from those answers (not by the engine), then every output is
produced — the JSON, each CSV, the ZIP, the ODS, the PDF, and the web downloads — and
scanned for those numbers written at 1, 2 and 3 decimal places and in full. The shown
numbers are checked to be there too, so the scan is known to be able to find a number.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Role, RoundStatus
from stackup.results import exports
from stackup.results.document import results_document
from tests.partnerships.factories import make_member
from tests.results.export_rounds import (
    SECRET_COMMENT,
    THEMES,
    small_groups_round,
    tiny_round,
)

pytestmark = pytest.mark.django_db

SUPPRESSED = [
    ("organisation", "Riverside Youth Trust", "suppressed_primary"),
    ("organisation", "Riverside Homes", "suppressed_complementary"),
    ("role_level", "manager", "suppressed_primary"),
    ("role_level", "senior_leader", "suppressed_complementary"),
]


def _numeric_leaves(value, out):
    if isinstance(value, bool):
        return out
    if isinstance(value, int | float):
        out.append(value)
    elif isinstance(value, dict):
        for child in value.values():
            _numeric_leaves(child, out)
    elif isinstance(value, list):
        for child in value:
            _numeric_leaves(child, out)
    return out


def _forms(value: float) -> dict[str, str]:
    return {
        "1dp": f"{value:.1f}",
        "2dp": f"{value:.2f}",
        "3dp": f"{value:.3f}",
        "repr": repr(float(value)),
    }


def _forbidden(document, secrets: list[float]) -> set[str]:
    """The secrets as text, less any form that a number the document shows also takes."""
    shown = _numeric_leaves(
        {k: v for k, v in document.items() if k not in ("labels",)},
        [],
    )
    allowed = {text for number in shown for text in _forms(number).values()}
    forbidden = set()
    for secret in secrets:
        forms = _forms(secret)
        # The unambiguous forms must be checkable, or this test proves nothing.
        assert forms["3dp"] not in allowed, secret
        forbidden |= {text for text in forms.values() if text not in allowed}
    return forbidden


def _found(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", text) is not None


def _ods_text(data: bytes) -> str:
    doc = load(io.BytesIO(data))
    parts = []
    for sheet in doc.spreadsheet.getElementsByType(Table):
        for row in sheet.getElementsByType(TableRow):
            for cell in row.getElementsByType(TableCell):
                value = cell.getAttribute("value")
                if value:
                    parts.append(value)
                parts.append(extractText(cell))
    return "\n".join(parts)


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _all_outputs(document, tmp_path: Path) -> dict[str, str]:
    outputs = {
        "json": exports.json_bytes(document).decode("utf-8"),
        "zip": _zip_text(exports.csv_zip(document)),
        "ods": _ods_text(exports.ods_bytes(document)),
        "pdf": _pdf_text(exports.pdf_bytes(document), tmp_path),
    }
    for table in exports.result_tables(document):
        outputs[f"csv:{table.name}"] = exports.csv_bytes(table).decode("utf-8-sig")
    return outputs


def _web_outputs(round_, tmp_path: Path) -> dict[str, str]:
    user = make_member(round_.partnership, "lead.scan@example.org", Role.COORDINATOR).user
    client = Client()
    client.force_login(user)
    kwargs = {"slug": round_.partnership.slug, "round_id": round_.pk}
    outputs = {}
    for name, read in (
        ("download_json", lambda b: b.decode("utf-8")),
        ("download_zip", _zip_text),
        ("download_ods", _ods_text),
        ("download_pdf", lambda b: _pdf_text(b, tmp_path)),
    ):
        response = client.get(reverse(f"results:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
        outputs[f"web:{name}"] = read(response.content)
    document = results_document(round_)
    for table in exports.table_names(document):
        response = client.get(reverse("results:download_csv", kwargs={**kwargs, "table": table}))
        assert response.status_code == 200, table
        outputs[f"web:{table}.csv"] = response.content.decode("utf-8-sig")
    return outputs


def test_small_groups_never_appear_in_any_output(tmp_path):
    built = small_groups_round()
    document = results_document(built.round)

    # The document hides exactly the groups it should, and shows the others.
    statuses = {(g["dimension"], g["group"], g["theme"]): g for g in document["groups"]}
    for dimension, group, status in SUPPRESSED:
        for theme in THEMES:
            row = statuses[(dimension, group, theme)]
            assert row["status"] == status
            assert row["n"] is None and row["mean"] is None
    shown = statuses[("organisation", "Riverside Borough Council", "voice")]
    assert shown["status"] == "shown"
    assert shown["n"] == built.group_size("organisation", "Riverside Borough Council") == 12

    # What the hidden groups' numbers would be, worked out from the answers themselves.
    secrets = [
        built.group_mean(dimension, group, theme)
        for dimension, group, _status in SUPPRESSED
        for theme in THEMES
    ]
    assert any(abs(s - round(s, 3)) > 1e-9 for s in secrets)  # not all round numbers
    forbidden = _forbidden(document, secrets)
    shown_mean = built.group_mean("organisation", "Riverside Borough Council", "voice")
    assert shown["mean"] == pytest.approx(shown_mean)

    outputs = _all_outputs(document, tmp_path)
    outputs |= _web_outputs(built.round, tmp_path)
    assert len(outputs) >= 4 + len(exports.result_tables(document)) * 2

    for name, text in outputs.items():
        for number in forbidden:
            assert not _found(text, number), f"{number} (a hidden group's mean) is in {name}"
        assert SECRET_COMMENT not in text, f"a comment below the threshold is in {name}"

    # The scan can see numbers: the shown group's mean is in every output that has groups.
    for name in ("json", "csv:groups", "zip", "ods", "web:download_json", "web:groups.csv"):
        assert _found(outputs[name], repr(shown["mean"])), name
    for name in ("pdf", "web:download_pdf"):
        assert _found(outputs[name], f"{shown_mean:.2f}"), name


def test_hidden_groups_are_empty_cells_in_the_tables():
    built = small_groups_round()
    document = results_document(built.round)
    groups = next(t for t in exports.result_tables(document) if t.name == "groups")
    rows = list(csv.DictReader(io.StringIO(exports.csv_bytes(groups).decode("utf-8-sig"))))
    hidden = [r for r in rows if r["status"].startswith("suppressed")]
    assert len(hidden) == len(SUPPRESSED) * len(THEMES)
    assert all(r["n"] == "" and r["mean"] == "" for r in hidden)
    # The comparison whose side is hidden is not made at all.
    comparisons = [c for c in document["comparisons"] if c["name"] == "frontline_vs_leaders"]
    assert comparisons and all(c["mean_b"] is None and c["n_b"] is None for c in comparisons)


def test_a_round_below_the_minimum_size_shows_no_number_anywhere(tmp_path):
    built = tiny_round(n=4)
    document = results_document(built.round)
    assert document["available"] is False
    secrets = []
    for theme in THEMES:
        scores = [p.theme_score(theme) for p in built.people]
        secrets.append(sum(scores) / len(scores))
    # Item means too: YV1's mean of the four answers.
    secrets.append(sum(p.yv1 for p in built.people) / len(built.people))
    forbidden = {text for s in secrets for text in _forms(s).values()}
    forbidden -= {"1.0", "2.0", "3.0"}  # too common to mean anything here
    outputs = _all_outputs(document, tmp_path) | _web_outputs(built.round, tmp_path)
    for name, text in outputs.items():
        for number in forbidden:
            assert not _found(text, number), f"{number} is in {name}"
    # Every statistic in the tables is empty; the round's size and settings are not secret.
    for table in exports.result_tables(document):
        numeric = {"id", "title", "theme", "statement", "dimension", "group", "name"}
        for row in exports.rows_as_dicts(table):
            for key, value in row.items():
                if key.startswith(("n_", "mean", "sd", "pct", "frequency", "share")):
                    assert value is None, (table.name, key)
                assert key in numeric or not isinstance(value, float), (table.name, key)
    assert json.loads(exports.json_bytes(document))["themes"][0]["mean"] is None


def test_a_published_round_with_small_groups_is_scanned_through_the_viewer_too(tmp_path):
    """Viewers get the very same files: nothing hidden appears for them either."""
    built = small_groups_round()
    partnership_services.round_set_status(round=built.round, status=RoundStatus.PUBLISHED)
    viewer = make_member(built.round.partnership, "viewer.scan@example.org", Role.VIEWER).user
    client = Client()
    client.force_login(viewer)
    response = client.get(
        reverse(
            "results:download_csv",
            kwargs={
                "slug": built.round.partnership.slug,
                "round_id": built.round.pk,
                "table": "groups",
            },
        )
    )
    assert response.status_code == 200
    document = results_document(built.round)
    secrets = [
        built.group_mean(dimension, group, theme)
        for dimension, group, _status in SUPPRESSED
        for theme in THEMES
    ]
    text = response.content.decode("utf-8-sig")
    for number in _forbidden(document, secrets):
        assert not _found(text, number)


def test_the_scan_finds_a_hidden_number_that_leaks(tmp_path):
    """The scan is not blind: put one hidden mean back and every format gives it away."""
    built = small_groups_round()
    document = results_document(built.round)
    secret = built.group_mean("organisation", "Riverside Youth Trust", "voice")
    forbidden = _forbidden(document, [secret])
    for row in document["groups"]:
        if (row["group"], row["theme"]) == ("Riverside Youth Trust", "voice"):
            row.update(status="shown", n=3, mean=secret)
    outputs = _all_outputs(document, tmp_path)
    for name in ("json", "csv:groups", "zip", "ods", "pdf"):
        assert any(_found(outputs[name], number) for number in forbidden), name

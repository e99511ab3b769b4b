"""The exports: tables, CSV, ZIP, ODS, JSON and PDF, and their download pages."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from odf.namespaces import TABLENS
from odf.opendocument import load
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.teletype import extractText
from PIL import Image, ImageStat

from stackup.partnerships import services as partnership_services
from stackup.partnerships.models import Role, RoundStatus
from stackup.results import exports
from stackup.results.document import results_document
from tests.partnerships.factories import make_member
from tests.results.export_rounds import demo_like_rounds, small_groups_round, tiny_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds():
    return demo_like_rounds()


@pytest.fixture
def document(rounds):
    earlier, later = rounds
    return results_document(later, compare_to=earlier)


# --- Tables -------------------------------------------------------------------------------


def test_the_tables_cover_the_whole_report(document):
    tables = exports.result_tables(document)
    assert [t.name for t in tables] == [
        "themes",
        "items",
        "groups",
        "comparisons",
        "change_themes",
        "change_items",
        "benefits",
        "barriers",
        "comments",
    ]
    by_name = {t.name: t for t in tables}
    assert len(by_name["themes"].rows) == len(document["themes"])
    assert len(by_name["items"].rows) == len(document["items"])
    assert len(by_name["groups"].rows) == len(document["groups"])
    assert len(by_name["change_items"].rows) == len(document["change"]["items"])
    for table in tables:
        assert all(len(row) == len(table.columns) for row in table.rows), table.name
        assert len(set(table.keys)) == len(table.keys), table.name
        assert all(c.header for c in table.columns)

    # Numbers are the document's own, unrounded; items carry their answer counts.
    themes = exports.rows_as_dicts(by_name["themes"])
    assert [r["mean"] for r in themes] == [t["mean"] for t in document["themes"]]
    first_item = exports.rows_as_dicts(by_name["items"])[0]
    assert first_item["frequency_1"] == document["items"][0]["frequencies"]["1"]
    assert first_item["frequency_5"] == document["items"][0]["frequencies"]["5"]
    assert (
        first_item["statement"]
        == (document["labels"]["items"][document["items"][0]["id"]]["statement"])
    )
    # Barriers keep the document's ranking.
    barriers = exports.rows_as_dicts(by_name["barriers"])
    ranks = [r["rank"] for r in barriers if r["rank"] is not None]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_comments_only_for_themes_whose_comments_are_shown(document):
    comments = exports.rows_as_dicts(
        exports.find_table(exports.result_tables(document), "comments")
    )
    shown = [c for c in document["comments"] if c["shown"]]
    hidden = [c for c in document["comments"] if not c["shown"]]
    assert shown and hidden
    assert {c["theme"] for c in comments} == {c["theme"] for c in shown}
    assert len(comments) == sum(len(c["texts"]) for c in shown)


def test_without_an_earlier_round_there_are_no_change_tables(rounds):
    names = exports.table_names(results_document(rounds[1]))
    assert "change_themes" not in names and "change_items" not in names


def test_a_round_below_the_minimum_size_gives_empty_cells_not_numbers():
    document = results_document(tiny_round().round)
    themes = exports.rows_as_dicts(exports.result_tables(document)[0])
    assert all(r["mean"] is None and r["n_scored"] is None for r in themes)
    text = exports.csv_bytes(exports.result_tables(document)[0]).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["mean"] == "" and row["pct_positive"] == "" and row["band"] == ""


# --- CSV and ZIP --------------------------------------------------------------------------


def _parse(value: str, original):
    if original is None:
        return None
    if isinstance(original, bool):
        return value == "true"
    if isinstance(original, int):
        return int(value)
    if isinstance(original, float):
        return float(value)
    return value


def test_csv_reads_back_to_the_table_rows(document):
    for table in exports.result_tables(document):
        data = exports.csv_bytes(table)
        assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
        text = data.decode("utf-8-sig")
        assert "\r\n" in text
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert rows[0] == table.keys
        assert len(rows) == len(table.rows) + 1
        for written, original in zip(rows[1:], table.rows, strict=True):
            back = [_parse(v, o) for v, o in zip(written, original, strict=True)]
            assert back == original, table.name
            assert all(v == "" for v, o in zip(written, original, strict=True) if o is None)


def test_csv_keeps_a_spreadsheet_from_running_text_as_a_formula():
    table = exports.Table(
        "t",
        "T",
        [exports.Column("a", "A"), exports.Column("b", "B"), exports.Column("c", "C")],
        [['=HYPERLINK("http://x")', -1.5, "Grüße, “quoted”"], ["+1", None, "@sum"]],
    )
    rows = list(csv.reader(io.StringIO(exports.csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-1.5", "Grüße, “quoted”"]
    assert rows[2] == ["'+1", "", "'@sum"]


def test_the_zip_holds_every_tables_csv(document):
    with zipfile.ZipFile(io.BytesIO(exports.csv_zip(document))) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        tables = exports.result_tables(document)
        assert names == [f"{t.name}.csv" for t in tables]
        for table in tables:
            assert archive.read(f"{table.name}.csv") == exports.csv_bytes(table)


# --- ODS ----------------------------------------------------------------------------------


def _sheets(data: bytes):
    doc = load(io.BytesIO(data))
    sheets = {}
    for sheet in doc.spreadsheet.getElementsByType(OdsTable):
        rows = []
        for row in sheet.getElementsByType(TableRow):
            rows.append(row.getElementsByType(TableCell))
        sheets[sheet.getAttrNS(TABLENS, "name")] = rows
    return doc, sheets


def test_ods_has_an_about_sheet_then_one_sheet_per_table(document):
    doc, sheets = _sheets(exports.ods_bytes(document))
    tables = exports.result_tables(document)
    names = list(sheets)
    assert names[0] == "About"
    assert len(names) == len(tables) + 1
    about = {extractText(r[0]): extractText(r[1]) for r in sheets["About"][1:]}
    assert about["Partnership"] == document["partnership"]
    assert about["Round"] == document["round"]
    assert about["People who responded"] == str(document["n_respondents"])
    assert about["Minimum group size"] == str(document["min_group_size"])
    assert "version 1" in about["Framework"]
    assert "anonymity" in about["Empty cells"]
    assert about["Made on"]

    for table, name in zip(tables, names[1:], strict=True):
        rows = sheets[name]
        assert [extractText(c) for c in rows[0]] == [c.header for c in table.columns]
        assert all(c.getAttribute("stylename") == "Header" for c in rows[0])
        assert len(rows) == len(table.rows) + 1
        for cells, original in zip(rows[1:], table.rows, strict=True):
            for cell, value in zip(cells, original, strict=True):
                kind = cell.getAttribute("valuetype")
                if value is None:
                    assert kind is None and extractText(cell) == ""
                elif isinstance(value, bool):
                    assert kind == "boolean"
                elif isinstance(value, int | float):
                    assert kind == "float"
                    assert float(cell.getAttribute("value")) == value
                else:
                    assert kind == "string" and extractText(cell) == str(value)
    bold = [s for s in doc.automaticstyles.childNodes if s.getAttribute("name") == "Header"]
    assert bold and "bold" in str(bold[0].childNodes[0].attributes.values())


# --- JSON ---------------------------------------------------------------------------------


def test_json_is_the_document_itself(document):
    data = exports.json_bytes(document)
    assert json.loads(data) == json.loads(json.dumps(document))
    assert b"\\u201c" not in data  # curly quotes in wording are written as themselves


def test_json_refuses_not_a_number(document):
    broken = {**document, "themes": [{**document["themes"][0], "mean": math.nan}]}
    with pytest.raises(ValueError):
        exports.json_bytes(broken)


# --- PDF ----------------------------------------------------------------------------------


def _pdf_tool(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def test_pdf_renders_to_pages_with_headings_page_numbers_and_tags(document, tmp_path: Path):
    path = tmp_path / "report.pdf"
    path.write_bytes(exports.pdf_bytes(document))

    info = _pdf_tool("pdfinfo", str(path))
    assert "Tagged:          yes" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert f"Title:           {document['partnership']}: results of {document['round']}" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 2

    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as picture:
            stats = ImageStat.Stat(picture.convert("L"))
            assert stats.var[0] > 50, f"{image.name} is blank"

    text = _pdf_tool("pdftotext", "-layout", str(path), "-")
    for heading in (
        f"{document['partnership']}: results of {document['round']}",
        "Overview of themes",
        "Themes and their statements",
        "Groups",
        "Comparisons",
        "Change since the previous round",
        "Benefits",
        "Barriers",
        "Comments",
        "How the figures are worked out",
    ):
        assert heading in text, heading
    assert "Page 1 of" in text
    assert f"Page {pages} of {pages}" in text
    first = document["themes"][0]
    assert f"{first['mean']:.2f}" in text
    assert document["labels"]["themes"][first["id"]]["title"] in text


def test_pdf_outline_and_tags_follow_the_headings(document, tmp_path: Path):
    """Bookmarks and the structure tree both come from the report's h1 to h3."""
    path = tmp_path / "report.pdf"
    path.write_bytes(exports.pdf_bytes(document))
    structure = _pdf_tool("pdfinfo", "-struct", str(path))
    tags = [line.split()[0] for line in structure.splitlines() if line.strip()]
    assert tags.count("H1") == 1
    assert tags.count("H2") >= 8
    assert tags.count("H3") >= len(document["themes"])
    assert "Table" in tags and "TH" in tags

    xml = _pdf_tool("pdftohtml", "-xml", "-i", "-stdout", "-q", str(path))
    outline = xml[xml.index("<outline>") :]
    title = f"{document['partnership']}: results of {document['round']}"
    assert f">{title}</item>" in outline
    for heading in ("Overview of themes", "Groups", "Comments"):
        assert f">{heading}</item>" in outline, heading
    first_theme = document["labels"]["themes"][document["themes"][0]["id"]]["title"]
    assert f">{first_theme}</item>".replace("'", "&#39;") in outline or (
        f">{first_theme}</item>" in outline
    )


def test_pdf_fetches_nothing():
    fetcher = exports._refusing_fetcher()
    for url in ("http://example.org/style.css", "https://example.org/x.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_pdf_of_a_round_below_the_minimum_size_says_so(tmp_path: Path):
    document = results_document(tiny_round().round)
    path = tmp_path / "tiny.pdf"
    path.write_bytes(exports.pdf_bytes(document))
    text = _pdf_tool("pdftotext", str(path), "-")
    assert "Fewer people responded than the minimum group size" in text


# --- Download pages -----------------------------------------------------------------------


def _client_for(round_, role: str, email: str) -> Client:
    organisation = None
    if role == Role.PARTNER_LEAD:
        organisation = round_.partnership.organisations.order_by("name").first()
    client = Client()
    member = make_member(round_.partnership, email, role, organisation=organisation)
    client.force_login(member.user)
    return client


def test_downloads_have_their_type_and_a_file_name(rounds):
    earlier, later = rounds
    client = _client_for(later, Role.COORDINATOR, "coordinator.dl@example.org")
    kwargs = {"slug": later.partnership.slug, "round_id": later.pk}
    expected = {
        "download_json": ("application/json", "riverside-spring-2026-results.json"),
        "download_pdf": ("application/pdf", "riverside-spring-2026-results.pdf"),
        "download_ods": (
            "application/vnd.oasis.opendocument.spreadsheet",
            "riverside-spring-2026-results.ods",
        ),
        "download_zip": ("application/zip", "riverside-spring-2026-results-csv.zip"),
    }
    for name, (content_type, filename) in expected.items():
        response = client.get(reverse(f"results:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    # The JSON download compares with the earlier round, as the report pages do.
    response = client.get(reverse("results:download_json", kwargs=kwargs))
    downloaded = json.loads(response.content)
    assert downloaded["change"]["from_round"] == earlier.name
    assert downloaded == json.loads(exports.json_bytes(results_document(later, compare_to=earlier)))

    response = client.get(reverse("results:download_csv", kwargs={**kwargs, "table": "themes"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "riverside-spring-2026-results-themes.csv" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").startswith("id,title,n_scored")


def test_an_unknown_table_is_not_found(rounds):
    later = rounds[1]
    client = _client_for(later, Role.COORDINATOR, "coordinator.dl@example.org")
    url = reverse(
        "results:download_csv",
        kwargs={"slug": later.partnership.slug, "round_id": later.pk, "table": "no_such_table"},
    )
    assert client.get(url).status_code == 404


def test_viewers_wait_for_publication_and_open_rounds_have_nothing(rounds):
    earlier, later = rounds  # earlier is published, later only closed
    viewer = _client_for(later, Role.VIEWER, "viewer.dl@example.org")
    lead = _client_for(later, Role.PARTNER_LEAD, "lead.dl@example.org")

    def url(round_, name="download_json"):
        return reverse(
            f"results:{name}", kwargs={"slug": round_.partnership.slug, "round_id": round_.pk}
        )

    assert viewer.get(url(later)).status_code == 403
    assert viewer.get(url(later, "download_pdf")).status_code == 403
    assert viewer.get(url(earlier)).status_code == 200
    assert lead.get(url(later)).status_code == 200

    open_round = partnership_services.round_create(
        partnership=later.partnership,
        name="Summer 2026",
        framework_slug="collaboration-health-check",
    )
    partnership_services.round_set_status(round=open_round, status=RoundStatus.OPEN)
    assert lead.get(url(open_round)).status_code == 404


def test_the_overview_page_links_every_download(rounds):
    earlier, later = rounds
    client = _client_for(later, Role.COORDINATOR, "coordinator.dl@example.org")
    kwargs = {"slug": later.partnership.slug, "round_id": later.pk}
    response = client.get(reverse("results:overview", kwargs=kwargs))
    if response.status_code != 200:
        pytest.skip("the overview page does not render yet")
    html = response.content.decode()
    for name in ("download_json", "download_pdf", "download_ods", "download_zip"):
        assert reverse(f"results:{name}", kwargs=kwargs) in html, name
    document = results_document(later, compare_to=earlier)
    for table in exports.table_names(document):
        href = reverse("results:download_csv", kwargs={**kwargs, "table": table})
        assert href in html, table


def test_small_group_round_downloads_for_a_partner_lead():
    built = small_groups_round()
    client = _client_for(built.round, Role.PARTNER_LEAD, "lead.small@example.org")
    response = client.get(
        reverse(
            "results:download_ods",
            kwargs={"slug": built.round.partnership.slug, "round_id": built.round.pk},
        )
    )
    assert response.status_code == 200
    _doc, sheets = _sheets(response.content)
    assert "Groups" in sheets

"""The report's SVG charts: well-formed, named for screen readers, and the document's numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from stackup.results import charts, presentation
from stackup.results.document import previous_round, results_document
from stackup.results.presentation import Report
from tests.partnerships.factories import build_world
from tests.results.report_data import respond

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id = root.get("aria-labelledby").split()[0]
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == title_id and title.text.strip()
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_score_chart_draws_each_bar_its_whisker_and_its_label():
    svg = charts.score_chart(
        [
            charts.ScoreBar("Sharing <power> & more", 3.2, 2.9, 3.5, "3.20, Borderline"),
            charts.ScoreBar("Common purpose", None, text="Not available"),
        ],
        chart_id="c1",
        title="Theme scores",
    )
    root = parse(svg)
    labels = texts(root)
    assert "Sharing <power> & more" in labels  # escaped in the source, whole once parsed
    assert "3.20, Borderline" in labels and "Not available" in labels
    assert [t for t in labels if t in "12345"] == ["1", "2", "3", "4", "5"]
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 1  # nothing is drawn for the theme without a score
    # The bar runs from 1 to 3.2 of the 1-5 axis (500 units wide from x=10).
    assert float(bars[0].get("width")) == pytest.approx(500 * 2.2 / 4, abs=0.1)


def test_stacked_chart_labels_segments_and_has_a_legend_beyond_colour():
    svg = charts.stacked_chart(
        [
            charts.StackedBar("SP1", [10, 20, 30, 25, 15], ["10%", "20%", "30%", "25%", "15%"]),
            charts.StackedBar("SP2", None, empty_text="No answers"),
        ],
        chart_id="dist",
        title="How people answered",
        categories=["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"],
    )
    root = parse(svg)
    labels = texts(root)
    for expected in ["SP1", "SP2", "No answers", "20%", "30%", "25%", "Strongly agree"]:
        assert expected in labels
    # Patterns tell the middle categories apart without colour.
    patterns = root.findall(f".//{SVG}pattern")
    assert {p.get("id") for p in patterns} == {"dist-p1", "dist-p2", "dist-p3"}
    widths = [
        float(r.get("width"))
        for r in root.iter(f"{SVG}rect")
        if r.get("height") == "26"  # the segments, not the legend's swatches
    ]
    assert sum(widths) == pytest.approx(560, abs=0.3)


def test_pair_chart_says_when_a_pair_was_not_compared():
    root = parse(
        charts.pair_chart(
            [
                charts.PairBar("Sharing power", (2.5, 3.75), ("2.50", "3.75")),
                charts.PairBar("Common purpose", (None, None), ("", ""), "Not compared"),
            ],
            chart_id="pair",
            title="Frontline staff compared with senior leaders",
            sides=("Frontline staff", "Senior leaders"),
        )
    )
    labels = texts(root)
    assert {"2.50", "3.75", "Not compared", "Frontline staff", "Senior leaders"} <= set(labels)


def test_bar_chart_stays_inside_its_axis():
    root = parse(
        charts.bar_chart(
            [charts.Bar("A", 3.0, "3.00"), charts.Bar("B", None, "Not available")],
            chart_id="bars",
            title="Barriers",
            maximum=3.0,
            ticks=[(0, "0"), (3, "3")],
        )
    )
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths == [550.0]


# --- The charts of a real round, against the document and the tables beside them -----------

CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')


@pytest.mark.django_db
def test_the_overview_chart_and_its_table_show_the_documents_numbers():
    world = build_world()
    round_ = respond(world.round)
    document = results_document(round_, compare_to=previous_round(round_))
    report = Report(document)

    root = parse(str(report.overview_chart()))
    labels = texts(root)
    for theme in document["themes"]:
        band = presentation.band_label(theme["band"])
        assert f"{theme['mean']:.2f}, {band}" in labels

    client = Client()
    client.force_login(world.coordinator)
    kwargs = {"slug": world.partnership.slug, "round_id": round_.pk}
    page = client.get(reverse("results:overview", kwargs=kwargs)).content.decode()
    svg = re.search(r"<svg\b.*?</svg>", page, re.S).group(0)
    assert parse(svg) is not None
    table = page[page.index("<table") : page.index("</table>")]
    rows = table.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == len(document["themes"])
    for row, theme in zip(rows, document["themes"], strict=True):
        cells = CELL.findall(row)
        assert cells[0] == f"{theme['mean']:.2f}"
        assert cells[1] == f"{theme['ci95_low']:.2f} to {theme['ci95_high']:.2f}"
        assert cells[2] == f"{theme['index_0_100']:.0f}"
        assert cells[3] == f"{theme['pct_positive']:.0f}%"
        assert cells[4] == str(theme["n_scored"])


@pytest.mark.django_db
def test_theme_chart_segments_match_the_item_frequencies():
    world = build_world()
    round_ = respond(world.round)
    document = results_document(round_)
    report = Report(document)
    theme = report.theme("sharing_power")
    root = parse(str(report.theme_chart(theme)))
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "26"]
    expected = []
    for item in theme.items:
        for key in ("1", "2", "3", "4", "5"):
            count = item["frequencies"][key]
            if count:
                expected.append(560 * count / item["n_valid"])
    assert [float(s.get("width")) for s in segments] == pytest.approx(expected, abs=0.06)
    shown = [t for t in texts(root) if t.endswith("%")]
    assert shown  # wide segments carry their percentage
    for text in shown:
        assert any(
            f"{100 * c / i['n_valid']:.0f}%" == text
            for i in theme.items
            for c in i["frequencies"].values()
            if c
        )


@pytest.mark.django_db
def test_every_chart_on_every_page_is_well_formed_and_named():
    world = build_world()
    round_ = respond(world.round)
    client = Client()
    client.force_login(world.coordinator)
    kwargs = {"slug": world.partnership.slug, "round_id": round_.pk}
    pages = ["overview", "perspectives", "benefits_barriers"]
    seen = 0
    ids: set[str] = set()
    for name in pages:
        page = client.get(reverse(f"results:{name}", kwargs=kwargs)).content.decode()
        for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
            root = parse(svg)
            ids.add(root.get("aria-labelledby"))
            seen += 1
            assert len(svg) < 12_000
    page = client.get(
        reverse("results:theme", kwargs={**kwargs, "theme_id": "sharing_power"})
    ).content.decode()
    for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
        parse(svg)
        seen += 1
    assert seen == 1 + 2 + 1  # no pair chart: the test data compares no theme

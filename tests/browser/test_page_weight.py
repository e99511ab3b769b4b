"""Page-weight budgets, measured on the product served as in production."""

from __future__ import annotations

import tempfile

import pytest

from benchmarks.makerun import make_run
from benchmarks.pageweight import PUBLIC_PAGES, measure, served_product

HOME_BUDGET = 40 * 1024  # first visit to the home page, everything compressed


@pytest.fixture(scope="module")
def product():
    with served_product() as base:
        yield base


def test_home_page_first_visit_is_under_40_kb(browser, product):
    weight = measure(browser, product, "/")
    kinds = {t.kind for t in weight.transfers}
    # The measurement really saw the page and what it loads.
    assert {"document", "stylesheet", "script"} <= kinds
    assert all(t.bytes > 0 for t in weight.transfers)
    # Text is sent compressed.
    assert all(t.encoding in {"gzip", "br"} for t in weight.transfers if t.kind != "image")
    assert weight.total < HOME_BUDGET, [(t.url, t.bytes) for t in weight.transfers]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_loads_gov_uk_branding_or_web_fonts(browser, product, path):
    weight = measure(browser, product, path)
    urls = " ".join(t.url for t in weight.transfers)
    assert "crest" not in urls
    assert "font" not in {t.kind for t in weight.transfers}


def test_make_run_itself_serves_the_first_page_within_budget(browser):
    """What a newcomer gets from `make run` (scripts/run.sh, its defaults) is the product."""
    with (
        tempfile.TemporaryDirectory(prefix="stackup-run-weight-") as data,
        make_run(data) as (base, _seconds, _output),
    ):
        weight = measure(browser, base, "/")
    assert {"document", "stylesheet", "script"} <= {t.kind for t in weight.transfers}
    assert all(t.encoding in {"gzip", "br"} for t in weight.transfers if t.kind != "image")
    assert weight.total < HOME_BUDGET, [(t.url, t.bytes) for t in weight.transfers]

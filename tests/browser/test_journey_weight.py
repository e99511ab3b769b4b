"""Page-weight budgets of the respondent journey, on the product served as in production.

The first page on a cold cache under 40 KB; every later page under 15 KB (its HTML, the
redirect that led to it, and anything not already cached); the JavaScript under 20 KB, all
compressed. The served product starts with an empty database, so a round on the shipped
framework, one invitation and the open link are made in it first.

    .venv/bin/pytest tests/browser/test_journey_weight.py -s     # also prints the table
"""

from __future__ import annotations

import os
import subprocess
import tempfile

import pytest

from benchmarks.pageweight import BIN, ROOT, measure, served_product

FIRST_PAGE_BUDGET = 40 * 1024
LATER_PAGE_BUDGET = 15 * 1024
SCRIPT_BUDGET = 20 * 1024

SEED = """
from stackup.partnerships import services as s
from stackup.partnerships.models import Sector
p = s.partnership_create(slug="weight-check", name="Riverside Together")
for name, sector in [("Riverside Borough Council", Sector.COUNCIL),
                     ("Riverside and Vale NHS Trust", Sector.NHS),
                     ("Vale Police", Sector.POLICE),
                     ("Riverside Homes", Sector.HOUSING),
                     ("Riverside Community Voluntary Service", Sector.VOLUNTARY_COMMUNITY)]:
    s.organisation_add(partnership=p, name=name, sector=sector)
r = s.round_create(partnership=p, name="Weight check", open_link_enabled=True,
                   framework_slug="collaboration-health-check")
issued = s.invitations_create(round=r, count=1)
s.round_set_status(round=r, status="open")
r.refresh_from_db()
print(issued[0].token, r.open_code)
"""


@pytest.fixture(scope="module")
def product():
    """(base URL, invitation token, open code) of a served product with an open round."""
    with tempfile.TemporaryDirectory(prefix="stackup-journey-weight-") as data:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "stackup.settings.dev",
            "STACKUP_DATA_DIR": data,
        }
        with served_product({"STACKUP_DATA_DIR": data}) as base:
            seeded = subprocess.run(
                [str(BIN / "stackup"), "shell", "-c", SEED],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=120,
                capture_output=True,
                text=True,
            )
            token, code = seeded.stdout.split()[-2:]
            yield base, token, code


def _walk(browser, base: str, start_path: str) -> list[tuple[str, int]]:
    """Every page of the journey in one tab (so a warm cache): (page, bytes it transferred)."""
    context = browser.new_context()
    page = context.new_page()
    transfers: list = []
    page.on("requestfinished", lambda request: transfers.append(request))

    def taken() -> int:
        # Files served from the browser's cache still report their headers' size, so this
        # slightly overstates what went over the wire.
        total = 0
        for request in transfers:
            sizes = request.sizes()
            total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        transfers.clear()
        return total

    weights = []
    page.goto(base + start_path, wait_until="networkidle")
    weights.append(("start (cold cache)", taken()))
    page.get_by_role("button", name="Start now").click()
    page.wait_for_load_state("networkidle")
    while "/sent/" not in page.url:
        label = page.url.removeprefix(base).split("/")[-3:]
        name = "/".join(part for part in label if part and len(part) != 32)
        weights.append((name, taken()))
        radios = page.locator("fieldset .govuk-radios__input")
        for index in range(0, radios.count(), 6):  # the first point of each question
            radios.nth(index).check()
        button = "Send my answers" if "check-answers" in page.url else "Save and continue"
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state("networkidle")
    weights.append(("confirmation", taken()))
    context.close()
    return weights


def test_first_journey_page_is_under_40_kb_with_a_cold_cache(browser, product):
    base, token, code = product
    for path in (f"/i/{token}/", f"/r/{code}/", "/r/"):
        weight = measure(browser, base, path)
        assert {"document", "stylesheet", "script"} <= {t.kind for t in weight.transfers}
        assert all(t.encoding in {"gzip", "br"} for t in weight.transfers if t.kind != "image")
        assert weight.total < FIRST_PAGE_BUDGET, (
            path,
            [(t.url, t.bytes) for t in weight.transfers],
        )
        assert weight.by_kind("script") < SCRIPT_BUDGET, path
        print(
            f"\n{path}: {weight.total / 1024:.1f} KB, of which script "
            f"{weight.by_kind('script') / 1024:.1f} KB"
        )


@pytest.mark.parametrize("way_in", ["invitation", "open link"])
def test_every_later_journey_page_is_under_15_kb(browser, product, way_in):
    base, token, code = product
    weights = _walk(browser, base, f"/i/{token}/" if way_in == "invitation" else f"/r/{code}/")
    print(f"\n| {way_in}: page | transferred (KB) |\n| --- | ---: |")
    for name, size in weights:
        print(f"| {name} | {size / 1024:.1f} |")
    names = [name for name, _size in weights]
    assert "check-answers" in names[-2], names
    assert len(weights) >= 10, names  # start, about you, 5 themes, benefits, barriers, check...
    first, *later = weights
    assert first[1] < FIRST_PAGE_BUDGET
    for name, size in later:
        assert 0 < size < LATER_PAGE_BUDGET, (name, size)

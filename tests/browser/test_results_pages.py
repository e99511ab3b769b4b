"""The results report in a real browser: every page with JavaScript off, printed, and weighed.

Every page is checked with axe (zero violations) and the HTML validator, with JavaScript
off. Printing hides the navigation. Each page, on the product served as in production
with the demo partnership loaded, transfers less than 150 KB on a cold cache.

    .venv/bin/pytest tests/browser/test_results_pages.py -s     # also prints the weights
"""

from __future__ import annotations

import os
import subprocess
import tempfile

import pytest
from django.urls import reverse

from benchmarks.pageweight import BIN, ROOT, PageWeight, Transfer, served_product
from stackup.partnerships.models import RoundStatus
from tests.browser.helpers import sign_in
from tests.partnerships.factories import build_world, make_round
from tests.results.report_data import REPORT_PAGES, respond

PAGE_BUDGET = 150 * 1024
PAGES = REPORT_PAGES


def report_paths(slug: str, round_id: int, themes: list[str]) -> list[str]:
    kwargs = {"slug": slug, "round_id": round_id}
    return (
        [reverse("results:index", kwargs={"slug": slug})]
        + [reverse(f"results:{name}", kwargs=kwargs) for name in PAGES]
        + [reverse("results:theme", kwargs={**kwargs, "theme_id": t}) for t in themes]
    )


@pytest.fixture
def rounds(transactional_db):
    """A published round with a small group, an earlier one to compare with, and an open one."""
    world = build_world()
    earlier = respond(make_round(world.partnership, "Autumn 2025"), small_group=False)
    published = respond(make_round(world.partnership, "Spring 2027"))
    open_round = respond(world.round, status=RoundStatus.OPEN)
    return world, earlier, published, open_round


def test_every_report_page_passes_the_checks_without_javascript(
    no_js, live_server, check_page, rounds
):
    world, _earlier, published, open_round = rounds
    page = no_js
    base = live_server.url
    sign_in(page, base, world.coordinator.email)
    themes = [t["id"] for t in published.framework.as_document()["themes"]]
    for path in report_paths(world.partnership.slug, published.pk, themes):
        response = page.goto(base + path)
        assert response.status == 200, path
        check_page(page, html=response.text(), js=False, context=path)
        if "/rounds/" in path and path.endswith("/results/"):
            # The current page is marked in the report's navigation.
            assert page.locator("nav.app-report-nav [aria-current=page]").count() == 1
    # A round that is still open: the page that says results come later.
    path = reverse(
        "results:overview", kwargs={"slug": world.partnership.slug, "round_id": open_round.pk}
    )
    response = page.goto(base + path)
    assert page.locator("h1").inner_text() == "Results are not ready yet"
    check_page(page, html=response.text(), js=False, context="open round")


def test_printing_hides_the_navigation_and_keeps_the_report(browser, live_server, rounds):
    world, _earlier, published, _open = rounds
    context = browser.new_context()
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, world.coordinator.email)
    page.goto(
        base
        + reverse(
            "results:overview", kwargs={"slug": world.partnership.slug, "round_id": published.pk}
        )
    )
    nav = page.locator("nav.app-report-nav")
    assert nav.is_visible()
    page.emulate_media(media="print")
    assert not nav.is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.locator(".govuk-breadcrumbs").is_visible()
    assert page.locator(".app-chart svg").first.is_visible()
    assert page.locator("table.govuk-table").first.is_visible()
    context.close()


# --- Page weight, on the product served as in production with the demo loaded ---------------

FIND_ROUND = """
from stackup.partnerships.models import Round
r = Round.objects.get(partnership__slug="riverside", name="Autumn 2025")
print(r.pk, ",".join(t["id"] for t in r.framework.as_document()["themes"]))
"""


@pytest.fixture(scope="module")
def demo_product():
    """(base URL, round id, theme ids) of a served product with the demo partnership."""
    with tempfile.TemporaryDirectory(prefix="stackup-results-weight-") as data:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "stackup.settings.dev",
            "DEBUG": "false",
            "STACKUP_DATA_DIR": data,
        }
        with served_product({"STACKUP_DATA_DIR": data}) as base:
            stackup = str(BIN / "stackup")
            subprocess.run(
                [stackup, "prepare_database", "--demo", "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=300,
                capture_output=True,
            )
            found = subprocess.run(
                [stackup, "shell", "-c", FIND_ROUND],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=120,
                capture_output=True,
                text=True,
            )
            round_id, themes = found.stdout.split()[-2:]
            yield base, int(round_id), themes.split(",")


def _weigh(browser, base: str, path: str, state: dict) -> PageWeight:
    """What a signed-in browser with an empty cache transfers to show ``path``."""
    context = browser.new_context(storage_state=state)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    response = page.goto(base + path, wait_until="networkidle")
    assert response.status == 200, path
    weight = PageWeight(path)
    for request in requests:
        answer = request.response()
        sizes = request.sizes()
        weight.transfers.append(
            Transfer(
                url=request.url.removeprefix(base),
                kind=request.resource_type,
                encoding=(answer.headers.get("content-encoding") if answer else None) or "none",
                bytes=sizes["responseHeadersSize"] + sizes["responseBodySize"],
            )
        )
    context.close()
    return weight


def test_every_report_page_weighs_under_150_kb(browser, demo_product):
    base, round_id, themes = demo_product
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill("coordinator@demo.example")
    page.get_by_label("Password", exact=True).fill("stack-up-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    state = context.storage_state()
    context.close()

    for path in report_paths("riverside", round_id, themes):
        weight = _weigh(browser, base, path, state)
        print(f"{path}: {weight.total / 1024:.1f} KB")
        kinds = {t.kind for t in weight.transfers}
        assert {"document", "stylesheet"} <= kinds  # it really measured the page
        assert weight.by_kind("document") > 2000
        assert weight.total < PAGE_BUDGET, [(t.url, t.bytes) for t in weight.transfers]

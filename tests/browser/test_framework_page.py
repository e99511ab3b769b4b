"""The public framework pages in a real browser: accessible, complete, and printable on A4."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from stackup.frameworks.services import framework_store
from stackup.frameworks.validation import load_framework_file
from tests.frameworks.factories import SHIPPED, all_items

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"
PDFINFO = shutil.which("pdfinfo") or "pdfinfo"


@pytest.fixture
def poppler() -> None:
    """The printed PDF is read with poppler's tools; a missing tool fails, never skips."""
    missing = [tool for tool in ("pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: install Debian's poppler-utils "
            "(scripts/setup.sh --test)"
        )


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def any_page(request, browser):
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    page.js_enabled = request.param
    yield page
    context.close()


@pytest.fixture
def shipped(transactional_db) -> dict[str, dict]:
    """The shipped frameworks, stored again in case an earlier test emptied the tables."""
    documents = {}
    for slug, path in SHIPPED.items():
        documents[slug] = load_framework_file(path)
        framework_store(document=documents[slug], source_name=path.name)
    return documents


def normalised(text: str) -> str:
    """Text with ligatures undone, line-end hyphens rejoined and white space collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("slug", SHIPPED)
def test_framework_page_is_accessible_and_complete(
    any_page, live_server, check_page, shipped, slug
):
    document = shipped[slug]
    response = any_page.goto(f"{live_server.url}/frameworks/{slug}/1/")
    assert response.status == 200
    assert any_page.locator("h1").inner_text() == document["title"]
    main = normalised(any_page.locator("main").inner_text())
    for item in all_items(document):
        for key in ("statement", "plain_statement", "prompt"):
            assert normalised(item[key]) in main, (item["id"], key)
    reverse_keyed = [item["id"] for item in all_items(document) if item["reverse_keyed"]]
    assert reverse_keyed
    for item_id in reverse_keyed:
        assert "Reverse-scored" in any_page.locator(f"#item-{item_id}").inner_text()
    check_page(any_page, html=response.text(), js=any_page.js_enabled)


def test_framework_list_page_is_accessible_and_links_each_framework(
    any_page, live_server, check_page, shipped
):
    response = any_page.goto(f"{live_server.url}/frameworks/")
    assert response.status == 200
    source = response.text()
    assert any_page.locator("h1").inner_text() == "Assessment frameworks"
    check_page(any_page, html=source, js=any_page.js_enabled)
    for document in shipped.values():
        with any_page.expect_navigation():
            any_page.get_by_role("link", name=document["title"], exact=True).click()
        assert any_page.locator("h1").inner_text() == document["title"]
        any_page.go_back()


def test_the_welsh_framework_page_is_accessible(page, live_server, check_page, shipped):
    response = page.goto(f"{live_server.url}/cy/frameworks/collaboration-health-check/1/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").get_attribute("lang") == "en"
    check_page(page, html=response.text())


# ---------------------------------------------------------------------------------------------
# Printing


def print_to_pdf(page, url: str, path: Path, extra_css: str | None = None) -> Path:
    page.goto(url)
    if extra_css:
        page.add_style_tag(content=extra_css)
    page.pdf(path=str(path), format="A4", print_background=True)
    return path


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of the PDF, normalised."""
    text = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [normalised(page) for page in text.split("\f")]


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in output.splitlines())
    }


def printing_problems(pages: list[str], document: dict) -> list[str]:
    """What is cut off or split across pages in the printed framework."""
    whole = " ".join(pages)
    problems = []
    for item in all_items(document):
        texts = [normalised(item[key]) for key in ("statement", "plain_statement", "prompt")]
        for text in texts:
            if text not in whole:
                problems.append(f"{item['id']}: not printed in full: {text!r}")
        # The item is kept together: its statement and prompt are on the same page.
        on = [number for number, page in enumerate(pages, 1) if texts[0] in page]
        if on and texts[2] not in pages[on[0] - 1]:
            problems.append(f"{item['id']}: split across pages {on[0]} and {on[0] + 1}")
    return problems


@pytest.mark.parametrize("slug", SHIPPED)
def test_framework_page_prints_in_full_on_a4(page, live_server, shipped, poppler, slug, tmp_path):
    document = shipped[slug]
    pdf = print_to_pdf(page, f"{live_server.url}/frameworks/{slug}/1/", tmp_path / f"{slug}.pdf")

    info = pdf_info(pdf)
    assert "(A4)" in info["Page size"], info["Page size"]
    width, height = (float(n) for n in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert int(info["Pages"]) > 1

    pages = pdf_pages(pdf)
    assert printing_problems(pages, document) == []
    whole = " ".join(pages)
    assert normalised(document["title"]) in pages[0]
    for entry in document["benefits"] + document["barriers"]:
        assert normalised(entry["description"]) in whole
    # The page's navigation and footer are not printed.
    assert "Skip to main content" not in whole
    assert "Privacy notice" not in whole


def test_the_print_check_catches_cut_off_and_split_items(
    page, live_server, shipped, poppler, tmp_path
):
    """The check above can fail: text pushed off the page, or items split, are found."""
    document = shipped["collaboration-health-check"]
    url = f"{live_server.url}/frameworks/collaboration-health-check/1/"
    cut_off = print_to_pdf(
        page,
        url,
        tmp_path / "cut-off.pdf",
        ".app-framework-statement { white-space: nowrap !important; }",
    )
    problems = printing_problems(pdf_pages(cut_off), document)
    assert any("not printed in full" in problem for problem in problems), problems

    split = print_to_pdf(
        page,
        url,
        tmp_path / "split.pdf",
        "@media print { .app-framework-item, .app-framework-item * "
        "{ break-inside: auto !important; page-break-inside: auto !important; } "
        ".app-framework-item__heading { margin-top: 11mm !important; } }",
    )
    problems = printing_problems(pdf_pages(split), document)
    assert any("split across pages" in problem for problem in problems), problems

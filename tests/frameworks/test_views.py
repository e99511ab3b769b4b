"""The public framework pages, through Django's test client (the browser tests are separate)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from stackup.frameworks.services import framework_store
from stackup.frameworks.validation import load_framework_file, parse_framework
from tests.frameworks.factories import SHIPPED, all_items, framework_dict, to_yaml

pytestmark = pytest.mark.django_db


def store(**changes):
    document = parse_framework(to_yaml(framework_dict(**changes)), source="youth.yaml")
    return framework_store(document=document, source_name="youth.yaml").framework


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def item_block(body: str, item_id: str) -> str:
    """The HTML of one item on the framework page."""
    match = re.search(
        rf'<div class="app-framework-item" id="item-{item_id}">(.*?)</dl>', body, re.S
    )
    assert match, f"no block for item {item_id}"
    return match.group(1)


def test_the_list_page_needs_no_sign_in_and_links_every_framework(client):
    body = html(client.get("/frameworks/"))
    assert '<h1 class="govuk-heading-xl">Assessment frameworks</h1>' in body
    assert '<a class="govuk-link" href="/frameworks/collaboration-health-check/1/">' in body
    assert '<a class="govuk-link" href="/frameworks/citizen-digital-services/1/">' in body
    assert "Collaboration health check" in body
    assert "Citizen-centred digital services" in body


def test_the_list_page_shows_the_newest_version_and_links_the_earlier_ones(client):
    store(version=1)
    store(version=2, title="Youth partnership check (revised)")
    body = html(client.get("/frameworks/"))
    assert "Youth partnership check (revised)" in body
    assert '<a class="govuk-link" href="/frameworks/youth-partnership-check/2/">' in body
    assert 'href="/frameworks/youth-partnership-check/1/">Version 1<span' in body
    assert body.count('href="/frameworks/youth-partnership-check/') == 2


def test_the_list_page_says_when_there_are_no_frameworks(client):
    from stackup.frameworks.models import Framework

    Framework.objects.all().delete()
    body = html(client.get("/frameworks/"))
    assert "No frameworks have been loaded yet." in body
    assert "<table" not in body


@pytest.mark.parametrize("slug", SHIPPED)
def test_the_framework_page_shows_the_whole_framework(client, slug):
    document = load_framework_file(SHIPPED[slug])
    body = html(client.get(f"/frameworks/{slug}/1/"))
    assert f'<h1 class="govuk-heading-xl">{escape(document["title"])}</h1>' in body
    assert str(escape(document["description"])) in body
    for label in document["scale"]["labels"].values():
        assert f">{escape(label)}</td>" in body
    assert f">{escape(document['scale']['dont_know'])}</td>" in body
    for theme in document["themes"]:
        assert f'id="theme-{theme["id"]}">{escape(theme["title"])}</h2>' in body
        assert str(escape(theme["description"])) in body
    for item in all_items(document):
        block = item_block(body, item["id"])
        assert f">{escape(item['statement'])}</dd>" in block
        assert f">{escape(item['plain_statement'])}</dd>" in block
        assert f">{escape(item['prompt'])}</dd>" in block
        assert ("Reverse-scored" in block) == item["reverse_keyed"]
    reversed_count = sum(item["reverse_keyed"] for item in all_items(document))
    assert reversed_count > 0
    assert body.count("Reverse-scored: agreeing with this statement is a bad sign") == (
        reversed_count
    )
    for kind in ("benefits", "barriers"):
        assert document[kind]
        for entry in document[kind]:
            assert f">{escape(entry['title'])}</dt>" in body
            assert f">{escape(entry['description'])}</dd>" in body


def test_the_framework_page_says_what_is_missing(client):
    doc = framework_dict(benefits=[], barriers=[])
    del doc["themes"][0]["items"][0]["plain_statement"]
    framework_store(
        document=parse_framework(to_yaml(doc), source="youth.yaml"), source_name="youth.yaml"
    )
    body = html(client.get("/frameworks/youth-partnership-check/1/"))
    assert "None given: everyone sees the statement." in item_block(body, "YV1")
    assert "None given" not in item_block(body, "JW1")
    assert "This framework lists no benefits." in body
    assert "This framework lists no barriers." in body


def test_framework_text_is_escaped(client):
    doc = framework_dict(title="<b>Bold</b> & co")
    doc["themes"][0]["items"][0]["statement"] = '<script>alert("hi")</script>'
    framework_store(
        document=parse_framework(to_yaml(doc), source="youth.yaml"), source_name="youth.yaml"
    )
    body = html(client.get("/frameworks/youth-partnership-check/1/"))
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in body
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in body


def test_the_framework_id_alone_goes_to_the_newest_version(client):
    store(version=1)
    store(version=2)
    response = client.get("/frameworks/youth-partnership-check/")
    assert response.status_code == 302
    assert response["Location"] == "/frameworks/youth-partnership-check/2/"
    body = html(client.get("/frameworks/youth-partnership-check/2/"))
    assert 'href="/frameworks/youth-partnership-check/1/">version 1</a>' in body


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks/no-such-framework/",
        "/frameworks/no-such-framework/1/",
        "/frameworks/collaboration-health-check/2/",
        "/frameworks/collaboration-health-check/0/",
    ],
)
def test_unknown_frameworks_and_versions_are_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", ["/frameworks/", "/frameworks/collaboration-health-check/1/"])
def test_the_pages_only_answer_reads(client, path):
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_the_welsh_page_marks_the_english_wording(client):
    body = html(client.get("/cy/frameworks/collaboration-health-check/1/"))
    assert '<html lang="cy"' in body
    assert '<h1 class="govuk-heading-xl" lang="en">Collaboration health check</h1>' in body
    statement = escape(
        load_framework_file(SHIPPED["collaboration-health-check"])["themes"][0]["items"][0][
            "statement"
        ]
    )
    assert f'lang="en">{statement}</dd>' in body
    english = html(client.get("/frameworks/collaboration-health-check/1/"))
    assert 'lang="en"' not in english


def test_the_pages_use_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        html(client.get("/frameworks/"))
    with django_assert_num_queries(2):
        html(client.get("/frameworks/collaboration-health-check/1/"))
    for version in (1, 2, 3):
        store(version=version)
    with django_assert_num_queries(2):
        html(client.get("/frameworks/"))
    with django_assert_num_queries(2):
        html(client.get("/frameworks/youth-partnership-check/2/"))

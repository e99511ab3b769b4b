"""One invitation, one response: parallel and repeated submits against a live server.

Each request runs in its own server thread with its own database connection, so the
database itself decides who wins: on PostgreSQL, pytest-django's live server as it is; on
SQLite, whose test database lives in memory and would otherwise be one connection shared by
every thread, a live server over a file copy of the test database (WAL, BEGIN IMMEDIATE and a
busy timeout, as in production).
"""

from __future__ import annotations

import http.client
import re
import sqlite3
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import connections

from stackup.partnerships.models import Invitation
from stackup.partnerships.tokens import hash_token
from stackup.responding.models import Draft, Response
from tests.responding.factories import build_world
from tests.responding.helpers import walk

PARALLEL = 10


class _FileDatabaseServer:
    """A live server whose threads each open their own connection to a SQLite file."""

    def __init__(self, path):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test.testcases import LiveServerThread
        from django.test.utils import modify_settings

        self.thread = LiveServerThread(
            "127.0.0.1", static_handler=StaticFilesHandler, connections_override={}
        )
        self.settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})
        self.path = path

    def __enter__(self):
        self.settings.enable()
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://127.0.0.1:{self.thread.port}"
        return self

    def __exit__(self, *exc):
        self.thread.terminate()
        self.settings.disable()


@pytest.fixture
def server_url(request, transactional_db, tmp_path):
    """The base URL of a live server that handles requests truly in parallel."""
    connection = connections["default"]
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield request.getfixturevalue("live_server").url
        return
    # Copy the migrated in-memory test database to a file and point every new connection,
    # this thread's included, at it for the length of the test.
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    file_connection = connections.create_connection("default")
    connections["default"] = file_connection
    try:
        with _FileDatabaseServer(path) as server:
            yield server.url
    finally:
        file_connection.close()
        settings_dict["NAME"] = memory_name
        connections["default"] = connection


@dataclass
class Tab:
    """A browser tab: its cookies and the CSRF token from the page it shows."""

    cookie: str
    csrf: str


def _request(base: str, method: str, path: str, *, body: str = "", headers=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        conn.close()


def open_tab(base: str, path: str) -> Tab:
    status, headers, html = _request(base, "GET", path)
    assert status == 200, (status, html[:500])
    cookies = [value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return Tab(cookie="; ".join(cookies), csrf=token)


def submit(base: str, path: str, tab: Tab) -> tuple[int, str]:
    status, headers, html = _request(
        base,
        "POST",
        path,
        body=f"csrfmiddlewaretoken={tab.csrf}",
        headers={
            "Cookie": tab.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": base + path,
        },
    )
    location = {k.lower(): v for k, v in headers}.get("location", "")
    return status, location or html


def fire_together(calls) -> list:
    """Run every call at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # reported by the assertions on the results
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def outcomes(results) -> tuple[int, int]:
    """(how many were sent, how many were told "already sent"); nothing else is allowed."""
    assert not [r for r in results if isinstance(r, BaseException) or r is None], results
    sent = sum(1 for status, body in results if status == 302 and body.endswith("/r/sent/"))
    refused = sum(
        1
        for status, body in results
        if status == 200 and "These answers have already been sent" in body
    )
    assert sent + refused == len(results), [
        (s, re.search(r"<title>(.*?)</title>", b, re.S).group(1) if "<title>" in b else b)
        for s, b in results
    ]
    return sent, refused


def prepared_invitation(django_client, index: int = 0):
    world = build_world(invitations=2)
    base = f"/i/{world.tokens[index]}"
    urls = walk(django_client, base)
    return world, urls["check-answers"]


def test_parallel_submits_of_one_invitation_make_one_response(server_url, client):
    world, path = prepared_invitation(client)
    tab = open_tab(server_url, path)
    results = fire_together([lambda: submit(server_url, path, tab)] * PARALLEL)
    assert outcomes(results) == (1, PARALLEL - 1)
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()
    assert Invitation.objects.get(token_hash=hash_token(world.tokens[0])).used


def test_two_tabs_sending_at_once_make_one_response(server_url, client):
    _world, path = prepared_invitation(client)
    first, second = open_tab(server_url, path), open_tab(server_url, path)
    assert first.cookie != second.cookie
    results = fire_together(
        [lambda: submit(server_url, path, first), lambda: submit(server_url, path, second)]
    )
    assert outcomes(results) == (1, 1)
    # And sending again later from either tab changes nothing.
    assert outcomes([submit(server_url, path, first), submit(server_url, path, second)]) == (0, 2)
    assert Response.objects.count() == 1


def test_parallel_submits_of_one_open_link_draft_make_one_response(server_url, client):
    world = build_world(invitations=1)
    start = client.post(f"/r/{world.round.open_code}/")
    base = start["Location"].removesuffix("/about-you/")
    path = walk(client, base, start=False)["check-answers"]
    tab = open_tab(server_url, path)
    results = fire_together([lambda: submit(server_url, path, tab)] * PARALLEL)
    assert outcomes(results) == (1, PARALLEL - 1)
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()

"""Server time to render a theme page of the respondent journey.

Renders, in-process with Django's test client, the GET of a theme page (the shipped
framework's largest theme, with a saved draft behind it) and, as the baseline measured in the
same run, the static home page. The two alternate, so a noisy machine slows both alike.
Settings as `make run` serves them (DEBUG off, hashed static files), SQLite in a throwaway
data folder.

    .venv/bin/python -m benchmarks.theme_page              # 200 runs of each
    .venv/bin/python -m benchmarks.theme_page --runs 1000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def _seed():
    from stackup.partnerships import services
    from stackup.partnerships.models import Sector

    partnership = services.partnership_create(slug="bench", name="Riverside Together")
    for name, sector in [
        ("Riverside Borough Council", Sector.COUNCIL),
        ("Riverside and Vale NHS Trust", Sector.NHS),
        ("Vale Police", Sector.POLICE),
        ("Riverside Homes", Sector.HOUSING),
    ]:
        services.organisation_add(partnership=partnership, name=name, sector=sector)
    round_ = services.round_create(
        partnership=partnership, name="Benchmark", framework_slug="collaboration-health-check"
    )
    token = services.invitations_create(round=round_, count=1)[0].token
    services.round_set_status(round=round_, status="open")
    return round_, token


def _largest_theme(round_) -> str:
    themes = round_.framework.as_document()["themes"]
    return max(themes, key=lambda theme: len(theme["items"]))["id"]


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stackup-bench-") as data:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="stackup.settings.dev", DEBUG="false", STACKUP_DATA_DIR=data
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("collectstatic", "--noinput", verbosity=0)
        call_command("migrate", "--noinput", verbosity=0)
        round_, token = _seed()
        theme = _largest_theme(round_)
        client = Client(HTTP_HOST="127.0.0.1")
        base = f"/i/{token}"
        # A draft that has reached every theme: started, "about you" and each theme saved.
        client.post(f"{base}/start/")
        client.post(f"{base}/about-you/", {"sector": "council"})
        for each in round_.framework.as_document()["themes"]:
            client.post(f"{base}/theme/{each['id']}/", {})
        theme_path = f"{base}/theme/{theme}/"

        for _ in range(20):  # warm up: imports, template compilation, connections
            _timed(client, "/")
            _timed(client, theme_path)
        home, page = [], []
        for _ in range(args.runs):
            home.append(_timed(client, "/"))
            page.append(_timed(client, theme_path))

    def ms(values, q=None):
        if q is None:
            return statistics.median(values) * 1000
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    ratio = statistics.median(page) / statistics.median(home)
    print(f"Theme page ({theme}), {args.runs} runs each, alternating with the baseline:\n")
    print("| page | median (ms) | 90th percentile (ms) | median / baseline |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| home page (baseline) | {ms(home):.2f} | {ms(home, 90):.2f} | 1.00 |")
    print(f"| theme page with a draft | {ms(page):.2f} | {ms(page, 90):.2f} | {ratio:.2f} |")
    print("\nBudget: a median under 20 ms.")


if __name__ == "__main__":
    main(sys.argv[1:])

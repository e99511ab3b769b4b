"""Time and peak memory of the results engine against a pandas baseline.

Computes the full results of a synthetic round (items, themes, groups with suppression, the
two comparisons) with the engine, `stackup.results.analysis.analyse_round`, and with a
straightforward pandas implementation of the same numbers, `benchmarks/results_pandas.py`,
in the same run. Before reporting a size it checks that the two agree on every number.

    .venv/bin/python -m benchmarks.results_engine                  # 10,000 and 100,000 x 24
    .venv/bin/python -m benchmarks.results_engine --sizes 500 5000 --items 24

Time: the best of three runs after a warm-up, the engine and pandas alternating, each given
its input already built (a `ResponseMatrix`; a DataFrame of answer codes and label strings).
Memory: each implementation runs again in a fresh Python process that loads the same round
from a file and warms up on a small round; reported are the growth of the peak resident set
size during the call over the resident set size just before it (Linux: VmHWM, reset through
/proc/self/clear_refs just before the call), and the peak of memory traced by `tracemalloc`
during a second call (numpy and pandas report their buffers to it).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stackup.results.analysis import (
    DIMENSIONS,
    Framework,
    GroupLabels,
    Item,
    ResponseMatrix,
    Scale,
    Theme,
    analyse_round,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261127
MIN_GROUP_SIZE = 5
TOLERANCE = 1e-9

# Five themes of unequal size (shares of the items), with a shift of their typical answer.
THEMES = (
    ("service_user_perspective", "sup", 7, 0.45),
    ("common_purpose", "cp", 6, 0.15),
    ("whole_system", "ws", 5, -0.1),
    ("sharing_power", "spw", 4, -0.55),
    ("sustainability", "sus", 2, 0.0),
)
# Stakeholder groups: share of the respondents, or a fixed number for the small ones, and a
# shift per theme (service users rate sharing power and the service user's perspective lower).
STAKEHOLDERS = {
    "service_user": 0.22,
    "council": 0.18,
    "nhs": 0.17,
    "police": 0.08,
    "housing": 0.09,
    "voluntary_community": 0.14,
    "education": 0.07,
    "other": 0.05,
    "fire_rescue": 14,
    "private_provider": 9,
}
# The fire and rescue service is one organisation; all but two of its respondents name it.
FIRE_SERVICE = "organisation-29"
FIRE_WITHOUT_ORGANISATION = 2
# A small charity whose six respondents are all in the voluntary and community sector.
CHARITY = ("organisation-28", 6)
# People who skip the "about you" questions (no label in any dimension), and how many of
# them stop before the last theme.
NO_LABELS = 6
NO_LABELS_STOPPED = 2
ROLE_LEVELS = {"frontline": 0.56, "manager": 0.30, "senior_leader": 0.14}
ORGANISATIONS = 30


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# The synthetic round
# ---------------------------------------------------------------------------


@dataclass
class BenchRound:
    framework: Framework
    codes: np.ndarray  # (n, k) int8: 1..5, 0 blank, -1 "Don't know"
    labels: dict  # dimension -> (codes int64 with -1 = no label, categories)

    @property
    def n(self) -> int:
        return int(self.codes.shape[0])


def make_framework(n_items: int) -> Framework:
    weights = np.array([t[2] for t in THEMES], dtype=float)
    sizes = np.maximum(1, np.floor(n_items * weights / weights.sum())).astype(int)
    sizes[0] += n_items - sizes.sum()
    if n_items < len(THEMES) or sizes.min() < 1:
        raise ValueError(f"need at least {len(THEMES)} items")
    themes, items = [], []
    for t, ((theme_id, prefix, _, _), size) in enumerate(zip(THEMES, sizes, strict=True)):
        ids = [f"{prefix}{i + 1}" for i in range(size)]
        for i, item_id in enumerate(ids):
            # One negatively worded statement in the first theme and one in the third.
            reverse = (t == 0 and i == 1) or (t == 2 and i == size - 1 and size > 1)
            items.append(Item(item_id, theme_id, reverse_keyed=reverse))
        themes.append(Theme(theme_id, ids))
    return Framework(scale=Scale(1, 5, (4, 5)), themes=themes, items=items)


def _assign(rng, n: int, spec: dict) -> tuple[np.ndarray, tuple[str, ...]]:
    """Label codes for n respondents: fixed-size groups first, the rest by share."""
    categories = tuple(sorted(spec))
    index = {c: i for i, c in enumerate(categories)}
    codes = np.full(n, -1, dtype=np.int64)
    order = rng.permutation(n)
    start = 0
    for name, size in spec.items():
        if isinstance(size, int):
            take = min(size, n - start)
            codes[order[start : start + take]] = index[name]
            start += take
    shares = {c: s for c, s in spec.items() if isinstance(s, float)}
    p = np.array(list(shares.values()))
    rest = order[start:]
    codes[rest] = np.array([index[c] for c in shares])[rng.choice(len(p), rest.size, p=p / p.sum())]
    return codes, categories


def make_round(n: int, n_items: int = 24, seed: int = SEED) -> BenchRound:
    """A deterministic synthetic round of n respondents."""
    rng = np.random.default_rng(seed)
    framework = make_framework(n_items)
    sg, sg_cats = _assign(rng, n, STAKEHOLDERS)
    fire = sg == sg_cats.index("fire_rescue")
    # A few skip the "about you" questions: no label in any dimension.
    fixed = np.isin(sg, [sg_cats.index(c) for c, s in STAKEHOLDERS.items() if isinstance(s, int)])
    no_labels = rng.permutation(np.flatnonzero(~fixed))[:NO_LABELS]
    sg[no_labels] = -1
    service_user = sg == sg_cats.index("service_user")

    # Role level and organisation only for people who work in a service; a few leave the
    # role level blank.
    rl, rl_cats = _assign(rng, n, ROLE_LEVELS)
    rl[service_user | (rng.random(n) < 0.02)] = -1
    org_cats = tuple(f"organisation-{i + 1:02d}" for i in range(ORGANISATIONS))
    # The last three organisations are a small charity, the fire and rescue service and a
    # tiny one.
    zipf = 1.0 / np.arange(1, ORGANISATIONS - 2) ** 1.1
    org = rng.choice(ORGANISATIONS - 3, n, p=zipf / zipf.sum()).astype(np.int64)
    org[fire] = org_cats.index(FIRE_SERVICE)
    org[np.flatnonzero(fire)[:FIRE_WITHOUT_ORGANISATION]] = -1
    org[service_user] = -1
    charity, size = org_cats.index(CHARITY[0]), CHARITY[1]
    org[np.flatnonzero(sg == sg_cats.index("voluntary_community"))[:size]] = charity
    staff = np.flatnonzero(~service_user & ~fire & (sg >= 0) & (org != charity))
    org[rng.permutation(staff)[:2]] = ORGANISATIONS - 1  # a tiny organisation of two people
    rl[no_labels] = -1
    org[no_labels] = -1

    theme_of = {th.id: t for t, th in enumerate(framework.themes)}
    item_theme = np.array([theme_of[item.theme] for item in framework.items])
    theme_shift = np.array([t[3] for t in THEMES])[item_theme]
    item_shift = rng.normal(0.0, 0.25, n_items)
    person = rng.normal(0.0, 0.7, n)
    person_theme = rng.normal(0.0, 0.35, (n, len(THEMES)))[:, item_theme]
    group = np.zeros((n, n_items))
    group[service_user] += np.where(np.isin(item_theme, [0, 3]), -0.45, 0.0)
    group[rl == rl_cats.index("senior_leader")] += 0.3
    group[rl == rl_cats.index("frontline")] -= 0.1
    latent = 3.3 + theme_shift + item_shift + person[:, None] + person_theme + group
    latent += rng.normal(0.0, 0.8, (n, n_items))
    answers = np.clip(np.rint(latent), 1, 5).astype(np.int8)
    reverse = np.array([item.reverse_keyed for item in framework.items])
    answers[:, reverse] = 6 - answers[:, reverse]  # answered as worded

    u = rng.random((n, n_items))
    answers[u < 0.08] = -1  # "Don't know"
    answers[(u >= 0.08) & (u < 0.13)] = 0  # blank
    stopped = rng.random(n) < 0.02  # a few stop part-way: blanks from a random item on
    first_blank = rng.integers(0, n_items, n)
    # Some of those without labels stop before the last theme.
    stopped[no_labels[:NO_LABELS_STOPPED]] = True
    first_blank[no_labels[:NO_LABELS_STOPPED]] = n_items - len(framework.themes[-1].item_ids)
    answers[stopped[:, None] & (np.arange(n_items)[None, :] >= first_blank[:, None])] = 0
    return BenchRound(
        framework=framework,
        codes=answers,
        labels={
            "stakeholder_group": (sg, sg_cats),
            "role_level": (rl, rl_cats),
            "organisation": (org, org_cats),
        },
    )


def engine_input(round_: BenchRound) -> ResponseMatrix:
    return ResponseMatrix.from_arrays(
        round_.framework.item_ids,
        round_.codes,
        **{dim: GroupLabels(codes=c, categories=cats) for dim, (c, cats) in round_.labels.items()},
    )


def pandas_input(round_: BenchRound):
    """A DataFrame as read from an export: one column of codes per item, labels as strings."""
    import pandas as pd

    df = pd.DataFrame(round_.codes, columns=list(round_.framework.item_ids))
    for dim, (codes, categories) in round_.labels.items():
        # Code -1 picks the trailing None: no label.
        df[dim] = pd.Series(np.array([*categories, None], dtype=object)[codes])
    return df


def save_round(round_: BenchRound, path: Path) -> None:
    arrays = {"codes": round_.codes, "n_items": np.array(len(round_.framework.items))}
    for dim, (codes, categories) in round_.labels.items():
        arrays[dim] = codes
        arrays[f"{dim}_categories"] = np.array(categories)
    np.savez(path, **arrays)


def load_round(path: Path) -> BenchRound:
    with np.load(path) as data:
        labels = {
            dim: (data[dim].copy(), tuple(str(c) for c in data[f"{dim}_categories"]))
            for dim in DIMENSIONS
        }
        return BenchRound(make_framework(int(data["n_items"])), data["codes"].copy(), labels)


# ---------------------------------------------------------------------------
# Running and comparing the two implementations
# ---------------------------------------------------------------------------


def run_engine(round_: BenchRound, matrix: ResponseMatrix) -> dict:
    return analyse_round(round_.framework, matrix, min_group_size=MIN_GROUP_SIZE)


def run_pandas(round_: BenchRound, df) -> dict:
    from benchmarks import results_pandas

    return results_pandas.analyse_round(round_.framework, df, min_group_size=MIN_GROUP_SIZE)


KEYS = {
    "themes": ("id",),
    "items": ("id",),
    "groups": ("dimension", "group", "theme"),
    "comparisons": ("name", "theme"),
}


def _same(a, b, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def compare(engine: dict, baseline: dict, tol: float = TOLERANCE) -> tuple[int, list[str]]:
    """Every number of the engine's themes, items, groups and comparisons against the
    baseline's, matched by key. Returns (how many values were checked, the differences)."""
    checked, problems = 0, []
    for name in ("n_respondents", "min_group_size"):
        checked += 1
        if engine[name] != baseline[name]:
            problems.append(f"{name}: {engine[name]!r} != {baseline[name]!r}")
    for section, key in KEYS.items():
        ours = {tuple(r[k] for k in key): r for r in engine[section]}
        theirs = {tuple(r[k] for k in key): r for r in baseline[section]}
        if list(ours) != list(theirs):
            problems.append(f"{section}: rows differ: {sorted(set(ours) ^ set(theirs))[:5]!r}")
        for row_key in ours.keys() & theirs.keys():
            a, b = ours[row_key], theirs[row_key]
            if set(a) != set(b):
                problems.append(f"{section} {row_key}: keys differ: {sorted(set(a) ^ set(b))}")
            for field in a.keys() & b.keys():
                values = [(field, a[field], b[field])]
                if isinstance(a[field], dict) and isinstance(b[field], dict):
                    values = [(f"{field}.{k}", a[field][k], b[field].get(k)) for k in a[field]]
                for label, x, y in values:
                    checked += 1
                    if not _same(x, y, tol):
                        problems.append(f"{section} {row_key} {label}: {x!r} != {y!r}")
    return checked, problems


def rules_used(baseline: dict) -> dict[str, int]:
    """How many groups each complementary suppression rule hid, and how many comparison rows
    were left blank because their figures would give people away, by the baseline's
    account (the engine's statuses and rows are checked against it by :func:`compare`)."""
    hidden = Counter(w["rule"] for w in baseline["why"]["groups"])
    blank = Counter(w["reason"] for w in baseline["why"]["comparisons"])
    return {
        "one primary": hidden["single_primary"],
        "remainder": hidden["remainder"],
        "nested": hidden["nested"],
        "comparison gives away": blank["gives_away"],
    }


# ---------------------------------------------------------------------------
# Memory: one implementation in a fresh process
# ---------------------------------------------------------------------------


def _child(which: str, path: Path) -> None:
    import pandas as pd  # noqa: F401  (both imported up front, so neither pays for it)

    from benchmarks import results_pandas  # noqa: F401

    round_ = load_round(path)
    if which == "engine":
        data, run = engine_input(round_), run_engine
    else:
        data, run = pandas_input(round_), run_pandas
    # Warm up on a small round first so that lazily loaded code is not counted.
    small = make_round(200, len(round_.framework.items), seed=1)
    run(small, engine_input(small) if which == "engine" else pandas_input(small))
    del small
    gc.collect()
    _reset_peak_rss()
    before = _status_kib("VmRSS")
    run(round_, data)
    rss_growth = _status_kib("VmHWM") - before
    gc.collect()
    tracemalloc.start()
    run(round_, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"rss_growth_mb": rss_growth / 1024, "traced_peak_mb": peak / 2**20}))


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak_rss() -> None:
    """Reset the peak resident set size (VmHWM, what ``ru_maxrss`` reports for this
    process image) to the current one, so that the next peak is the call's own.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` itself cannot be used in a child: Linux carries the
    peak of the process image before ``exec`` over into it, so a child of the (larger)
    benchmark process starts with the parent's peak and a call would show no growth."""
    Path("/proc/self/clear_refs").write_text("5")
    if _status_kib("VmHWM") > _status_kib("VmRSS") + 1024:
        raise RuntimeError("could not reset the peak resident set size")


def measure_memory(which: str, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.results_engine", "--child", which, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"memory run of {which} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def bench_size(n: int, n_items: int, folder: Path) -> dict:
    log(f"[{n:,} x {n_items}] generating the round")
    round_ = make_round(n, n_items)
    matrix, df = engine_input(round_), pandas_input(round_)

    log(f"[{n:,} x {n_items}] warm-up and agreement check")
    engine_out, pandas_out = run_engine(round_, matrix), run_pandas(round_, df)
    checked, problems = compare(engine_out, pandas_out)
    if problems:
        shown = "\n  ".join(problems[:20])
        raise SystemExit(f"engine and pandas disagree at {n:,} ({len(problems)}):\n  {shown}")
    statuses = {g["status"] for g in engine_out["groups"]}
    log(f"[{n:,} x {n_items}] agree on all {checked:,} values (group statuses: {sorted(statuses)})")
    rules = rules_used(pandas_out)
    log(f"[{n:,} x {n_items}] rules used: {', '.join(f'{k} {v}' for k, v in rules.items())}")
    missing = [rule for rule, count in rules.items() if not count]
    if missing:
        log(f"[{n:,} x {n_items}] warning: the round does not bring in {', '.join(missing)}")

    times: dict[str, list[float]] = {"engine": [], "pandas": []}
    for rep in range(3):
        for which, run, data in (("engine", run_engine, matrix), ("pandas", run_pandas, df)):
            started = time.perf_counter()
            run(round_, data)
            times[which].append(time.perf_counter() - started)
        log(
            f"[{n:,} x {n_items}] run {rep + 1}/3: engine {times['engine'][-1]:.3f} s, "
            f"pandas {times['pandas'][-1]:.3f} s"
        )

    path = folder / f"round-{n}.npz"
    save_round(round_, path)
    del round_, matrix, df, engine_out, pandas_out
    memory = {}
    for which in ("engine", "pandas"):
        log(f"[{n:,} x {n_items}] peak memory of {which} in a fresh process")
        memory[which] = measure_memory(which, path)
        log(
            f"[{n:,} x {n_items}] {which}: traced peak {memory[which]['traced_peak_mb']:.1f} MB, "
            f"RSS growth {memory[which]['rss_growth_mb']:.1f} MB"
        )
    return {
        "n": n,
        "items": n_items,
        "checked": checked,
        "engine_s": min(times["engine"]),
        "pandas_s": min(times["pandas"]),
        "memory": memory,
    }


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}" if b > 0 else "n/a"


def table(results: list[dict]) -> str:
    lines = [
        "| respondents | items | engine (s) | pandas (s) | pandas / engine "
        "| engine traced peak (MB) | pandas traced peak (MB) | pandas / engine "
        "| engine RSS growth (MB) | pandas RSS growth (MB) | pandas / engine |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        e, p = r["memory"]["engine"], r["memory"]["pandas"]
        lines.append(
            f"| {r['n']:,} | {r['items']} | {r['engine_s']:.3f} | {r['pandas_s']:.3f} "
            f"| {_ratio(r['pandas_s'], r['engine_s'])} "
            f"| {e['traced_peak_mb']:.1f} | {p['traced_peak_mb']:.1f} "
            f"| {_ratio(p['traced_peak_mb'], e['traced_peak_mb'])} "
            f"| {e['rss_growth_mb']:.1f} | {p['rss_growth_mb']:.1f} "
            f"| {_ratio(p['rss_growth_mb'], e['rss_growth_mb'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--items", type=int, default=24)
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        which, path = args.child
        if which not in ("engine", "pandas"):
            parser.error("--child takes engine or pandas")
        _child(which, Path(path))
        return
    if any(n < 1 for n in args.sizes) or args.items < len(THEMES):
        parser.error(f"sizes must be positive and --items at least {len(THEMES)}")
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="stackup-results-bench-") as folder:
        for n in args.sizes:
            results.append(bench_size(n, args.items, Path(folder)))
    log(f"done in {time.perf_counter() - started:.0f} s (load average {os.getloadavg()[0]:.1f})")
    print(table(results))


if __name__ == "__main__":
    main(sys.argv[1:])

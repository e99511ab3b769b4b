"""The pandas baseline of the results benchmark computes the engine's numbers.

`benchmarks/results_engine.py` times the engine against `benchmarks/results_pandas.py`; the
comparison only means something if the two compute the same thing. These tests run both on
small synthetic rounds from the benchmark's own generator and compare every number.
"""

from __future__ import annotations

import copy

import pytest

from benchmarks.results_engine import (
    SEED,
    compare,
    engine_input,
    make_round,
    measure_memory,
    pandas_input,
    run_engine,
    run_pandas,
    save_round,
)


@pytest.fixture(scope="module")
def outputs():
    round_ = make_round(500, 24, seed=SEED)
    return run_engine(round_, engine_input(round_)), run_pandas(round_, pandas_input(round_))


def test_baseline_agrees_with_engine_on_every_number(outputs):
    engine, baseline = outputs
    checked, problems = compare(engine, baseline)
    assert problems == []
    # 24 items, 5 themes, 3 dimensions x groups x 5 themes, 2 comparisons x 5 themes.
    assert checked > 1500
    assert len(baseline["items"]) == 24
    assert len(baseline["groups"]) == len(engine["groups"]) > 150


def test_round_exercises_suppression_and_comparisons(outputs):
    engine, _ = outputs
    statuses = {g["status"] for g in engine["groups"]}
    assert {"shown", "suppressed_primary", "suppressed_complementary"} <= statuses
    assert all(c["welch_p_holm"] is not None for c in engine["comparisons"])
    assert all(t["alpha"] is not None for t in engine["themes"])
    reversed_items = [i for i in make_round(5).framework.items if i.reverse_keyed]
    assert len(reversed_items) == 2
    assert any(t["n_excluded"] > 0 for t in engine["themes"])


@pytest.mark.parametrize(("n", "items", "seed"), [(60, 11, 7), (12, 5, 3), (1, 24, 5)])
def test_baseline_agrees_on_small_rounds(n, items, seed):
    """Few respondents: empty groups, comparisons not computed, no alpha, single answers."""
    round_ = make_round(n, items, seed=seed)
    engine = run_engine(round_, engine_input(round_))
    baseline = run_pandas(round_, pandas_input(round_))
    checked, problems = compare(engine, baseline)
    assert problems == []
    assert checked > 100


@pytest.mark.parametrize(
    ("section", "index", "field", "change"),
    [
        ("themes", 2, "alpha", lambda v: v + 2e-9),
        ("items", 3, "q1", lambda v: v + 0.25),
        ("comparisons", 1, "cliffs_delta", lambda v: -v),
        ("groups", 0, "status", lambda v: "suppressed_primary" if v == "shown" else "shown"),
        ("groups", 0, "mean", lambda v: None),
    ],
)
def test_compare_reports_any_difference(outputs, section, index, field, change):
    engine, baseline = outputs
    changed = copy.deepcopy(baseline)
    row = changed[section][index]
    row[field] = change(row[field])
    _, problems = compare(engine, changed)
    assert len(problems) == 1
    assert field in problems[0]


def test_compare_reports_missing_rows_and_frequencies(outputs):
    engine, baseline = outputs
    changed = copy.deepcopy(baseline)
    del changed["comparisons"][4]
    changed["items"][0]["frequencies"]["5"] += 1
    _, problems = compare(engine, changed)
    assert any("comparisons: rows differ" in p for p in problems)
    assert any("frequencies.5" in p for p in problems)


def test_memory_is_measured_in_a_fresh_process(tmp_path):
    path = tmp_path / "round.npz"
    save_round(make_round(300, 24, seed=SEED), path)
    for which in ("engine", "pandas"):
        result = measure_memory(which, path)
        assert result["traced_peak_mb"] > 0
        assert result["rss_growth_mb"] >= 0

"""The pandas baseline of the results benchmark computes the engine's numbers.

`benchmarks/results_engine.py` times the engine against `benchmarks/results_pandas.py`; the
comparison only means something if the two compute the same thing. These tests run both on
small synthetic rounds from the benchmark's own generator and compare every number, and check
that the generated round really brings every suppression rule into play.
"""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from benchmarks import results_pandas
from benchmarks.results_engine import (
    MIN_GROUP_SIZE,
    SEED,
    compare,
    engine_input,
    make_round,
    measure_memory,
    pandas_input,
    rules_used,
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
    made = {(c["name"], c["theme"]) for c in engine["comparisons"] if c["n_a"] is not None}
    assert all(c["welch_p_holm"] is not None for c in engine["comparisons"] if c["n_a"])
    # Every comparison is made in every theme but one: see the next test.
    assert len(made) == len(engine["comparisons"]) - 1
    assert all(t["alpha"] is not None for t in engine["themes"])
    reversed_items = [i for i in make_round(5).framework.items if i.reverse_keyed]
    assert len(reversed_items) == 2
    assert any(t["n_excluded"] > 0 for t in engine["themes"])


def _hidden_by(why: dict) -> Counter:
    return Counter(w["rule"] for w in why["groups"])


@pytest.mark.parametrize("n", [500, 2000])
def test_generated_round_brings_in_every_suppression_rule(n):
    """The round hides groups by subtraction within a dimension (six people without labels,
    two of whom stop before the last theme) and across dimensions (the fire and rescue
    service less its organisation), and leaves a comparison blank because the people
    outside both sides are too few, and the engine does exactly the same."""
    round_ = make_round(n, 24, seed=SEED)
    engine = run_engine(round_, engine_input(round_))
    baseline = run_pandas(round_, pandas_input(round_))
    assert compare(engine, baseline)[1] == []
    status = {(g["dimension"], g["group"], g["theme"]): g["status"] for g in engine["groups"]}
    themes = [t.id for t in round_.framework.themes]
    why = baseline["why"]
    hidden = {(w["dimension"], w["group"], w["theme"]): w["rule"] for w in why["groups"]}
    for key in hidden:
        assert status[key] == "suppressed_complementary", key

    # Within a dimension: in the last theme only four people without a stakeholder group
    # are scored, so the smallest shown group is hidden with them.
    last = themes[-1]
    assert hidden.get(("stakeholder_group", "private_provider", last)) == "remainder"
    assert [k for k, rule in hidden.items() if rule == "remainder"] == [
        ("stakeholder_group", "private_provider", last)
    ]
    # Across dimensions: the fire and rescue sector less its organisation leaves the two
    # who named no organisation, so the organisation is hidden in every theme.
    for theme in themes:
        assert hidden.get(("organisation", "organisation-29", theme)) == "nested"
        assert status[("stakeholder_group", "fire_rescue", theme)] == "shown"
    # A comparison: in the last theme, the theme total less both sides would give away the
    # four people without a stakeholder group, so it is blank although both sides are large
    # and shown.
    assert why["comparisons"] == [
        {"name": "service_users_vs_professionals", "theme": last, "reason": "gives_away"}
    ]
    blank = {(c["name"], c["theme"]) for c in engine["comparisons"] if c["n_a"] is None}
    assert blank == {("service_users_vs_professionals", last)}
    labels = pandas_input(round_)["stakeholder_group"]
    scored = labels[run_pandas_scores(round_)[last].notna()]
    assert scored.isna().sum() == 4 and labels.isna().sum() == 6
    assert (scored == "service_user").sum() >= MIN_GROUP_SIZE
    assert status[("stakeholder_group", "service_user", last)] == "shown"
    # Larger rounds have no small organisations besides the tiny one, so it is the only
    # primary suppression there and the smallest other organisation is hidden with it.
    if n >= 2000:
        assert set(_hidden_by(why)) == {"single_primary", "remainder", "nested"}
        assert all(rules_used(baseline).values())


def run_pandas_scores(round_) -> pd.DataFrame:
    answers, _ = results_pandas.item_table(round_.framework, pandas_input(round_))
    return results_pandas.theme_scores(round_.framework, answers)


def worked_example() -> pd.DataFrame:
    """The worked example of docs/methodology.md: q3 reverse-keyed, -1 "Don't know", 0 blank."""
    rows = [
        (4, 5, 2, "service_user", "frontline", "North"),
        (3, 4, 1, "service_user", "frontline", "North"),
        (5, -1, 4, "service_user", "senior_leader", "South"),
        (2, 3, 0, "carer", "senior_leader", "South"),
        (4, 4, 3, "staff", None, "South"),
        (-1, 0, 5, "carer", "frontline", "East"),
    ]
    return pd.DataFrame(rows, columns=["q1", "q2", "q3", *results_pandas.DIMENSIONS])


def test_baseline_follows_the_worked_example_of_the_methodology():
    from stackup.results.analysis import (
        Framework,
        Item,
        ResponseMatrix,
        Scale,
        Theme,
        analyse_round,
    )

    framework = Framework(
        Scale(),
        (Theme("T1", ("q1", "q2", "q3")),),
        (Item("q1", "T1"), Item("q2", "T1"), Item("q3", "T1", reverse_keyed=True)),
    )
    df = worked_example()
    baseline = results_pandas.analyse_round(framework, df, min_group_size=2)
    status = {(g["dimension"], g["group"]): g["status"] for g in baseline["groups"]}
    assert status == {
        ("stakeholder_group", "carer"): "suppressed_primary",
        ("stakeholder_group", "service_user"): "shown",
        ("stakeholder_group", "staff"): "suppressed_primary",
        ("role_level", "frontline"): "suppressed_complementary",
        ("role_level", "senior_leader"): "suppressed_complementary",
        ("organisation", "East"): "empty",
        ("organisation", "North"): "suppressed_complementary",
        ("organisation", "South"): "shown",
    }
    assert baseline["why"] == {
        "groups": [
            {"dimension": "role_level", "group": "frontline", "theme": "T1", "rule": "remainder"},
            {"dimension": "organisation", "group": "North", "theme": "T1", "rule": "nested"},
            {
                "dimension": "role_level",
                "group": "senior_leader",
                "theme": "T1",
                "rule": "nested",
            },
        ],
        "comparisons": [
            {"name": "service_users_vs_professionals", "theme": "T1", "reason": "gives_away"},
            {"name": "frontline_vs_leaders", "theme": "T1", "reason": "side_hidden"},
        ],
    }
    matrix = ResponseMatrix.from_arrays(
        ["q1", "q2", "q3"],
        df[["q1", "q2", "q3"]].to_numpy(),
        **{dim: df[dim].tolist() for dim in results_pandas.DIMENSIONS},
    )
    engine = analyse_round(framework, matrix, min_group_size=2)
    checked, problems = compare(engine, baseline)
    assert problems == []
    assert checked > 50


def nested_round(seed: int) -> tuple[pd.DataFrame, int]:
    """A small random round whose organisations mostly lie inside a stakeholder group and
    often inside a role level, so that every suppression rule comes up."""
    rng = np.random.default_rng(seed)
    n, min_group_size = int(rng.integers(8, 50)), int(rng.integers(2, 6))
    codes = rng.integers(-1, 6, (n, 6))
    codes[rng.random((n, 6)) < 0.2] = 0
    kinds = ["service_user", "carer", "staff", "volunteer", None][: int(rng.integers(2, 6))]
    sg = [kinds[i] for i in rng.integers(0, len(kinds), n)]
    org = [
        (None if rng.random() < 0.5 else "zz")
        if g is None or rng.random() < 0.1
        else f"{g[:2]}{rng.integers(0, 2)}"
        for g in sg
    ]
    levels = ["frontline", "senior_leader", "manager", None]
    rl = [
        ("frontline" if o.endswith("0") else "senior_leader")
        if o and rng.random() < 0.3
        else levels[rng.integers(0, 4)]
        for o in org
    ]
    df = pd.DataFrame(codes, columns=[f"q{i + 1}" for i in range(6)])
    df["stakeholder_group"], df["role_level"], df["organisation"] = sg, rl, org
    return df, min_group_size


# scipy warns when one side's scores are all equal; the figures are still right.
@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_baseline_agrees_on_small_nested_rounds():
    from stackup.results.analysis import ResponseMatrix, analyse_round

    framework = make_round(1, 6).framework
    rules = Counter()
    for seed in range(12):
        df, min_group_size = nested_round(seed)
        items = list(framework.item_ids)
        df.columns = [*items, *results_pandas.DIMENSIONS]
        matrix = ResponseMatrix.from_arrays(
            items,
            df[items].to_numpy(),
            **{dim: df[dim].tolist() for dim in results_pandas.DIMENSIONS},
        )
        engine = analyse_round(framework, matrix, min_group_size=min_group_size)
        baseline = results_pandas.analyse_round(framework, df, min_group_size=min_group_size)
        assert compare(engine, baseline)[1] == [], seed
        rules.update(_hidden_by(baseline["why"]))
        rules.update(w["reason"] for w in baseline["why"]["comparisons"])
    assert set(rules) == {
        "single_primary",
        "remainder",
        "nested",
        "too_small",
        "side_hidden",
        "gives_away",
    }


def test_baseline_leaves_t_blank_when_neither_side_varies():
    from stackup.results.analysis import ResponseMatrix, analyse_round

    framework = make_round(1, 5).framework
    items = list(framework.item_ids)
    df = pd.DataFrame([[4] * 5] * 6 + [[2] * 5] * 6, columns=items)
    df["stakeholder_group"] = ["service_user"] * 6 + ["council"] * 6
    df["role_level"] = df["organisation"] = None
    matrix = ResponseMatrix.from_arrays(
        items, df[items].to_numpy(), stakeholder_group=df["stakeholder_group"].tolist()
    )
    engine = analyse_round(framework, matrix, min_group_size=5)
    baseline = results_pandas.analyse_round(framework, df, min_group_size=5)
    assert compare(engine, baseline)[1] == []
    row = baseline["comparisons"][0]
    assert row["difference"] == 2 and row["welch_t"] is None and row["welch_p"] is None


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

"""Tests for stackup.results.analysis (no Django needed)."""

from __future__ import annotations

import ast
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stackup.results import analysis
from stackup.results.analysis import (
    Framework,
    GroupLabels,
    Item,
    Response,
    ResponseMatrix,
    Scale,
    Theme,
    analyse_change,
    analyse_round,
    benjamini_hochberg,
    cliffs_delta,
    cliffs_magnitude,
    holm,
    two_proportion_z,
    welch_t_test,
    wilson_interval,
)

try:  # pingouin (which brings statsmodels with it) is an optional cross-check
    import pingouin
except ImportError:  # pragma: no cover
    pingouin = None
try:
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportion_confint, proportions_ztest
except ImportError:  # pragma: no cover
    multipletests = proportion_confint = proportions_ztest = None

TOL = 1e-9
Z = 1.959963984540054


def close(a, b, tol=TOL):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def assert_plain_json(obj):
    """Only plain Python types, no numpy scalars, no NaN/inf."""
    json.dumps(obj, allow_nan=False)

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                assert type(k) is str
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        else:
            assert x is None or type(x) in (int, float, str, bool), (x, type(x))
            if type(x) is float:
                assert math.isfinite(x)

    walk(obj)


def naive_holm(p):
    """Holm by definition: p_(i) adjusted = max over j <= i of min(1, (m - j + 1) p_(j))."""
    m = len(p)
    position = {i: r for r, i in enumerate(sorted(range(m), key=lambda i: p[i]))}
    return [
        max(min(1.0, (m - position[j]) * p[j]) for j in range(m) if position[j] <= position[i])
        for i in range(m)
    ]


def naive_bh(p):
    m = len(p)
    out = []
    for i in range(m):
        # BH adjusted p = min over j with p_j >= p_i of m p_j / rank_j
        ranks = {j: sum(1 for x in p if x <= p[j]) for j in range(m)}
        out.append(min(1.0, min(m * p[j] / ranks[j] for j in range(m) if p[j] >= p[i])))
    return out


def hand_wilson(x, n):
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def hand_two_proportion(x_to, n_to, x_from, n_from):
    pooled = (x_to + x_from) / (n_to + n_from)
    z = (x_to / n_to - x_from / n_from) / math.sqrt(pooled * (1 - pooled) * (1 / n_to + 1 / n_from))
    return z, math.erfc(abs(z) / math.sqrt(2))


def ref_holm(p):
    """statsmodels when installed, else the straightforward implementation."""
    if multipletests is None:  # pragma: no cover
        return naive_holm(p)
    return [float(x) for x in multipletests(p, method="holm")[1]]


def ref_bh(p):
    if multipletests is None:  # pragma: no cover
        return naive_bh(p)
    return [float(x) for x in multipletests(p, method="fdr_bh")[1]]


def ref_wilson(x, n):
    if proportion_confint is None:  # pragma: no cover
        return hand_wilson(x, n)
    return tuple(float(v) for v in proportion_confint(x, n, alpha=0.05, method="wilson"))


def ref_two_proportion(x_to, n_to, x_from, n_from):
    if proportions_ztest is None:  # pragma: no cover
        return hand_two_proportion(x_to, n_to, x_from, n_from)
    z, p = proportions_ztest([x_to, x_from], [n_to, n_from])
    return float(z), float(p)


# ---------------------------------------------------------------------------
# The hand-worked example (also the worked example in docs/methodology.md)
# ---------------------------------------------------------------------------


def example_framework():
    return Framework(
        Scale(),
        (Theme("T1", ("q1", "q2", "q3")),),
        (Item("q1", "T1", False), Item("q2", "T1", False), Item("q3", "T1", True)),
    )


def example_responses():
    return [
        Response({"q1": 4, "q2": 5, "q3": 2}, "service_user", "frontline", "North"),
        Response({"q1": 3, "q2": 4, "q3": 1}, "service_user", "frontline", "North"),
        Response({"q1": 5, "q2": "DK", "q3": 4}, "service_user", "senior_leader", "South"),
        Response({"q1": 2, "q2": 3}, "carer", "senior_leader", "South"),
        Response({"q1": 4, "q2": 4, "q3": 3}, "staff", None, "South"),
        Response({"q1": "DK", "q3": 5}, "carer", "frontline", "East"),
    ]


@pytest.fixture(scope="module")
def example():
    fw = example_framework()
    matrix = ResponseMatrix.from_responses(fw, example_responses())
    return analyse_round(fw, matrix, min_group_size=2)


def hand_quartiles(values):
    """R type 7 quartiles by hand: position (n - 1) * q in the sorted data."""
    xs = sorted(values)
    out = []
    for q in (0.25, 0.5, 0.75):
        h = (len(xs) - 1) * q
        lo = math.floor(h)
        hi = min(lo + 1, len(xs) - 1)
        out.append(xs[lo] + (h - lo) * (xs[hi] - xs[lo]))
    return out


def hand_item(values, n_dk, n_skipped):
    n = len(values)
    mean = statistics.mean(values)
    var = statistics.variance(values)
    q1, _median, q3 = hand_quartiles(values)
    pos = sum(1 for v in values if v in (4, 5))
    p = pos / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    cum = 0
    leik_sum = 0.0
    for k in range(1, 6):
        cum += values.count(k)
        f = cum / n
        leik_sum += min(f, 1 - f)
    return {
        "n_valid": n,
        "n_dont_know": n_dk,
        "n_skipped": n_skipped,
        "dont_know_share": n_dk / (n + n_dk),
        "frequencies": {str(k): values.count(k) for k in range(1, 6)},
        "mean": mean,
        "sd": math.sqrt(var),
        "median": statistics.median(values),
        "q1": q1,
        "q3": q3,
        "pct_positive": 100 * p,
        "pct_positive_ci95_low": 100 * (centre - half),
        "pct_positive_ci95_high": 100 * (centre + half),
        "rwg": 1 - min(var, 2.0) / 2.0,
        "ad": sum(abs(v - mean) for v in values) / n,
        "leik_consensus": 1 - leik_sum / (0.5 * 4),
        "_var": min(var, 2.0),
    }


def test_hand_worked_items(example):
    expected = {
        "q1": hand_item([4, 3, 5, 2, 4], 1, 0),
        "q2": hand_item([5, 4, 3, 4], 1, 1),
        # q3 is reverse-keyed: raw 2, 1, 4, 3, 5 -> 4, 5, 2, 3, 1
        "q3": hand_item([4, 5, 2, 3, 1], 0, 1),
    }
    items = {row["id"]: row for row in example["items"]}
    assert [row["id"] for row in example["items"]] == ["q1", "q2", "q3"]
    for item_id, exp in expected.items():
        row = items[item_id]
        assert row["theme"] == "T1"
        for key, value in exp.items():
            if key.startswith("_"):
                continue
            if isinstance(value, (dict, int)) and not isinstance(value, bool):
                assert row[key] == value, (item_id, key)
            else:
                assert close(row[key], value), (item_id, key, row[key], value)
    # quartiles against the statistics module's inclusive method as well
    q = statistics.quantiles([5, 4, 3, 4], n=4, method="inclusive")
    assert [items["q2"]["q1"], items["q2"]["median"], items["q2"]["q3"]] == pytest.approx(q)
    # frequencies are of recoded values: raw answer 1 on q3 is counted under "5"
    assert items["q3"]["frequencies"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}


def test_hand_worked_theme(example):
    scores = [13 / 3, 12 / 3, 7 / 2, 5 / 2, 11 / 3]  # R6 excluded (1 of 3 valid)
    n = len(scores)
    mean = statistics.mean(scores)
    sd = statistics.stdev(scores)
    t975 = 2.7764451051977987  # t(0.975, 4) from tables
    assert close(stats.t.ppf(0.975, 4), t975, 1e-12)
    items = [
        hand_item([4, 3, 5, 2, 4], 1, 0),
        hand_item([5, 4, 3, 4], 1, 1),
        hand_item([4, 5, 2, 3, 1], 0, 1),
    ]
    vbar = statistics.mean(i["_var"] for i in items)
    r = vbar / 2.0
    (theme,) = example["themes"]
    expected = {
        "id": "T1",
        "n_scored": 5,
        "n_excluded": 1,
        "mean": mean,
        "sd": sd,
        "ci95_low": mean - t975 * sd / math.sqrt(n),
        "ci95_high": mean + t975 * sd / math.sqrt(n),
        "index_0_100": 100 * (mean - 1) / 4,
        "pct_positive": statistics.mean(i["pct_positive"] for i in items),
        "dont_know_share": statistics.mean(i["dont_know_share"] for i in items),
        "rwg_j": 3 * (1 - r) / (3 * (1 - r) + r),
        "rstar_wg_j": 1 - r,
        "ad": statistics.mean(i["ad"] for i in items),
        "alpha": None,
        "band": "borderline",
    }
    assert set(theme) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float):
            assert close(theme[key], value), (key, theme[key], value)
        else:
            assert theme[key] == value, key


def test_hand_worked_groups_and_comparisons(example):
    groups = {(g["dimension"], g["group"]): g for g in example["groups"]}
    assert list(groups) == [
        ("stakeholder_group", "carer"),
        ("stakeholder_group", "service_user"),
        ("stakeholder_group", "staff"),
        ("role_level", "frontline"),
        ("role_level", "senior_leader"),
        ("organisation", "East"),
        ("organisation", "North"),
        ("organisation", "South"),
    ]
    status = {k: g["status"] for k, g in groups.items()}
    # carer has 2 people but only R4 is scored in T1 (R6 excluded): two groups
    # are primary-suppressed, together 2 people: enough, so no complementary
    # suppression in the stakeholder dimension.
    assert status[("stakeholder_group", "staff")] == "suppressed_primary"
    assert status[("stakeholder_group", "carer")] == "suppressed_primary"
    # East's only member (R6) is excluded from T1: empty, which hides nothing.
    assert status[("organisation", "East")] == "empty"
    assert groups[("organisation", "East")]["n"] == 0
    assert groups[("organisation", "East")]["mean"] is None
    # R5 has no role level: the theme total less frontline and senior leaders would
    # give away R5's score, so the smaller (tie: first alphabetically) is hidden.
    assert status[("role_level", "frontline")] == "suppressed_complementary"
    # Senior leaders (R3, R4) lie wholly inside South (R3, R4, R5): South less the
    # senior leaders would give away R5's score, so senior leaders are hidden too.
    assert status[("role_level", "senior_leader")] == "suppressed_complementary"
    # North (R1, R2) lies wholly inside the service users (R1, R2, R3): service
    # users less North would give away R3's score, so North is hidden.
    assert status[("organisation", "North")] == "suppressed_complementary"
    for key in [("stakeholder_group", "service_user"), ("organisation", "South")]:
        assert status[key] == "shown"
    for g in example["groups"]:
        if g["status"].startswith("suppressed"):
            assert g["n"] is None and g["mean"] is None
        elif g["status"] == "shown":
            assert g["n"] >= example["min_group_size"] and g["mean"] is not None
    su = groups[("stakeholder_group", "service_user")]
    assert su["n"] == 3 and close(su["mean"], statistics.mean([13 / 3, 4, 3.5]))
    south = groups[("organisation", "South")]
    assert south["n"] == 3 and close(south["mean"], statistics.mean([3.5, 2.5, 11 / 3]))

    # Neither comparison is published: frontline is hidden, and "everyone else"
    # (R4, R5) is South less R3, who would be given away.
    for row in example["comparisons"]:
        assert all(row[k] is None for k in row if k not in ("name", "theme")), row

    # The statistics themselves, on the same theme scores, by hand and by scipy.
    for a, b in [([13 / 3, 4, 3.5], [2.5, 11 / 3]), ([13 / 3, 4], [3.5, 2.5])]:
        va, vb = statistics.variance(a), statistics.variance(b)
        t = (statistics.mean(a) - statistics.mean(b)) / math.sqrt(va / len(a) + vb / len(b))
        ref = stats.ttest_ind(a, b, equal_var=False)
        greater = sum(1 for x in a for y in b if x > y)
        less = sum(1 for x in a for y in b if x < y)
        got_t, got_p = welch_t_test(np.array(a), np.array(b))
        assert close(got_t, t)
        assert close(got_p, float(ref.pvalue))
        delta = cliffs_delta(np.array(a), np.array(b))
        assert close(delta, (greater - less) / (len(a) * len(b)))
        assert cliffs_magnitude(delta) == "large"


def test_example_numbers_match_methodology_doc(example):
    """The figures printed in docs/methodology.md's worked example."""
    items = {row["id"]: row for row in example["items"]}
    doc_items = {
        "q1": {"dont_know_share": 0.1667, "mean": 3.6, "sd": 1.1402, "pct_positive": 60.00,
               "pct_positive_ci95_low": 23.07, "pct_positive_ci95_high": 88.24, "rwg": 0.35,
               "ad": 0.88, "leik_consensus": 0.6, "q1": 3, "median": 4, "q3": 4},
        "q2": {"dont_know_share": 0.2, "mean": 4.0, "sd": 0.8165, "pct_positive": 75.00,
               "pct_positive_ci95_low": 30.06, "pct_positive_ci95_high": 95.44, "rwg": 0.6667,
               "ad": 0.5, "leik_consensus": 0.75, "q1": 3.75, "median": 4, "q3": 4.25},
        "q3": {"dont_know_share": 0.0, "mean": 3.0, "sd": 1.5811, "pct_positive": 40.00,
               "pct_positive_ci95_low": 11.76, "pct_positive_ci95_high": 76.93, "rwg": 0.0,
               "ad": 1.2, "leik_consensus": 0.4, "q1": 2, "median": 3, "q3": 4},
    }  # fmt: skip
    for item_id, figures in doc_items.items():
        for key, value in figures.items():
            digits = 2 if key.startswith("pct_") else 4
            assert round(items[item_id][key], digits) == pytest.approx(value), (item_id, key)
    assert [items[i]["frequencies"] for i in ("q1", "q2", "q3")] == [
        {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1},
        {"1": 0, "2": 0, "3": 1, "4": 2, "5": 1},
        {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1},
    ]
    (theme,) = example["themes"]
    doc_theme = {"mean": 3.6, "sd": 0.6932, "ci95_low": 2.7393, "ci95_high": 4.4607,
                 "index_0_100": 65.0, "pct_positive": 58.33, "dont_know_share": 0.1222,
                 "rstar_wg_j": 0.3389, "rwg_j": 0.6060, "ad": 0.86}  # fmt: skip
    for key, value in doc_theme.items():
        digits = 2 if key in ("pct_positive", "index_0_100") else 4
        assert round(theme[key], digits) == pytest.approx(value), key
    assert (theme["n_scored"], theme["n_excluded"], theme["alpha"], theme["band"]) == (
        5,
        1,
        None,
        "borderline",
    )
    shown = {(g["group"]): (g["n"], round(g["mean"], 4)) for g in example["groups"] if g["n"]}
    assert shown == {"service_user": (3, 3.9444), "South": (3, 3.2222)}
    doc_comps = [
        ([13 / 3, 4, 3.5], [2.5, 11 / 3], (3.9444, 3.0833, 0.8611, 1.3634, 0.3560, 0.6667)),
        ([13 / 3, 4], [3.5, 2.5], (4.1667, 3.0, 1.1667, 2.2136, 0.2328, 1.0)),
    ]
    for a, b, values in doc_comps:
        t, p = welch_t_test(np.array(a), np.array(b))
        got = (statistics.mean(a), statistics.mean(b), statistics.mean(a) - statistics.mean(b))
        got += (t, p, cliffs_delta(np.array(a), np.array(b)))
        assert tuple(round(v, 4) for v in got) == pytest.approx(values)
    # the document really does contain these figures
    doc = (Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text()
    for text in ["3.9444 / 3.0833", "2.7393 to 4.4607", "0.6060", "23.07 to 88.24", "58.33"]:
        assert text in doc
    for text in [
        "| Organisation | East | 1 | 0 | empty | 0 |",
        "| Organisation | North | 2 | 2 | hidden (complementary) | \u2013 | \u2013 |",
        "| Role level | frontline | 3 | 2 | hidden (complementary) | \u2013 | \u2013 |",
        "| Role level | senior leader | 2 | 2 | hidden (complementary) | \u2013 | \u2013 |",
        "| Stakeholder group | carer | 2 | 1 | hidden (primary) |",
    ]:
        assert text in doc


def test_example_output_is_plain_json(example):
    assert example["n_respondents"] == 6
    assert example["min_group_size"] == 2
    assert_plain_json(example)


# ---------------------------------------------------------------------------
# Cross-checks against scipy, pandas, statsmodels and pingouin on random data
# ---------------------------------------------------------------------------


def random_framework(reverse=("a2", "b3"), extra_items=()):
    themes = {
        "A": ["a1", "a2", "a3", "a4"],
        "B": ["b1", "b2", "b3"],
        "C": ["c1", "c2"],
        "D": ["d1"],
    }
    for item_id, theme in extra_items:
        themes[theme].append(item_id)
    items = tuple(Item(i, t, i in reverse) for t, ids in themes.items() for i in ids)
    return Framework(Scale(), tuple(Theme(t, tuple(ids)) for t, ids in themes.items()), items)


def random_matrix(fw, n, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    k = len(fw.items)
    latent = rng.normal(shift, 1.0, size=(n, 1))
    raw = np.clip(np.rint(3 + latent + rng.normal(0, 0.9, size=(n, k))), 1, 5).astype(np.int8)
    reverse = np.array([i.reverse_keyed for i in fw.items])
    raw[:, reverse] = 6 - raw[:, reverse]
    u = rng.random((n, k))
    raw[u < 0.08] = -1
    raw[(u >= 0.08) & (u < 0.15)] = 0
    sg = rng.choice(np.array(["service_user", "carer", "staff", "partner", None], object), n)
    rl = rng.choice(np.array(["frontline", "manager", "senior_leader", None], object), n)
    org = rng.choice(np.array(["Org A", "Org B", "Org C", "Org D", None], object), n)
    return ResponseMatrix.from_arrays(
        [i.id for i in fw.items], raw, stakeholder_group=sg, role_level=rl, organisation=org
    )


def recoded_frame(fw, matrix):
    """Independent recoding with pandas: NaN for DK/blank."""
    df = pd.DataFrame(matrix.codes.astype(float), columns=list(matrix.item_ids))
    df = df.where(df >= 1)
    for item in fw.items:
        if item.reverse_keyed:
            df[item.id] = 6 - df[item.id]
    return df


def theme_scores_frame(fw, df):
    out = {}
    for theme in fw.themes:
        sub = df[list(theme.item_ids)]
        count = sub.notna().sum(axis=1)
        score = sub.mean(axis=1)
        need = math.ceil(len(theme.item_ids) / 2)
        out[theme.id] = score.where((count >= need) & (count > 0))
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def random_round():
    fw = random_framework()
    matrix = random_matrix(fw, 500, seed=20240601)
    return fw, matrix, analyse_round(fw, matrix, min_group_size=10)


def test_random_items_match_pandas(random_round):
    fw, matrix, out = random_round
    df = recoded_frame(fw, matrix)
    codes = pd.DataFrame(matrix.codes, columns=list(matrix.item_ids))
    for row in out["items"]:
        s = df[row["id"]].dropna()
        n = len(s)
        n_dk = int((codes[row["id"]] == -1).sum())
        pos = int(s.isin([4, 5]).sum())
        low, high = ref_wilson(pos, n)
        assert close(low, hand_wilson(pos, n)[0]) and close(high, hand_wilson(pos, n)[1])
        var = s.var(ddof=1)
        counts = s.value_counts().reindex([1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
        cum = counts.cumsum() / n
        assert row["n_valid"] == n
        assert row["n_dont_know"] == n_dk
        assert row["n_skipped"] == int((codes[row["id"]] == 0).sum())
        assert close(row["dont_know_share"], n_dk / (n + n_dk))
        assert row["frequencies"] == {str(k): int(counts[float(k)]) for k in range(1, 6)}
        assert close(row["mean"], s.mean())
        assert close(row["sd"], s.std(ddof=1))
        assert close(row["median"], s.quantile(0.5))
        assert close(row["q1"], float(np.percentile(s.to_numpy(), 25)))
        assert close(row["q3"], s.quantile(0.75))
        assert close(row["pct_positive"], 100 * pos / n)
        assert close(row["pct_positive_ci95_low"], 100 * low)
        assert close(row["pct_positive_ci95_high"], 100 * high)
        assert close(row["rwg"], 1 - min(var, 2.0) / 2.0)
        assert close(row["ad"], (s - s.mean()).abs().mean())
        assert close(row["leik_consensus"], 1 - np.minimum(cum, 1 - cum).sum() / 2.0)


def test_random_themes_match_pandas_scipy_pingouin(random_round):
    fw, matrix, out = random_round
    df = recoded_frame(fw, matrix)
    scores = theme_scores_frame(fw, df)
    items = {r["id"]: r for r in out["items"]}
    assert [t["id"] for t in out["themes"]] == ["A", "B", "C", "D"]
    for row in out["themes"]:
        theme = next(t for t in fw.themes if t.id == row["id"])
        s = scores[theme.id].dropna()
        n = len(s)
        low, high = stats.t.interval(0.95, n - 1, loc=s.mean(), scale=s.std(ddof=1) / n**0.5)
        assert row["n_scored"] == n
        assert row["n_excluded"] == 500 - n
        assert close(row["mean"], s.mean())
        assert close(row["sd"], s.std(ddof=1))
        assert close(row["ci95_low"], low)
        assert close(row["ci95_high"], high)
        assert close(row["index_0_100"], 25 * (s.mean() - 1))
        ids = list(theme.item_ids)
        assert close(row["pct_positive"], np.mean([items[i]["pct_positive"] for i in ids]))
        assert close(row["dont_know_share"], np.mean([items[i]["dont_know_share"] for i in ids]))
        vbar = np.mean([min(df[i].var(ddof=1), 2.0) for i in ids])
        r = vbar / 2.0
        j = len(ids)
        assert close(row["rwg_j"], j * (1 - r) / (j * (1 - r) + r))
        assert close(row["rstar_wg_j"], 1 - r)
        assert close(row["ad"], np.mean([items[i]["ad"] for i in ids]))
        mean = row["mean"]
        expected_band = "strength" if mean >= 4 else "borderline" if mean >= 3 else "concern"
        assert row["band"] == expected_band
        complete = df[ids].dropna()
        if len(ids) < 2:
            assert row["alpha"] is None
            continue
        assert len(complete) >= 30
        k = len(ids)
        hand_alpha = (
            k / (k - 1) * (1 - complete.var(ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
        )
        assert close(row["alpha"], hand_alpha)
        if pingouin is not None:
            ref, _ = pingouin.cronbach_alpha(data=df[ids], nan_policy="listwise")
            assert close(row["alpha"], ref)


def test_random_groups_match_pandas(random_round):
    fw, matrix, out = random_round
    scores = theme_scores_frame(fw, recoded_frame(fw, matrix))
    for dim in analysis.DIMENSIONS:
        labels = pd.Series(
            [matrix.labels[dim].categories[c] if c >= 0 else None for c in matrix.labels[dim].codes]
        )
        for row in (g for g in out["groups"] if g["dimension"] == dim):
            assert row["status"] == "shown"  # every group has ~100 members
            s = scores[row["theme"]][labels == row["group"]].dropna()
            assert row["n"] == len(s)
            assert close(row["mean"], s.mean())
        n_groups = labels.dropna().nunique()
        assert len([g for g in out["groups"] if g["dimension"] == dim]) == n_groups * 4


def test_random_comparisons_match_scipy_and_statsmodels(random_round):
    fw, matrix, out = random_round
    scores = theme_scores_frame(fw, recoded_frame(fw, matrix))
    sg = pd.Series(matrix.labels["stakeholder_group"].codes)
    sg_cats = matrix.labels["stakeholder_group"].categories
    rl = pd.Series(matrix.labels["role_level"].codes)
    rl_cats = matrix.labels["role_level"].categories
    sides = {
        "service_users_vs_professionals": (
            sg == sg_cats.index("service_user"),
            (sg >= 0) & (sg != sg_cats.index("service_user")),
        ),
        "frontline_vs_leaders": (
            rl == rl_cats.index("frontline"),
            rl == rl_cats.index("senior_leader"),
        ),
    }
    for name, (mask_a, mask_b) in sides.items():
        rows = [c for c in out["comparisons"] if c["name"] == name]
        assert [r["theme"] for r in rows] == ["A", "B", "C", "D"]
        pvals = []
        for row in rows:
            a = scores[row["theme"]][mask_a].dropna().to_numpy()
            b = scores[row["theme"]][mask_b].dropna().to_numpy()
            ref = stats.ttest_ind(a, b, equal_var=False)
            brute = (np.sign(a[:, None] - b[None, :])).sum() / (len(a) * len(b))
            assert (row["n_a"], row["n_b"]) == (len(a), len(b))
            assert close(row["mean_a"], a.mean()) and close(row["mean_b"], b.mean())
            assert close(row["difference"], a.mean() - b.mean())
            assert close(row["welch_t"], float(ref.statistic))
            assert close(row["welch_p"], float(ref.pvalue))
            assert close(row["cliffs_delta"], float(brute))
            assert row["magnitude"] == cliffs_magnitude(float(brute))
            pvals.append(float(ref.pvalue))
        adjusted = ref_holm(pvals)
        for row, p in zip(rows, adjusted, strict=True):
            assert close(row["welch_p_holm"], float(p))


def test_random_change_matches_scipy_and_statsmodels():
    fw_from = random_framework()
    # the later round drops c2, adds a new item and reverse-keys differently
    fw_to = random_framework(reverse=("a2",), extra_items=(("b4", "B"),))
    fw_to = Framework(
        fw_to.scale,
        tuple(Theme(t.id, tuple(i for i in t.item_ids if i != "c2")) for t in fw_to.themes),
        tuple(i for i in fw_to.items if i.id != "c2"),
    )
    m_from = random_matrix(fw_from, 450, seed=1)
    m_to = random_matrix(fw_to, 520, seed=2, shift=0.25)
    out = analyse_change(fw_from, m_from, fw_to, m_to, min_group_size=10)
    assert_plain_json(out)
    s_from = theme_scores_frame(fw_from, recoded_frame(fw_from, m_from))
    s_to = theme_scores_frame(fw_to, recoded_frame(fw_to, m_to))
    assert [r["id"] for r in out["themes"]] == ["A", "B", "C", "D"]
    pvals = []
    for row in out["themes"]:
        a = s_to[row["id"]].dropna().to_numpy()
        b = s_from[row["id"]].dropna().to_numpy()
        ref = stats.ttest_ind(a, b, equal_var=False)
        brute = np.sign(a[:, None] - b[None, :]).sum() / (len(a) * len(b))
        assert close(row["mean_to"], a.mean()) and close(row["mean_from"], b.mean())
        assert close(row["difference"], a.mean() - b.mean())
        assert close(row["welch_t"], float(ref.statistic))
        assert close(row["welch_p"], float(ref.pvalue))
        assert close(row["cliffs_delta"], float(brute))
        pvals.append(float(ref.pvalue))
    for row, p in zip(out["themes"], ref_holm(pvals), strict=True):
        assert close(row["welch_p_holm"], float(p))

    ids = [r["id"] for r in out["items"]]
    assert ids == [i.id for i in fw_to.items if i.id not in ("b4",)]
    assert "c2" not in ids and "b4" not in ids
    d_from = recoded_frame(fw_from, m_from)
    d_to = recoded_frame(fw_to, m_to)
    pvals = []
    for row in out["items"]:
        before, after = d_from[row["id"]].dropna(), d_to[row["id"]].dropna()
        x1, n1 = int(before.isin([4, 5]).sum()), len(before)
        x2, n2 = int(after.isin([4, 5]).sum()), len(after)
        z, p = ref_two_proportion(x2, n2, x1, n1)
        assert close(z, hand_two_proportion(x2, n2, x1, n1)[0])
        assert close(row["pct_positive_from"], 100 * x1 / n1)
        assert close(row["pct_positive_to"], 100 * x2 / n2)
        assert close(row["difference_pp"], 100 * (x2 / n2 - x1 / n1))
        assert close(row["z"], float(z))
        assert close(row["p"], float(p))
        pvals.append(float(p))
    holm_ref = ref_holm(pvals)
    bh_ref = ref_bh(pvals)
    for row, ph, pb in zip(out["items"], holm_ref, bh_ref, strict=True):
        assert close(row["p_holm"], float(ph))
        assert close(row["p_bh"], float(pb))


# ---------------------------------------------------------------------------
# Helper functions checked directly
# ---------------------------------------------------------------------------


def test_holm_and_bh_hand_values():
    p = [0.01, 0.04, 0.03, 0.20]
    assert holm(p) == pytest.approx([0.04, 0.09, 0.09, 0.20])
    assert benjamini_hochberg(p) == pytest.approx([0.04, 0.0533333333333, 0.0533333333333, 0.2])
    assert holm([0.01, None, 0.04]) == pytest.approx([0.02, None, 0.04])
    assert benjamini_hochberg([None, None]) == [None, None]
    assert holm([]) == []
    rng = np.random.default_rng(5)
    for trial in range(30):
        p = list(rng.random(rng.integers(1, 15)) ** 3)
        assert holm(p) == pytest.approx(naive_holm(p), abs=1e-12)
        assert benjamini_hochberg(p) == pytest.approx(naive_bh(p), abs=1e-12)
        if trial < 3:  # statsmodels' multipletests is slow per call
            assert holm(p) == pytest.approx(ref_holm(p), abs=1e-12)
            assert benjamini_hochberg(p) == pytest.approx(ref_bh(p), abs=1e-12)


def test_cliffs_delta_matches_brute_force_with_ties():
    rng = np.random.default_rng(11)
    for _ in range(25):
        a = rng.integers(1, 6, size=rng.integers(1, 60)) / rng.integers(1, 4)
        b = rng.integers(1, 6, size=rng.integers(1, 60)) / rng.integers(1, 4)
        pairs = [(x, y) for x in a.tolist() for y in b.tolist()]
        brute = sum((x > y) - (x < y) for x, y in pairs) / len(pairs)
        assert close(cliffs_delta(a, b), brute)
    assert cliffs_delta([], [1.0]) is None
    assert cliffs_delta([2.0], [1.0]) == 1.0


def test_cliffs_delta_is_fast_on_large_samples():
    rng = np.random.default_rng(3)
    a = rng.integers(2, 11, size=60_000) / 2
    b = rng.integers(2, 11, size=50_000) / 2
    start = time.perf_counter()
    d = cliffs_delta(a, b)
    assert time.perf_counter() - start < 1.0
    u = stats.mannwhitneyu(a, b).statistic  # U counts ties as 1/2
    assert close(d, 2 * u / (len(a) * len(b)) - 1)


def test_cliffs_magnitude_thresholds():
    assert cliffs_magnitude(0.1469) == "negligible"
    assert cliffs_magnitude(-0.147) == "small"
    assert cliffs_magnitude(0.3299) == "small"
    assert cliffs_magnitude(0.33) == "medium"
    assert cliffs_magnitude(-0.474) == "large"
    assert cliffs_magnitude(None) is None


def test_welch_wilson_two_proportion_helpers():
    assert welch_t_test([1, 2, 3], [4]) == (None, None)
    assert welch_t_test([2, 2, 2], [3, 3]) == (None, None)
    # one side constant: t = (2 - 4) / sqrt(0 / 3 + 1 / 3), df = (1/3)^2 / ((1/3)^2 / 2) = 2
    t, p = welch_t_test([2, 2, 2], [3, 4, 5])
    assert close(t, -2 / math.sqrt(1 / 3))
    assert close(p, 2 * float(stats.t.sf(2 / math.sqrt(1 / 3), 2)))
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and close(high, ref_wilson(0, 10)[1])
    assert two_proportion_z(0, 0, 1, 2) == (None, None)
    assert two_proportion_z(5, 5, 7, 7) == (None, None)
    z, p = two_proportion_z(30, 100, 45, 100)
    zr, pr = ref_two_proportion(45, 100, 30, 100)
    assert close(z, float(zr)) and close(p, float(pr)) and z > 0


# ---------------------------------------------------------------------------
# Suppression
# ---------------------------------------------------------------------------


def one_theme_framework(k=2):
    ids = tuple(f"i{j}" for j in range(k))
    return Framework(Scale(), (Theme("T", ids),), tuple(Item(i, "T") for i in ids))


def labelled_matrix(fw, group_sizes, dimension="organisation", seed=0, codes=None):
    labels = [g for g, n in group_sizes.items() for _ in range(n)]
    n = len(labels)
    if codes is None:
        codes = np.random.default_rng(seed).integers(1, 6, size=(n, len(fw.items)))
    return ResponseMatrix.from_arrays(fw.item_ids, codes, **{dimension: labels})


def statuses(out, dimension="organisation"):
    return {g["group"]: g["status"] for g in out["groups"] if g["dimension"] == dimension}


def test_one_small_group_triggers_complementary_suppression():
    fw = one_theme_framework()
    m = labelled_matrix(fw, {"Alpha": 3, "Beta": 12, "Gamma": 8, "Delta": 40})
    out = analyse_round(fw, m, min_group_size=5)
    assert statuses(out) == {
        "Alpha": "suppressed_primary",
        "Beta": "shown",
        "Delta": "shown",
        "Gamma": "suppressed_complementary",
    }
    for g in out["groups"]:
        if g["status"] == "shown":
            assert g["n"] is not None and g["mean"] is not None
        else:
            assert g["n"] is None and g["mean"] is None


def test_complementary_tie_goes_to_first_label():
    fw = one_theme_framework()
    m = labelled_matrix(fw, {"Zulu": 8, "Yankee": 8, "Alpha": 2, "Mike": 20})
    out = analyse_round(fw, m, min_group_size=5)
    assert statuses(out)["Yankee"] == "suppressed_complementary"
    assert statuses(out)["Zulu"] == "shown"


def test_two_small_groups_that_together_reach_the_minimum_need_no_complementary():
    fw = one_theme_framework()
    m = labelled_matrix(fw, {"Alpha": 3, "Beta": 2, "Gamma": 8, "Delta": 40})
    out = analyse_round(fw, m, min_group_size=5)
    assert statuses(out) == {
        "Alpha": "suppressed_primary",
        "Beta": "suppressed_primary",
        "Delta": "shown",
        "Gamma": "shown",
    }


def test_small_groups_that_together_stay_below_the_minimum_hide_the_next_smallest():
    # The theme total less Gamma and Delta would give away Alpha and Beta together: 4 people.
    fw = one_theme_framework()
    m = labelled_matrix(fw, {"Alpha": 3, "Beta": 1, "Gamma": 8, "Delta": 40})
    out = analyse_round(fw, m, min_group_size=5)
    assert statuses(out) == {
        "Alpha": "suppressed_primary",
        "Beta": "suppressed_primary",
        "Delta": "shown",
        "Gamma": "suppressed_complementary",
    }


def test_min_group_size_boundary_and_single_group():
    fw = one_theme_framework()
    m = labelled_matrix(fw, {"Alpha": 5, "Beta": 4, "Gamma": 9})
    assert statuses(analyse_round(fw, m, min_group_size=5)) == {
        "Alpha": "suppressed_complementary",
        "Beta": "suppressed_primary",
        "Gamma": "shown",
    }
    assert set(statuses(analyse_round(fw, m, min_group_size=4)).values()) == {"shown"}
    assert statuses(analyse_round(fw, m, min_group_size=10)) == {
        "Alpha": "suppressed_primary",
        "Beta": "suppressed_primary",
        "Gamma": "suppressed_primary",
    }
    only = labelled_matrix(fw, {"Solo": 3})
    assert statuses(analyse_round(fw, only, min_group_size=5)) == {"Solo": "suppressed_primary"}
    with pytest.raises(ValueError):
        analyse_round(fw, m, min_group_size=0)


def two_theme_framework():
    ids = ("a1", "a2", "b1", "b2")
    return Framework(
        Scale(),
        (Theme("A", ids[:2]), Theme("B", ids[2:])),
        tuple(Item(i, i[0].upper()) for i in ids),
    )


def test_suppression_is_decided_per_theme_on_scored_respondents():
    fw = two_theme_framework()
    # Small: 6 people, 4 of whom skipped theme B -> 6 scored in A, 2 in B.
    # Mid: 7 people, all scored in both themes.
    # Big: 20 people, 14 of whom skipped theme B -> 20 scored in A, 6 in B.
    sizes = {"Small": 6, "Mid": 7, "Big": 20}
    labels = [g for g, n in sizes.items() for _ in range(n)]
    codes = np.random.default_rng(1).integers(1, 6, size=(len(labels), 4)).astype(np.int8)
    codes[:4, 2:] = 0  # Small
    codes[13 : 13 + 14, 2:] = 0  # Big
    m = ResponseMatrix.from_arrays(fw.item_ids, codes, organisation=labels)
    out = analyse_round(fw, m, min_group_size=5)
    rows = {(g["group"], g["theme"]): g for g in out["groups"]}
    # Theme A: everyone has at least 5 scored respondents.
    assert {g: rows[(g, "A")]["status"] for g in sizes} == dict.fromkeys(sizes, "shown")
    assert [rows[(g, "A")]["n"] for g in sizes] == [6, 7, 20]
    # Theme B: Small (2 scored) is hidden in B only. The complementary group is
    # the smallest *in theme B* (Big, 6 scored), not in the round (Mid, 7).
    assert {g: rows[(g, "B")]["status"] for g in sizes} == {
        "Small": "suppressed_primary",
        "Mid": "shown",
        "Big": "suppressed_complementary",
    }
    for g in ("Small", "Big"):
        assert rows[(g, "B")]["n"] is None and rows[(g, "B")]["mean"] is None
    assert rows[("Mid", "B")]["n"] == 7
    # No shown mean rests on fewer scored respondents than the minimum.
    for g in out["groups"]:
        if g["status"] == "shown":
            assert g["n"] >= 5
    # With 7 required, Small is primary in A too; the complementary choice in A
    # is Mid (7 < 20 scored), and in B both Small and Big are primary.
    out = analyse_round(fw, m, min_group_size=7)
    rows = {(g["group"], g["theme"]): g["status"] for g in out["groups"]}
    assert rows == {
        ("Big", "A"): "shown",
        ("Big", "B"): "suppressed_primary",
        ("Mid", "A"): "suppressed_complementary",
        ("Mid", "B"): "shown",
        ("Small", "A"): "suppressed_primary",
        ("Small", "B"): "suppressed_primary",
    }


def test_group_with_nobody_scored_in_a_theme_is_empty():
    fw = two_theme_framework()
    # Gone: 3 people, none scored in B. Tiny: 6 people, 2 scored in B.
    sizes = {"Gone": 3, "Tiny": 6, "Other": 8, "Rest": 12}
    labels = [g for g, n in sizes.items() for _ in range(n)]
    codes = np.random.default_rng(2).integers(1, 6, size=(len(labels), 4)).astype(np.int8)
    codes[:3, 2:] = 0  # Gone: nobody scored in B
    codes[3:7, 2:] = -1  # Tiny: 4 of 6 answered "Don't know" throughout B
    m = ResponseMatrix.from_arrays(fw.item_ids, codes, organisation=labels)
    out = analyse_round(fw, m, min_group_size=5)
    rows = {(g["group"], g["theme"]): g for g in out["groups"]}
    gone = rows[("Gone", "B")]
    assert (gone["status"], gone["n"], gone["mean"]) == ("empty", 0, None)
    # Gone is primary-suppressed in A (3 scored) and Tiny is the complement there.
    assert rows[("Gone", "A")]["status"] == "suppressed_primary"
    assert rows[("Tiny", "A")]["status"] == "suppressed_complementary"
    # In B the single primary group is Tiny; the empty group is never chosen as
    # the complement, the smallest group with someone scored (Other) is.
    assert {g: rows[(g, "B")]["status"] for g in sizes} == {
        "Gone": "empty",
        "Tiny": "suppressed_primary",
        "Other": "suppressed_complementary",
        "Rest": "shown",
    }
    assert_plain_json(out)


def test_unlabelled_respondents_are_not_a_group():
    fw = one_theme_framework()
    m = ResponseMatrix.from_arrays(
        fw.item_ids, np.full((4, 2), 3), organisation=[None, "", "X", None]
    )
    out = analyse_round(fw, m, min_group_size=1)
    assert [(g["dimension"], g["group"]) for g in out["groups"]] == [("organisation", "X")]


def comparison_matrix(sizes_sg=None, sizes_rl=None, seed=0):
    fw = one_theme_framework(3)
    sg = [g for g, n in (sizes_sg or {}).items() for _ in range(n)]
    rl = [g for g, n in (sizes_rl or {}).items() for _ in range(n)]
    n = max(len(sg), len(rl))
    sg += [None] * (n - len(sg))
    rl += [None] * (n - len(rl))
    codes = np.random.default_rng(seed).integers(1, 6, size=(n, 3))
    return fw, ResponseMatrix.from_arrays(fw.item_ids, codes, stakeholder_group=sg, role_level=rl)


def comparison_rows(out):
    return {c["name"]: c for c in out["comparisons"]}


def test_comparison_not_computed_when_a_side_is_small():
    fw, m = comparison_matrix(
        {"service_user": 4, "carer": 30, "staff": 30}, {"frontline": 20, "senior_leader": 3}
    )
    out = analyse_round(fw, m, min_group_size=5)
    rows = comparison_rows(out)
    for name in ("service_users_vs_professionals", "frontline_vs_leaders"):
        row = rows[name]
        assert row["theme"] == "T"
        assert all(row[k] is None for k in row if k not in ("name", "theme")), row
    assert_plain_json(out)


def test_comparison_not_computed_for_complementary_suppressed_side():
    # staff (2) is primary; service_user (6) is the smallest other -> complementary
    fw, m = comparison_matrix(
        {"service_user": 6, "carer": 30, "staff": 2}, {"frontline": 9, "senior_leader": 9}
    )
    out = analyse_round(fw, m, min_group_size=5)
    assert statuses(out, "stakeholder_group")["service_user"] == "suppressed_complementary"
    rows = comparison_rows(out)
    su = rows["service_users_vs_professionals"]
    assert all(su[k] is None for k in su if k not in ("name", "theme"))
    fl = rows["frontline_vs_leaders"]
    assert fl["n_a"] is not None and fl["n_b"] is not None


def test_comparison_not_computed_in_a_theme_where_a_side_is_suppressed():
    fw = two_theme_framework()
    # rows 0-7 service_user, 8-37 carer, 38-43 staff, 44-45 carer;
    # rows 20-29 frontline, 30-39 senior_leader, the rest no role level.
    sg = ["service_user"] * 8 + ["carer"] * 30 + ["staff"] * 6 + ["carer"] * 2
    rl = [None] * 20 + ["frontline"] * 10 + ["senior_leader"] * 10 + [None] * 6
    codes = np.random.default_rng(3).integers(1, 6, size=(len(sg), 4)).astype(np.int8)
    codes[38:42, 2:] = 0  # 4 of 6 staff skip B: staff primary in B, so
    # service_user (8 scored, the smallest other group) is complementary in B
    codes[20:26, 2:] = 0  # 6 of 10 frontline skip B: 4 scored, primary in B,
    # so senior_leader (8 scored in B) is complementary in B
    m = ResponseMatrix.from_arrays(fw.item_ids, codes, stakeholder_group=sg, role_level=rl)
    out = analyse_round(fw, m, min_group_size=5)
    status = {(g["dimension"], g["group"], g["theme"]): g["status"] for g in out["groups"]}
    assert status[("stakeholder_group", "service_user", "A")] == "shown"
    assert status[("stakeholder_group", "staff", "B")] == "suppressed_primary"
    assert status[("stakeholder_group", "service_user", "B")] == "suppressed_complementary"
    assert status[("role_level", "frontline", "A")] == "shown"
    assert status[("role_level", "senior_leader", "A")] == "shown"
    assert status[("role_level", "frontline", "B")] == "suppressed_primary"
    assert status[("role_level", "senior_leader", "B")] == "suppressed_complementary"
    rows = {(c["name"], c["theme"]): c for c in out["comparisons"]}
    assert (
        rows[("service_users_vs_professionals", "A")]["n_a"],
        rows[("service_users_vs_professionals", "A")]["n_b"],
    ) == (8, 38)
    assert (
        rows[("frontline_vs_leaders", "A")]["n_a"],
        rows[("frontline_vs_leaders", "A")]["n_b"],
    ) == (10, 10)
    for name in ("service_users_vs_professionals", "frontline_vs_leaders"):
        a_row, b_row = rows[(name, "A")], rows[(name, "B")]
        assert a_row["welch_p"] is not None
        # not computed in B: every value, including n_a and n_b, is None
        assert all(b_row[k] is None for k in b_row if k not in ("name", "theme")), b_row
        # Holm over the computed themes only: a family of one
        assert a_row["welch_p_holm"] == a_row["welch_p"]
    assert_plain_json(out)


def test_comparison_not_computed_when_pooled_side_has_too_few_scored():
    fw = two_theme_framework()
    # Side B ("everyone else") has 6 people in the round but only 3 scored in B.
    sg = ["service_user"] * 20 + ["carer"] * 3 + ["staff"] * 3
    codes = np.random.default_rng(5).integers(1, 6, size=(len(sg), 4)).astype(np.int8)
    codes[20:23, 2:] = 0
    m = ResponseMatrix.from_arrays(fw.item_ids, codes, stakeholder_group=sg)
    out = analyse_round(fw, m, min_group_size=5)
    rows = {c["theme"]: c for c in out["comparisons"] if c["name"].startswith("service")}
    assert (rows["A"]["n_a"], rows["A"]["n_b"]) == (20, 6)
    assert all(rows["B"][k] is None for k in rows["B"] if k not in ("name", "theme"))


def test_comparison_everyone_else_side_pools_other_groups():
    fw, m = comparison_matrix({"service_user": 10, "carer": 3, "staff": 3, "partner": 20})
    out = analyse_round(fw, m, min_group_size=5)
    row = comparison_rows(out)["service_users_vs_professionals"]
    assert row["n_a"] == 10 and row["n_b"] == 26
    # no role labels at all -> not computed
    assert comparison_rows(out)["frontline_vs_leaders"]["n_a"] is None


# ---------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------


def test_item_with_only_dont_know_answers():
    fw = one_theme_framework(3)
    codes = np.array([[4, 5, -1], [4, 4, -1], [5, 5, -1]])
    out = analyse_round(fw, ResponseMatrix.from_arrays(fw.item_ids, codes), min_group_size=1)
    row = out["items"][2]
    assert (row["n_valid"], row["n_dont_know"], row["n_skipped"]) == (0, 3, 0)
    assert row["dont_know_share"] == 1.0
    assert row["frequencies"] == {str(k): 0 for k in range(1, 6)}
    for key in ("mean", "sd", "median", "q1", "q3", "pct_positive", "rwg", "ad"):
        assert row[key] is None
    assert row["pct_positive_ci95_low"] is None and row["leik_consensus"] is None
    theme = out["themes"][0]
    assert theme["n_scored"] == 3
    assert close(theme["pct_positive"], 100.0)  # over the two items that have one
    assert close(theme["dont_know_share"], 1 / 3)
    assert_plain_json(out)


def test_theme_where_everyone_is_excluded():
    fw = one_theme_framework(4)
    codes = np.array([[4, 0, -1, 0], [0, 5, 0, -1], [-1, -1, -1, -1], [0, 0, 0, 0]])
    out = analyse_round(fw, ResponseMatrix.from_arrays(fw.item_ids, codes), min_group_size=1)
    theme = out["themes"][0]
    assert theme["n_scored"] == 0 and theme["n_excluded"] == 4
    for key in ("mean", "sd", "ci95_low", "ci95_high", "index_0_100", "band", "alpha"):
        assert theme[key] is None
    assert theme["pct_positive"] == 100.0  # items still have answers
    assert theme["rwg_j"] is None  # no item has two answers
    assert_plain_json(out)


def test_single_respondent():
    fw = random_framework()
    codes = np.array([[4, 2, 5, 3, 1, 4, 2, 5, 3, 4]])
    m = ResponseMatrix.from_arrays(
        fw.item_ids, codes, stakeholder_group=["service_user"], role_level=["frontline"]
    )
    out = analyse_round(fw, m, min_group_size=1)
    assert out["n_respondents"] == 1
    for theme in out["themes"]:
        assert theme["n_scored"] == 1 and theme["mean"] is not None
        assert theme["sd"] is None and theme["ci95_low"] is None and theme["rwg_j"] is None
    for item in out["items"]:
        assert item["sd"] is None and item["rwg"] is None and item["ad"] == 0.0
        assert item["leik_consensus"] == 1.0
    for comp in out["comparisons"]:
        assert comp["welch_t"] is None and comp["welch_p_holm"] is None
    change = analyse_change(fw, m, fw, m, min_group_size=1)
    assert all(r["welch_t"] is None for r in change["themes"])
    assert_plain_json(out)
    assert_plain_json(change)


def test_zero_respondents():
    fw = random_framework()
    m = ResponseMatrix.from_arrays(fw.item_ids, np.zeros((0, len(fw.items)), dtype=np.int8))
    out = analyse_round(fw, m, min_group_size=5)
    assert out["n_respondents"] == 0 and out["groups"] == []
    for theme in out["themes"]:
        assert theme["n_scored"] == 0 and theme["n_excluded"] == 0 and theme["mean"] is None
        assert theme["pct_positive"] is None and theme["dont_know_share"] is None
    for item in out["items"]:
        assert item["n_valid"] == 0 and item["dont_know_share"] is None
    assert all(c["n_a"] is None for c in out["comparisons"])
    change = analyse_change(fw, m, fw, m, min_group_size=1)
    assert all(v is None for r in change["items"] for k, v in r.items() if k != "id")
    assert_plain_json(out)
    assert_plain_json(change)
    empty = ResponseMatrix.from_responses(fw, [])
    assert analyse_round(fw, empty, min_group_size=5) == out


def test_zero_variance():
    fw = one_theme_framework(2)
    codes = np.full((12, 2), 4)
    m = ResponseMatrix.from_arrays(
        fw.item_ids, codes, role_level=["frontline"] * 6 + ["senior_leader"] * 6
    )
    out = analyse_round(fw, m, min_group_size=5)
    item = out["items"][0]
    assert item["sd"] == 0.0 and item["rwg"] == 1.0 and item["ad"] == 0.0
    assert item["leik_consensus"] == 1.0 and item["pct_positive"] == 100.0
    theme = out["themes"][0]
    assert theme["sd"] == 0.0 and theme["rwg_j"] == 1.0 and theme["rstar_wg_j"] == 1.0
    assert theme["ci95_low"] == theme["ci95_high"] == 4.0
    assert theme["band"] == "strength" and theme["alpha"] is None
    comp = comparison_rows(out)["frontline_vs_leaders"]
    assert comp["n_a"] == 6 and comp["difference"] == 0.0
    assert comp["welch_t"] is None and comp["welch_p"] is None and comp["welch_p_holm"] is None
    assert comp["cliffs_delta"] == 0.0 and comp["magnitude"] == "negligible"
    change = analyse_change(fw, m, fw, m, min_group_size=5)
    assert change["themes"][0]["welch_t"] is None
    assert change["items"][0]["difference_pp"] == 0.0 and change["items"][0]["z"] is None
    assert_plain_json(out)


def test_alpha_needs_thirty_complete_cases():
    fw = one_theme_framework(3)
    base = np.array([[4, 5, 4], [2, 3, 2], [3, 3, 4], [5, 4, 5], [1, 2, 2]])
    codes29 = np.vstack([np.tile(base, (6, 1))[:29], [[4, 0, 4]]])
    codes30 = np.tile(base, (6, 1))
    out29 = analyse_round(fw, ResponseMatrix.from_arrays(fw.item_ids, codes29), min_group_size=1)
    out30 = analyse_round(fw, ResponseMatrix.from_arrays(fw.item_ids, codes30), min_group_size=1)
    assert out29["themes"][0]["alpha"] is None
    cols = list(zip(*codes30.tolist(), strict=True))
    totals = [sum(r) for r in codes30.tolist()]
    hand = 3 / 2 * (1 - sum(statistics.variance(c) for c in cols) / statistics.variance(totals))
    assert close(out30["themes"][0]["alpha"], hand)


def test_bands_on_unrounded_mean():
    fw = one_theme_framework(1)
    for values, band in [([4, 4, 4], "strength"), ([4, 4, 3], "borderline"),
                         ([3, 3, 3], "borderline"), ([3, 3, 2], "concern")]:  # fmt: skip
        m = ResponseMatrix.from_arrays(fw.item_ids, np.array(values)[:, None])
        assert analyse_round(fw, m, min_group_size=1)["themes"][0]["band"] == band


def test_change_hand_example_and_small_round():
    fw = one_theme_framework(1)
    before = ResponseMatrix.from_arrays(fw.item_ids, np.array([[4], [2], [5], [3], [-1]]))
    after = ResponseMatrix.from_arrays(fw.item_ids, np.array([[4], [5], [5], [3], [0]]))
    out = analyse_change(fw, before, fw, after, min_group_size=4)
    item = out["items"][0]
    p1, p2, pooled = 2 / 4, 3 / 4, 5 / 8
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / 4 + 1 / 4))
    assert close(item["pct_positive_from"], 50.0) and close(item["pct_positive_to"], 75.0)
    assert close(item["difference_pp"], 25.0)
    assert close(item["z"], z)
    assert close(item["p"], math.erfc(abs(z) / math.sqrt(2)))
    assert item["p_holm"] == item["p"] == item["p_bh"]
    theme = out["themes"][0]
    assert close(theme["mean_from"], 3.5) and close(theme["mean_to"], 4.25)
    assert close(theme["difference"], 0.75)
    assert close(theme["cliffs_delta"], (9 - 3) / 16)
    # a round below the minimum group size: rows listed, nothing shown
    out = analyse_change(fw, before, fw, after, min_group_size=6)
    assert out["themes"][0]["mean_from"] is None and out["items"][0]["pct_positive_to"] is None
    seven = Framework(Scale(max=7), fw.themes, fw.items)
    with pytest.raises(ValueError):
        analyse_change(fw, before, seven, after, min_group_size=1)


# ---------------------------------------------------------------------------
# Input handling, scale and purity
# ---------------------------------------------------------------------------


def test_from_responses_matches_from_arrays():
    fw = example_framework()
    a = ResponseMatrix.from_responses(fw, example_responses())
    codes = np.array(
        [[4, 5, 2], [3, 4, 1], [5, -1, 4], [2, 3, 0], [4, 4, 3], [-1, 0, 5]], dtype=np.int8
    )
    assert np.array_equal(a.codes, codes)
    assert a.codes.dtype == np.int8
    b = ResponseMatrix.from_arrays(
        ("q3", "q1", "q2"),  # different column order
        codes[:, [2, 0, 1]],
        stakeholder_group=GroupLabels.from_values(
            [r.stakeholder_group for r in example_responses()]
        ),
        role_level=[r.role_level for r in example_responses()],
        organisation=[r.organisation for r in example_responses()],
    )
    assert analyse_round(fw, a, min_group_size=2) == analyse_round(fw, b, min_group_size=2)
    assert a.group_sizes("stakeholder_group") == {"carer": 2, "service_user": 3, "staff": 1}


def test_invalid_input_is_rejected():
    fw = example_framework()
    with pytest.raises(ValueError):
        ResponseMatrix.from_responses(fw, [Response({"q1": 6})])
    with pytest.raises(ValueError):
        ResponseMatrix.from_responses(fw, [Response({"q1": "maybe"})])
    with pytest.raises(ValueError):
        analyse_round(
            fw, ResponseMatrix.from_arrays(("q1", "q2", "q3"), [[1, 2, 7]]), min_group_size=1
        )
    with pytest.raises(ValueError):
        analyse_round(fw, ResponseMatrix.from_arrays(("q1", "q2"), [[1, 2]]), min_group_size=1)
    with pytest.raises(ValueError):
        ResponseMatrix.from_arrays(("q1",), [[1]], organisation=["a", "b"])
    with pytest.raises(ValueError):
        Framework(Scale(), (Theme("T", ("x",)),), (Item("x", "U"),))
    with pytest.raises(ValueError):
        Framework(Scale(), (Theme("T", ()),), (Item("x", "T"),))
    with pytest.raises(ValueError):
        Scale(min=0, max=4)
    # unknown item ids in answers are ignored; matrices are read-only
    m = ResponseMatrix.from_responses(fw, [Response({"q1": 3, "zz": 1})])
    with pytest.raises(ValueError):
        m.codes[0, 0] = 1


def test_seven_point_scale():
    scale = Scale(min=1, max=7, positive=(5, 6, 7))
    fw = Framework(scale, (Theme("T", ("x", "y")),), (Item("x", "T"), Item("y", "T", True)))
    codes = np.array([[7, 1], [6, 2], [5, 7], [1, 4]])
    out = analyse_round(fw, ResponseMatrix.from_arrays(("x", "y"), codes), min_group_size=1)
    y = out["items"][1]  # recoded: 7, 6, 1, 4
    assert y["frequencies"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0, "6": 1, "7": 1}
    var = statistics.variance([7, 6, 1, 4])
    assert close(y["rwg"], 1 - min(var, 4.0) / 4.0)  # (7^2 - 1) / 12 = 4
    assert close(y["pct_positive"], 50.0)
    theme = out["themes"][0]
    mean = statistics.mean([7, 6, 3, 2.5])
    assert close(theme["index_0_100"], 100 * (mean - 1) / 6)
    assert theme["band"] == (
        "strength" if mean >= 5.5 else "borderline" if mean >= 4 else "concern"
    )


def test_full_size_round_is_fast():
    rng = np.random.default_rng(0)
    n, k = 100_000, 24
    items = tuple(Item(f"i{j}", f"t{j // 4}", j % 4 == 3) for j in range(k))
    themes = tuple(
        Theme(f"t{t}", tuple(f"i{j}" for j in range(4 * t, 4 * t + 4))) for t in range(6)
    )
    fw = Framework(Scale(), themes, items)
    codes = rng.integers(-1, 6, size=(n, k)).astype(np.int8)
    sg = rng.choice(np.array(["service_user", "carer", "staff", None], object), n)
    rl = rng.choice(np.array(["frontline", "senior_leader", "manager", None], object), n)
    org = rng.choice(np.array([f"Org {i}" for i in range(40)] + [None], object), n)
    start = time.perf_counter()
    m = ResponseMatrix.from_arrays(
        fw.item_ids, codes, stakeholder_group=sg, role_level=rl, organisation=org
    )
    out = analyse_round(fw, m, min_group_size=10)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, elapsed
    assert out["n_respondents"] == n
    assert_plain_json(out)


def test_module_has_no_django_imports():
    source = Path(analysis.__file__).read_text()
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert "django" not in modules
    assert modules <= {
        "__future__",
        "math",
        "collections",
        "dataclasses",
        "typing",
        "numpy",
        "scipy",
    }

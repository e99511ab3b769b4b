"""A straightforward pandas implementation of the round results, the baseline for the
results benchmark (`benchmarks/results_engine.py`).

It computes the same numbers as `stackup.results.analysis.analyse_round` the way an analyst
would in pandas: answers as a DataFrame with NaN for "Don't know" and blanks, column-wise
reductions for the items, row-wise means for the theme scores, `groupby` for the groups,
`scipy.stats` for the t distribution, and ranks for Cliff's delta. It follows
`docs/methodology.md`, not the engine's code, and returns rows with the same keys so that the
two can be compared number by number.

Input: a `Framework` (the engine's dataclass: scale, themes, items) and a DataFrame with one
column per item id holding the raw answer codes (1..5, 0 blank, -1 "Don't know") and the
columns `stakeholder_group`, `role_level` and `organisation` holding labels (missing = no
label).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

DIMENSIONS = ("stakeholder_group", "role_level", "organisation")
WILSON_Z = 1.959963984540054
# name, dimension, side a, side b (None: everyone else with a label in the dimension)
COMPARISONS = (
    ("service_users_vs_professionals", "stakeholder_group", "service_user", None),
    ("frontline_vs_leaders", "role_level", "frontline", "senior_leader"),
)
SUPPRESSED = ("suppressed_primary", "suppressed_complementary")


def _value(x):
    """A plain Python number (or string), None for missing/NaN/inf."""
    if x is None or x is pd.NA:
        return None
    if isinstance(x, (str, dict)):
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    return x if math.isfinite(x) else None


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def holm(p: pd.Series) -> pd.Series:
    """Holm step-down adjustment; NaN stays NaN and is not in the family."""
    family = p.dropna().sort_values(kind="stable")
    m = len(family)
    adjusted = (family * (m - np.arange(m))).clip(upper=1.0).cummax()
    return adjusted.reindex(p.index)


def cliffs_delta(a: pd.Series, b: pd.Series) -> float:
    """(#(a > b) - #(a < b)) / (n_a n_b) from the Mann-Whitney U of the pooled midranks:
    U_a = R_a - n_a (n_a + 1) / 2 counts a > b pairs plus half the ties, so
    #(a > b) - #(a < b) = 2 U_a - n_a n_b."""
    na, nb = len(a), len(b)
    ranks = pd.concat([a, b], ignore_index=True).rank(method="average")
    u_a = ranks.iloc[:na].sum() - na * (na + 1) / 2
    return (2 * u_a - na * nb) / (na * nb)


def magnitude(delta: float | None) -> str | None:
    if delta is None:
        return None
    d = abs(delta)
    return (
        "negligible" if d < 0.147 else "small" if d < 0.33 else "medium" if d < 0.474 else "large"
    )


def item_table(framework, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recoded answers (NaN = not valid) and one row of statistics per item."""
    scale = framework.scale
    ids = [item.id for item in framework.items]
    raw = df[ids]
    answers = raw.where(raw >= scale.min).astype("float64")
    reverse = [item.id for item in framework.items if item.reverse_keyed]
    answers[reverse] = scale.min + scale.max - answers[reverse]

    n = answers.count()
    n_dk = (raw == -1).sum()
    table = pd.DataFrame(
        {
            "id": ids,
            "theme": [item.theme for item in framework.items],
            "n_valid": n,
            "n_dont_know": n_dk,
            "n_skipped": len(df) - n - n_dk,
            "dont_know_share": n_dk / (n + n_dk),
        },
        index=ids,
    )
    freq = (
        answers.apply(lambda col: col.value_counts())
        .reindex(index=[float(v) for v in scale.values], columns=ids)
        .fillna(0)
        .astype("int64")
    )
    table["frequencies"] = [
        {str(v): int(freq.at[float(v), item_id]) for v in scale.values} for item_id in ids
    ]
    mean = answers.mean()
    var = answers.var()  # ddof=1, NaN below two answers
    quartiles = answers.quantile([0.25, 0.5, 0.75])  # linear interpolation
    positive = answers.isin([float(p) for p in scale.positive]).sum()
    p = positive / n
    z2 = WILSON_Z**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = WILSON_Z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2))
    sigma2 = (scale.points**2 - 1) / 12
    cumulative = freq.cumsum() / n
    table = table.assign(
        mean=mean,
        sd=np.sqrt(var),
        median=quartiles.loc[0.5],
        q1=quartiles.loc[0.25],
        q3=quartiles.loc[0.75],
        pct_positive=100 * p,
        pct_positive_ci95_low=100 * (centre - half).clip(lower=0.0),
        pct_positive_ci95_high=100 * (centre + half).clip(upper=1.0),
        rwg=1 - var.clip(upper=sigma2) / sigma2,
        ad=(answers - mean).abs().mean(),
        leik_consensus=1
        - np.minimum(cumulative, 1 - cumulative).sum() / (0.5 * (scale.points - 1)),
        variance_truncated=var.clip(upper=sigma2),
    )
    table.loc[n == 0, "leik_consensus"] = np.nan
    return answers, table


def theme_scores(framework, answers: pd.DataFrame) -> pd.DataFrame:
    """Respondent theme scores: the mean of the valid items, NaN unless at least ceil(k/2)."""
    scores = {}
    for theme in framework.themes:
        cols = answers[list(theme.item_ids)]
        needed = max(1, math.ceil(len(theme.item_ids) / 2))
        scores[theme.id] = cols.mean(axis=1).where(cols.count(axis=1) >= needed)
    return pd.DataFrame(scores, index=answers.index)


def theme_table(framework, answers, items, scores) -> pd.DataFrame:
    scale = framework.scale
    sigma2 = (scale.points**2 - 1) / 12
    rows = []
    for theme in framework.themes:
        score = scores[theme.id].dropna()
        n = len(score)
        mean, sd = score.mean(), score.std()
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) if n >= 2 else np.nan
        its = items.loc[list(theme.item_ids)]
        variances = its["variance_truncated"].dropna()
        ratio = variances.mean() / sigma2
        j = len(variances)
        complete = answers[list(theme.item_ids)].dropna()
        k = len(theme.item_ids)
        alpha = np.nan
        if k >= 2 and len(complete) >= 30:
            alpha = k / (k - 1) * (1 - complete.var().sum() / complete.sum(axis=1).var())
        band = None
        if n:
            band = (
                "strength"
                if mean >= scale.min + 0.75 * (scale.max - scale.min)
                else "borderline"
                if mean >= scale.min + 0.5 * (scale.max - scale.min)
                else "concern"
            )
        rows.append(
            {
                "id": theme.id,
                "n_scored": n,
                "n_excluded": len(scores) - n,
                "mean": mean,
                "sd": sd,
                "ci95_low": mean - half,
                "ci95_high": mean + half,
                "index_0_100": 100 * (mean - scale.min) / (scale.max - scale.min),
                "pct_positive": its["pct_positive"].mean(),
                "dont_know_share": its["dont_know_share"].mean(),
                "rwg_j": j * (1 - ratio) / (j * (1 - ratio) + ratio) if j else np.nan,
                "rstar_wg_j": 1 - ratio,
                "ad": its["ad"].mean(),
                "alpha": alpha,
                "band": band,
            }
        )
    return pd.DataFrame(rows)


def statuses(n_scored: pd.Series, min_group_size: int) -> pd.Series:
    """Suppression status of the groups of one dimension in one theme."""
    status = pd.Series("shown", index=n_scored.index, dtype=object)
    status[n_scored == 0] = "empty"
    primary = (n_scored > 0) & (n_scored < min_group_size)
    status[primary] = "suppressed_primary"
    if primary.sum() == 1:
        others = n_scored[~primary & (n_scored > 0)].sort_index()
        if len(others):
            status[others.idxmin()] = "suppressed_complementary"
    return status


def group_table(framework, df, scores, min_group_size) -> tuple[pd.DataFrame, dict]:
    frames, status_by_dim = [], {}
    theme_ids = [theme.id for theme in framework.themes]
    for dim in DIMENSIONS:
        grouped = scores.groupby(df[dim], sort=True)
        n_scored, means = grouped.count(), grouped.mean()
        status = n_scored.apply(statuses, min_group_size=min_group_size)
        status_by_dim[dim] = status
        long = pd.DataFrame(
            {
                "n": n_scored.stack(),
                "status": status.stack(),
                "mean": means.stack(),
            }
        )
        long.index.names = ["group", "theme"]
        long = long.reset_index()
        long.insert(0, "dimension", dim)
        shown = long["status"] == "shown"
        long["n"] = long["n"].astype(object).where(shown | (long["status"] == "empty"), None)
        long["mean"] = long["mean"].where(shown)
        long["theme"] = pd.Categorical(long["theme"], categories=theme_ids)
        frames.append(long.sort_values(["group", "theme"]))
    table = pd.concat(frames, ignore_index=True)
    table["theme"] = table["theme"].astype(object)
    return table[["dimension", "group", "theme", "n", "status", "mean"]], status_by_dim


def comparison_table(framework, df, scores, status_by_dim, min_group_size) -> pd.DataFrame:
    rows = []
    for name, dim, side_a, side_b in COMPARISONS:
        labels = df[dim]
        in_a = labels == side_a
        in_b = (labels != side_a) & labels.notna() if side_b is None else labels == side_b
        family = []
        for theme in framework.themes:
            a = scores.loc[in_a.fillna(False), theme.id].dropna()
            b = scores.loc[in_b.fillna(False), theme.id].dropna()
            status = status_by_dim[dim][theme.id]
            hidden = any(
                side is not None and status.get(side) in SUPPRESSED for side in (side_a, side_b)
            )
            row = {"name": name, "theme": theme.id}
            if len(a) >= min_group_size and len(b) >= min_group_size and not hidden:
                t, p = stats.ttest_ind(a, b, equal_var=False)
                delta = cliffs_delta(a, b)
                row.update(
                    n_a=len(a),
                    n_b=len(b),
                    mean_a=a.mean(),
                    mean_b=b.mean(),
                    difference=a.mean() - b.mean(),
                    welch_t=t,
                    welch_p=p,
                    cliffs_delta=delta,
                    magnitude=magnitude(delta),
                )
            family.append(row)
        family = pd.DataFrame(family)
        if "welch_p" not in family:
            family["welch_p"] = np.nan
        family["welch_p_holm"] = holm(family["welch_p"].astype("float64"))
        rows.append(family)
    columns = [
        "name",
        "theme",
        "n_a",
        "n_b",
        "mean_a",
        "mean_b",
        "difference",
        "welch_t",
        "welch_p",
        "welch_p_holm",
        "cliffs_delta",
        "magnitude",
    ]
    return pd.concat(rows, ignore_index=True).reindex(columns=columns)


def analyse_round(framework, df: pd.DataFrame, *, min_group_size: int) -> dict:
    answers, items = item_table(framework, df)
    scores = theme_scores(framework, answers)
    themes = theme_table(framework, answers, items, scores)
    groups, status_by_dim = group_table(framework, df, scores, min_group_size)
    comparisons = comparison_table(framework, df, scores, status_by_dim, min_group_size)
    item_rows = _records(items.drop(columns="variance_truncated"))
    for row, freq in zip(item_rows, items["frequencies"], strict=True):
        row["frequencies"] = freq
    return {
        "n_respondents": len(df),
        "min_group_size": min_group_size,
        "themes": _records(themes),
        "items": item_rows,
        "groups": _records(groups),
        "comparisons": _records(comparisons),
    }

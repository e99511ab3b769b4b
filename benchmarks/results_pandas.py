"""A straightforward pandas implementation of the round results, the baseline for the
results benchmark (`benchmarks/results_engine.py`).

It computes the same numbers as `stackup.results.analysis.analyse_round` the way an analyst
would in pandas: answers as a DataFrame with NaN for "Don't know" and blanks, column-wise
reductions for the items, row-wise means for the theme scores, `groupby` for the groups,
`scipy.stats` for the t distribution, and ranks for Cliff's delta. It follows
`docs/methodology.md`, not the engine's code, and returns rows with the same keys so that the
two can be compared number by number.

Small groups are hidden as "Hiding small groups" describes, theme by theme: primary
suppression and, with exactly one primary group, its complementary group; then, until nothing
changes, the remainder rule within each dimension (dimensions in the order of
`DIMENSIONS`), then the first leak across dimensions (a shown group less the shown groups of
another dimension wholly inside it, found with `pd.crosstab`), one group at a time. A
comparison is made only if it passes "When a comparison is not made". The result has one key
more than the engine's, `why`: the rule that hid each complementary group and the reason each
blank comparison row is blank, so that the benchmark can show which rules a round brings in.

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


def _smallest(n: pd.Series):
    """The label of the smallest group (ties: alphabetically first)."""
    return n.sort_index().idxmin()


def _first_statuses(n_scored: pd.Series, min_group_size: int) -> tuple[pd.Series, list]:
    """Primary suppression and, with exactly one primary, one complementary group: the
    status of the groups of one dimension in one theme before any subtraction is tried."""
    status = pd.Series("shown", index=n_scored.index, dtype=object)
    status[n_scored == 0] = "empty"
    primary = (n_scored > 0) & (n_scored < min_group_size)
    status[primary] = "suppressed_primary"
    hidden = []
    if primary.sum() == 1:
        others = n_scored[~primary & (n_scored > 0)]
        if len(others):
            hidden.append(_smallest(others))
            status[hidden[-1]] = "suppressed_complementary"
    return status, hidden


def _hide_for_remainder(status: pd.Series, n: pd.Series, unlabelled: int, min_group_size: int):
    """The theme total less every shown group of a dimension leaves the hidden groups and
    the people with no label in it: while they are 1..min-1 people, hide the smallest shown
    group. Returns the groups hidden, in order."""
    hidden = []
    while True:
        remainder = unlabelled + n[status.isin(SUPPRESSED)].sum()
        shown = n[status == "shown"]
        if remainder == 0 or remainder >= min_group_size or shown.empty:
            return hidden
        hidden.append(_smallest(shown))
        status[hidden[-1]] = "suppressed_complementary"


def _nested_leak(status, n, inside, min_group_size):
    """The first group, in dimension order, to hide because a shown group B of one
    dimension less the shown groups of another dimension wholly inside B leaves 1..min-1
    people; None if there is none. ``inside[(outer, inner)]`` counts the scored people of
    each inner group (down) in each outer group (across)."""
    for outer in DIMENSIONS:
        for inner in DIMENSIONS:
            if inner == outer:
                continue
            shown_inner = (status[inner] == "shown").to_numpy()[:, None]
            # wholly[g, B]: g is shown and every scored member of g is in B.
            wholly = inside[(outer, inner)].eq(n[inner], axis=0) & shown_inner
            rest = n[outer] - wholly.mul(n[inner], axis=0).sum()
            leaks = (status[outer] == "shown") & wholly.any() & (rest > 0)
            leaks &= rest < min_group_size
            if leaks.any():
                big = leaks.index[leaks.to_numpy()][0]
                return inner, _smallest(n[inner][wholly[big]])
    return None


def theme_statuses(n: dict, unlabelled: dict, inside: dict, min_group_size: int):
    """The status of every group of every dimension in one theme, with every rule of
    "Hiding small groups" applied until nothing changes, and why each complementary group
    was hidden (``(dimension, group, rule)``). ``n[dim]`` is each group's number scored,
    ``unlabelled[dim]`` the number scored with no label, ``inside`` as for `_nested_leak`."""
    status, why = {}, []
    for dim in DIMENSIONS:
        status[dim], hidden = _first_statuses(n[dim], min_group_size)
        why += [(dim, group, "single_primary") for group in hidden]
    while True:
        for dim in DIMENSIONS:
            hidden = _hide_for_remainder(status[dim], n[dim], unlabelled[dim], min_group_size)
            why += [(dim, group, "remainder") for group in hidden]
        leak = _nested_leak(status, n, inside, min_group_size)
        if leak is None:
            return status, why
        dim, group = leak
        status[dim][group] = "suppressed_complementary"
        why.append((dim, group, "nested"))


def _scored_by(scored: pd.DataFrame, keys: list) -> pd.DataFrame:
    """The number scored in each theme (columns) by the labels in ``keys`` (rows); people
    missing any of the labels are left out."""
    return scored.groupby(keys, dropna=True).sum()


def group_table(framework, df, scores, min_group_size) -> tuple[pd.DataFrame, dict, list]:
    """One row per dimension, group and theme, the statuses as ``status[dim][theme]`` (a
    Series by group) and why each complementary group was hidden."""
    theme_ids = [theme.id for theme in framework.themes]
    n_scored, means = {}, {}
    for dim in DIMENSIONS:
        grouped = scores.groupby(df[dim], sort=True)
        n_scored[dim], means[dim] = grouped.count(), grouped.mean()
    scored = scores.notna()
    unlabelled = {dim: scored[df[dim].isna()].sum() for dim in DIMENSIONS}
    pairs = [(outer, inner) for outer in DIMENSIONS for inner in DIMENSIONS if inner != outer]
    crossed = {(outer, inner): _scored_by(scored, [df[inner], df[outer]]) for outer, inner in pairs}
    status_by_dim = {dim: {} for dim in DIMENSIONS}
    why = []
    for theme_id in theme_ids:
        n = {dim: n_scored[dim][theme_id] for dim in DIMENSIONS}
        inside = {
            (outer, inner): crossed[(outer, inner)][theme_id]
            .unstack(fill_value=0)
            .reindex(index=n[inner].index, columns=n[outer].index, fill_value=0)
            for outer, inner in pairs
        }
        status, hidden = theme_statuses(
            n, {dim: int(unlabelled[dim][theme_id]) for dim in DIMENSIONS}, inside, min_group_size
        )
        for dim in DIMENSIONS:
            status_by_dim[dim][theme_id] = status[dim]
        why += [
            {"dimension": dim, "group": group, "theme": theme_id, "rule": rule}
            for dim, group, rule in hidden
        ]
    frames = []
    for dim in DIMENSIONS:
        long = pd.DataFrame(
            {
                "n": n_scored[dim].stack(),
                "status": pd.DataFrame(status_by_dim[dim]).stack(),
                "mean": means[dim].stack(),
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
    return table[["dimension", "group", "theme", "n", "status", "mean"]], status_by_dim, why


def gives_away(size: pd.Series, in_set: dict, n: dict, status: dict, min_group_size: int):
    """For each theme, whether publishing the n and mean of a set of people (``size``
    scored) next to the shown groups would give away 1..min-1 people: in some dimension, the
    set less the shown groups wholly inside it, or a shown group that holds the whole set
    less the set. ``in_set[dim]``, ``n[dim]`` and ``status[dim]`` are tables of groups
    (down) by themes (across): how many of the set are in the group, its number scored and
    its status."""
    leaks = pd.Series(False, index=size.index)
    for dim in DIMENSIONS:
        shown = status[dim] == "shown"
        left = size - n[dim].where(shown & in_set[dim].eq(n[dim])).sum()
        beyond = (n[dim] - size).where(shown & in_set[dim].eq(size, axis=1))
        leaks |= (left > 0) & (left < min_group_size)
        leaks |= ((beyond > 0) & (beyond < min_group_size)).any()
    return leaks & (size > 0)


def comparison_table(framework, df, scores, status_by_dim, min_group_size):
    """The comparison rows, and why each row that is not made is blank."""
    n_scored = {dim: scores.groupby(df[dim]).count() for dim in DIMENSIONS}
    scored = scores.notna()
    statuses = {d: pd.DataFrame(status_by_dim[d], index=n_scored[d].index) for d in DIMENSIONS}
    rows, why = [], []
    for name, dim, side_a, side_b in COMPARISONS:
        labels = df[dim]
        in_a = (labels == side_a).fillna(False)
        in_b = (labels != side_a) & labels.notna() if side_b is None else labels == side_b
        in_b = in_b.fillna(False)
        # Each side and everyone outside both: the number scored in each theme, and in each
        # group of each dimension.
        leaks = pd.Series(False, index=scores.columns)
        for members in (in_a, in_b, ~(in_a | in_b)):
            in_set = {
                d: _scored_by(scored[members], [df.loc[members, d]]).reindex(
                    n_scored[d].index, fill_value=0
                )
                for d in DIMENSIONS
            }
            leaks |= gives_away(scored[members].sum(), in_set, n_scored, statuses, min_group_size)
        family = []
        for theme in framework.themes:
            a = scores.loc[in_a, theme.id].dropna()
            b = scores.loc[in_b, theme.id].dropna()
            status = {d: status_by_dim[d][theme.id] for d in DIMENSIONS}
            row = {"name": name, "theme": theme.id}
            reason = None
            if len(a) < min_group_size or len(b) < min_group_size:
                reason = "too_small"
            elif any(
                side is not None and status[dim].get(side) in SUPPRESSED
                for side in (side_a, side_b)
            ):
                reason = "side_hidden"
            elif leaks[theme.id]:
                reason = "gives_away"
            if reason is None:
                t, p = np.nan, np.nan  # no t without a spread: its denominator is 0
                if a.var() / len(a) + b.var() / len(b) > 0:
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
            else:
                why.append({"name": name, "theme": theme.id, "reason": reason})
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
    return pd.concat(rows, ignore_index=True).reindex(columns=columns), why


def analyse_round(framework, df: pd.DataFrame, *, min_group_size: int) -> dict:
    answers, items = item_table(framework, df)
    scores = theme_scores(framework, answers)
    themes = theme_table(framework, answers, items, scores)
    groups, status_by_dim, hidden = group_table(framework, df, scores, min_group_size)
    comparisons, not_made = comparison_table(framework, df, scores, status_by_dim, min_group_size)
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
        # Not part of the engine's output: why each complementary group was hidden
        # (single_primary, remainder or nested) and why each blank comparison row is blank
        # (too_small, side_hidden or gives_away).
        "why": {"groups": hidden, "comparisons": not_made},
    }

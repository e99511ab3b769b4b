"""Analysis engine for the results of a Stack Up survey round.

This module is plain Python plus numpy and scipy: it has no Django imports and
knows nothing about the database. Callers convert their records into a
:class:`Framework` and a :class:`ResponseMatrix` and receive plain dicts and
lists back, ready for ``json.dumps(..., allow_nan=False)``.

Conventions used throughout the output
--------------------------------------
* Every ``pct_*`` value (``pct_positive``, its confidence limits,
  ``difference_pp``) is a **percentage from 0 to 100**.
* Every ``*_share`` value (``dont_know_share``) is a **proportion from 0 to 1**.
* ``frequencies`` are **counts** of valid answers per scale point, taken
  **after** reverse-keyed items are recoded, so for every item a higher code
  always means a more favourable answer. The keys are the scale points as
  strings (``"1"`` ... ``"5"``).
* Numbers are unrounded Python ``int``/``float`` values. Anything that cannot
  be computed (too few answers, zero variance, ...) or that is suppressed is
  ``None``; NaN and infinities never appear.
* "Don't know" answers and skipped questions are excluded from every mean,
  percentage and agreement statistic. Reverse-keyed items are recoded as
  ``x' = min + max - x`` before any statistic is computed.

Answer coding in a :class:`ResponseMatrix`
------------------------------------------
``codes[i, j]`` holds respondent ``i``'s raw (not yet recoded) answer to item
``j``: a scale point ``min..max`` (so the scale must start at 1 or above),
``0`` (:data:`SKIPPED`) for a blank answer, or ``-1`` (:data:`DONT_KNOW_CODE`)
for "Don't know".

Small-group suppression (see :func:`analyse_round`)
---------------------------------------------------
Suppression is decided separately for every dimension and theme, on the number
of the group's respondents who have a score in that theme ("n scored"), so a
shown group mean is never based on fewer than ``min_group_size`` people. A
group can therefore be shown in one theme and hidden in another. A group with
no scored respondent in a theme has status ``empty``. A comparison is not
computed for a theme in which one of its sides is too small or suppressed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats as _stats

__all__ = [
    "COMPARISONS",
    "DIMENSIONS",
    "DONT_KNOW",
    "DONT_KNOW_CODE",
    "SKIPPED",
    "WILSON_Z",
    "Comparison",
    "Framework",
    "GroupLabels",
    "Item",
    "Response",
    "ResponseMatrix",
    "Scale",
    "Theme",
    "analyse_change",
    "analyse_round",
    "benjamini_hochberg",
    "cliffs_delta",
    "cliffs_magnitude",
    "holm",
    "two_proportion_z",
    "welch_t_test",
    "wilson_interval",
]

#: The answer value a :class:`Response` uses for "Don't know".
DONT_KNOW = "DK"
#: Matrix code for a "Don't know" answer.
DONT_KNOW_CODE = -1
#: Matrix code for a blank (skipped) answer.
SKIPPED = 0
#: The 97.5th percentile of the standard normal distribution, used for the
#: Wilson 95% interval.
WILSON_Z = 1.959963984540054

#: The three respondent dimensions that groups are reported on. Dimensions are
#: never crossed with each other.
DIMENSIONS = ("stakeholder_group", "role_level", "organisation")


# ---------------------------------------------------------------------------
# Input model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """An ordinal answer scale, ``min..max`` inclusive.

    ``positive`` lists the scale points that count as a positive answer for
    "% positive" (after reverse-keyed items are recoded).
    """

    min: int = 1
    max: int = 5
    positive: tuple[int, ...] = (4, 5)

    def __post_init__(self) -> None:
        if not (isinstance(self.min, int) and isinstance(self.max, int)):
            raise TypeError("Scale.min and Scale.max must be integers")
        if self.min < 1:
            raise ValueError("Scale.min must be at least 1 (0 and -1 are reserved codes)")
        if self.max <= self.min:
            raise ValueError("Scale.max must be greater than Scale.min")
        if self.max > 127:
            raise ValueError("Scale.max must fit in an int8 code")
        object.__setattr__(self, "positive", tuple(self.positive))
        for p in self.positive:
            if not self.min <= p <= self.max:
                raise ValueError(f"positive code {p!r} is outside the scale")

    @property
    def points(self) -> int:
        """Number of scale points (``A`` in the rwg formula, ``m`` for Leik)."""
        return self.max - self.min + 1

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    @property
    def expected_error_variance(self) -> float:
        """sigma^2_EU = (A^2 - 1) / 12, the variance of a uniform ("no agreement")
        answer distribution. 2.0 on a 5-point scale."""
        a = self.points
        return (a * a - 1) / 12.0

    @property
    def strength_threshold(self) -> float:
        """Lowest theme mean banded "strength": 4.0 on a 1-5 scale
        (three quarters of the way up the scale in general)."""
        return self.min + 0.75 * (self.max - self.min)

    @property
    def borderline_threshold(self) -> float:
        """Lowest theme mean banded "borderline": 3.0 on a 1-5 scale
        (the midpoint of the scale in general)."""
        return self.min + 0.5 * (self.max - self.min)

    def recode(self, value: int) -> int:
        """Reverse a scale value: ``min + max - value``."""
        return self.min + self.max - value


@dataclass(frozen=True)
class Item:
    id: Any
    theme: Any
    reverse_keyed: bool = False


@dataclass(frozen=True)
class Theme:
    id: Any
    item_ids: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_ids", tuple(self.item_ids))


@dataclass(frozen=True)
class Framework:
    """A scale, the themes (in reporting order) and the items (in reporting
    order). Every item belongs to exactly one theme; ``Item.theme`` must match
    the theme that lists it."""

    scale: Scale
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", tuple(self.themes))
        object.__setattr__(self, "items", tuple(self.items))
        item_by_id: dict[Any, Item] = {}
        for item in self.items:
            if item.id in item_by_id:
                raise ValueError(f"duplicate item id {item.id!r}")
            item_by_id[item.id] = item
        seen_themes: set = set()
        listed: set = set()
        for theme in self.themes:
            if theme.id in seen_themes:
                raise ValueError(f"duplicate theme id {theme.id!r}")
            seen_themes.add(theme.id)
            for item_id in theme.item_ids:
                item = item_by_id.get(item_id)
                if item is None:
                    raise ValueError(f"theme {theme.id!r} lists unknown item {item_id!r}")
                if item_id in listed:
                    raise ValueError(f"item {item_id!r} is listed by more than one theme")
                if item.theme != theme.id:
                    raise ValueError(
                        f"item {item_id!r} says theme {item.theme!r} but is listed by {theme.id!r}"
                    )
                listed.add(item_id)
        missing = [i.id for i in self.items if i.id not in listed]
        if missing:
            raise ValueError(f"items not listed by any theme: {missing!r}")

    @property
    def item_ids(self) -> tuple:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class Response:
    """One respondent's answers.

    ``answers`` maps item id to an integer scale point, ``"DK"`` for
    "Don't know", or ``None`` for a skipped question (a missing key is also a
    skipped question). A group label of ``None`` or ``""`` means the
    respondent has no label in that dimension.
    """

    answers: Mapping[Any, int | str | None] = field(default_factory=dict)
    stakeholder_group: str | None = None
    role_level: str | None = None
    organisation: str | None = None


@dataclass(frozen=True, eq=False)
class GroupLabels:
    """Group labels for one dimension in integer-coded form.

    ``codes[i]`` is the index into ``categories`` of respondent ``i``'s label,
    or ``-1`` when the respondent has no label in this dimension.
    """

    codes: np.ndarray
    categories: tuple[str, ...]

    def __post_init__(self) -> None:
        codes = np.array(self.codes, dtype=np.int64, copy=True).reshape(-1)
        if codes.size and (codes.min() < -1 or codes.max() >= len(self.categories)):
            raise ValueError("group label codes out of range")
        codes.setflags(write=False)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "categories", tuple(self.categories))

    @classmethod
    def from_values(cls, values: Iterable[str | None]) -> GroupLabels:
        """Build from one label per respondent (``None``, ``""`` or NaN = no label)."""
        values = list(values)
        cleaned: list[str | None] = []
        for v in values:
            if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
                cleaned.append(None)
            elif isinstance(v, str):
                cleaned.append(v)
            else:
                raise TypeError(f"group labels must be strings or None, got {v!r}")
        categories = tuple(sorted({v for v in cleaned if v is not None}))
        index = {c: i for i, c in enumerate(categories)}
        codes = np.fromiter(
            (-1 if v is None else index[v] for v in cleaned), dtype=np.int64, count=len(cleaned)
        )
        return cls(codes=codes, categories=categories)

    @classmethod
    def empty(cls, n: int) -> GroupLabels:
        return cls(codes=np.full(n, -1, dtype=np.int64), categories=())

    def __len__(self) -> int:
        return int(self.codes.shape[0])


@dataclass(frozen=True, eq=False)
class ResponseMatrix:
    """Answers of ``n`` respondents to ``k`` items as an ``(n, k)`` int8 array.

    See the module docstring for the coding. ``labels`` maps each of
    :data:`DIMENSIONS` to a :class:`GroupLabels` of length ``n``.
    """

    item_ids: tuple
    codes: np.ndarray
    labels: Mapping[str, GroupLabels]

    def __post_init__(self) -> None:
        item_ids = tuple(self.item_ids)
        if len(set(item_ids)) != len(item_ids):
            raise ValueError("duplicate item ids in ResponseMatrix")
        codes = np.asarray(self.codes)
        if codes.ndim != 2 or codes.shape[1] != len(item_ids):
            raise ValueError(f"codes must have shape (n, {len(item_ids)}), got {codes.shape}")
        if codes.size and (codes.min() < -1 or codes.max() > 127):
            raise ValueError("answer codes must lie between -1 and 127")
        codes = np.array(codes, dtype=np.int8, copy=True)
        codes.setflags(write=False)
        n = codes.shape[0]
        labels: dict[str, GroupLabels] = {}
        for dim in DIMENSIONS:
            lab = self.labels.get(dim) if self.labels else None
            if lab is None:
                lab = GroupLabels.empty(n)
            elif not isinstance(lab, GroupLabels):
                lab = GroupLabels.from_values(lab)
            if len(lab) != n:
                raise ValueError(f"{dim} labels have length {len(lab)}, expected {n}")
            labels[dim] = lab
        extra = set(self.labels or {}) - set(DIMENSIONS)
        if extra:
            raise ValueError(f"unknown label dimensions: {sorted(extra)!r}")
        object.__setattr__(self, "item_ids", item_ids)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "labels", labels)

    @classmethod
    def from_arrays(
        cls,
        item_ids: Sequence,
        codes: Any,
        *,
        stakeholder_group: GroupLabels | Sequence[str | None] | None = None,
        role_level: GroupLabels | Sequence[str | None] | None = None,
        organisation: GroupLabels | Sequence[str | None] | None = None,
    ) -> ResponseMatrix:
        """Fast constructor: ``codes`` is an ``(n, k)`` integer array (1..max
        answers, 0 skipped, -1 "Don't know") whose columns follow ``item_ids``.
        Each label argument is a :class:`GroupLabels` or a sequence of ``n``
        labels (``None`` = no label); omitted dimensions have no labels."""
        return cls(
            item_ids=tuple(item_ids),
            codes=codes,
            labels={
                "stakeholder_group": stakeholder_group,
                "role_level": role_level,
                "organisation": organisation,
            },
        )

    @classmethod
    def from_responses(cls, framework: Framework, responses: Iterable[Response]) -> ResponseMatrix:
        """Build from :class:`Response` objects; columns follow
        ``framework.items``. Answers to item ids the framework does not know
        are ignored; an integer outside the scale raises ``ValueError``."""
        scale = framework.scale
        item_ids = framework.item_ids
        responses = list(responses)
        codes = np.zeros((len(responses), len(item_ids)), dtype=np.int8)
        for i, response in enumerate(responses):
            answers = response.answers or {}
            for j, item_id in enumerate(item_ids):
                value = answers.get(item_id)
                if value is None:
                    continue
                if value == DONT_KNOW:
                    codes[i, j] = DONT_KNOW_CODE
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                    raise ValueError(f"invalid answer {value!r} for item {item_id!r}")
                if not scale.min <= int(value) <= scale.max:
                    raise ValueError(f"answer {value!r} for item {item_id!r} is off the scale")
                codes[i, j] = int(value)
        return cls.from_arrays(
            item_ids,
            codes,
            stakeholder_group=[r.stakeholder_group for r in responses],
            role_level=[r.role_level for r in responses],
            organisation=[r.organisation for r in responses],
        )

    @property
    def n_respondents(self) -> int:
        return int(self.codes.shape[0])

    def group_sizes(self, dimension: str) -> dict[str, int]:
        """Number of respondents carrying each (non-empty) label of ``dimension``."""
        lab = self.labels[dimension]
        counts = _label_counts(lab)
        return {c: int(counts[i]) for i, c in enumerate(lab.categories) if counts[i] > 0}


@dataclass(frozen=True)
class Comparison:
    """A named two-sided comparison within one dimension.

    ``a`` lists the labels of side a. ``b`` lists the labels of side b, or is
    ``None`` for "every other respondent with a label in this dimension".
    """

    name: str
    dimension: str
    a: tuple[str, ...]
    b: tuple[str, ...] | None


#: The comparisons reported by :func:`analyse_round`, in output order.
COMPARISONS = (
    Comparison("service_users_vs_professionals", "stakeholder_group", ("service_user",), None),
    Comparison("frontline_vs_leaders", "role_level", ("frontline",), ("senior_leader",)),
)


# ---------------------------------------------------------------------------
# Small statistical helpers (public so that they can be tested directly)
# ---------------------------------------------------------------------------


def _num(x: Any) -> float | None:
    """A Python float, or None for None/NaN/inf."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def wilson_interval(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """Wilson score interval for a proportion, without continuity correction,
    as proportions 0-1. ``None`` when ``n == 0``."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def welch_t_test(a: Any, b: Any) -> tuple[float | None, float | None]:
    """Welch's unequal-variance t test of mean(a) - mean(b).

    Returns ``(t, two-sided p)``, or ``(None, None)`` when either sample has
    fewer than two values or both variances are zero (t undefined)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na, nb = a.size, b.size
    if na < 2 or nb < 2:
        return None, None
    va = float(a.var(ddof=1)) / na
    vb = float(b.var(ddof=1)) / nb
    se2 = va + vb
    if not se2 > 0 or not math.isfinite(se2):
        return None, None
    t = (float(a.mean()) - float(b.mean())) / math.sqrt(se2)
    df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    p = 2.0 * float(_stats.t.sf(abs(t), df))
    return _num(t), _num(min(1.0, p))


def cliffs_delta(a: Any, b: Any) -> float | None:
    """Cliff's delta = (#(a > b) - #(a < b)) / (n_a * n_b) over all pairs,
    computed in O(n_a log n_a + n_b log n_b) by sorting both samples (the
    counts do not depend on the order of ``a``; sorted keys make the binary
    searches into ``b`` much faster). ``None`` if either sample is empty."""
    a = np.sort(np.asarray(a, dtype=np.float64))
    b = np.sort(np.asarray(b, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        return None
    below = np.searchsorted(b, a, side="left")  # number of b < each a
    not_above = np.searchsorted(b, a, side="right")  # number of b <= each a
    greater = int(below.sum())
    less = int((b.size - not_above).sum())
    return (greater - less) / (a.size * b.size)


def cliffs_magnitude(delta: float | None) -> str | None:
    """Conventional label for |delta|: negligible < 0.147 <= small < 0.33 <=
    medium < 0.474 <= large."""
    if delta is None:
        return None
    d = abs(delta)
    if d < 0.147:
        return "negligible"
    if d < 0.33:
        return "small"
    if d < 0.474:
        return "medium"
    return "large"


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm step-down adjustment. ``None`` entries are left out of the family
    and stay ``None``."""
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    out: list[float | None] = [None] * len(pvalues)
    m = len(idx)
    order = sorted(idx, key=lambda i: pvalues[i])
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        out[i] = running
    return out


def benjamini_hochberg(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg step-up adjustment (false discovery rate). ``None``
    entries are left out of the family and stay ``None``."""
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    out: list[float | None] = [None] * len(pvalues)
    m = len(idx)
    order = sorted(idx, key=lambda i: pvalues[i])
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, min(1.0, pvalues[i] * m / (rank + 1)))
        out[i] = running
    return out


def two_proportion_z(
    x_from: int, n_from: int, x_to: int, n_to: int
) -> tuple[float | None, float | None]:
    """Pooled two-proportion z test of p_to - p_from. Returns ``(z, two-sided
    p)``, or ``(None, None)`` when either n is 0 or the pooled proportion is
    0 or 1 (standard error zero)."""
    if n_from <= 0 or n_to <= 0:
        return None, None
    pooled = (x_from + x_to) / (n_from + n_to)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_from + 1.0 / n_to))
    if not se > 0:
        return None, None
    z = (x_to / n_to - x_from / n_from) / se
    p = 2.0 * float(_stats.norm.sf(abs(z)))
    return _num(z), _num(min(1.0, p))


# ---------------------------------------------------------------------------
# Core computation
# ---------------------------------------------------------------------------


def _label_counts(lab: GroupLabels) -> np.ndarray:
    codes = lab.codes
    return np.bincount(codes[codes >= 0], minlength=len(lab.categories))


def _check_min_group_size(min_group_size: int) -> int:
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)):
        raise TypeError("min_group_size must be an integer")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    return int(min_group_size)


@dataclass(eq=False)
class _Prepared:
    framework: Framework
    matrix: ResponseMatrix
    valid: np.ndarray  # (n, K) bool, columns follow framework.items
    recoded: np.ndarray  # (n, K) int16, 0 where not valid
    items: list[dict]  # public item rows
    item_extras: list[dict]  # x_positive, variance_truncated, ad per item
    theme_scores: np.ndarray  # (n, T) float64, NaN = excluded


def _item_row(item: Item, values: np.ndarray, n_dk: int, n_skipped: int, scale: Scale) -> tuple:
    n = int(values.size)
    counts = np.bincount(values - scale.min, minlength=scale.points) if n else None
    freqs = {
        str(v): (int(counts[v - scale.min]) if counts is not None else 0) for v in scale.values
    }
    denom = n + n_dk
    row: dict[str, Any] = {
        "id": item.id,
        "theme": item.theme,
        "n_valid": n,
        "n_dont_know": n_dk,
        "n_skipped": n_skipped,
        "dont_know_share": (n_dk / denom) if denom else None,
        "frequencies": freqs,
        "mean": None,
        "sd": None,
        "median": None,
        "q1": None,
        "q3": None,
        "pct_positive": None,
        "pct_positive_ci95_low": None,
        "pct_positive_ci95_high": None,
        "rwg": None,
        "ad": None,
        "leik_consensus": None,
    }
    extras: dict[str, Any] = {"x_positive": 0, "variance_truncated": None, "ad": None}
    if n == 0:
        return row, extras
    x = values.astype(np.float64)
    mean = float(x.mean())
    row["mean"] = _num(mean)
    # The same values, already sorted and rebuilt from the counts, so that the
    # percentile's partition has little to do (the result is identical).
    ordered = np.repeat(np.arange(scale.min, scale.max + 1, dtype=np.float64), counts)
    q1, median, q3 = np.percentile(ordered, [25.0, 50.0, 75.0])
    row["q1"], row["median"], row["q3"] = _num(q1), _num(median), _num(q3)
    x_pos = int(sum(counts[p - scale.min] for p in set(scale.positive)))
    extras["x_positive"] = x_pos
    row["pct_positive"] = 100.0 * x_pos / n
    low, high = wilson_interval(x_pos, n)
    row["pct_positive_ci95_low"] = 100.0 * low
    row["pct_positive_ci95_high"] = 100.0 * high
    ad = float(np.abs(x - mean).mean())
    row["ad"] = _num(ad)
    extras["ad"] = _num(ad)
    if n >= 2:
        var = float(x.var(ddof=1))
        row["sd"] = _num(math.sqrt(var))
        sigma2 = scale.expected_error_variance
        var_t = min(var, sigma2)
        extras["variance_truncated"] = var_t
        row["rwg"] = _num(1.0 - var_t / sigma2)
    cumulative = np.cumsum(counts) / n
    m = scale.points
    leik = 1.0 - float(np.minimum(cumulative, 1.0 - cumulative).sum()) / (0.5 * (m - 1))
    row["leik_consensus"] = _num(leik)
    return row, extras


def _prepare(framework: Framework, matrix: ResponseMatrix) -> _Prepared:
    scale = framework.scale
    column_of = {item_id: j for j, item_id in enumerate(matrix.item_ids)}
    missing = [i.id for i in framework.items if i.id not in column_of]
    if missing:
        raise ValueError(f"matrix has no column for items {missing!r}")
    cols = np.array([column_of[i.id] for i in framework.items], dtype=np.intp)
    codes = matrix.codes[:, cols] if cols.size else np.zeros((matrix.n_respondents, 0), np.int8)
    bad = (codes > scale.max) | ((codes > SKIPPED) & (codes < scale.min)) | (codes < -1)
    if bad.any():
        raise ValueError("answer codes outside the framework's scale")
    valid = codes >= scale.min
    dk = codes == DONT_KNOW_CODE
    raw = codes.astype(np.int16)
    reverse = np.array([i.reverse_keyed for i in framework.items], dtype=bool)
    recoded = np.where(reverse[np.newaxis, :], scale.min + scale.max - raw, raw)
    recoded = np.where(valid, recoded, 0).astype(np.int16)

    items: list[dict] = []
    extras: list[dict] = []
    n_all = matrix.n_respondents
    for j, item in enumerate(framework.items):
        v = valid[:, j]
        values = recoded[v, j].astype(np.int64)
        n_dk = int(dk[:, j].sum())
        n_valid = int(values.size)
        row, extra = _item_row(item, values, n_dk, n_all - n_valid - n_dk, scale)
        items.append(row)
        extras.append(extra)

    position = {item.id: j for j, item in enumerate(framework.items)}
    scores = np.full((n_all, len(framework.themes)), np.nan, dtype=np.float64)
    for t, theme in enumerate(framework.themes):
        idx = [position[i] for i in theme.item_ids]
        if not idx:
            continue
        k = len(idx)
        count = valid[:, idx].sum(axis=1)
        total = recoded[:, idx].sum(axis=1, dtype=np.int64)
        ok = (count >= math.ceil(k / 2)) & (count > 0)
        scores[ok, t] = total[ok] / count[ok]
    return _Prepared(framework, matrix, valid, recoded, items, extras, scores)


def _theme_row(prep: _Prepared, t: int) -> dict:
    framework = prep.framework
    scale = framework.scale
    theme = framework.themes[t]
    position = {item.id: j for j, item in enumerate(framework.items)}
    idx = [position[i] for i in theme.item_ids]
    col = prep.theme_scores[:, t]
    scored = col[~np.isnan(col)]
    n = int(scored.size)
    row: dict[str, Any] = {
        "id": theme.id,
        "n_scored": n,
        "n_excluded": prep.matrix.n_respondents - n,
        "mean": None,
        "sd": None,
        "ci95_low": None,
        "ci95_high": None,
        "index_0_100": None,
        "pct_positive": None,
        "dont_know_share": None,
        "rwg_j": None,
        "rstar_wg_j": None,
        "ad": None,
        "alpha": None,
        "band": None,
    }
    if n:
        mean = float(scored.mean())
        row["mean"] = _num(mean)
        row["index_0_100"] = _num(100.0 * (mean - scale.min) / (scale.max - scale.min))
        if mean >= scale.strength_threshold:
            row["band"] = "strength"
        elif mean >= scale.borderline_threshold:
            row["band"] = "borderline"
        else:
            row["band"] = "concern"
        if n >= 2:
            sd = float(scored.std(ddof=1))
            row["sd"] = _num(sd)
            half = float(_stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
            row["ci95_low"] = _num(mean - half)
            row["ci95_high"] = _num(mean + half)

    items = [prep.items[j] for j in idx]
    extras = [prep.item_extras[j] for j in idx]
    pct = [r["pct_positive"] for r in items if r["pct_positive"] is not None]
    row["pct_positive"] = (sum(pct) / len(pct)) if pct else None
    dks = [r["dont_know_share"] for r in items if r["dont_know_share"] is not None]
    row["dont_know_share"] = (sum(dks) / len(dks)) if dks else None
    variances = [e["variance_truncated"] for e in extras if e["variance_truncated"] is not None]
    if variances:
        sigma2 = scale.expected_error_variance
        ratio = (sum(variances) / len(variances)) / sigma2
        j = len(variances)
        agreement = j * (1.0 - ratio)
        row["rwg_j"] = _num(agreement / (agreement + ratio))
        row["rstar_wg_j"] = _num(1.0 - ratio)
    ads = [e["ad"] for e in extras if e["ad"] is not None]
    row["ad"] = (sum(ads) / len(ads)) if ads else None

    k = len(idx)
    if k >= 2:
        complete = prep.valid[:, idx].all(axis=1)
        if int(complete.sum()) >= 30:
            x = prep.recoded[np.ix_(complete, idx)].astype(np.float64)
            total_var = float(x.sum(axis=1).var(ddof=1))
            if total_var > 0:
                item_var = float(x.var(axis=0, ddof=1).sum())
                row["alpha"] = _num(k / (k - 1) * (1.0 - item_var / total_var))
    return row


def _hide_until_safe(
    status: dict[str, str], n_scored: Mapping[str, int], n_unlabelled: int, min_group_size: int
) -> bool:
    """Hide more groups until what subtraction can reveal is large enough.

    The theme's overall mean and n are published, and so are the shown groups'. Taking the
    shown groups away from the whole leaves the hidden groups and the respondents without
    a label, together. While that remainder has some respondents but fewer than
    ``min_group_size``, the smallest shown group (ties: alphabetically first label) is
    hidden too, as ``suppressed_complementary``. Returns whether anything changed.
    """
    changed = False
    while True:
        hidden = n_unlabelled + sum(n_scored[g] for g, s in status.items() if s in _SUPPRESSED)
        if hidden == 0 or hidden >= min_group_size:
            return changed
        shown = sorted((n_scored[g], g) for g, s in status.items() if s == "shown")
        if not shown:
            return changed
        status[shown[0][1]] = "suppressed_complementary"
        changed = True


def _suppression(
    n_scored: Mapping[str, int], min_group_size: int, n_unlabelled: int = 0
) -> dict[str, str]:
    """Status of every group of one dimension in one theme, given each group's
    number of respondents with a score in that theme (``n_scored``) and the
    number of scored respondents with no label in the dimension.

    * ``empty``: n scored == 0 (no mean; reveals nothing).
    * ``suppressed_primary``: 0 < n scored < min_group_size.
    * ``suppressed_complementary``: when exactly one group is primary
      suppressed, the smallest other group with n scored > 0 (ties broken by
      label, alphabetically first); then, by :func:`_hide_until_safe`, further
      groups until the hidden groups and the unlabelled respondents together
      number 0 or at least ``min_group_size``.
    * ``shown`` otherwise.
    """
    status: dict[str, str] = {}
    for g, n in n_scored.items():
        if n == 0:
            status[g] = "empty"
        elif n < min_group_size:
            status[g] = "suppressed_primary"
        else:
            status[g] = "shown"
    primary = [g for g, s in status.items() if s == "suppressed_primary"]
    if len(primary) == 1:
        others = sorted((n, g) for g, n in n_scored.items() if g != primary[0] and n > 0)
        if others:
            status[others[0][1]] = "suppressed_complementary"
    _hide_until_safe(status, n_scored, n_unlabelled, min_group_size)
    return status


@dataclass
class _DimensionCounts:
    """Per theme: each group's n scored, and the scored respondents with no label."""

    n_scored: list[dict[str, int]]
    n_unlabelled: list[int]


def _dimension_counts(prep: _Prepared, dimension: str) -> _DimensionCounts:
    lab = prep.matrix.labels[dimension]
    members = _label_counts(lab) > 0
    labelled = lab.codes >= 0
    n_scored: list[dict[str, int]] = []
    n_unlabelled: list[int] = []
    for t in range(prep.theme_scores.shape[1]):
        has_score = ~np.isnan(prep.theme_scores[:, t])
        scored = labelled & has_score
        counts = np.bincount(lab.codes[scored], minlength=len(lab.categories))
        n_scored.append({c: int(counts[i]) for i, c in enumerate(lab.categories) if members[i]})
        n_unlabelled.append(int(np.count_nonzero(has_score & ~labelled)))
    return _DimensionCounts(n_scored, n_unlabelled)


def _nested_leaks(
    prep: _Prepared,
    t: int,
    outer_dim: str,
    inner_dim: str,
    statuses: Mapping[str, list[dict[str, str]]],
    counts: Mapping[str, _DimensionCounts],
    min_group_size: int,
) -> list[str]:
    """Groups of ``inner_dim`` to hide so that no shown group of ``outer_dim``, less the
    shown ``inner_dim`` groups wholly inside it, leaves between 1 and min - 1 people.

    For example, a sector of 7 people that holds one shown organisation of 6: the
    sector's mean and the organisation's would give away the seventh person's. The
    smallest contained group is hidden; the caller repeats until nothing changes.
    """
    outer, inner = prep.matrix.labels[outer_dim], prep.matrix.labels[inner_dim]
    k_outer, k_inner = len(outer.categories), len(inner.categories)
    if not k_outer or not k_inner:
        return []
    scored = ~np.isnan(prep.theme_scores[:, t]) & (outer.codes >= 0) & (inner.codes >= 0)
    table = np.bincount(
        inner.codes[scored].astype(np.int64) * k_outer + outer.codes[scored],
        minlength=k_inner * k_outer,
    ).reshape(k_inner, k_outer)
    n_outer, n_inner = counts[outer_dim].n_scored[t], counts[inner_dim].n_scored[t]
    status_outer, status_inner = statuses[outer_dim][t], statuses[inner_dim][t]
    to_hide: list[str] = []
    for bo, big in enumerate(outer.categories):
        if status_outer.get(big) != "shown":
            continue
        inside = [
            (n_inner[small], small)
            for si, small in enumerate(inner.categories)
            if status_inner.get(small) == "shown" and table[si, bo] == n_inner[small]
        ]
        remainder = n_outer[big] - sum(n for n, _ in inside)
        if inside and 0 < remainder < min_group_size:
            to_hide.append(min(inside)[1])
    return to_hide


def _all_statuses(
    prep: _Prepared, min_group_size: int
) -> tuple[dict[str, list[dict[str, str]]], dict[str, _DimensionCounts]]:
    """statuses[dimension][theme index][group], with every suppression rule applied,
    and the counts they were decided on.

    Within a dimension: primary, complementary and :func:`_hide_until_safe`. Across
    dimensions (which are never crossed in the output, but can be subtracted from each
    other when one group lies wholly inside another): :func:`_nested_leaks`, repeated
    with the within-dimension rule until nothing changes.
    """
    counts = {dim: _dimension_counts(prep, dim) for dim in DIMENSIONS}
    n_themes = prep.theme_scores.shape[1]
    statuses = {
        dim: [
            _suppression(c.n_scored[t], min_group_size, c.n_unlabelled[t]) for t in range(n_themes)
        ]
        for dim, c in counts.items()
    }
    for t in range(n_themes):
        changed = True
        while changed:
            changed = False
            for outer_dim in DIMENSIONS:
                for inner_dim in DIMENSIONS:
                    if inner_dim == outer_dim:
                        continue
                    leaks = _nested_leaks(
                        prep, t, outer_dim, inner_dim, statuses, counts, min_group_size
                    )
                    for group in leaks:
                        status = statuses[inner_dim][t]
                        if status[group] != "shown":
                            continue
                        status[group] = "suppressed_complementary"
                        _hide_until_safe(
                            status,
                            counts[inner_dim].n_scored[t],
                            counts[inner_dim].n_unlabelled[t],
                            min_group_size,
                        )
                        changed = True
    return statuses, counts


def _publishing_is_safe(
    subset: np.ndarray,
    prep: _Prepared,
    t: int,
    statuses: Mapping[str, list[dict[str, str]]],
    counts: Mapping[str, _DimensionCounts],
    min_group_size: int,
) -> bool:
    """Whether the n and mean of the scored respondents in ``subset`` can be published
    next to the shown groups without revealing between 1 and min - 1 people.

    In every dimension: the subset less the shown groups wholly inside it, and any shown
    group that holds the whole subset less the subset, must each number 0 or at least
    ``min_group_size``.
    """
    members = subset & ~np.isnan(prep.theme_scores[:, t])
    size = int(np.count_nonzero(members))
    if size == 0:
        return True
    for dim in DIMENSIONS:
        lab = prep.matrix.labels[dim]
        status, n_scored = statuses[dim][t], counts[dim].n_scored[t]
        inside = np.bincount(lab.codes[members & (lab.codes >= 0)], minlength=len(lab.categories))
        contained = 0
        for i, group in enumerate(lab.categories):
            if status.get(group) != "shown":
                continue
            if inside[i] == n_scored[group]:
                contained += n_scored[group]
            if inside[i] == size and 0 < n_scored[group] - size < min_group_size:
                return False
        if 0 < size - contained < min_group_size:
            return False
    return True


def _comparison_is_safe(
    comp: Comparison,
    prep: _Prepared,
    t: int,
    mask_a: np.ndarray,
    mask_b: np.ndarray,
    statuses: Mapping[str, list[dict[str, str]]],
    counts: Mapping[str, _DimensionCounts],
    min_group_size: int,
) -> bool:
    """Whether a comparison's sides can be published in theme ``t``.

    A side that is a single group must itself be shown. Each side, and everyone outside
    both sides (whom the theme total less the two sides gives away), must pass
    :func:`_publishing_is_safe`.
    """
    status = statuses[comp.dimension][t]
    for side in (comp.a, comp.b):
        if side is not None and len(side) == 1 and status.get(side[0]) in _SUPPRESSED:
            return False
    rest = ~(mask_a | mask_b)
    return all(
        _publishing_is_safe(subset, prep, t, statuses, counts, min_group_size)
        for subset in (mask_a, mask_b, rest)
    )


def _side_mask(matrix: ResponseMatrix, dimension: str, labels: Iterable[str] | None, exclude=()):
    lab = matrix.labels[dimension]
    if labels is None:
        wanted = [i for i, c in enumerate(lab.categories) if c not in set(exclude)]
    else:
        wanted = [i for i, c in enumerate(lab.categories) if c in set(labels)]
    return np.isin(lab.codes, np.array(wanted, dtype=np.int64))


def _two_sample(a: np.ndarray, b: np.ndarray) -> dict:
    """n, mean, difference (a - b), Welch and Cliff's delta for two samples of
    theme scores (NaN already removed)."""
    na, nb = int(a.size), int(b.size)
    mean_a = _num(a.mean()) if na else None
    mean_b = _num(b.mean()) if nb else None
    diff = (mean_a - mean_b) if (mean_a is not None and mean_b is not None) else None
    t, p = welch_t_test(a, b)
    delta = cliffs_delta(a, b)
    return {
        "n_a": na,
        "n_b": nb,
        "mean_a": mean_a,
        "mean_b": mean_b,
        "difference": diff,
        "welch_t": t,
        "welch_p": p,
        "cliffs_delta": delta,
        "magnitude": cliffs_magnitude(delta),
    }


_SUPPRESSED = ("suppressed_primary", "suppressed_complementary")

_EMPTY_COMPARISON = {
    "n_a": None,
    "n_b": None,
    "mean_a": None,
    "mean_b": None,
    "difference": None,
    "welch_t": None,
    "welch_p": None,
    "welch_p_holm": None,
    "cliffs_delta": None,
    "magnitude": None,
}


def analyse_round(framework: Framework, matrix: ResponseMatrix, *, min_group_size: int) -> dict:
    """Analyse one survey round.

    Returns a dict with ``n_respondents``, ``min_group_size``, ``themes``,
    ``items``, ``groups`` and ``comparisons`` (see ``docs/methodology.md``).

    Items
        Statistics use valid (1..max) answers after reverse-keyed items are
        recoded. ``frequencies`` are counts of the *recoded* values.
        ``pct_positive`` and its Wilson interval are percentages (0-100);
        ``dont_know_share`` is a proportion (0-1) of valid + "Don't know"
        answers.

    Themes
        A respondent's theme score is the mean of their valid recoded answers
        to the theme's k items, provided at least ceil(k/2) (and at least one)
        are valid; otherwise they are excluded from that theme. The theme mean,
        SD and t interval are over theme scores. ``rwg_j``/``rstar_wg_j`` use
        the mean of the item variances, each truncated at sigma^2_EU; items
        with fewer than two valid answers have no variance and are left out,
        and J is the number of items that do have one. ``alpha`` is Cronbach's
        alpha on complete cases and needs at least 30 of them and two items.

    Groups
        One row per dimension x group x theme for every group with at least
        one respondent in the round, groups in label order. Suppression is
        decided per dimension *and theme* on n scored, the number of the
        group's respondents with a score in that theme: n scored == 0 ->
        ``empty`` (``n`` 0, ``mean`` None); 0 < n scored < ``min_group_size``
        -> ``suppressed_primary``; if exactly one group in the dimension and
        theme is primary-suppressed, the smallest other group with n scored > 0
        in that dimension and theme (ties: alphabetically first label) ->
        ``suppressed_complementary``; otherwise ``shown`` with ``n`` = n scored
        (always at least ``min_group_size``) and its ``mean``. Suppressed rows
        have ``n`` and ``mean`` set to None. Respondents without a label in a
        dimension form no group.

    Comparisons
        One row per comparison in :data:`COMPARISONS` x theme. A comparison is
        computed for a theme only if both sides have at least
        ``min_group_size`` respondents with a score in that theme and, for a
        side that is a single named group, that group is not suppressed
        (primary or complementary) in that theme's group rows, so no
        suppressed value can be recovered from a comparison. Otherwise every
        statistic of that row, including ``n_a`` and ``n_b``, is None. In
        computed rows ``n_a``/``n_b`` are the numbers of scored respondents,
        ``difference`` is ``mean_a - mean_b`` and ``welch_p_holm`` is
        Holm-adjusted over the computed themes of that comparison that have a
        p value.
    """
    min_group_size = _check_min_group_size(min_group_size)
    prep = _prepare(framework, matrix)
    themes = [_theme_row(prep, t) for t in range(len(framework.themes))]

    groups: list[dict] = []
    # statuses[dim][t][group]: suppression status of a group in theme t
    statuses, counts = _all_statuses(prep, min_group_size)
    for dim in DIMENSIONS:
        lab = matrix.labels[dim]
        by_theme = statuses[dim]
        # Respondents sorted by label (stably, so each group keeps its members in their
        # original order): every group's theme scores are then one slice, so a dimension
        # costs one sort instead of a pass over all respondents for every group.
        order = np.argsort(lab.codes, kind="stable")
        bounds = np.searchsorted(lab.codes[order], np.arange(len(lab.categories) + 1))
        sorted_scores = prep.theme_scores[order]
        for ci, category in enumerate(lab.categories):
            if not by_theme or category not in by_theme[0]:
                continue
            members = slice(bounds[ci], bounds[ci + 1])
            for t, theme in enumerate(framework.themes):
                status = by_theme[t][category]
                row = {
                    "dimension": dim,
                    "group": category,
                    "theme": theme.id,
                    "n": None,
                    "status": status,
                    "mean": None,
                }
                if status == "empty":
                    row["n"] = 0
                elif status == "shown":
                    col = sorted_scores[members, t]
                    col = col[~np.isnan(col)]
                    row["n"] = int(col.size)
                    row["mean"] = _num(col.mean())
                groups.append(row)

    comparisons: list[dict] = []
    for comp in COMPARISONS:
        mask_a = _side_mask(matrix, comp.dimension, comp.a)
        mask_b = _side_mask(matrix, comp.dimension, comp.b, exclude=comp.a)
        rows = []
        for t, theme in enumerate(framework.themes):
            row = {"name": comp.name, "theme": theme.id, **_EMPTY_COMPARISON}
            a = prep.theme_scores[mask_a, t]
            b = prep.theme_scores[mask_b, t]
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            available = (
                a.size >= min_group_size
                and b.size >= min_group_size
                and _comparison_is_safe(
                    comp, prep, t, mask_a, mask_b, statuses, counts, min_group_size
                )
            )
            if available:
                row.update(_two_sample(a, b))
            rows.append(row)
        adjusted = holm([r["welch_p"] for r in rows])
        for r, p in zip(rows, adjusted, strict=True):
            r["welch_p_holm"] = p
        comparisons.extend(rows)

    return {
        "n_respondents": matrix.n_respondents,
        "min_group_size": min_group_size,
        "themes": themes,
        "items": prep.items,
        "groups": groups,
        "comparisons": comparisons,
    }


def analyse_change(
    framework_from: Framework,
    matrix_from: ResponseMatrix,
    framework_to: Framework,
    matrix_to: ResponseMatrix,
    *,
    min_group_size: int,
) -> dict:
    """Change from an earlier round ("from") to a later one ("to").

    Themes present in both frameworks (same id, in ``framework_to`` order):
    each round's respondent theme scores, computed with that round's own
    framework, are compared as independent samples exactly like a comparison
    with a = "to" and b = "from": ``difference = mean_to - mean_from``,
    ``welch_t`` has the same sign, ``cliffs_delta`` is positive when "to"
    scores tend to be higher, and ``welch_p_holm`` is Holm-adjusted over the
    themes that have a p value.

    Items present in both frameworks (same id, in ``framework_to`` order):
    ``pct_positive_from``/``pct_positive_to`` are percentages (0-100),
    ``difference_pp = 100 * (p_to - p_from)`` in percentage points, ``z`` is
    the pooled two-proportion z statistic of p_to - p_from with its two-sided
    ``p``, and ``p_holm``/``p_bh`` are Holm and Benjamini-Hochberg adjusted
    over all compared items that have a p value.

    Both frameworks must use the same :class:`Scale` (``ValueError`` otherwise).
    Each round is treated like a comparison side: if either round has fewer
    than ``min_group_size`` respondents, the rows are still listed but every
    value in them (apart from ``id``) is None.
    """
    min_group_size = _check_min_group_size(min_group_size)
    if framework_from.scale != framework_to.scale:
        raise ValueError("rounds on different answer scales cannot be compared")
    prep_from = _prepare(framework_from, matrix_from)
    prep_to = _prepare(framework_to, matrix_to)
    available = (
        matrix_from.n_respondents >= min_group_size and matrix_to.n_respondents >= min_group_size
    )

    theme_index_from = {th.id: t for t, th in enumerate(framework_from.themes)}
    theme_rows: list[dict] = []
    for t_to, theme in enumerate(framework_to.themes):
        if theme.id not in theme_index_from:
            continue
        row: dict[str, Any] = {
            "id": theme.id,
            "mean_from": None,
            "mean_to": None,
            "difference": None,
            "welch_t": None,
            "welch_p": None,
            "welch_p_holm": None,
            "cliffs_delta": None,
        }
        if available:
            a = prep_to.theme_scores[:, t_to]
            b = prep_from.theme_scores[:, theme_index_from[theme.id]]
            res = _two_sample(a[~np.isnan(a)], b[~np.isnan(b)])
            row.update(
                mean_from=res["mean_b"],
                mean_to=res["mean_a"],
                difference=res["difference"],
                welch_t=res["welch_t"],
                welch_p=res["welch_p"],
                cliffs_delta=res["cliffs_delta"],
            )
        theme_rows.append(row)
    for r, p in zip(theme_rows, holm([r["welch_p"] for r in theme_rows]), strict=True):
        r["welch_p_holm"] = p

    item_index_from = {item.id: j for j, item in enumerate(framework_from.items)}
    item_rows: list[dict] = []
    for j_to, item in enumerate(framework_to.items):
        if item.id not in item_index_from:
            continue
        j_from = item_index_from[item.id]
        row = {
            "id": item.id,
            "pct_positive_from": None,
            "pct_positive_to": None,
            "difference_pp": None,
            "z": None,
            "p": None,
            "p_holm": None,
            "p_bh": None,
        }
        if available:
            before, after = prep_from.items[j_from], prep_to.items[j_to]
            row["pct_positive_from"] = before["pct_positive"]
            row["pct_positive_to"] = after["pct_positive"]
            n_from, n_to = before["n_valid"], after["n_valid"]
            if n_from and n_to:
                x_from = prep_from.item_extras[j_from]["x_positive"]
                x_to = prep_to.item_extras[j_to]["x_positive"]
                row["difference_pp"] = 100.0 * (x_to / n_to - x_from / n_from)
                row["z"], row["p"] = two_proportion_z(x_from, n_from, x_to, n_to)
        item_rows.append(row)
    pvals = [r["p"] for r in item_rows]
    for r, ph, pb in zip(item_rows, holm(pvals), benjamini_hochberg(pvals), strict=True):
        r["p_holm"] = ph
        r["p_bh"] = pb

    return {"themes": theme_rows, "items": item_rows}

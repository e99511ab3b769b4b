"""How the report shows the numbers of a results document: wording, rounding, ordering.

Everything here reads a document made by :func:`stackup.results.document.results_document`
and never computes a statistic of its own beyond simple arithmetic on the document's
numbers (differences and averages of theme means for the balance check), so the report,
the exports and the JSON cannot disagree. Suppressed and missing values arrive as None
and leave here as words, never as numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stackup.results import charts, starters
from stackup.results.document import comment_threshold

#: A theme whose mean is at least this many scale points above or below the mean of the
#: other themes' means is "far" from them: the theme balance page warns about it.
BALANCE_THRESHOLD = 0.75

#: rwg below this: "very mixed views"; from it up to :data:`SIMILAR_VIEWS`: "mixed views".
MIXED_VIEWS = 0.5
#: rwg at or above this: "similar views".
SIMILAR_VIEWS = 0.7

#: How many items the agreement page offers as conversation starters.
CONVERSATION_STARTERS = 5

#: A p value (after adjusting for many tests) below this is called unlikely to be chance.
SIGNIFICANCE = 0.05

MINUS = "\u2212"

BANDS = {
    "strength": gettext_lazy("Strength"),
    "borderline": gettext_lazy("Borderline"),
    "concern": gettext_lazy("Concern"),
}
BAND_TAG_CLASSES = {
    "strength": "govuk-tag--green",
    "borderline": "govuk-tag--yellow",
    "concern": "govuk-tag--red",
}
MAGNITUDES = {
    "negligible": gettext_lazy("negligible"),
    "small": gettext_lazy("small"),
    "medium": gettext_lazy("medium"),
    "large": gettext_lazy("large"),
}
DIMENSIONS = {
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "role_level": gettext_lazy("Role level"),
    "organisation": gettext_lazy("Organisation"),
}
COMPARISON_SIDES = {
    "service_users_vs_professionals": (
        gettext_lazy("People who use services"),
        gettext_lazy("Everyone else"),
    ),
    "frontline_vs_leaders": (gettext_lazy("Frontline staff"), gettext_lazy("Senior leaders")),
}
COMPARISON_TITLES = {
    "service_users_vs_professionals": gettext_lazy(
        "People who use services compared with everyone else"
    ),
    "frontline_vs_leaders": gettext_lazy("Frontline staff compared with senior leaders"),
}

# Whole sentences, so that translators see each one complete.
# (comparison, magnitude, direction) -> sentence; direction is "lower" or "higher".
_GAP_SENTENCES = {
    ("service_users_vs_professionals", "small", "lower"): gettext_lazy(
        "People who use services rate “%(theme)s” a little lower than everyone else does."
    ),
    ("service_users_vs_professionals", "medium", "lower"): gettext_lazy(
        "People who use services rate “%(theme)s” lower than everyone else does."
    ),
    ("service_users_vs_professionals", "large", "lower"): gettext_lazy(
        "People who use services rate “%(theme)s” much lower than everyone else does."
    ),
    ("service_users_vs_professionals", "small", "higher"): gettext_lazy(
        "People who use services rate “%(theme)s” a little higher than everyone else does."
    ),
    ("service_users_vs_professionals", "medium", "higher"): gettext_lazy(
        "People who use services rate “%(theme)s” higher than everyone else does."
    ),
    ("service_users_vs_professionals", "large", "higher"): gettext_lazy(
        "People who use services rate “%(theme)s” much higher than everyone else does."
    ),
    ("service_users_vs_professionals", "negligible", None): gettext_lazy(
        "People who use services and everyone else rate “%(theme)s” about the same."
    ),
    ("frontline_vs_leaders", "small", "lower"): gettext_lazy(
        "Frontline staff rate “%(theme)s” a little lower than senior leaders do."
    ),
    ("frontline_vs_leaders", "medium", "lower"): gettext_lazy(
        "Frontline staff rate “%(theme)s” lower than senior leaders do."
    ),
    ("frontline_vs_leaders", "large", "lower"): gettext_lazy(
        "Frontline staff rate “%(theme)s” much lower than senior leaders do."
    ),
    ("frontline_vs_leaders", "small", "higher"): gettext_lazy(
        "Frontline staff rate “%(theme)s” a little higher than senior leaders do."
    ),
    ("frontline_vs_leaders", "medium", "higher"): gettext_lazy(
        "Frontline staff rate “%(theme)s” higher than senior leaders do."
    ),
    ("frontline_vs_leaders", "large", "higher"): gettext_lazy(
        "Frontline staff rate “%(theme)s” much higher than senior leaders do."
    ),
    ("frontline_vs_leaders", "negligible", None): gettext_lazy(
        "Frontline staff and senior leaders rate “%(theme)s” about the same."
    ),
}


# --- Numbers as text ------------------------------------------------------------------------


def not_available() -> str:
    return _("Not available")


def hidden() -> str:
    """What stands in for any suppressed value, whichever rule hid it."""
    return _("Hidden to protect anonymity")


def number(value: float | None, places: int = 2) -> str:
    """A number rounded for reading, British style (1,234.57); a word when there is none."""
    if value is None:
        return not_available()
    text = f"{value:,.{places}f}"
    if float(text.replace(",", "")) == 0:
        return text.lstrip("-")
    return text.replace("-", MINUS)


def whole(value: int | None) -> str:
    return not_available() if value is None else f"{value:,d}"


def signed(value: float | None, places: int = 2) -> str:
    """A difference with its sign: +0.25, \u22120.25 (0.00 when it rounds to nothing)."""
    if value is None:
        return not_available()
    text = f"{abs(value):,.{places}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def percent(value: float | None, places: int = 0) -> str:
    """A percentage given from 0 to 100: 36%."""
    if value is None:
        return not_available()
    return f"{value:,.{places}f}%"


def share(value: float | None, places: int = 0) -> str:
    """A share given from 0 to 1, as a percentage: 0.062 → 6%."""
    return not_available() if value is None else percent(100.0 * value, places)


def p_value(value: float | None) -> str:
    if value is None:
        return not_available()
    if value < 0.001:
        return _("less than 0.001")
    return f"{value:.3f}"


def band_label(band: str | None) -> str:
    return str(BANDS[band]) if band in BANDS else not_available()


def band_tag_class(band: str | None) -> str:
    return BAND_TAG_CLASSES.get(band or "", "govuk-tag--grey")


def agreement_label(rwg: float | None) -> str:
    """Plain words for an rwg value."""
    if rwg is None:
        return not_available()
    if rwg < MIXED_VIEWS:
        return _("Very mixed views")
    if rwg < SIMILAR_VIEWS:
        return _("Mixed views")
    return _("Similar views")


def significance_label(p: float | None) -> str:
    if p is None:
        return not_available()
    if p < SIGNIFICANCE:
        return _("Unlikely to be chance")
    return _("Could be chance")


def gap_sentence(name: str, theme_title: str, difference: float | None, magnitude: str | None):
    """A plain sentence about one comparison, or None when it was not made."""
    if difference is None or magnitude is None:
        return None
    direction = None if magnitude == "negligible" else ("lower" if difference < 0 else "higher")
    template = _GAP_SENTENCES.get((name, magnitude, direction))
    return None if template is None else str(template) % {"theme": theme_title}


# --- The report ----------------------------------------------------------------------------


@dataclass
class ThemeView:
    id: str
    title: str
    description: str
    row: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)
    change: dict[str, Any] | None = None
    comments: dict[str, Any] | None = None

    @property
    def band(self) -> str:
        return band_label(self.row.get("band"))

    @property
    def band_class(self) -> str:
        return band_tag_class(self.row.get("band"))


@dataclass
class BalanceRow:
    theme: ThemeView
    mean: float | None
    others: float | None
    difference: float | None

    @property
    def far_ahead(self) -> bool:
        return self.difference is not None and self.difference >= BALANCE_THRESHOLD

    @property
    def far_behind(self) -> bool:
        return self.difference is not None and self.difference <= -BALANCE_THRESHOLD


@dataclass
class GroupCell:
    status: str
    n: int | None
    mean: float | None

    @property
    def hidden(self) -> bool:
        return self.status in ("suppressed_primary", "suppressed_complementary")

    @property
    def text(self) -> str:
        if self.hidden:
            return hidden()
        if self.status == "empty" or self.mean is None:
            return _("No scores")
        return number(self.mean)


@dataclass
class GroupRow:
    label: str
    cells: list[GroupCell]


@dataclass
class Gap:
    name: str
    theme: ThemeView
    row: dict[str, Any]
    sentence: str

    @property
    def magnitude(self) -> str:
        return str(MAGNITUDES.get(self.row["magnitude"], not_available()))


class Report:
    """A results document with the lookups and wording the report pages need."""

    def __init__(self, document: Mapping[str, Any]):
        self.document = document
        self.labels = document["labels"]
        self.available = bool(document["available"])
        self.min_group_size = document["min_group_size"]
        self.n_respondents = document["n_respondents"]
        self.scale = self.labels["scale"]

    # Themes and items

    @cached_property
    def themes(self) -> list[ThemeView]:
        items_by_theme: dict[str, list] = {}
        for item in self.document["items"]:
            items_by_theme.setdefault(item["theme"], []).append(item)
        change = {row["id"]: row for row in (self.document["change"] or {}).get("themes", [])}
        comments = {row["theme"]: row for row in self.document["comments"]}
        views = []
        for row in self.document["themes"]:
            label = self.labels["themes"].get(row["id"], {})
            views.append(
                ThemeView(
                    id=row["id"],
                    title=label.get("title", row["id"]),
                    description=label.get("description", ""),
                    row=row,
                    items=items_by_theme.get(row["id"], []),
                    change=change.get(row["id"]),
                    comments=comments.get(row["id"]),
                )
            )
        return views

    def theme(self, theme_id: str) -> ThemeView | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def theme_title(self, theme_id: str) -> str:
        return self.labels["themes"].get(theme_id, {}).get("title", theme_id)

    def statement(self, item_id: str) -> str:
        return self.labels["items"].get(item_id, {}).get("statement", item_id)

    def item_label(self, item_id: str) -> dict[str, Any]:
        return self.labels["items"].get(item_id, {})

    def scale_labels(self) -> list[tuple[str, str]]:
        return list(self.scale["labels"].items())

    # Balance

    @cached_property
    def balance(self) -> list[BalanceRow]:
        """Each theme's mean against the mean of the other themes' means."""
        means = {t.id: t.row["mean"] for t in self.themes}
        rows = []
        for theme in self.themes:
            mean = means[theme.id]
            others = [m for tid, m in means.items() if tid != theme.id and m is not None]
            other_mean = sum(others) / len(others) if others else None
            difference = mean - other_mean if mean is not None and other_mean is not None else None
            rows.append(BalanceRow(theme, mean, other_mean, difference))
        return rows

    @property
    def balance_warnings(self) -> list[BalanceRow]:
        return [row for row in self.balance if row.far_ahead or row.far_behind]

    # Agreement

    @cached_property
    def items_by_agreement(self) -> list[dict[str, Any]]:
        """Items from the least agreement to the most (see :func:`starters.by_disagreement`)."""
        return starters.by_disagreement(self.document["items"])

    @property
    def conversation_starters(self) -> list[dict[str, Any]]:
        return [i for i in self.items_by_agreement if i["rwg"] is not None][:CONVERSATION_STARTERS]

    # Perspectives

    def group_rows(self, dimension: str) -> list[GroupRow]:
        """One row per group of ``dimension``, one cell per theme (in theme order)."""
        names = self.labels["groups"].get(dimension, {})
        order = [t.id for t in self.themes]
        cells: dict[str, dict[str, GroupCell]] = {}
        for row in self.document["groups"]:
            if row["dimension"] != dimension:
                continue
            cells.setdefault(row["group"], {})[row["theme"]] = GroupCell(
                row["status"], row["n"], row["mean"]
            )
        rows = []
        for group, by_theme in cells.items():
            rows.append(
                GroupRow(
                    label=str(names.get(group, group)),
                    cells=[by_theme.get(tid, GroupCell("empty", 0, None)) for tid in order],
                )
            )
        return sorted(rows, key=lambda r: r.label.casefold())

    def dimensions(self) -> list[tuple[str, str, list[GroupRow]]]:
        out = []
        for dimension, title in DIMENSIONS.items():
            rows = self.group_rows(dimension)
            if rows:
                out.append((dimension, str(title), rows))
        return out

    def comparisons(self, name: str) -> list[dict[str, Any]]:
        return [row for row in self.document["comparisons"] if row["name"] == name]

    def compared(self, name: str) -> bool:
        """Whether any theme of comparison ``name`` was computed (so a chart is worth drawing)."""
        return any(row["difference"] is not None for row in self.comparisons(name))

    def comparison_names(self) -> list[str]:
        seen = []
        for row in self.document["comparisons"]:
            if row["name"] not in seen:
                seen.append(row["name"])
        return seen

    @cached_property
    def gaps(self) -> list[Gap]:
        """Every computed comparison with a sentence, the biggest effect first."""
        gaps = []
        for row in self.document["comparisons"]:
            theme = self.theme(row["theme"])
            if theme is None:
                continue
            sentence = gap_sentence(row["name"], theme.title, row["difference"], row["magnitude"])
            if sentence is None:
                continue
            gaps.append(Gap(row["name"], theme, row, sentence))
        return sorted(gaps, key=lambda g: -abs(g.row["cliffs_delta"] or 0.0))

    @property
    def biggest_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.row["magnitude"] != "negligible"][:5]

    # Benefits, barriers, comments, change

    def benefit_title(self, benefit_id: str) -> str:
        return self.labels["benefits"].get(benefit_id, benefit_id)

    def barrier_title(self, barrier_id: str) -> str:
        return self.labels["barriers"].get(barrier_id, barrier_id)

    @property
    def benefits(self) -> list[dict[str, Any]]:
        """Benefits, the one most often said to be achieved first."""
        return sorted(
            self.document["benefits"],
            key=lambda b: (b["share_achieved"] is None, -(b["share_achieved"] or 0.0)),
        )

    @property
    def barriers(self) -> list[dict[str, Any]]:
        return list(self.document["barriers"])

    @property
    def comment_threshold(self) -> int:
        return comment_threshold(self.min_group_size)

    @property
    def change(self) -> dict[str, Any] | None:
        return self.document["change"]

    @property
    def change_available(self) -> bool:
        change = self.change
        return bool(change) and any(row["mean_to"] is not None for row in change["themes"])

    # Charts: the same rounded numbers as the tables beside them

    def overview_chart(self, chart_id: str = "theme-scores-chart"):
        bars = []
        for theme in self.themes:
            row = theme.row
            text = (
                _("%(score)s, %(band)s") % {"score": number(row["mean"]), "band": theme.band}
                if row["mean"] is not None
                else not_available()
            )
            bars.append(
                charts.ScoreBar(
                    label=theme.title,
                    value=row["mean"],
                    low=row["ci95_low"],
                    high=row["ci95_high"],
                    text=text,
                )
            )
        return charts.score_chart(
            bars,
            chart_id=chart_id,
            title=_("Theme scores from 1 to 5, with 95% confidence intervals"),
            scale_min=self.scale["min"],
            scale_max=self.scale["max"],
        )

    def item_shares(self, item: Mapping[str, Any]) -> list[float] | None:
        """Each answer's percentage of the item's valid answers, lowest answer first."""
        n = item["n_valid"]
        frequencies = item["frequencies"]
        if not n or any(v is None for v in frequencies.values()):
            return None
        return [100.0 * (frequencies[key] or 0) / n for key, _label in self.scale_labels()]

    def theme_chart(self, theme: ThemeView, chart_id: str = "distribution-chart"):
        bars = []
        for item in theme.items:
            shares = self.item_shares(item)
            bars.append(
                charts.StackedBar(
                    label=item["id"],
                    shares=shares,
                    texts=[percent(s) for s in shares] if shares else (),
                    empty_text=_("No answers"),
                )
            )
        return charts.stacked_chart(
            bars,
            chart_id=chart_id,
            title=_("How people answered each statement of “%(theme)s”") % {"theme": theme.title},
            categories=[label for _key, label in self.scale_labels()],
        )

    def comparison_chart(self, name: str, chart_id: str):
        sides = tuple(str(s) for s in COMPARISON_SIDES.get(name, (name, "")))
        bars = []
        for row in self.comparisons(name):
            bars.append(
                charts.PairBar(
                    label=self.theme_title(row["theme"]),
                    values=(row["mean_a"], row["mean_b"]),
                    texts=(number(row["mean_a"]), number(row["mean_b"])),
                    empty_text=_("Not compared: too few people to protect anonymity"),
                )
            )
        return charts.pair_chart(
            bars,
            chart_id=chart_id,
            title=str(COMPARISON_TITLES.get(name, name)),
            sides=(sides[0], sides[1]),
            scale_min=self.scale["min"],
            scale_max=self.scale["max"],
        )

    def benefits_chart(self, chart_id: str = "benefits-chart"):
        bars = [
            charts.Bar(
                label=self.benefit_title(b["id"]),
                value=None if b["share_achieved"] is None else 100.0 * b["share_achieved"],
                text=share(b["share_achieved"]),
            )
            for b in self.benefits
        ]
        return charts.bar_chart(
            bars,
            chart_id=chart_id,
            title=_("Share of people who said each benefit has been achieved"),
            maximum=100.0,
            ticks=[(v, f"{v:.0f}%") for v in (0, 25, 50, 75, 100)],
        )

    def barriers_chart(self, chart_id: str = "barriers-chart"):
        bars = [
            charts.Bar(label=self.barrier_title(b["id"]), value=b["mean"], text=number(b["mean"]))
            for b in self.barriers
        ]
        return charts.bar_chart(
            bars,
            chart_id=chart_id,
            title=_("How much each barrier gets in the way, from 0 (not at all) to 3 (a lot)"),
            maximum=3.0,
            ticks=[(v, str(v)) for v in (0, 1, 2, 3)],
        )

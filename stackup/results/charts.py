"""Charts of the results report as small, hand-written inline SVG.

Every function is pure: data in (numbers, and the texts to print, already translated and
rounded by the caller), an SVG string out. No JavaScript, no fonts, no external files. Each
chart is an ``<svg role="img">`` named by its ``<title>`` through ``aria-labelledby``; the
page shows a table with the same numbers beside it, so the chart is never the only way to
read them. Colours are never the only way either: every bar carries its number as text,
and the answer categories of the stacked bars are told apart by pattern and by order too.

Coordinates are rounded to one decimal place and the element count kept low, so a chart
of a few dozen bars stays a few kilobytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
FONT = 'font-family="arial, sans-serif"'
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
BAR = "#1d70b8"
SECOND = "#f3f2f1"  # the paler bar of a pair, hatched and outlined

# The answer categories of a 1-5 scale, from least to most favourable: fill, text colour
# and pattern ("" solid, "hatch" diagonal lines, "dots").
CATEGORY_STYLES = [
    ("#a8341b", "#ffffff", ""),
    ("#f4a582", TEXT, "hatch"),
    ("#dedede", TEXT, "dots"),
    ("#92c5de", TEXT, "hatch-back"),
    ("#1d5a8c", "#ffffff", ""),
]


def _n(value: float) -> str:
    """A coordinate rounded to one decimal place, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _open(chart_id: str, title: str, height: float, description: str = "") -> list[str]:
    labelled = f"{chart_id}-title" + (f" {chart_id}-desc" if description else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__svg" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="{WIDTH}" height="{_n(height)}" '
        f'role="img" aria-labelledby="{labelled}" {FONT} font-size="14" fill="{TEXT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    return parts


def _text(x: float, y: float, content: str, extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}"{(" " + extra) if extra else ""}>{escape(content)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}" '
        f'fill="{fill}"{(" " + extra) if extra else ""}/>'
    )


def _scale_ticks(
    x: Callable[[float], float], scale_min: int, scale_max: int, *, top: float, bottom: float
) -> list[str]:
    """A grid line from ``top`` to ``bottom`` at each point of the scale, numbered below."""
    parts = []
    for tick in range(scale_min, scale_max + 1):
        parts.append(
            f'<path d="M{_n(x(tick))} {_n(top)}V{_n(bottom)}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x(tick), bottom + 18, str(tick), 'text-anchor="middle"'))
    return parts


def _patterns(chart_id: str, styles: Sequence[tuple[str, str, str]]) -> str:
    defs = []
    for index, (fill, _colour, pattern) in enumerate(styles):
        if not pattern:
            continue
        pid = f"{chart_id}-p{index}"
        if pattern == "dots":
            mark = '<circle cx="3" cy="3" r="1" fill="#505a5f"/>'
        else:
            line = "M0 6L6 0" if pattern == "hatch" else "M0 0L6 6"
            mark = f'<path d="{line}" stroke="#505a5f" stroke-width="0.8"/>'
        defs.append(
            f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{fill}"/>{mark}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, index: int, styles: Sequence[tuple[str, str, str]]) -> str:
    fill, _colour, pattern = styles[index]
    return f"url(#{chart_id}-p{index})" if pattern else fill


# --- Theme scores with their intervals -----------------------------------------------------


@dataclass(frozen=True)
class ScoreBar:
    label: str  # the theme's title
    value: float | None  # the mean, or None when there is none to draw
    low: float | None = None  # the 95% interval, when there is one
    high: float | None = None
    text: str = ""  # what is printed beside the bar: the rounded mean and its band


def score_chart(
    bars: Sequence[ScoreBar],
    *,
    chart_id: str,
    title: str,
    scale_min: int = 1,
    scale_max: int = 5,
    description: str = "",
) -> Markup:
    """Horizontal bars from the scale's bottom to each mean, with whiskers for the interval."""
    left, right = 10.0, WIDTH - 130.0
    span = right - left

    def x(value: float) -> float:
        return left + span * (value - scale_min) / (scale_max - scale_min)

    row = 48.0
    top = 8.0
    height = top + row * len(bars) + 30.0
    parts = _open(chart_id, title, height, description)
    bottom = top + row * len(bars)
    parts.extend(_scale_ticks(x, scale_min, scale_max, top=top, bottom=bottom))
    for i, bar in enumerate(bars):
        y = top + row * i
        parts.append(_text(left, y + 15, bar.label))
        if bar.value is None:
            parts.append(_text(left, y + 36, bar.text))
            continue
        parts.append(_rect(left, y + 22, x(bar.value) - left, 18, BAR))
        end = x(bar.value)
        if bar.low is not None and bar.high is not None:
            lo, hi = x(max(bar.low, scale_min)), x(min(bar.high, scale_max))
            mid = y + 31
            parts.append(
                f'<path d="M{_n(lo)} {_n(mid)}H{_n(hi)}M{_n(lo)} {_n(mid - 7)}V{_n(mid + 7)}'
                f'M{_n(hi)} {_n(mid - 7)}V{_n(mid + 7)}" stroke="{TEXT}" stroke-width="2"/>'
            )
            end = max(end, hi)
        parts.append(_text(end + 6, y + 36, bar.text))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


# --- Item distributions as 100% stacked bars -----------------------------------------------


@dataclass(frozen=True)
class StackedBar:
    label: str  # a short label: the item's id
    shares: Sequence[float] | None  # percentages (0-100) per category, None when no answers
    texts: Sequence[str] = ()  # the rounded percentages, printed inside wide enough segments
    empty_text: str = ""  # printed instead of a bar when there are no answers


def stacked_chart(
    bars: Sequence[StackedBar],
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    description: str = "",
) -> Markup:
    """One 100% bar per item, categories left (least favourable) to right (most)."""
    styles = CATEGORY_STYLES if len(categories) == 5 else _styles_for(len(categories))
    left, right = 70.0, WIDTH - 10.0
    span = right - left
    row = 34.0
    top = 6.0
    legend_top = top + row * len(bars) + 10
    height = legend_top + 22 * len(categories) + 4
    parts = _open(chart_id, title, height, description)
    parts.append(_patterns(chart_id, styles))
    for i, bar in enumerate(bars):
        y = top + row * i
        parts.append(_text(0, y + 19, bar.label))
        if bar.shares is None:
            parts.append(_text(left, y + 19, bar.empty_text))
            continue
        x = left
        for c, value in enumerate(bar.shares):
            width = span * value / 100.0
            if width <= 0:
                continue
            parts.append(_rect(x, y, width, 26, _fill(chart_id, c, styles), 'stroke="#ffffff"'))
            if width >= 34 and c < len(bar.texts):
                colour = styles[c][1]
                parts.append(
                    _text(
                        x + width / 2,
                        y + 18,
                        bar.texts[c],
                        f'text-anchor="middle" fill="{colour}" font-weight="bold"',
                    )
                )
            x += width
    for c, name in enumerate(categories):
        y = legend_top + 22 * c
        parts.append(_rect(left, y, 28, 16, _fill(chart_id, c, styles), f'stroke="{TEXT}"'))
        parts.append(_text(left + 36, y + 13, name))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _styles_for(count: int) -> list[tuple[str, str, str]]:
    """Styles for a scale that is not 5 points: spread over the five defined ones."""
    if count <= 1:
        return CATEGORY_STYLES[2:3]
    picks = [round(i * 4 / (count - 1)) for i in range(count)]
    return [CATEGORY_STYLES[p] for p in picks]


# --- Pairs of bars (perspectives) and single bars (benefits, barriers) ---------------------


@dataclass(frozen=True)
class PairBar:
    label: str  # the theme's title
    values: tuple[float | None, float | None]
    texts: tuple[str, str]
    empty_text: str = ""  # printed when the pair was not compared


def pair_chart(
    bars: Sequence[PairBar],
    *,
    chart_id: str,
    title: str,
    sides: tuple[str, str],
    scale_min: int = 1,
    scale_max: int = 5,
    description: str = "",
) -> Markup:
    """Two bars per theme, one per side of a comparison: solid for the first, hatched for the
    second, each with its mean printed at its end and the side named in the legend."""
    styles = [(BAR, "#ffffff", ""), (SECOND, TEXT, "hatch")]
    left, right = 10.0, WIDTH - 80.0
    span = right - left

    def x(value: float) -> float:
        return left + span * (value - scale_min) / (scale_max - scale_min)

    top = 56.0
    row = 62.0
    bottom = top + row * len(bars)
    height = bottom + 28
    parts = _open(chart_id, title, height, description)
    parts.append(_patterns(chart_id, styles))
    for s, name in enumerate(sides):
        parts.append(
            _rect(left, 6 + 22 * s, 28, 16, _fill(chart_id, s, styles), f'stroke="{TEXT}"')
        )
        parts.append(_text(left + 36, 19 + 22 * s, name))
    parts.extend(_scale_ticks(x, scale_min, scale_max, top=top, bottom=bottom))
    for i, bar in enumerate(bars):
        y = top + row * i
        parts.append(_text(left, y + 14, bar.label))
        if bar.values[0] is None or bar.values[1] is None:
            parts.append(_text(left, y + 36, bar.empty_text))
            continue
        for s, value in enumerate(bar.values):
            by = y + 20 + 19 * s
            parts.append(
                _rect(left, by, x(value) - left, 16, _fill(chart_id, s, styles), f'stroke="{TEXT}"')
            )
            parts.append(_text(x(value) + 6, by + 13, bar.texts[s]))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    maximum: float,
    ticks: Sequence[tuple[float, str]] = (),
    description: str = "",
) -> Markup:
    """Horizontal bars from 0 to ``maximum``, each with its number printed at its end."""
    left, right = 10.0, WIDTH - 80.0
    span = right - left

    def x(value: float) -> float:
        return left + span * min(max(value, 0.0), maximum) / maximum

    row = 44.0
    top = 6.0
    bottom = top + row * len(bars)
    height = bottom + (28 if ticks else 6)
    parts = _open(chart_id, title, height, description)
    for value, label in ticks:
        parts.append(
            f'<path d="M{_n(x(value))} {_n(top)}V{_n(bottom)}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x(value), bottom + 18, label, 'text-anchor="middle"'))
    for i, bar in enumerate(bars):
        y = top + row * i
        parts.append(_text(left, y + 14, bar.label))
        if bar.value is None:
            parts.append(_text(left, y + 34, bar.text))
            continue
        parts.append(_rect(left, y + 20, x(bar.value) - left, 18, BAR))
        parts.append(_text(x(bar.value) + 6, y + 34, bar.text))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()

"""Pure chart builders: DataFrame + view in, `alt.Chart` out. No Streamlit here.

Every chart carries its title, a unit subtitle and a source line, so an exported image is the
same chart as on screen (render with `theme=None`). Suppressed counts (<5) are drawn as a distinct
mark with a '<5' label, never as a zero-length bar; a country without a figure shows 'no data'; a zero is
written '0' on the bar charts (its bar has no length).

Encodings are given as channel objects (`alt.Text("label:N")`, not `"label:N"`): from a string or a dict
Altair finds the channel's class by hashing every schema class, about 2 ms a channel (vega/altair#3547),
a tenth of a chart's build.
"""

from __future__ import annotations

import json
import textwrap

import altair as alt
import pandas as pd

from components.core import i18n, style
from components.core.i18n import N_
from components.draw import altair_use
from etl.countries import COUNTRY_ORDER

SUPPRESSED_NOTE = N_("◆ <5 = a count between 1 and 4, withheld by the source; never drawn as 0")
# in a rate's unit a withheld count is its range (1 to 4 persons over the population), never '<5'
SUPPRESSED_RATE_NOTE = N_(
    "◆ a count of 1 to 4 persons withheld by the source, shown as its range in this unit; never drawn as 0"
)
RATE_WITHHELD_LABEL = N_("1–4 persons")

altair_use.setup()  # Altair's schema check off outside the tests, a faster path from DataFrames to rows


def _suppressed_note(rows: pd.DataFrame) -> str:
    rate = "unit" in rows.columns and rows["unit"].isin(style.RATE_UNITS).any()
    return i18n._(SUPPRESSED_RATE_NOTE if rate else SUPPRESSED_NOTE)


def _wrap(lines: list[str], width: int = 120) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line:
            out.extend(textwrap.wrap(line, width=width, break_long_words=False) or [line])
    return out


def _title(title: str, subtitle: list[str]) -> alt.TitleParams:
    """The chart's title. The subtitle holds its paragraphs here; `_configure` wraps them to the export
    width and keeps the paragraphs in usermeta, so the screen can rewrap them to the chart's width."""
    return alt.TitleParams(
        text=title,
        subtitle=[x for x in subtitle if x],
        anchor="start",
        fontSize=16,
        subtitleFontSize=12,
        subtitleColor="#444444",
        font=style.FONT,
        subtitleFont=style.FONT,
        offset=10,
    )


# Built once: Altair's configure_* calls copy and validate the whole chart each time.
# aria=False (accessibility): no ARIA role or label per mark, axis or legend, so a screen reader meets
# one chart with one name and description (the page's alt text on the chart element) and the table
# below it, not every data point with internal field names ("category_order: 0; persons: null").
_CONFIG = (
    alt.Chart()
    .configure(font=style.FONT, background="#ffffff", aria=False)
    .configure_view(stroke=None)
    .configure_mark(aria=False)
    .configure_axis(
        labelFontSize=12,
        titleFontSize=12,
        gridColor="#e6e6e6",
        labelColor=style.CHART_TEXT,
        titleColor=style.CHART_TEXT,
        aria=False,
    )
    .configure_legend(
        labelFontSize=12,
        titleFontSize=12,
        orient="bottom",
        direction="horizontal",
        labelColor=style.CHART_TEXT,
        titleColor=style.CHART_TEXT,
        aria=False,
    )
    .configure_header(labelFontSize=13, titleFontSize=13, labelColor=style.CHART_TEXT, titleColor=style.CHART_TEXT)
    .configure_title(subtitleColor=style.CHART_SUBTEXT, aria=False)
).config


_LOCALE_CONFIGS: dict[str, alt.Config] = {}


def _config() -> alt.Config:
    """The shared config, with the number format of the run's language (axes: '1 000', '25,2' in et, lv, lt,
    ru; Vega's `config.locale`, honoured on screen and by vl-convert in the image files)."""
    lang = i18n.lang()
    if lang == i18n.DEFAULT:
        return _CONFIG
    if lang not in _LOCALE_CONFIGS:
        from babel.numbers import get_decimal_symbol, get_group_symbol

        cfg = _CONFIG.copy(deep=True)
        cfg.locale = {
            "number": {
                "decimal": get_decimal_symbol(lang),
                "thousands": get_group_symbol(lang),
                "grouping": [3],
                "currency": ["", "\u00a0€"],
            }
        }
        _LOCALE_CONFIGS[lang] = cfg
    return _LOCALE_CONFIGS[lang]


def _configure(chart):
    """Set the shared config and the title's lines on a chart its builder has just made (in place: a copy of a
    layered chart makes each layer again, a third of a trend chart's build)."""
    chart.config = _config()
    t = chart.title
    if isinstance(t, alt.TitleParams) and isinstance(t.subtitle, list):
        # the paragraphs, for reflow_title; the spec's own lines are wrapped for the export width
        meta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
        chart.usermeta = {**meta, "subtitle": list(t.subtitle)}
        t = t.copy(deep=False)
        t.subtitle = _wrap(t.subtitle)
        chart.title = t
    return chart


# Reflow (WCAG 1.4.10): in a narrow chart (a phone, 400 % zoom, a card) the title and subtitle wrap
# instead of being cut with "…". The on-screen spec (ui/page_data.py: screen_spec) holds the lines wrapped at a
# few widths and picks the widest that fits the chart's width (its container's, at least the plot's: Vega's
# `width` signal, so that the choice follows a resize); for small multiples, which have
# no one width, the window's width less the page's margins. A line's width is estimated from its
# characters: _TITLE_EM / _SUBTITLE_EM em per character, measured on the widest fallback font a browser
# may use (DejaVu Sans: 0.57 em bold, 0.55 em regular), with some room to spare; the browser test
# (tests/e2e/test_chart_titles_e2e.py) checks the rendered lines against the chart's width.
# The plain title stays in usermeta["title"]; exports render from the spec without this, at a fixed width.
_TITLE_EM = 0.62  # bold, 16 px
_SUBTITLE_EM = 0.58  # regular, 12 px
_TITLE_CHARS = (64, 52, 44, 36, 30, 26, 22, 18, 14)
_SUBTITLE_CHARS = (120, 100, 86, 74, 64, 56, 48, 42, 36, 30, 26, 22)
_CONTAINER_MARGIN_PX = 8  # Vega's padding inside the chart's container (5 px) and a little more
_WINDOW_MARGIN_PX = 48  # the page's side padding around a chart on a phone (16 px each side) and a little more


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


def wrap_ladder(paragraphs: list[str], chars: tuple[int, ...], keep_first: bool = False) -> list[list[str]]:
    """The paragraphs wrapped at each width in `chars` (characters a line), widest first, without repeats.
    `keep_first`: the first version is the paragraphs as they are (a title that fits unwrapped)."""
    out: list[list[str]] = [list(paragraphs)] if keep_first else []
    for n in chars:
        lines = [x for p in paragraphs for x in _lines(p, n)]
        if not out or lines != out[-1]:
            out.append(lines)
    return out


def _line_px(lines: list[str], font_px: float, em: float) -> float:
    return max((len(x) for x in lines), default=0) * em * font_px


def _pick(versions: list[list[str]], font_px: float, em: float, avail: str):
    """A Vega expression choosing the widest version whose longest line fits `avail` pixels (the last,
    narrowest version otherwise); the plain value when there is only one version."""
    if len(versions) == 1:
        return versions[0]
    expr = json.dumps(versions[-1])
    for v in reversed(versions[:-1]):
        expr = f"{avail} >= {_line_px(v, font_px, em):.0f} ? {json.dumps(v)} : {expr}"
    return {"expr": expr}


def reflow_title(spec: dict, plot_height: bool = True) -> dict:
    """A copy of `spec` (top level only) whose title and subtitle wrap to the chart's width on screen.

    `plot_height`: the chart's height is its plot's (as in the exports), so a wrapped title makes the
    chart taller rather than the plot smaller; False keeps the whole chart at its height (slides)."""
    t = spec.get("title")
    if not isinstance(t, dict) or not isinstance(t.get("text"), str):
        return spec
    t = dict(t)
    single = not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat"))
    # the title spans the whole chart (axis labels, direct labels), not only the plot (`width`): the
    # chart's container is its width on the page; `width` in the expression makes it follow a resize
    avail = (
        f"max(width, containerSize()[0] - {_CONTAINER_MARGIN_PX})"
        if single
        else f"(windowSize()[0] - {_WINDOW_MARGIN_PX})"
    )
    text = t["text"]
    title_px = float(t.get("fontSize") or 16)
    t["text"] = _pick(wrap_ladder([text], _TITLE_CHARS, keep_first=True), title_px, _TITLE_EM, avail)
    if isinstance(t["text"], list) and len(t["text"]) == 1:
        t["text"] = text
    sub = t.get("subtitle")
    paragraphs = (spec.get("usermeta") or {}).get("subtitle")
    if isinstance(sub, str):
        sub = [sub]
    if isinstance(sub, list) and sub:
        paragraphs = [str(x) for x in (paragraphs if isinstance(paragraphs, list) and paragraphs else sub)]
        versions = wrap_ladder(paragraphs, _SUBTITLE_CHARS)
        if versions[0] != [str(x) for x in sub]:  # the spec's own lines first, for a wide chart
            versions.insert(0, [str(x) for x in sub])
        t["subtitle"] = _pick(versions, float(t.get("subtitleFontSize") or 12), _SUBTITLE_EM, avail)
    t["limit"] = 0  # no "…": a line that would not fit is wrapped instead
    out = dict(spec)
    out["title"] = t
    if plot_height and single and "autosize" not in spec:
        # fit the width only: the height is the plot's, as in the exports, so a title that wraps
        # makes the chart taller instead of squeezing the plot
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    out["usermeta"] = {**(spec.get("usermeta") or {}), "title": text}
    return out


def legend_columns(labels, font_px: float = 12, symbol_px: float = 26, avail: str = "width") -> dict:
    """Legend entries in one row when they fit the chart's width, else in as many columns as fit (one at
    least), so that a legend under a phone-sized chart wraps instead of running off its edge."""
    entries = [len(str(x)) * _SUBTITLE_EM * font_px + symbol_px for x in labels] or [0.0]
    return {"expr": f"{avail} >= {sum(entries):.0f} ? 0 : max(1, floor({avail} / {max(entries):.0f}))"}


def _axis_title(text: str, chars: int = 34) -> list[str] | str:
    """An axis title on lines of at most `chars` characters (never cut with "…")."""
    lines = _lines(text, chars)
    return lines[0] if len(lines) == 1 else lines


def _country_scale(codes, labels) -> alt.Scale:
    return alt.Scale(domain=list(labels), range=[style.country_color(c) for c in codes])


def _empty(title: str, subtitle: list[str], message: str | None = None) -> alt.Chart:
    c = (
        alt.Chart(pd.DataFrame({"msg": [message or i18n._("No data for this selection")]}))
        .mark_text(fontSize=16, color=style.NO_DATA_COLOR, fontStyle="italic")
        .encode(text=alt.Text("msg:N"))
        .properties(width=style.CHART_WIDTH, height=120, title=_title(title, subtitle))
    )
    return _configure(c)


# ------------------------------------------------------------------------------------- compare

_BAR_PX = 44
_MIN_BAND_PX = 120
_LABEL_CHARS = 30


def compare_chart(
    data: pd.DataFrame,
    *,
    title: str,
    unit_text: str,
    source_line: str,
    stack: str = "stacked",
    value_format: str = ",.0f",
) -> alt.Chart:
    """Horizontal bars, one per country: stacked by category when the categories add up (exclusive),
    side by side when they overlap (a person can be in several: never stacked, never 100 %).

    `data` comes from `components.core.queries.compare_data` (status: value | suppressed | no_data | not_given;
    kind: exclusive | overlapping; confirmed: False for a figure known only from a weaker source).
    """
    overlapping = "kind" in data.columns and not data.empty and data["kind"].iloc[0] == "overlapping"
    is_total = data.empty or data["breakdown"].iloc[0] == "total"
    # 100 % applies to categories that add up: never over totals (an axis in persons) or overlapping ones
    percent = stack == "percent" and not is_total and not overlapping
    subtitle = [unit_text + (i18n._(" — shares of the known categories (100 %)") if percent else ""), source_line]
    if data.empty:
        return _empty(title, subtitle)
    d = data.copy()
    if "confirmed" not in d.columns:
        d["confirmed"] = True
    d["confirmed"] = d["confirmed"].fillna(True).astype(bool)
    order_codes = list(dict.fromkeys(d["country"]))
    order_labels = list(dict.fromkeys(d["country_label"]))
    vals = d[d["status"] == "value"].copy()
    supp = d[d["status"] == "suppressed"].copy()
    nod = d[d["status"] == "no_data"].copy()
    notgiven = d[d["status"] == "not_given"].copy()
    # where a bar ends: the position of the '<5' and 'no data' annotations
    ends = vals.groupby("country_label")["value"].max() if overlapping else vals.groupby("country_label")["value"].sum()
    if any(d["status"] == "suppressed"):
        subtitle.append(_suppressed_note(d))
    if overlapping:
        subtitle.append(
            i18n._("Categories overlap (one person or case can count in several): bars side by side, never added up")
        )
    if not d["confirmed"].all():
        subtitle.append(i18n._("Pale bars: unconfirmed figures (known only from news or secondary sources)"))
    if not notgiven.empty:
        subtitle.append(i18n._("'not given': the country's source gives this breakdown without that category"))
    y = alt.Y(
        "country_label:N",
        title=None,
        sort=order_labels,
        scale=alt.Scale(domain=order_labels),
        axis=alt.Axis(labelFontSize=13, labelFontWeight="bold"),
    )
    tooltip = [
        alt.Tooltip("country_label:N", title=i18n._("Country")),
        alt.Tooltip("category_label:N", title=i18n._("Category")),
        alt.Tooltip("shown:N", title=i18n._("Value")),
        alt.Tooltip("source_id:N", title=i18n._("Source id")),
        alt.Tooltip("flags:N", title=i18n._("Flags")),
    ]
    for f in (vals, supp, nod):
        f["shown"] = (
            [
                style.fmt_value(v, s_, u, lo, hi)
                for v, s_, u, lo, hi in zip(
                    f["value"],
                    f["suppressed"],
                    f["unit"],
                    f.get("value_low", f["value"]),
                    f.get("value_high", f["value"]),
                )
            ]
            if not f.empty
            else []
        )
    opacity = alt.OpacityValue(**alt.condition("datum.confirmed", alt.value(1.0), alt.value(0.4)))
    if percent:
        xfield = alt.X(
            "value:Q",
            stack="normalize",
            title=i18n._("share of known categories"),
            axis=alt.Axis(format="%", tickCount=5),
        )
    else:
        xfield = alt.X(
            "value:Q",
            stack=None if overlapping else "zero",
            title=_axis_title(unit_text),
            axis=alt.Axis(format=value_format.replace(".0f", "~f")),
        )
    cats = []
    if is_total:
        color = alt.Color("country_label:N", scale=_country_scale(order_codes, order_labels), legend=None)
    else:
        cats = list(dict.fromkeys(vals.sort_values("category_order")["category_label"])) + [
            c for c in dict.fromkeys(supp["category_label"]) if c not in set(vals["category_label"])
        ]
        color = alt.Color(
            "category_label:N",
            title=None,
            sort=cats,
            scale=alt.Scale(domain=cats, range=style.CATEGORY_COLORS[: max(len(cats), 1)]),
            legend=alt.Legend(columns=legend_columns(cats)),
        )
    enc = dict(x=xfield, y=y, color=color, opacity=opacity, tooltip=tooltip)
    if overlapping:
        enc["yOffset"] = alt.YOffset("category_label:N", sort=cats)
    else:
        enc["order"] = alt.Order("category_order:Q")
    # the plot at least CHART_HEIGHT tall from three bars on (a few countries get room, not a strip;
    # one or two bars _MIN_BAND_PX each); a bar at most _BAR_PX thick, so that few bars do not become blocks
    step = 56 if not overlapping else max(56, 22 * max(len(cats), 1))
    height = max(step * len(order_labels), min(style.CHART_HEIGHT, _MIN_BAND_PX * len(order_labels)))
    band = 0.85 if overlapping else min(0.6, _BAR_PX / (height / max(len(order_labels), 1)))
    bars = alt.Chart(vals).mark_bar(height={"band": round(band, 3)}).encode(**enc)
    layers = [bars]
    if not supp.empty:
        s = supp.copy()
        s["x"] = [1.0 if percent else float(ends.get(c, 0.0)) for c in s["country_label"]]
        for col in ("value_low", "value_high"):
            if col not in s.columns:
                s[col] = float("nan")
        grouped = (
            s.groupby(["country_label", "x"], sort=False)
            .agg(
                cats=("category_label", lambda x: ", ".join(c for c in x if c)),
                source_id=("source_id", "first"),
                unit=("unit", "first"),
                value_low=("value_low", "first"),
                value_high=("value_high", "first"),
            )
            .reset_index()
        )
        # on lines of at most _LABEL_CHARS characters (lineBreak), so a long list of categories stays
        # inside a phone-sized chart instead of running off its edge
        grouped["label"] = [
            "\n".join(_lines(style.withheld_text(u, lo, hi) + (f" ({c})" if c and not is_total else ""), _LABEL_CHARS))
            for c, u, lo, hi in zip(grouped["cats"], grouped["unit"], grouped["value_low"], grouped["value_high"])
        ]
        # a diamond at 0 sits on the axis, against the country's (or year's) name: moved right by its half-width
        grouped["off"] = [_AT_ZERO_DX if x == 0 else 0 for x in grouped["x"]]
        layers.append(
            alt.Chart(grouped)
            .mark_point(
                shape="diamond",
                size=120,
                filled=True,
                color=style.SUPPRESSED_COLOR,
                xOffset={"expr": "datum.off"},
            )
            .encode(
                x=alt.X("x:Q"),
                y=y,
                tooltip=[
                    alt.Tooltip("country_label:N", title=i18n._("Country")),
                    alt.Tooltip("label:N", title=i18n._("Suppressed")),
                    alt.Tooltip("source_id:N", title=i18n._("Source id")),
                ],
            )
        )
        layers.append(
            alt.Chart(grouped)
            .mark_text(
                align="left",
                dx=10,
                fontSize=12,
                color=style.SUPPRESSED_COLOR,
                lineBreak="\n",
                xOffset={"expr": "datum.off"},
            )
            .encode(x=alt.X("x:Q"), y=y, text=alt.Text("label:N"))
        )
    zeros = vals[vals["value"] == 0]
    if not zeros.empty:  # a zero bar has no length: '0' written where the bar ends, so it does not read as missing
        withheld = {}  # a row's '<5' text (its lines): the '0' goes under it
        if not supp.empty:
            withheld = {
                c: (la.count("\n") + 1, o)
                for c, la, o in zip(grouped["country_label"], grouped["label"], grouped["off"])
            }
        z = (
            zeros.groupby("country_label", sort=False)["category_label"]
            .agg(lambda x: ", ".join(c for c in x if c))
            .reset_index()
        )
        z["x"] = [1.0 if percent else float(ends.get(c, 0.0)) for c in z["country_label"]]
        z["label"] = [
            "\n".join(_lines(style.fmt_number(0) + (f" ({c})" if c and not is_total else ""), _LABEL_CHARS))
            for c in z["category_label"]
        ]
        z["dy"] = [_LINE_PX * withheld[c][0] if c in withheld else 0 for c in z["country_label"]]
        z["off"] = [10 + withheld[c][1] if c in withheld else 4 for c in z["country_label"]]
        layers.append(
            alt.Chart(z)
            .mark_text(
                align="left",
                fontSize=12,
                color=style.SUPPRESSED_COLOR,
                lineBreak="\n",
                xOffset={"expr": "datum.off"},
                yOffset={"expr": "datum.dy"},
            )
            .encode(x=alt.X("x:Q"), y=y, text=alt.Text("label:N"))
        )
    if not nod.empty:
        n = nod.copy()
        n["x"] = 0.0
        n["label"] = i18n._("no data")
        layers.append(
            alt.Chart(n)
            .mark_text(align="left", dx=4, fontSize=13, fontStyle="italic", color=style.NO_DATA_COLOR)
            .encode(x=alt.X("x:Q"), y=y, text=alt.Text("label:N"))
        )
    if not notgiven.empty:
        g = notgiven.groupby("country_label", sort=False)["category_label"].agg(lambda x: ", ".join(x)).reset_index()
        g["label"] = [
            "\n".join(_lines(i18n._("not given: {categories}").format(categories=c), _LABEL_CHARS + 6))
            for c in g["category_label"]
        ]
        if overlapping:  # right of the longest bar, a line below its '<5'
            g["x"] = [float(ends.get(c, 0.0)) for c in g["country_label"]]
            dx, dy = 10, 8
        else:  # under the bar, from its start: the note does not take the plot's width on a phone
            g["x"] = 0.0
            dx, dy = 2, round(band * height / max(len(order_labels), 1) / 2 + 3)
        layers.append(
            alt.Chart(g)
            .mark_text(
                align="left",
                baseline="top",
                dx=dx,
                dy=dy,
                fontSize=11,
                fontStyle="italic",
                color=style.NO_DATA_COLOR,
                lineBreak="\n",
            )
            .encode(x=alt.X("x:Q"), y=y, text=alt.Text("label:N"))
        )
    chart = alt.layer(*layers, width=style.CHART_WIDTH, height=height, title=_title(title, subtitle))
    return _configure(chart)


# --------------------------------------------------------------- not colour alone (WCAG 1.4.1)


def _country_shape(codes, labels, legend: alt.Legend | None = None) -> alt.Shape:
    """One marker shape per country (merged into the colour legend): lines differ by more than hue."""
    return alt.Shape(
        "country_label:N",
        title=None,
        sort=list(labels),
        legend=legend or alt.Undefined,
        scale=alt.Scale(domain=list(labels), range=[style.country_shape(c) for c in codes]),
    )


def line_end_labels(
    rows: pd.DataFrame, *, x, y, yfield: str, label: str = "country_label", min_gap: float = 0.075
) -> alt.Chart:
    """Direct labels: each line's name at its last drawn point, right of it, in dark text (4.5:1).

    Labels whose lines end close together are pushed apart vertically, by at least `min_gap` of the
    value range, so that none hides another; each stays as near its line's end as it can."""
    last = end_label_positions(rows, yfield=yfield, label=label, min_gap=min_gap)
    return (
        alt.Chart(last)
        .mark_text(align="left", baseline="middle", dx=9, fontSize=12, fontWeight="bold", color=style.CHART_TEXT)
        .encode(x=x, y=y, text=alt.Text(f"{label}:N"))
    )


def end_label_positions(
    rows: pd.DataFrame, *, yfield: str, label: str = "country_label", min_gap: float = 0.075
) -> pd.DataFrame:
    """Where line_end_labels puts each line's name: its last drawn year and a value (pushed apart)."""
    last = (
        rows[rows[yfield].notna()]
        .sort_values("year")
        .groupby(label, sort=False)
        .tail(1)
        .sort_values(yfield)
        .reset_index(drop=True)
    )
    last = last[[label, "year", yfield]].copy()
    vals = rows[yfield].dropna()
    span = float(vals.max() - vals.min()) if len(vals) else 0.0
    gap = span * min_gap
    pos = [float(v) for v in last[yfield]]
    for i in range(1, len(pos)):  # upwards: each label at least one gap above the one below
        pos[i] = max(pos[i], pos[i - 1] + gap)
    shift = (pos[-1] - float(vals.max())) if pos and pos[-1] > float(vals.max()) else 0.0
    if shift > 0:  # keep the top label inside the range, pushing the stack down as far as it fits
        pos = [p - shift for p in pos]
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - gap)
    last[yfield] = pos
    return last


# ------------------------------------------------------------------------------------- trends

_LINE_PX = 15  # px: one line of a 12 px annotation
_AT_ZERO_DX = 9  # px: a '<5' diamond at 0 clear of the axis and the country's or year's name beside it
_SUPPRESSED_DX = 7  # px between the '<5' marks of countries withheld in the same year


def suppressed_offsets(supp: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The suppressed rows with `dx`: the horizontal offset (px) of each country's '<5' mark, so that
    countries withheld in the same year stand side by side (in country order) instead of on top of
    each other; 0 for a country alone in its year."""
    s = supp.copy()
    order = {c: i for i, c in enumerate(codes)}
    s["_o"] = s["country"].map(order).fillna(len(order))
    s = s.sort_values(["year", "_o"])
    k = s.groupby("year")["country"].transform("size")
    i = s.groupby("year").cumcount()
    s["dx"] = ((i - (k - 1) / 2) * _SUPPRESSED_DX).astype(float)
    return s.drop(columns="_o")


def suppressed_labels(
    supp: pd.DataFrame,
    avoid: pd.DataFrame | None = None,
    *,
    span: float = 0.0,
    reach_years: int = 4,
    near: float = 0.15,
    label: str = "<5",
) -> pd.DataFrame:
    """One '<5' label per run of consecutive withheld years (any country), over the run's middle year
    and above its highest mark: labels on every point would run into each other (Vega-Lite's text
    marks do not avoid collisions), and the marks in the country colours say which country.

    `avoid`: the lines' end labels (columns year, value: end_label_positions), which run to the right
    of their year; a run's label is left out where one of them may cover it (up to `reach_years` to the
    right, within `near` × `span` in value). The diamonds stay, and the subtitle says what ◆ means."""
    runs = style.year_runs(supp["year"])
    top = supp.groupby("year")["value_high"].max()
    out = pd.DataFrame(
        {
            "year": [r[(len(r) - 1) // 2] for r in runs],
            "value_high": [float(max(top[y] for y in r)) for r in runs],
            "label": label,
        }
    )
    if avoid is not None and not avoid.empty and not out.empty:

        def covered(year, value):
            return any(
                0 <= year - int(ey) <= reach_years and abs(float(ev) - value) <= near * span
                for ey, ev in zip(avoid["year"], avoid["value"])
            )

        out = out[[not covered(y, v) for y, v in zip(out["year"], out["value_high"])]].reset_index(drop=True)
    return out


def trend_chart(
    data: pd.DataFrame,
    *,
    title: str,
    unit_text: str,
    source_line: str,
    indexed: bool = False,
    year_domain: tuple[int, int] | None = None,
) -> alt.Chart:
    """Lines per country; gaps stay gaps; '<5' as a range rule; breaks/source changes as markers."""
    subtitle = [unit_text, source_line]
    if data.empty:
        return _empty(title, subtitle)
    d = data.copy()
    yfield = "index" if indexed else "value"
    codes = [c for c in COUNTRY_ORDER if c in set(d["country"])] + sorted(set(d["country"]) - set(COUNTRY_ORDER))
    labels = [d.loc[d["country"] == c, "country_label"].iloc[0] for c in codes]
    # fill missing years with empty rows so the line breaks instead of bridging a gap
    lo = year_domain[0] if year_domain else int(d["year"].min())
    hi = year_domain[1] if year_domain else int(d["year"].max())
    full = pd.MultiIndex.from_product([codes, range(lo, hi + 1)], names=["country", "year"]).to_frame(index=False)
    full["country_label"] = full["country"].map(dict(zip(codes, labels)))
    if "segment" not in d.columns:
        d["segment"] = 0
    if "confirmed" not in d.columns:
        d["confirmed"] = True
    keep = list(
        dict.fromkeys(["country", "year", yfield, "value", "suppressed", "source_id", "flags", "segment", "confirmed"])
    )
    line_df = full.merge(d[keep], on=["country", "year"], how="left").sort_values(["country", "year"])
    # a missing year belongs to the segment before it, so the line breaks there instead of bridging it
    line_df["segment"] = line_df.groupby("country")["segment"].ffill().fillna(0).astype(int)
    line_df["series"] = line_df["country"] + "|" + line_df["segment"].astype(str)
    line_df["confirmed"] = line_df["confirmed"].fillna(True).astype(bool)
    unit = str(d["unit"].iloc[0]) if "unit" in d.columns and len(d) else "persons"
    rate = unit in style.RATE_UNITS
    lows = dict(zip(zip(d["country"], d["year"]), d["value_low"])) if "value_low" in d.columns else {}
    highs = dict(zip(zip(d["country"], d["year"]), d["value_high"])) if "value_high" in d.columns else {}
    line_df["shown"] = [
        style.withheld_text(unit, lows.get((c, y)), highs.get((c, y)))
        if s is True
        else style.fmt_number(v, "index" if indexed else unit)
        for c, y, v, s in zip(line_df["country"], line_df["year"], line_df[yfield], line_df["suppressed"])
    ]
    legend = alt.Legend(columns=legend_columns(labels))  # one legend for colour and shape: the same settings
    color = alt.Color("country_label:N", title=None, scale=_country_scale(codes, labels), sort=labels, legend=legend)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y_title = i18n._("index (base year = 100)") if indexed else unit_text
    y = alt.Y(f"{yfield}:Q", title=_axis_title(y_title), scale=alt.Scale(zero=not indexed))
    tooltip = [
        alt.Tooltip("country_label:N", title=i18n._("Country")),
        alt.Tooltip("year:O", title=i18n._("Year")),
        alt.Tooltip("shown:N", title=i18n._("Value")),
        alt.Tooltip("source_id:N", title=i18n._("Source id")),
        alt.Tooltip("flags:N", title=i18n._("Flags")),
    ]
    # one path per comparable segment: a series break or a change of source ends the line
    line = (
        alt.Chart(line_df)
        .mark_line(strokeWidth=2.5, invalid="break-paths-show-path-domains")
        .encode(x=x, y=y, color=color, detail=alt.Detail("series:N"))
    )
    drawn = line_df[line_df[yfield].notna()]
    shape = _country_shape(codes, labels, legend)  # not colour alone: a marker shape per country
    pts = (
        alt.Chart(drawn[drawn["confirmed"]])
        .mark_point(filled=True, size=40)
        .encode(x=x, y=y, color=color, tooltip=tooltip, shape=shape)
    )
    if not drawn["confirmed"].all():
        subtitle.append(i18n._("○ hollow marker: unconfirmed figure (known only from news or secondary sources)"))
    weak = (
        alt.Chart(drawn[~drawn["confirmed"]])
        .mark_point(filled=False, size=70, strokeWidth=2)
        .encode(x=x, y=y, color=color, tooltip=tooltip, shape=shape)
    )
    supp = d[d["suppressed"]]
    # a line's name goes after its last mark: a '<5' diamond too (drawn at its upper bound), so that the
    # name does not sit on the diamonds of the years after the line's last value
    label_rows = line_df[["country_label", "year", yfield]]
    if not supp.empty and not indexed:
        label_rows = pd.concat(
            [label_rows, supp[["country_label", "year", "value_high"]].rename(columns={"value_high": yfield})],
            ignore_index=True,
        )
    layers = [line, pts, weak, line_end_labels(label_rows, x=x, y=y, yfield=yfield)]
    if not supp.empty and not indexed:
        s = suppressed_offsets(supp, codes)
        s["label"] = [style.withheld_text(unit, lo, hi) for lo, hi in zip(s["value_low"], s["value_high"])]
        # countries withheld in the same year sit side by side (dx), each in its colour
        layers.append(
            alt.Chart(s)
            .mark_rule(strokeWidth=3, strokeDash=[2, 2], xOffset={"expr": "datum.dx"})
            .encode(x=x, y=alt.Y("value_low:Q"), y2=alt.Y2("value_high:Q"), color=color)
        )
        layers.append(
            alt.Chart(s)
            .mark_point(shape="diamond", size=90, filled=True, xOffset={"expr": "datum.dx"})
            .encode(
                x=x,
                y=alt.Y("value_high:Q"),
                color=color,
                tooltip=[
                    alt.Tooltip("country_label:N", title=i18n._("Country")),
                    alt.Tooltip("year:O", title=i18n._("Year")),
                    alt.Tooltip("label:N", title=i18n._("Value")),
                ],
            )
        )
        ends = end_label_positions(label_rows, yfield=yfield).rename(columns={yfield: "value"})
        span = float(line_df[yfield].max() - line_df[yfield].min()) if line_df[yfield].notna().any() else 0.0
        layers.append(
            alt.Chart(suppressed_labels(s, ends, span=span, label=i18n._(RATE_WITHHELD_LABEL) if rate else "<5"))
            .mark_text(dy=-12, fontSize=11, color=style.SUPPRESSED_COLOR)
            .encode(x=x, y=alt.Y("value_high:Q"), text=alt.Text("label:N"))
        )
        subtitle.append(_suppressed_note(d))
    marks = d[d["marker"] != ""].copy()
    marks = marks[marks[yfield].notna()]
    if not marks.empty:
        marks["symbol"] = marks["marker"].map({"break": i18n._("▼ break"), "source": i18n._("▽ source change")})
        layers.append(
            alt.Chart(marks)
            .mark_point(shape="triangle-down", size=140, filled=False, strokeWidth=2, yOffset=-12)
            .encode(
                x=x,
                y=y,
                color=color,
                tooltip=[
                    alt.Tooltip("country_label:N", title=i18n._("Country")),
                    alt.Tooltip("year:O", title=i18n._("Year")),
                    alt.Tooltip("marker_note:N", title=i18n._("Note")),
                ],
            )
        )
        subtitle.append(i18n._("▽ series break or change of source: the line starts again (see the notes)"))
    chart = alt.layer(*layers, width=style.CHART_WIDTH, height=style.CHART_HEIGHT, title=_title(title, subtitle))
    return _configure(chart)


def sparkline(series: pd.DataFrame, *, country: str, title: str) -> alt.Chart:
    """A small trend line for a card. `series`: rows with period_start, value, suppressed."""
    d = series[["period_start", "value", "suppressed"]].rename(columns={"period_start": "year"}).copy()
    if d.empty:
        return _empty(title, [], i18n._("no data"))
    full = pd.DataFrame({"year": range(int(d["year"].min()), int(d["year"].max()) + 1)})
    d = full.merge(d, on="year", how="left")
    col = style.country_color(country)
    first, last = int(d["year"].min()), int(d["year"].max())
    top = float(d["value"].max()) if d["value"].notna().any() else 0.0
    # a minimal scale: 0 and the highest value on y, the first and last year on x
    small = dict(title=None, ticks=False, domain=False, labelFontSize=10, labelColor=style.CHART_TEXT)
    x = alt.X(
        "year:Q",
        scale=alt.Scale(domain=[first, last], nice=False),
        axis=alt.Axis(values=sorted({first, last}), format="d", labelFlush=True, grid=False, labelPadding=3, **small),
    )
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(domain=[0, top or 1], nice=False),
        axis=alt.Axis(
            values=sorted({0.0, top}),
            format=",~f",
            grid=True,
            gridColor="#eeeeee",
            labelPadding=4,
            labelFlush=True,
            **small,
        ),
    )
    base = alt.Chart(d).encode(x=x, y=y)
    line = base.mark_line(color=col, strokeWidth=2, invalid="break-paths-show-path-domains")
    pts = base.mark_point(color=col, filled=True, size=12).encode(
        tooltip=[
            alt.Tooltip("year:O", title=i18n._("Year")),
            alt.Tooltip("value:Q", title=i18n._("Value"), format=",.0f"),
        ]
    )
    chart = alt.layer(
        line,
        pts,
        width="container",
        height=64,
        title=alt.TitleParams(title, fontSize=11, anchor="start", color="#444444", font=style.FONT),
    )
    return _configure(chart)


# ------------------------------------------------------------------------------- justice chain

CHAIN_PANEL_WIDTH = 640  # a panel's width in files; on screen each panel takes the column's width
CHAIN_PANEL_HEIGHT = {1: 320, 2: 200}  # plot height per panel by number of countries; more: CHAIN_PANEL_MIN
CHAIN_PANEL_MIN = 160


def chain_chart(
    data: pd.DataFrame,
    *,
    title: str,
    unit_text: str,
    source_line: str,
    stage_order: list[str],
    panel_notes: dict[str, str] | None = None,
) -> alt.Chart:
    """Small multiples, one panel per country, stacked: one line per stage (victims → … → convicted) over
    the years, each stage with its own colour, point shape and dash (style.STAGE_STYLES), victims and
    convicted thicker. Every panel has the same y scale and the same years. Stacked rather than side by
    side so that each panel takes the column's width (one country: the whole width; a phone: no panel cut
    off); the screen fits the width (autosize fit-x), files draw at CHAIN_PANEL_WIDTH. `panel_notes`:
    country label -> a line under the country's name (the conversion line)."""
    subtitle = [unit_text, source_line]
    if data.empty:
        return _empty(title, subtitle)
    d = data.copy()
    codes = dict(zip(d["stage"], d["indicator"]))
    stages = [s for s in stage_order if s in codes]
    looks = [style.stage_style(codes[s]) for s in stages]
    d["shown"] = [style.fmt_value(v, s, u) for v, s, u in zip(d["value"], d["suppressed"], d["unit"])]
    d["plot"] = d["value"].where(~d["suppressed"], d["value_high"])
    labels = [
        d.loc[d["country"] == c, "country_label"].iloc[0]
        for c in sorted(set(d["country"]), key=lambda c: (COUNTRY_ORDER + (c,)).index(c))
    ]
    years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
    # complete the grid so lines break at missing years instead of bridging them
    grid = pd.MultiIndex.from_product([labels, stages, years], names=["country_label", "stage", "year"]).to_frame(
        index=False
    )
    d = grid.merge(d, on=["country_label", "stage", "year"], how="left")
    d["suppressed"] = d["suppressed"].fillna(False).astype(bool)
    d["value"] = d["value"].where(~d["suppressed"])
    # three columns, fewer when the window is narrower than three of its longest entries (a phone: the panels'
    # legend ran off the edge in lv/lt/ru); a file has no window (windowSize() is undefined there): three
    entry = max(len(str(x)) for x in stages) * _SUBTITLE_EM * 12 + 30 if stages else 0
    avail = f"(windowSize()[0] - {_WINDOW_MARGIN_PX})"
    columns = {"expr": f"windowSize()[0] > 0 && {avail} < {3 * entry:.0f} ? max(1, floor({avail} / {entry:.0f})) : 3"}
    legend = alt.Legend(
        title=None,
        orient="bottom",
        direction="horizontal",
        columns=columns,
        symbolSize=90,
        symbolStrokeWidth=2,
        labelLimit=0,
    )
    color = alt.Color(
        "stage:N", sort=stages, legend=legend, scale=alt.Scale(domain=stages, range=[c for c, _, _ in looks])
    )
    shape = alt.Shape(
        "stage:N", sort=stages, legend=legend, scale=alt.Scale(domain=stages, range=[sh for _, sh, _ in looks])
    )
    dash = alt.StrokeDash(
        "stage:N",
        sort=stages,
        legend=None,
        scale=alt.Scale(domain=stages, range=[dsh or [1, 0] for _, _, dsh in looks]),
    )
    thick = [s for s in stages if codes[s] in style.STAGE_EMPHASIS]
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=True))  # one y scale for all panels (resolve below)
    y_plot = alt.Y("plot:Q", title=None)
    tooltip = [
        alt.Tooltip("country_label:N", title=i18n._("Country")),
        alt.Tooltip("year:O", title=i18n._("Year")),
        alt.Tooltip("stage:N", title=i18n._("Stage")),
        alt.Tooltip("shown:N", title=i18n._("Value")),
        alt.Tooltip("source_id:N", title=i18n._("Source id")),
    ]
    height = CHAIN_PANEL_HEIGHT.get(len(labels), CHAIN_PANEL_MIN)
    notes = panel_notes or {}

    base = alt.Chart().encode(x=x, color=color)
    line = base.mark_line(invalid="break-paths-show-path-domains").encode(
        y=y,
        strokeDash=dash,
        detail=alt.Detail("stage:N"),
        strokeWidth=alt.StrokeWidthValue(
            **alt.condition(alt.FieldOneOfPredicate(field="stage", oneOf=thick), alt.value(3), alt.value(1.6))
        ),
    )
    pts = (
        base.mark_point(filled=True, size=45, opacity=1)
        .transform_filter("isValid(datum.value)")
        .encode(y=y, shape=shape, tooltip=tooltip)
    )
    supp = (
        base.transform_filter("datum.suppressed")
        .mark_point(shape="diamond", size=70, filled=True)
        .encode(y=y_plot, tooltip=tooltip)
    )
    layers = [line, pts, supp]

    def panel(label: str) -> alt.LayerChart:
        # built with constructors, not .properties()/.transform_filter(): each of those copies the whole chart
        head = alt.TitleParams(
            text=label,
            subtitle=notes.get(label) or "",
            anchor="start",
            fontSize=14,
            fontWeight="bold",
            subtitleFontSize=12,
            subtitleColor=style.CHART_TEXT,
            font=style.FONT,
            subtitleFont=style.FONT,
            offset=6,
        )
        return alt.LayerChart(
            layer=layers,
            width=CHAIN_PANEL_WIDTH,
            height=height,
            title=head,
            transform=[alt.FilterTransform(filter=alt.FieldEqualPredicate(field="country_label", equal=label))],
        )

    if d["suppressed"].any():
        subtitle.append(i18n._(SUPPRESSED_NOTE) + i18n._(" (drawn at 4)"))
    shared = alt.Resolve(
        scale=alt.ScaleResolveMap(color="shared", shape="shared", strokeDash="shared", x="shared", y="shared"),
        legend=alt.LegendResolveMap(color="shared", shape="shared"),
    )
    d = d[["country_label", "stage", "year", "value", "plot", "suppressed", "shown", "source_id"]]
    chart = alt.VConcatChart(
        vconcat=[panel(lab) for lab in labels],
        data=d,
        spacing=24,
        resolve=shared,
        title=_title(title, subtitle),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )
    return _configure(chart)


# ------------------------------------------------------------------------------------ coverage

COVERAGE_STATUSES = (
    N_("value"),
    N_("suppressed (<5)"),
    N_("unconfirmed only"),
    N_("no preferred value"),
    N_("no data"),
)


def coverage_chart(cov: pd.DataFrame, *, title: str, source_line: str) -> alt.Chart:
    """Heatmap: indicator × year, one panel per country; colour = what exists, text = n sources."""
    subtitle = [i18n._("Cell = one country-year-indicator total; number = how many sources give it"), source_line]
    if cov.empty:
        return _empty(title, subtitle)
    d = cov.copy()
    statuses = [i18n._(s) for s in COVERAGE_STATUSES]
    d["status"] = [i18n._(s) for s in d["status"]]  # the builder's English statuses, shown translated
    inds = list(dict.fromkeys(d.sort_values("indicator_order")["indicator_label"]))
    base = alt.Chart().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("indicator_label:N", title=None, sort=inds),
    )
    rect = base.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "status:N",
            title=None,
            scale=alt.Scale(domain=statuses, range=["#56B4E9", "#E69F00", "#F0E6A0", "#CC79A7", "#EEEEEE"]),
        ),
        tooltip=[
            alt.Tooltip("country_label:N", title=i18n._("Country")),
            alt.Tooltip("year:O", title=i18n._("Year")),
            alt.Tooltip("indicator_label:N", title=i18n._("Indicator")),
            alt.Tooltip("status:N", title=i18n._("Status")),
            alt.Tooltip("n_sources:Q", title=i18n._("Sources")),
        ],
    )
    text = (
        base.mark_text(fontSize=10, color="#000000")
        .transform_filter("datum.n_sources > 0")
        .encode(text=alt.Text("n_sources:Q"))
    )
    labels = [
        d.loc[d["country"] == c, "country_label"].iloc[0]
        for c in sorted(set(d["country"]), key=lambda c: (COUNTRY_ORDER + (c,)).index(c))
    ]
    chart = (
        alt.layer(rect, text, data=d)
        .properties(width=style.CHART_WIDTH, height=22 * max(len(inds), 3))
        .facet(
            row=alt.Row(
                "country_label:N",
                title=None,
                sort=labels,
                header=alt.Header(labelFontWeight="bold", labelAngle=0, labelAlign="left"),
            )
        )
        .properties(title=_title(title, subtitle))
    )
    return _configure(chart)

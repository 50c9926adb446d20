"""Overview: the latest official figure per country as cards, each with its small trend line; the main
figure is the line chart of registered victims behind the cards (its export, its slide)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.builders.common import span_text
from components.builders.trends import lines
from components.core import i18n, queries as q
from components.core.cite import source_line
from components.core.figure import Figure, PageBuild, years_covered
from components.core.i18n import N_
from components.core.queries import DEFINITION_FLAG
from components.core.style import fmt_number, fmt_value
from components.draw.charts import sparkline
from components.view.state import Resolved

INDICATOR = "victims"


@dataclass(frozen=True, eq=False)
class Card:
    """Everything a country's card says, as text (the page only lays it out). Without an official figure
    (`year` None) only `country_label` and `newer` are filled."""

    country: str
    country_label: str
    year: int | None
    metric_label: str = ""
    value: str | None = None
    delta: str | None = None  # the change against the previous year ("+3 vs 2021"), None when not shown
    delta_arrow: str = "off"  # "up" or "down" with a change (the text's minus is typographic: '−35')
    change_note: str = ""  # why there is no change shown (a series break, a suppressed value)
    newer: str = ""  # newer or other figures than the card's
    comparability: str = ""  # "Not comparable: …" when the year counts something else
    rate: str = ""  # the rate per million (markdown), with the EU27 benchmark where comparable
    rate_missing: str = ""  # why there is no rate
    forms: tuple[str, tuple[tuple[str, str], ...]] | None = None  # (heading, ((form, number), …))
    flags: str = ""
    source: str = ""
    spark: Figure | None = None  # the small trend line
    series: pd.DataFrame | None = None  # the rows of the trend line


@dataclass(frozen=True, eq=False)
class OverviewPage:
    cards: tuple[Card, ...]
    years: str  # a note when the latest year with data differs by country ("" when it does not)
    numbers: pd.DataFrame  # the numbers behind the cards


def build(ds, r: Resolved, options) -> PageBuild[OverviewPage]:
    cb, t = ds.codebook, ds.table
    countries = list(r.countries)
    label = cb.indicator_label(INDICATOR)
    cards = [card_text(c, ds, label) for c in q.overview_cards(t, cb, countries)]
    main = lines(ds, indicator=INDICATOR, measure="absolute", countries=countries, key="overview")
    numbers = pd.DataFrame(
        [
            {
                N_("Country"): c.country_label,
                N_("Year"): int(r.period_start),
                label: fmt_value(r.value, r.suppressed, r.unit),
                N_("Source id"): r.source_id,
                N_("Flags"): cb.flags_text(r.flags or ""),  # the flags' labels, never their codes
            }
            for c in cards
            for r in c.series.itertuples()
        ]
    )
    return PageBuild(
        (main, *(c.spark for c in cards if c.spark is not None)),
        OverviewPage(cards=tuple(cards), years=_years_note(cards, cb), numbers=numbers),
    )


def _years_note(cards, cb) -> str:
    years = {c.country: c.year for c in cards if c.year}
    if len(set(years.values())) > 1:
        return i18n._("The latest year with data differs by country: {years}.").format(
            years=", ".join(f"{cb.country_label(c)} {y}" for c, y in years.items())
        )
    return ""


def card_text(card: dict, ds, label: str) -> Card:
    """Everything a card says, as text (the page only lays it out)."""
    cb = ds.codebook
    base = dict(
        country=card["country"],
        country_label=card["country_label"],
        year=card["year"],
        newer=_newer_line(card),
        series=card["series"],
    )
    if card["year"] is None:
        return Card(**base, metric_label=f"{label}, {card['year']}")
    delta, arrow = None, "off"
    if card["change"] is not None:
        # '+3', '−35' (a true minus sign, as the reader writes it), '0'; the arrow is given, not read from the text
        change = card["change"]
        sign = "+" if change > 0 else "\u2212" if change < 0 else ""
        delta = i18n._("{change} vs {year}").format(change=sign + fmt_number(abs(change)), year=card["prev_year"])
        arrow = "up" if change > 0 else "down" if change < 0 else "off"
    comparability, rate, rate_missing, forms = "", "", "", None
    differs = DEFINITION_FLAG in str(card["flags"]).split(";")
    if differs:  # said in words before any comparison; no EU benchmark beside a figure that counts something else
        note = cb.definition_note(card["country"], INDICATOR, card["year"]) or cb.flag_meaning(DEFINITION_FLAG)
        comparability = i18n._("Not comparable: {note}").format(note=note)
    if card["per_million"] is not None or card["per_million_suppressed"]:
        pm = (
            i18n._("fewer than 5 persons")
            if card["per_million_suppressed"]
            else f"**{fmt_number(card['per_million'], 'per_million')}** {cb.unit_label('per_million')}"
        )
        rate = pm + ("" if differs else _eu_text(ds, card["year"]))
    else:
        rate_missing = i18n._(
            "No rate per million for {year}: the dataset holds no official population "
            "figure (statistics office or Eurostat) for that year."
        ).format(year=card["year"])
    if card["top_forms"]:
        fy = card["forms_year"]
        when = str(fy) if fy == card["year"] else i18n._("{year}, the latest year with this breakdown").format(year=fy)
        forms = (
            i18n._("Main forms of exploitation ({when})").format(when=when),
            tuple((n, fmt_number(v)) for n, v in card["top_forms"]),
        )
    return Card(
        **base,
        metric_label=f"{label}, {card['year']}",
        value=fmt_value(card["value"], card["suppressed"], card["unit"]),
        delta=delta,
        delta_arrow=arrow,
        change_note=card["change_note"],
        comparability=comparability,
        rate=rate,
        rate_missing=rate_missing,
        forms=forms,
        flags=cb.flags_text(card["flags"]) if card["flags"] else "",
        source=source_line(q.source_ids_of(pd.DataFrame({"source_id": card["source_ids"]})), ds.sources),
        spark=_spark(card, label, ds) if len(card["series"]) > 1 else None,
    )


def _eu_text(ds, year: int) -> str:
    """' (EU27: 2.1, from Eurostat figures)': the benchmark is official-grade or not given."""
    eu = q.chart_rows(ds.table, ds.codebook)
    eu = eu[
        (eu["country"] == "EU27")
        & (eu["indicator"] == INDICATOR)
        & (eu["unit"] == "per_million")
        & (eu["breakdown"] == "total")
        & eu["single_year"]
        & (eu["period_start"] == year)
    ]
    if eu.empty or pd.isna(eu.iloc[0]["value"]):
        return ""
    return " " + i18n._("(EU27: {rate}, from Eurostat figures)").format(
        rate=fmt_number(eu.iloc[0]["value"], "per_million")
    )


def _newer_line(card) -> str:
    items = [
        f"{n['period']}: {fmt_value(n['value'], n['suppressed'], n['unit'])} ({', '.join(n['what'])})"
        for n in card["newer"]
    ]
    if not items:
        return ""
    text = (
        i18n._("Newer or other figures: {figures}. See the Data page for their sources.")
        if card["year"]
        else i18n._("Figures held: {figures}. See the Data page for their sources.")
    )
    return text.format(figures="; ".join(items))


def _spark(card: dict, label: str, ds) -> Figure:
    s = card["series"]
    covered = years_covered(s)
    title = i18n._("{indicator}, {period}").format(indicator=label, period=span_text(covered))
    value = fmt_value(card["value"], card["suppressed"], card["unit"])
    ids = tuple(q.source_ids_of(s))
    return Figure(
        kind="chart",
        key=f"spark-{card['country']}",
        title=title,
        unit=ds.codebook.unit_label("persons"),
        period=covered,
        rows=s,
        table=s,
        source_ids=ids,
        source_line=source_line(ids, ds.sources),
        alt_text=i18n._(
            "Small trend line of {indicator} in {country}, {first} to {last}; latest {year}: "
            "{value}. The numbers are in the table 'Numbers behind the cards'."
        ).format(
            indicator=label.lower(),
            country=card["country_label"],
            first=covered[0],
            last=covered[1],
            year=card["year"],
            value=value,
        ),
        spec=sparkline(s, country=card["country"], title=title).to_dict(validate=False),
    )

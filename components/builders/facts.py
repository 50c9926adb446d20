"""Key facts, written out (pure): two to five plain sentences generated from a Figure's rows, each number
a value of those rows (or a difference the sentence names), each sentence with its source.

"In 2022, Latvia registered or identified 26 victims of trafficking, 35 fewer than in 2021 (UNODC)."

Each language writes its own sentences: the frames are catalogue entries with named placeholders ("{when},
{country} {what}"; Estonian puts the year last), the indicator's phrases come in every plural form the language
has (data/i18n/fact_phrases.csv: `forms` after a number, `rate`, and `counted`, the noun phrase for a list of
categories, with `{where}` and `{when}`), a country is named in the case the sentence needs
(data/i18n/fact_places.csv: "in Estonia", "Eestis", "Igaunijā", "Estijoje", "в Эстонии") and a breakdown as a
"by" phrase (data/i18n/fact_breakdowns.csv: "pēc ekspluatācijas veida", "по форме эксплуатации").

Wording rules (tested in tests/components/test_facts.py):
- the indicator's phrase comes from data/codebook/fact_phrases.csv ("registered or identified … victims";
  never "trafficked people");
- no arithmetic across a series break, a change of definition or a change of source: the sentence says
  "not comparable with 2021: series break" instead;
- '<5' is said as "fewer than 5" and never enters arithmetic;
- a figure below official grade is said to be unconfirmed; a multi-year total says so;
- categories that overlap are listed, never added up.
Each number in `Fact.markdown` links to /check for that figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from babel.lists import format_list

from components.core import i18n
from components.core.queries import CHAIN, DEFINITION_FLAG, not_comparable, sort_countries
from components.core.style import fmt_number, withheld_text
from etl.figure_key import figure_key
from etl.paths import REPO_ROOT

BREAK_WORDS = {
    "series_break": i18n.N_("series break"),
    "definition_differs": i18n.N_("definition differs"),
    "source": i18n.N_("change of source"),
}
MAX_FACTS = 5
PHRASES_FILE = "fact_phrases.csv"
# the phrases in the other languages: indicator, lang, forms (the plural forms in the catalogue's order,
# joined by " | "), rate; an indicator without a row in a language has no sentence in it (never English)
TRANSLATED_PHRASES = REPO_ROOT / "data" / "i18n" / "fact_phrases.csv"
# a country as a sentence names a place ("in Estonia", "в Эстонии") and a breakdown as "by …", per language
PLACES = REPO_ROOT / "data" / "i18n" / "fact_places.csv"
BREAKDOWNS_BY = REPO_ROOT / "data" / "i18n" / "fact_breakdowns.csv"


@dataclass(frozen=True)
class Fact:
    text: str  # the sentence, plain
    markdown: str  # the same with each figure's number linked to /check
    numbers: tuple[float, ...]  # every number the sentence says (values and the differences it names)
    source_ids: tuple[str, ...]


@lru_cache(maxsize=8)
def phrases(data_dir: Path | str) -> dict[str, dict]:
    """indicator -> its phrases (one, many, rate); read once per data folder (shared: do not mutate)."""
    path = Path(data_dir) / "codebook" / PHRASES_FILE
    if not path.exists():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {r["indicator"]: r for r in df.to_dict("records")}


@lru_cache(maxsize=1)
def translated_phrases() -> dict[tuple[str, str], dict]:
    """(indicator, lang) -> {'forms': [...], 'rate': ...} from data/i18n/fact_phrases.csv."""
    if not TRANSLATED_PHRASES.exists():
        return {}
    df = pd.read_csv(TRANSLATED_PHRASES, dtype=str, keep_default_na=False)
    return {
        (r["indicator"], r["lang"]): {
            "forms": [f.strip() for f in r["forms"].split("|")],
            "rate": r["rate"],
            "counted": r.get("counted", ""),
        }
        for r in df.to_dict("records")
    }


@lru_cache(maxsize=4)
def words(path: Path) -> dict[str, dict[str, str]]:
    """code -> {lang: text} from a table with one column per language (fact_places.csv, fact_breakdowns.csv)."""
    if not path.exists():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    key = df.columns[0]
    return {r[key]: {k: v for k, v in r.items() if k != key and v} for r in df.to_dict("records")}


def _sentence(text: str) -> str:
    """The first letter capitalised (a frame may start with its 'in 2022')."""
    return text[:1].upper() + text[1:]


def _and(items: list[str]) -> str:
    """'a, b and c' in the reader's language (CLDR's list patterns)."""
    return format_list(items, locale=i18n.current().lang) if items else ""


def short_source(sid: str, sources: pd.DataFrame | None) -> str:
    """A publisher as a sentence names it: its acronym where it has one ('UNODC'), else its name."""
    from components.core.cite import source_record

    pub = str(source_record(sid, sources).get("publisher") or "").strip()
    acronym = re.search(r"\(([A-Z][A-Z0-9]{1,9})\)", pub)
    if acronym:
        return acronym.group(1)
    return re.split(r"\s*[(,;]", pub)[0].strip() or sid


def _ids(values) -> list[str]:
    """Source ids of rows; a computed rate names its count's source and the population's ('A;B')."""
    return list(dict.fromkeys(p for v in values for p in str(v or "").split(";") if p))


def _num(v: float, unit: str) -> str:
    return fmt_number(v, unit)


def _link(text: str, key: str) -> str:
    """The number linked to /check, in the reader's language (a link opened in a new tab starts a new session:
    without `lang=` it would open in the browser's language)."""
    lang = i18n.current().lang
    return f"[{text}](/check?fig={key}" + ("" if lang == i18n.DEFAULT else f"&lang={lang}") + ")"


class _Writer:
    def __init__(self, ds):
        self.cb, self.sources = ds.codebook, ds.sources
        self.phrases = phrases(ds.data_dir)

    def src(self, ids) -> str:
        names = list(dict.fromkeys(short_source(s, self.sources) for s in _ids(ids)))
        return "; ".join(names)

    def grade_note(self, row) -> str:
        g = str(row.get("grade") or "")
        if g and not self.cb.is_official(g):
            return " " + i18n._("(unconfirmed: {what})").format(
                what=self.cb.grade_shown_as(g).removeprefix(i18n._("unconfirmed: "))
            )
        return ""

    def definition_note(self, row) -> str:
        """'; this figure counts something different, …' for a figure flagged definition_differs (said before
        any comparison a reader might draw from it); '' otherwise. The row's note itself (what it counts, why)
        is not glued into the sentence: it is a fragment of its own, and the page shows it as a note."""
        if DEFINITION_FLAG not in str(row.get("flags") or "").split(";"):
            return ""
        return "; " + i18n._("this figure counts something different, so it is not compared here")

    def phrase(self, indicator: str, unit: str, n_text: str, n_value: float | None) -> str | None:
        t = i18n.current()
        if t.lang != i18n.DEFAULT:  # the language's own phrase and plural form ('<5': the 'many' form)
            p = translated_phrases().get((indicator, t.lang))
            if not p:
                return None
            if unit in ("per_million",):
                form = p["rate"]
            else:
                n = int(n_value) if n_value is not None and float(n_value).is_integer() else 5
                forms = p["forms"]
                form = forms[min(t.plural_index(n), len(forms) - 1)]
            return form.replace("{n}", n_text) if form else None
        p = self.phrases.get(indicator)
        if not p:
            return None
        form = (p.get("rate") or "") if unit in ("per_million",) else p["one"] if n_value == 1 else p["many"]
        return form.replace("{n}", n_text) if form else None

    def when(self, row, multi: bool = True) -> str:
        """'in 2022' / 'in 2012–2016 (a multi-year total)', as the language says it."""
        a, b = int(row["period_start"]), int(row["period_end"])
        if a == b or not multi:
            return i18n._("in {year}").format(year=a)
        # one entry, not two joined: a language that says it at the sentence's end (et) writes it without
        # brackets, so that it is not followed by the source's brackets ('… kogusumma) (UNODC).')
        return i18n._("in {start}–{end} (a multi-year total)").format(start=a, end=b)

    def where(self, country: str) -> str:
        """'in Estonia', 'Eestis', 'в Эстонии': the country as a place, in the case the language needs."""
        said = words(PLACES).get(country, {}).get(i18n.current().lang)
        return said or i18n._("in {country}").format(country=self.cb.country_label(country))

    def by(self, breakdown: str) -> str:
        """'by form of exploitation', 'pēc ekspluatācijas veida', 'по форме эксплуатации'."""
        said = words(BREAKDOWNS_BY).get(breakdown, {}).get(i18n.current().lang)
        return said or i18n._("by {breakdown}").format(breakdown=self.cb.breakdown_label(breakdown).lower())

    def counted(self, indicator: str) -> str | None:
        """The noun phrase for what an indicator counts, with {where} and {when} ('victims of trafficking
        registered or identified {where} {when}'); None where the language has none."""
        lang = i18n.current().lang
        if lang != i18n.DEFAULT:
            return (translated_phrases().get((indicator, lang)) or {}).get("counted") or None
        return str((self.phrases.get(indicator) or {}).get("counted") or "") or None

    def value(self, row) -> tuple[str, str, tuple[float, ...]]:
        """(plain, linked, numbers) for a row's value: 'fewer than 5' for a withheld count."""
        key = figure_key(row)
        if bool(row["suppressed"]):  # a withheld count: 'fewer than 5'; in a rate, the rate's range
            shown = withheld_text(str(row.get("unit") or ""), row.get("value_low"), row.get("value_high"))
            if shown == "<5":
                few = i18n._("fewer than 5")
                return few, _link(few, key), ()
            return shown, _link(shown, key), (float(row["value_low"]), float(row["value_high"]))
        t = _num(float(row["value"]), row["unit"])
        return t, _link(t, key), (float(row["value"]),)


def _period(row) -> tuple[str, str]:
    """('2022', '') or ('2012–2016', ' (a multi-year total)')."""
    a, b = int(row["period_start"]), int(row["period_end"])
    return (str(a), "") if a == b else (f"{a}–{b}", " " + i18n._("(a multi-year total)"))


def _has_value(row) -> bool:
    v = row.get("value")
    return bool(row.get("suppressed")) or (v is not None and not (isinstance(v, float) and math.isnan(v)))


def _comparable(prev, cur) -> str | None:
    """None when the two years may be compared; else why not (queries.not_comparable, in words)."""
    why = not_comparable(prev, cur)
    return i18n._(BREAK_WORDS[why]) if why else None


def _said(frame: str, **parts: str) -> str:
    """A frame filled in, its first letter capitalised ('in {year}' may open it)."""
    return _sentence(frame.format(**parts))


def _latest_fact(w: _Writer, rows: pd.DataFrame, country: str) -> Fact | None:
    """The country's latest single-year figure in `rows`, with the change on the year before."""
    r = rows[(rows["country"] == country) & (rows["period_start"] == rows["period_end"])]
    r = r[[_has_value(x) for x in r.to_dict("records")]].sort_values("period_start")
    if r.empty:
        return None
    cur = r.iloc[-1].to_dict()
    year = int(cur["period_start"])
    plain, linked, numbers = w.value(cur)
    say = w.phrase(cur["indicator"], cur["unit"], plain, numbers[0] if numbers else None)
    if say is None:
        return None
    say_md = w.phrase(cur["indicator"], cur["unit"], linked, numbers[0] if numbers else None)
    name = w.cb.country_label(country)
    change, change_md = "", ""
    prev_rows = r[r["period_start"] == year - 1]
    if not prev_rows.empty:
        prev = prev_rows.iloc[-1].to_dict()
        why = _comparable(prev, cur)
        if why and w.definition_note(cur):
            pass  # the definition note below says it is not comparable, and why
        elif why:
            change = "; " + i18n._("not comparable with {year}: {why}").format(year=year - 1, why=why)
            change_md = change
        elif cur["suppressed"] or prev["suppressed"]:
            p_plain, p_link, p_nums = w.value(prev)
            if cur["suppressed"] and prev["suppressed"]:  # 'fewer than 5, as in 2021'
                change = change_md = ", " + i18n._("as in {year}").format(year=year - 1)
            else:  # 'fewer than 5, 7 in 2021': never a difference
                then = i18n._("{value} in {year}")
                change = ", " + then.format(value=p_plain, year=year - 1)
                change_md = ", " + then.format(value=p_link, year=year - 1)
                numbers += p_nums
        else:
            diff = float(cur["value"]) - float(prev["value"])
            unit = cur["unit"]
            if abs(diff) < 1e-9:
                change = change_md = ", " + i18n._("as many as in {year}").format(year=year - 1)
            else:
                d = _num(abs(diff), unit)
                change = change_md = ", " + (
                    i18n._("{n} more than in {year}") if diff > 0 else i18n._("{n} fewer than in {year}")
                ).format(n=d, year=year - 1)
                numbers += (abs(diff),)
    differs = w.definition_note(cur)  # said before any change a reader might read from it
    change, change_md = differs + change, differs + change_md
    src = w.src([cur["source_id"]])
    tail = f"{w.grade_note(cur)} ({src})." if src else f"{w.grade_note(cur)}."
    frame, when = i18n._("{when}, {country} {what}"), w.when(cur)
    return Fact(
        text=_said(frame, when=when, country=name, what=say) + change + tail,
        markdown=_said(frame, when=when, country=name, what=say_md) + change_md + tail,
        numbers=numbers,
        source_ids=tuple(_ids([cur["source_id"]])),
    )


def _period_facts(w: _Writer, rows: pd.DataFrame) -> list[Fact]:
    """One sentence a country for a one-period view (Compare, Map): its total, or its categories listed."""
    out = []
    if rows.empty:
        return out
    for country in dict.fromkeys(rows["country"]):
        r = rows[(rows["country"] == country)]
        r = r[[_has_value(x) for x in r.to_dict("records")]]
        if r.empty:
            continue
        first = r.iloc[0].to_dict()
        when = w.when(first)
        name = w.cb.country_label(country)
        src = w.src(r["source_id"])
        ids = tuple(_ids(r["source_id"]))
        if str(first["breakdown"]) == "total":
            plain, linked, numbers = w.value(first)
            say = w.phrase(first["indicator"], first["unit"], plain, numbers[0] if numbers else None)
            if say is None:
                continue
            say_md = w.phrase(first["indicator"], first["unit"], linked, numbers[0] if numbers else None)
            tail = f"{w.grade_note(first)}{w.definition_note(first)} ({src})."
            frame = i18n._("{when}, {country} {what}")
            out.append(
                Fact(
                    _said(frame, when=when, country=name, what=say) + tail,
                    _said(frame, when=when, country=name, what=say_md) + tail,
                    numbers,
                    ids,
                )
            )
            continue
        parts, parts_md, numbers = [], [], ()
        item = i18n._("{category} {value}")  # 'сексуальная эксплуатация — 48'
        for row in r.to_dict("records"):
            plain, linked, nums = w.value(row)
            label = w.cb.category_label(row["breakdown"], row["category"]).lower()
            parts.append(item.format(category=label, value=plain + w.grade_note(row)))
            parts_md.append(item.format(category=label, value=linked + w.grade_note(row)))
            numbers += nums
        overlap = (
            " " + i18n._("(the categories overlap: one person can count in several, so they do not add up)")
            if w.cb.breakdown_kind(first["indicator"], first["breakdown"]) == "overlapping"
            else ""
        )
        counted = w.counted(first["indicator"])
        if counted:  # 'Victims of trafficking registered or identified in Estonia in 2022, by form of exploitation: '
            lead = _sentence(
                i18n._("{counted}, {by}: {parts}").format(
                    counted=counted.format(where=w.where(country), when=when),
                    by=w.by(str(first["breakdown"])),
                    parts="{parts}",
                )
            )
        else:  # an indicator without a phrase: its label, as a table caption says it
            lead = (
                i18n._("{country}, {indicator} by {breakdown}, {period}, in {unit}: ").format(
                    country=name,
                    indicator=w.cb.indicator_label(first["indicator"]).lower(),
                    breakdown=w.cb.breakdown_label(first["breakdown"]).lower(),
                    period=_period(first)[0] + _period(first)[1],
                    unit=w.cb.unit_label(first["unit"]),
                )
                + "{parts}"
            )
        out.append(
            Fact(
                lead.replace("{parts}", ", ".join(parts)) + f"{overlap} ({src}).",
                lead.replace("{parts}", ", ".join(parts_md)) + f"{overlap} ({src}).",
                numbers,
                ids,
            )
        )
    return out


def _chain_facts(w: _Writer, rows: pd.DataFrame) -> list[Fact]:
    """The justice chain: one sentence a country, its latest year with registered victims, every step of that
    year said with its own noun (steps count persons or cases from different registers: never a funnel)."""
    out = []
    for country in sort_countries(rows["country"]):
        r = rows[(rows["country"] == country) & (rows["period_start"] == rows["period_end"])]
        r = r[[_has_value(x) for x in r.to_dict("records")]]
        years = sorted(set(r.loc[r["indicator"] == "victims", "period_start"]))
        if not years:
            continue
        # the latest year with registered victims and at least one later step, else with victims alone
        steps = r.groupby("period_start")["indicator"].nunique()
        year = int(next((y for y in reversed(years) if steps.get(y, 0) > 1), years[-1]))
        r = r[r["period_start"] == year]
        r = r.assign(_order=[CHAIN.index(i) if i in CHAIN else 99 for i in r["indicator"]]).sort_values("_order")
        parts, parts_md, numbers = [], [], ()
        for row in r.to_dict("records"):
            plain, linked, nums = w.value(row)
            n = nums[0] if nums else None
            said = w.phrase(row["indicator"], row["unit"], plain, n)
            said_md = w.phrase(row["indicator"], row["unit"], linked, n)
            if said is None or said_md is None:  # no phrase: the step's label and unit
                what = "{label} ({unit})".format(
                    label=w.cb.indicator_label(row["indicator"], short=True).lower(),
                    unit=w.cb.unit_label(row["unit"]),
                )
                said, said_md = f"{what} {plain}", f"{what} {linked}"
            parts.append(said + w.grade_note(row))
            parts_md.append(said_md + w.grade_note(row))
            numbers += nums
        frame = i18n._("{when}, {country} {what}")
        name, src = w.cb.country_label(country), w.src(r["source_id"])
        when = w.when(r.iloc[0].to_dict())
        tail = f" ({src})." if src else "."
        out.append(
            Fact(
                _said(frame, when=when, country=name, what=_and(parts)) + tail,
                _said(frame, when=when, country=name, what=_and(parts_md)) + tail,
                numbers,
                tuple(_ids(r["source_id"])),
            )
        )
    return out


def facts(fig, ds) -> tuple[Fact, ...]:
    """The key facts of a Figure (empty for figures that have none: tables)."""
    rows = getattr(fig, "rows", None)
    if rows is None or rows.empty or not {"country", "value", "suppressed", "unit"} <= set(rows.columns):
        return ()
    w = _Writer(ds)
    countries = sort_countries(rows["country"])
    if fig.key in ("trend", "overview"):
        if "breakdown" not in rows.columns or rows["breakdown"].ne("total").any():
            return ()
        out = [f for f in (_latest_fact(w, rows, c) for c in countries) if f]
    elif fig.key in ("compare", "map"):
        out = _period_facts(w, rows)
    elif fig.key == "forms":  # one country's forms over the years: its latest year, the forms listed
        shown = rows[[_has_value(x) for x in rows.to_dict("records")]]
        out = _period_facts(w, shown[shown["period_end"] == shown["period_end"].max()]) if not shown.empty else []
    elif fig.key == "chain":
        out = _chain_facts(w, rows)
    else:
        return ()
    return tuple(out[:MAX_FACTS])


def with_citations(items: tuple[Fact, ...], ds) -> str:
    """The sentences to paste, then each source in full (publisher, title, link)."""
    from components.core.cite import source_record

    ids = list(dict.fromkeys(s for f in items for s in f.source_ids if s))
    lines = [f.text for f in items]
    if ids:
        lines.append("")
        lines.append(i18n._("Sources:"))
        for sid in ids:
            rec = source_record(sid, ds.sources)
            parts = [str(rec.get(k) or "").strip() for k in ("publisher", "title", "url")]
            lines.append("- " + ". ".join(p for p in parts if p))
    meta = ds.meta or {}
    lines.append(
        i18n._("Via the Baltic THB statistics dashboard, dataset version {version}.").format(
            version=meta.get("dataset_version", i18n._("unknown"))
        )
    )
    return "\n".join(lines)

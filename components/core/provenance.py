"""Where each figure comes from and why it is the one shown.

Figure labels, every source's value for one figure (`figure_rows`), the precedence the build applied
(`precedence_table`, `grade_ranks`, `PRECEDENCE_TEXT`; used here only to *explain* the choice made by
etl), `why_preferred`, whether the sources agree, the Data page's table (`figures_table`) and the
conflicts list. The figure key itself is `etl.figure_key`. Pure: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from components.core import i18n
from components.core.dataset import Codebook
from components.core.i18n import N_
from components.core.queries import with_labels
from etl.countries import COUNTRY_ORDER
from etl.figure_key import KEY, figure_keys, parse_figure_key

COUNT_UNITS = ("persons", "cases", "offences")


def figure_label(figure: str, cb: Codebook) -> str:
    """'Latvia 2020: Registered victims, Female (persons)' for a figure key; the key if it does not parse."""
    k = parse_figure_key(figure)
    if not k:
        return str(figure)
    per = str(k["period_start"]) if k["period_start"] == k["period_end"] else f"{k['period_start']}-{k['period_end']}"
    cat = "" if k["breakdown"] == "total" else f", {cb.category_label(k['breakdown'], k['category'])}"
    return f"{cb.country_label(k['country'])} {per}: {cb.indicator_label(k['indicator'])}{cat} ({cb.unit_label(k['unit'])})"


def figure_labels(figures: Iterable[str], cb: Codebook) -> dict[str, str]:
    return {f: figure_label(f, cb) for f in figures}


def multi_source_figures(rows: pd.DataFrame) -> list[str]:
    """Figure keys among these rows that several sources give (the Data page's 'compare sources' list)."""
    return rows.loc[rows["n_sources"] > 1, "figure"].drop_duplicates().tolist()


def figure_rows(
    df: pd.DataFrame, key: dict, sources: pd.DataFrame, precedence: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every source's value for one figure, preferred first, with source metadata joined."""
    m = pd.Series(True, index=df.index)
    for k in KEY:
        m &= df[k] == key[k]
    rows = df[m].copy()
    rows = with_sources(
        rows, sources, precedence, scope="population" if key["indicator"] == "population" else "default"
    )
    return rows.sort_values(["preferred", "grade_rank"], ascending=[False, True]).reset_index(drop=True)


# precedence: lower rank wins. Used only to *explain* the choice made by etl; read from
# data/mapping/precedence.csv when present (scope 'default' and 'population'), else the grades' order.
GRADE_RANK_DEFAULT = {
    "official_statistics": 1,
    "official_publication": 2,
    "international_monitoring": 3,
    "ngo_publication": 4,
    "news_citing_official": 5,
    "secondary": 6,
    "tertiary": 7,
}

PRECEDENCE_TEXT = N_(
    "When several sources give the same figure, the dashboard shows one (marked preferred) and keeps "
    "the others visible. The source's evidence grade decides: official statistics (Eurostat, UNODC, the "
    "statistics offices) > official publications (ministries, police, prosecutors, rapporteurs) > "
    "international monitoring reports (GRETA, US TIP) > NGO publications > news reports > secondary > "
    "tertiary sources. Within the same grade, a refined figure beats a preliminary one, then the newest. "
    "A breakdown is taken whole from one source: the set that adds up to no more than the total. "
    "Population for rates comes only from a statistics office or Eurostat, the newest vintage first. "
    "The choice is made when the dataset is built (etl), not in the app."
)


def precedence_table(directory: Path) -> pd.DataFrame:
    """`data/mapping/precedence.csv` when present (read-only), else an empty frame."""
    p = Path(directory) / "mapping" / "precedence.csv"
    if not p.exists():
        return pd.DataFrame()
    try:
        return pd.read_csv(p, dtype=str, keep_default_na=False)
    except Exception:
        return pd.DataFrame()


def grade_ranks(precedence: pd.DataFrame | None, scope: str = "default") -> dict[str, int]:
    if precedence is None or precedence.empty or not {"grade", "rank"} <= set(precedence.columns):
        return GRADE_RANK_DEFAULT
    p = precedence
    if "scope" in p.columns:
        p = p[p["scope"] == scope]
    if "family" in p.columns:
        p = p[p["family"] == ""]  # a family ranked apart (the Eurostat API) is a refinement within a grade
    out = {}
    for g, r in zip(p["grade"], p["rank"]):
        try:
            out[g] = int(r)
        except (TypeError, ValueError):
            continue
    return out or GRADE_RANK_DEFAULT


def with_sources(
    rows: pd.DataFrame, sources: pd.DataFrame, precedence: pd.DataFrame | None = None, scope: str = "default"
) -> pd.DataFrame:
    """Join source title/publisher/link on the first source id of each row (rates cite two)."""
    rows = rows.copy()
    rows["main_source"] = rows["source_id"].str.split(";").str[0]
    cols = ["source_id", "title", "publisher", "licence", "url", "family", "reports_on", "copy_url", "copy_note"]
    if sources is not None and not sources.empty and "source_id" in sources.columns:
        s = sources[[c for c in cols if c in sources.columns]].rename(columns={"source_id": "main_source"})
        rows = rows.merge(s.drop_duplicates("main_source"), on="main_source", how="left")
        if "grade" not in rows.columns and "grade" in sources.columns:
            rows["grade"] = rows["main_source"].map(dict(zip(sources["source_id"], sources["grade"])))
    for c in cols[1:] + ["grade"]:
        if c not in rows.columns:
            rows[c] = ""
        rows[c] = rows[c].fillna("")
    rows["title"] = rows["title"].where(rows["title"] != "", rows["main_source"])
    ranks = grade_ranks(precedence, scope)
    rows["grade_rank"] = [ranks.get(str(g), 99) for g in rows["grade"]]
    return rows


def values_agree(rows: pd.DataFrame) -> bool:
    """Do the sources agree? A suppressed '<5' agrees with a value inside its range, not with 0."""
    vals = set(rows.loc[~rows["suppressed"], "value"].dropna().round(6))
    if len(vals) > 1:
        return False
    sup = rows[rows["suppressed"]]
    for v in vals:
        for lo, hi in zip(sup["value_low"], sup["value_high"]):
            if pd.notna(lo) and pd.notna(hi) and not (lo - 1e-9 <= v <= hi + 1e-9):
                return False
    return True


def _words(code: str) -> str:
    return str(code or "unknown").replace("_", " ")


def why_preferred(rows: pd.DataFrame) -> str:
    """Plain-language reason the preferred row won, from the sources' quality and flags."""
    if rows.empty:
        return i18n._("No row for this figure.")
    pref = rows[rows["preferred"]]
    if pref.empty:
        return i18n._("No source is marked preferred for this figure, so it is not shown in charts.")
    if len(rows) == 1:
        return i18n._("Only one source gives this figure.")
    w = pref.iloc[0]
    others = rows[~rows["preferred"]]
    reasons = []
    lower = others[others["grade_rank"] > w["grade_rank"]]
    if not lower.empty:
        reasons.append(
            i18n._("its source's grade ({grade}) ranks above {others}").format(
                grade=_words(w["grade"]), others=", ".join(sorted(set(_words(g) for g in lower["grade"])))
            )
        )
    same = others[others["grade_rank"] == w["grade_rank"]]
    if not same.empty:
        if any("preliminary" in f for f in same["flags"]) and "preliminary" not in w["flags"]:
            reasons.append(i18n._("same source type, and the refined figure beats the preliminary one"))
        else:
            reasons.append(i18n._("same source type as another; chosen by the dataset build's tie rule"))
    higher = others[others["grade_rank"] < w["grade_rank"]]
    if not higher.empty:
        reasons.append(i18n._("a higher-ranked source exists but was not preferred (see its flags and note)"))
    agree = (
        i18n._("All sources agree on the value.") if values_agree(rows) else i18n._("The sources differ on the value.")
    )
    return (
        i18n._("Preferred: {source} — {reasons}.").format(source=w["title"], reasons="; ".join(reasons)) + " " + agree
    )


def figures_table(df: pd.DataFrame, sources: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """The harmonised rows with labels and source metadata, ready for the Data page.

    Call it on the whole table (n_sources counts every source of a figure), then filter."""
    t = with_sources(df, sources)
    t["n_sources"] = t.groupby(KEY)["source_id"].transform("size") if not t.empty else 0
    t["figure"] = figure_keys(t)
    t = with_labels(t, cb)
    ind_label = {i: cb.indicator_label(i) for i in t["indicator"].unique()}
    t["indicator_label"] = t["indicator"].map(ind_label)
    corder = {c: i for i, c in enumerate(COUNTRY_ORDER)}
    iorder = {i: cb.indicator_order(i) for i in t["indicator"].unique()}
    corder_cat = {(b, c): cb.category_order(b, c) for b, c in set(zip(t["breakdown"], t["category"]))}
    t["_c"] = t["country"].map(corder).fillna(99)
    t["_i"] = t["indicator"].map(iorder)
    t["_bt"] = t["breakdown"] != "total"
    t["_co"] = [corder_cat[(b, c)] for b, c in zip(t["breakdown"], t["category"])]
    t["_u"] = ~t["unit"].isin(COUNT_UNITS)
    t["_np"] = ~t["preferred"]
    order = ["_c", "_i", "_bt", "breakdown", "_co", "category", "_u", "unit", "period_start", "period_end", "_np"]
    t = t.sort_values(order, kind="stable").drop(columns=["_c", "_i", "_bt", "_co", "_u", "_np"])
    return t.reset_index(drop=True)


def conflicts(df: pd.DataFrame, sources: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Figures where sources disagree on the value, or rows flagged 'conflict'."""
    v = df[df["value"].notna()]
    n = v.groupby(KEY)["value"].nunique()
    keys = set(n[n > 1].index)
    flagged = df[df["flags"].str.contains("conflict")]
    keys |= set(map(tuple, flagged[KEY].itertuples(index=False)))
    if not keys:
        return pd.DataFrame()
    rows = df[[tuple(k) in keys for k in df[KEY].itertuples(index=False)]]
    rows = with_sources(rows, sources)
    rows = with_labels(rows, cb)
    rows["indicator_label"] = [cb.indicator_label(i) for i in rows["indicator"]]
    return rows.sort_values(KEY + ["preferred"], ascending=[True] * len(KEY) + [False])

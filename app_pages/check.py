"""Check a figure: every source's value for one figure side by side, the one the dashboard uses and
why, the flags, the country's definition, and a ready-to-paste citation. Deep-linkable:

    /check?fig=EE~2022~2022~victims~total~total~persons
"""

import streamlit as st

from components.views import default_figure

from components import a11y, controls, frame, share
from components import provenance as prov
from components import queries as q
from components.cite import figure_citation, source_record
from components.dataset import period_key
from components.style import fmt_value, md_escape
from components.view_state import ViewState
from etl.figure_key import figure_key, parse_figure_key

PAGE = "check"
K = lambda f: controls.wkey(PAGE, f)  # noqa: E731
PARTS = ("country", "indicator", "period", "breakdown", "category", "unit")

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook
t = ds.table


def _per(ps, pe) -> str:
    return str(ps) if ps == pe else f"{ps}-{pe}"


default_fig = default_figure(ds, opts)  # the same default as the data API's
# a link (or the first visit) decides the figure: push its parts into the selectors
target = view.figure or default_fig
if target and (st.session_state.get("_check_applied") != target or K("country") not in st.session_state):
    k = parse_figure_key(target)
    if k:
        vals = {"country": k["country"], "indicator": k["indicator"],
                "period": _per(k["period_start"], k["period_end"]), "breakdown": k["breakdown"],
                "category": k["category"], "unit": k["unit"]}
        for p in PARTS:
            st.session_state[K(p)] = vals[p]
    st.session_state["_check_applied"] = target

st.title("Check a figure")
st.markdown("Pick a figure to see **every source's value side by side**, which one the charts use and why, "
            "what the country counts, and a citation you can paste.")

cols = st.columns(6)
rows = t
country = controls.select("Country", q.sort_countries(rows["country"].unique()), K("country"),
                          fmt=cb.country_label, container=cols[0])
rows = rows[rows["country"] == country]
inds = sorted(rows["indicator"].unique(), key=lambda i: (cb.indicator_order(i), i))
indicator = controls.select("Indicator", inds, K("indicator"), default=opts.indicator_default(),
                            fmt=cb.indicator_label, container=cols[1])
rows = rows[rows["indicator"] == indicator]
pk = period_key(rows["period_start"], rows["period_end"])
periods = sorted(pk.unique(), key=lambda p: (-int(str(p).split("-")[-1]), p))
period = controls.select("Year or period", periods, K("period"), container=cols[2])
rows = rows[pk == period]
bds = sorted(rows["breakdown"].unique(), key=lambda b: (b != "total", b))
breakdown = controls.select("Breakdown", bds, K("breakdown"), default="total", fmt=cb.breakdown_label,
                            container=cols[3])
rows = rows[rows["breakdown"] == breakdown]
cats = sorted(rows["category"].unique(), key=lambda c: (cb.category_order(breakdown, c), c))
category = controls.select("Category", cats, K("category"), default="total",
                           fmt=lambda c: cb.category_label(breakdown, c), container=cols[4])
rows = rows[rows["category"] == category]
units = sorted(rows["unit"].unique())
unit = controls.select("Unit", units, K("unit"), default="persons", fmt=cb.unit_label, container=cols[5])
rows = rows[rows["unit"] == unit]

fig = figure_key(rows.iloc[0]) if not rows.empty else None
st.session_state["_check_applied"] = fig or st.session_state.get("_check_applied")
controls.finish(ViewState(page=PAGE, figure=None if fig == default_fig else fig))

if fig is None:
    st.warning("No figure for this choice.")
    st.stop()

key = parse_figure_key(fig)
side = prov.figure_rows(t, key, ds.sources, prov.precedence_table(ds.data_dir))
label = cb.indicator_label(indicator)
cat_text = "" if breakdown == "total" else f", {cb.breakdown_label(breakdown).lower()}: {cb.category_label(breakdown, category)}"
per_text = side.iloc[0]["period_label"] if "period_label" in side and side.iloc[0]["period_label"] else period
fig_label = f"{label}{cat_text} — {cb.country_label(country)}, {per_text} ({cb.unit_label(unit)})"
a11y.section_heading("The figure")  # its label below is an h3
st.subheader(fig_label)

side["Value"] = [fmt_value(v, s, u, lo, hi) for v, s, u, lo, hi in
                 zip(side["value"], side["suppressed"], side["unit"], side["value_low"], side["value_high"])]
side["Flags"] = [cb.flags_text(f) for f in side["flags"]]
side["Evidence grade"] = [cb.grade_label(g) for g in side["grade"]]
pref = side[side["preferred"]]
if not pref.empty:
    w = pref.iloc[0]
    st.metric(f"The dashboard uses ({len(side)} source{'s' if len(side) != 1 else ''} give this figure)",
              w["Value"], help="The value drawn in every chart and map for this figure.")
    if not cb.is_official(w["grade"]):
        st.warning(f"**Unconfirmed** ({md_escape(cb.grade_shown_as(w['grade']))}): no official-grade source gives "
                   "this figure, so the charts leave it out unless *Include unconfirmed figures* is on. Quote it "
                   "only with its source.", icon=":material/help:")
else:
    st.warning("No source's value is used for this figure (see the flags): the charts leave it out.",
               icon=":material/block:")
shown = side.rename(columns={"preferred": "Used", "title": "Source", "publisher": "Publisher",
                             "source_location": "Where in the source",
                             "note": "Note", "url": "Link", "period_label": "Period as printed",
                             "grade_rank": "Rank"})
frame.table(shown[["Value", "Used", "Source", "Publisher", "Evidence grade", "Rank", "Where in the source",
                   "Period as printed", "Flags", "Note", "Link"]],
            alt_text=f"Every source's value for {fig_label}", key="check_sources",
            column_config={"Used": st.column_config.CheckboxColumn("Used"),
                           "Link": st.column_config.LinkColumn("Link")})
st.markdown(f"**Why this one:** {md_escape(prov.why_preferred(side))}")
with st.expander("The precedence rule"):
    st.caption(prov.PRECEDENCE_TEXT + " Rank: lower wins.")

flags = sorted({f for fl in side["flags"] for f in str(fl).split(";") if f})
if flags:
    st.markdown("**Flags on these figures**")
    for f in flags:
        meaning = cb.flag_meaning(f)
        st.caption(md_escape(f"{cb.flag_label(f)}" + (f": {meaning}" if meaning and meaning != cb.flag_label(f) else "")))

st.markdown(f"**What {md_escape(cb.country_label(country))} counts as “{md_escape(label.lower())}”**")
defs = ds.country_definitions
d = defs[(defs["country"] == country) & (defs["indicator"] == indicator)] \
    if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns) else defs.iloc[0:0]
if d.empty:
    st.caption("No country-specific definition recorded"
               + (f". Harmonised definition: {md_escape(cb.indicator_definition(indicator))}"
                  if cb.indicator_definition(indicator) else "."))
else:
    for r in d.itertuples():
        st.markdown(md_escape(r.definition))
    if cb.indicator_definition(indicator):
        st.caption("Harmonised definition: " + md_escape(cb.indicator_definition(indicator)))

st.markdown("**Cite this figure**")
src_row = (pref.iloc[0] if not pref.empty else side.iloc[0])
rec = source_record(src_row["main_source"], ds.sources)
original = source_record(rec["reports_on"], ds.sources) if rec.get("reports_on") else None
st.code(figure_citation(fig_label, src_row["Value"], rec, str(src_row.get("source_location") or ""), ds.meta,
                        original=original),
        language=None, wrap_lines=True)
share.sources_expander(side, ds.sources, key="check")

"""Data: the harmonised table, filterable, with sources; one figure's sources side by side."""

import streamlit as st

from components import a11y, controls, frame, memo, share
from components import export as ex
from components import provenance as prov
from components.cite import source_name
from components.style import BALTIC, fmt_value, md_escape
from components.view_state import ViewState
from etl.figure_key import parse_figure_key

PAGE = "data"
ALL = controls.NONE
K = lambda f: controls.wkey(PAGE, f)  # noqa: E731

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook

st.title("Data and sources")
st.markdown("Every row of the harmonised dataset, with the document it comes from. Where several sources "
            "give the same figure, all are kept; the one the charts show is marked **preferred**. "
            "Select a row (or pick a figure below) to see every source's value side by side.")

c1, c2, c3, c4 = st.columns([3, 2, 3, 2], vertical_alignment="bottom")
all_c = list(opts.countries)
countries = controls.multiselect("Countries", all_c, K("countries"), default=BALTIC, fmt=cb.country_label,
                                 container=c1)
countries = [c for c in all_c if c in countries] or [c for c in BALTIC if c in all_c]
ind = controls.select("Indicator", [ALL] + list(opts.indicators), K("filter_indicator"), default=ALL,
                      fmt=lambda i: "All indicators" if i == ALL else cb.indicator_label(i), container=c2) or None
src = controls.select("Source", [ALL] + list(opts.sources), K("source"), default=ALL,
                      fmt=lambda s: "All sources" if s == ALL else source_name(s, ds.sources, 60), container=c3) or None
pref = controls.toggle("Preferred only", K("preferred_only"), default=False, container=c4,
                       help="Show only the value the charts use for each figure.")
c5, c6, c7 = st.columns([3, 2, 3], vertical_alignment="bottom")
lo, hi = opts.year_min, opts.year_max
cur = st.session_state.get(K("years"))
if not (isinstance(cur, (tuple, list)) and len(cur) == 2 and lo <= cur[0] <= cur[1] <= hi):
    st.session_state[K("years")] = (lo, hi)
years = c5.slider("Years", min_value=lo, max_value=hi, key=K("years"),
                  help="Rows whose period overlaps these years (a multi-year total is kept when it overlaps).")
years = (int(years[0]), int(years[1]))
GRADE_OPTS = [ALL, "official", "unconfirmed"] + [g for g in opts.grades]
grade = controls.select("Evidence grade", GRADE_OPTS, K("grade"), default=ALL, container=c6,
                        fmt=lambda g: {ALL: "All grades", "official": "Official grades (charted)",
                                       "unconfirmed": "Unconfirmed only"}.get(g) or cb.grade_label(g),
                        help="Official grades: official statistics, official publications, international "
                             "monitoring reports. Unconfirmed: known only from NGO, news or secondary sources.") or None
search = controls.text("Search the rows", K("search"), container=c7, placeholder="e.g. Latvia 2024, Ombudsman, sham",
                       help="Keeps the rows whose country, period, indicator, category, value, source, "
                            "location, flags or note contain every word you type.")

full = frame.figures_filtered(ds, countries, ind, src, pref, years if years != (lo, hi) else None, grade,
                              search.strip()[:80])
shown = full.rename(columns={
    "country_label": "Country", "period_label": "Period", "indicator_label": "Indicator",
    "category_label": "Category", "preferred": "Preferred", "n_sources": "Sources for figure",
    "title": "Source", "publisher": "Publisher", "source_location": "Location", "note": "Note",
    "source_id": "Source id", "grade_label": "Evidence grade"})
cols = ["Country", "Period", "Indicator", "Breakdown", "Category", "Unit", "Value", "Preferred", "Evidence grade",
        "Sources for figure", "Source", "Publisher", "Location", "Flags", "Note", "Source id"]
st.caption(f"{len(shown):,} rows · {full['figure'].nunique():,} figures")
dl = st.columns([1, 1, 3])
dl[0].download_button("CSV of these rows", data=lambda: ex.csv_bytes(ex.with_source_columns(ex.tidy(full), ds.sources)),
                      file_name=ex.file_name("csv", countries=countries, indicator=ind,
                                             extra=("source-" + src) if src else ("preferred" if pref else "all-rows")),
                      mime="text/csv", on_click="ignore", icon=":material/download:", key="data_csv",
                      help="Exactly the rows in the table below (after the filters), with their sources")
dl[1].download_button("Full dataset (zip)", data=lambda: ex.dataset_zip(ds.table, ds.sources, ds.data_dir, ds.meta),
                      file_name=f"thb-baltic_dataset_{ex._slug(ds.meta.get('dataset_version', 'unknown'))}.zip",
                      mime="application/zip", on_click="ignore", icon=":material/folder_zip:", key="data_zip",
                      help="Harmonised table, sources.csv, codebook and a README with citation, licences, caveats")
sel = frame.table(shown[cols], alt_text="Harmonised data table with sources", key="data_table",
                  on_select="rerun", selection_mode="single-row", height=420,
                  column_config={"Preferred": st.column_config.CheckboxColumn("Preferred", width="small")})
rows = getattr(getattr(sel, "selection", None), "rows", None) or []
if rows and 0 <= rows[0] < len(full):
    picked = full.iloc[rows[0]]["figure"]
    if st.session_state.get("_data_last_pick") != picked:
        st.session_state["_data_last_pick"] = picked
        st.session_state[K("figure")] = picked

if full.empty:
    st.caption("**No row matches these filters.** Widen the years, the grade or the search.")
multi = frame.multi_source_figures(ds, countries, ind, src, pref, years if years != (lo, hi) else None, grade,
                                   search.strip()[:80])
fig_opts = [ALL] + multi
cur = st.session_state.get(K("figure"))
if cur and cur not in fig_opts and cur in opts.figures:
    fig_opts.append(cur)
fig_labels = memo.query(ds, prov.figure_labels, tuple(fig_opts), cb)


def fig_label(f):
    return "— choose a figure —" if f == ALL else fig_labels.get(f) or prov.figure_label(f, cb)


figure = controls.select("Figure (the list offers figures given by several sources)", fig_opts, K("figure"),
                         default=ALL, fmt=fig_label) or None
view = ViewState(page=PAGE, countries=tuple(countries), filter_indicator=ind, source=src, preferred_only=pref,
                 years=None if years == (lo, hi) else years, grade=grade,
                 search=" ".join(search.split())[:80], figure=figure)
controls.finish(view)

if figure:
    key = parse_figure_key(figure)
    rows_ = prov.figure_rows(ds.table, key, ds.sources, prov.precedence_table(ds.data_dir))
    a11y.section_heading("The selected figure")  # its label below is an h3
    st.subheader(fig_label(figure))
    rows_["Value"] = [fmt_value(v, s, u, lo, hi) for v, s, u, lo, hi in
                      zip(rows_["value"], rows_["suppressed"], rows_["unit"], rows_["value_low"], rows_["value_high"])]
    rows_["flags"] = [cb.flags_text(f) for f in rows_["flags"]]
    side = rows_.rename(columns={"preferred": "Preferred", "title": "Source", "publisher": "Publisher",
                                 "grade": "Evidence grade", "source_location": "Location", "flags": "Flags",
                                 "note": "Note", "url": "Link", "period_label": "Period as printed"})
    side["Evidence grade"] = [cb.grade_label(g) for g in side["Evidence grade"]]
    frame.table(side[["Value", "Preferred", "Source", "Publisher", "Evidence grade", "Location", "Period as printed",
                      "Flags", "Note", "Link"]],
                alt_text="Every source's value for the selected figure",
                column_config={"Preferred": st.column_config.CheckboxColumn("Preferred"),
                               "Link": st.column_config.LinkColumn("Link")})
    st.markdown(f"**Why this one:** {md_escape(prov.why_preferred(rows_))}")
    st.caption(prov.PRECEDENCE_TEXT)
    st.page_link("app_pages/check.py", label="Check this figure: definition, flags and a citation to paste",
                 icon=":material/fact_check:", query_params={"fig": figure})

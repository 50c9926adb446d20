"""The floor for warm reruns: the same number and kind of elements as an app page (Altair charts,
a pydeck map, dataframes), drawn from the same data file with no app logic.

Counts come from the URL: ?charts=2&maps=1&tables=1&metrics=3 (bench/run.py and bench/load.py read them off
each app page).
"""

import json
from pathlib import Path

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]


@st.cache_data
def load() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "harmonised" / "thb_baltic.csv")


@st.cache_data
def geo() -> dict:
    return json.loads((ROOT / "data" / "geo" / "baltic_countries.geojson").read_text())


def n(key: str) -> int:
    try:
        return int(st.query_params.get(key, "0"))
    except ValueError:
        return 0


df = load()
victims = df[(df["indicator"] == "victims") & (df["breakdown"] == "total") & (df["unit"] == "persons")]
for i in range(n("metrics")):
    st.metric(f"Victims {i}", f"{victims['value'].iloc[i % len(victims)]:,.0f}", delta=f"{i:+d}")
for i in range(n("charts")):
    st.altair_chart(
        alt.Chart(victims).mark_line(point=True).encode(x="period_start:O", y="value:Q", color="country:N"), key=f"c{i}"
    )
for i in range(n("maps")):
    layer = pdk.Layer("GeoJsonLayer", geo(), get_fill_color=[200, 100, 50], pickable=True)
    st.pydeck_chart(
        pdk.Deck(
            layers=[layer], map_style=None, initial_view_state=pdk.ViewState(latitude=56.9, longitude=24.6, zoom=5)
        ),
        key=f"m{i}",
    )
for i in range(n("tables")):
    st.dataframe(df, key=f"t{i}")

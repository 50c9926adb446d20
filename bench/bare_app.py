"""The floor for cold start: a bare Streamlit app that draws one Altair chart from the same data."""

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

df = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "harmonised" / "thb_baltic.csv")
v = df[(df["indicator"] == "victims") & (df["breakdown"] == "total") & (df["unit"] == "persons")]
st.altair_chart(alt.Chart(v).mark_line(point=True).encode(x="period_start:O", y="value:Q", color="country:N"))

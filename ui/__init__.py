"""Streamlit widgets and plotly charts; the only layer besides the pages that imports Streamlit."""

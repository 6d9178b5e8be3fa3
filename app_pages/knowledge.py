"""Lab · Knowledge map: the field and this app as one interactive knowledge graph, read from content/graph.yaml."""

import streamlit as st

from ui.knowledge_map import render_knowledge_map
from ui.state import t
from ui.triple_demo import render_triple_demo

st.title(t("knowledge.title"))
st.markdown(t("knowledge.intro"))
render_knowledge_map()
st.divider()
render_triple_demo()

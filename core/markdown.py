"""Someone's own text inside Markdown: a class label, a file name, a parameter from a shared link.

Streamlit renders ``st.markdown``, captions, alerts and widget labels as Markdown (raw HTML is
shown as text there, but links, images, headings, ``:red[...]`` colours and ``$...$`` formulas
work). A label such as ``![x](http://…)`` would load a picture from anywhere, and ``|`` would break
a model card's table. ``escape_markdown`` makes such text show exactly as typed.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

# Every ASCII punctuation mark may be backslash-escaped in CommonMark; these are the ones Markdown,
# GitHub tables and Streamlit's extensions read.
SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^\"'])")
LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")  # a label is one line: no paragraph from it


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that renders as these very characters, on one line."""
    return SPECIAL.sub(r"\\\1", LINE_BREAKS.sub(" ", str(text)))


def escape_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` for a translated text shown as Markdown: strings escaped, numbers left for their format."""
    return {name: escape_markdown(value) if isinstance(value, str) else value for name, value in params.items()}

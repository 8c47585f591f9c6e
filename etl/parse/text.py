"""Plain-text page reader (baseline: first line is the title, the rest the body)."""
from __future__ import annotations

import re

from etl.records import ParsedPage


def read_text_page(text: str) -> ParsedPage:
    paras = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    if not paras:
        return ParsedPage()
    return ParsedPage(title=paras[0], body="\n\n".join(paras[1:]))

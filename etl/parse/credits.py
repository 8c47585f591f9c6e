"""Photo credits: split "Andrew Caballero-Reynols / AFP" into photographer and agency (baseline)."""
from __future__ import annotations

import re


def split_credit(credit: str | None) -> tuple[str | None, str | None]:
    """(photographer, agency) from a credit as written; either may be None."""
    if not credit:
        return None, None
    text = re.sub(r"^\(?\s*(photo|image|picture|credit)s?\s*(by)?\s*[:\-]?\s*", "", credit.strip(), flags=re.I)
    text = text.strip("() ")
    parts = [p.strip() for p in re.split(r"\s*[/|]\s*", text) if p.strip()]
    if len(parts) >= 2:
        return parts[0], parts[-1]
    return None, parts[0] if parts else None

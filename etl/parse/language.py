"""Offline language identification for pages that do not declare their language.

py3langid (the langid.py model, shipped inside the package) classifies a page in ~2 ms;
langdetect, used before, took ~30-40 ms per article, a cost as large as a third of spaCy's."""
from __future__ import annotations

import re
from functools import lru_cache

# Below this many letters the detector's guess is close to chance.
MIN_LETTERS = 20
MIN_PROBABILITY = 0.7
# langid's accuracy levels off after a few hundred characters (a news lede is ~100 words); classifying more costs time
# in proportion and changes nothing.
SAMPLE_CHARS = 600


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # norm_probs gives a probability in [0, 1], so an unsure guess can be refused.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short, the guess is
    unsure, or the language has no two-letter code. Deterministic (no sampling)."""
    if not isinstance(text, str):
        return None
    sample = text[:SAMPLE_CHARS]
    if len(re.findall(r"[^\W\d_]", sample)) < MIN_LETTERS:
        return None
    try:
        lang, prob = _identifier().classify(sample)
    except Exception:  # never let identification fail a page
        return None
    lang = str(lang).lower()
    if prob < MIN_PROBABILITY or not re.fullmatch(r"[a-z]{2}", lang):
        return None
    return lang

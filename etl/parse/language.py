"""Offline language identification for pages that do not declare their language."""
from __future__ import annotations

import re
from functools import lru_cache

# Below this many letters the detector's guess is close to chance.
MIN_LETTERS = 20
MIN_PROBABILITY = 0.7


@lru_cache(maxsize=1)
def _factory():
    from langdetect.detector_factory import DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(_profiles_dir())
    return factory


def _profiles_dir() -> str:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    return PROFILES_DIRECTORY


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short or the guess
    is unsure. Deterministic: the same text always gives the same answer."""
    if not isinstance(text, str):
        return None
    sample = text[:5000]
    if len(re.findall(r"[^\W\d_]", sample)) < MIN_LETTERS:
        return None
    try:
        detector = _factory().create()
        # langdetect samples n-grams at random; a fixed seed per call makes it repeatable
        # without touching the library's shared global factory.
        detector.seed = 0
        detector.append(sample)
        best = max(detector.get_probabilities(), key=lambda p: p.prob, default=None)
    except Exception:  # langdetect raises LangDetectException on text without features
        return None
    if best is None or best.prob < MIN_PROBABILITY:
        return None
    return best.lang.split("-")[0].lower()

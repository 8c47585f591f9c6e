"""Offline language identification for pages that do not declare their language.

py3langid (the langid.py model, shipped inside the package) classifies a page in ~2 ms;
langdetect, used before, took ~30-40 ms per article, a cost as large as a third of spaCy's."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)

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
    try:
        unpacked = _unpacked_model(MODEL_FILE)
    except Exception as exc:  # the shortcut is optional; the packaged file always works
        log.info("language model not read from the resource cache (%s)", exc)
        unpacked = None
    if unpacked is not None:
        return unpacked
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpacked_model(model_file):
    """The packaged model is an LZMA-compressed .npz whose unpacking takes ~1 s per process; the
    unpacked .npz is kept in the resource cache (keyed by py3langid's version and the file's
    size and time) and read back without decompression or pickles."""
    import os
    import tempfile
    from importlib.metadata import version
    from pathlib import Path

    import numpy as np
    from py3langid.langid import MODEL_DIR, LanguageIdentifier
    from py3langid.modelio import _to_array

    from etl import config

    folder = config.resource_cache_dir()
    if not folder:
        return None
    model_file = Path(model_file) if Path(model_file).is_absolute() else MODEL_DIR / model_file
    stat = os.stat(model_file)
    path = Path(folder) / f"langid-{version('py3langid')}-{stat.st_size}-{int(stat.st_mtime)}.npz"
    if not path.exists():
        import lzma
        import shutil

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".langid-")
        with os.fdopen(fd, "wb") as out, lzma.open(model_file) as src:
            shutil.copyfileobj(src, out, length=1 << 20)
        os.replace(tmp, path)
    try:
        with np.load(path, allow_pickle=False) as data:
            return LanguageIdentifier(data["ptc"], data["pc"], data["classes"].tolist(),
                                      _to_array(data["nextmove"]), data["out_feat"].tolist(), norm_probs=True,
                                      tk_row=_to_array(data["nextmove_row"]))
    except Exception:
        path.unlink(missing_ok=True)  # damaged: the next process unpacks it again
        raise


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

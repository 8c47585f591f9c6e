"""Run spaCy over a batch of articles and attach entities and quotes to each.

All body paragraphs of all articles in the batch go through one `nlp.pipe` stream (batched, and
multi-process when asked to), so the model is the only real cost. Titles, standfirsts and captions
need entities only (quotes are read from the body), so they go through a second stream that runs
just the NER component and what it depends on: about half the model's cost for those texts. The
pipeline itself calls this with n_process=1 inside its own worker processes (etl.run.stream), which
parallelise reading and extraction as well as the model. Articles whose language has no configured
model keep their row but skip NLP, with the reason recorded."""
from __future__ import annotations

import logging
from collections import defaultdict

from etl import config
from etl.nlp.segments import Segment, bounded_segments
from etl.model.records import ArticleResult

log = logging.getLogger(__name__)


def annotate(results: list[ArticleResult], n_process: int | None = None, batch_size: int | None = None,
             models: dict[str, str] | None = None) -> dict[str, int]:
    """Fill mentions/entities/quotes of `results` in place. Returns counts by nlp status."""
    models = models or config.spacy_models()
    default_lang = next(iter(models))
    by_model: dict[str, list[ArticleResult]] = defaultdict(list)
    for r in results:
        lang = (r.page.language or default_lang).lower()
        if lang not in models:
            r.nlp_skipped_reason = f"skipped:language={lang}"
            continue
        by_model[models[lang]].append(r)
    for model_name, group in by_model.items():
        _annotate_group(group, model_name, n_process or config.nlp_processes(),
                        batch_size or config.nlp_batch_size())
    counts: dict[str, int] = defaultdict(int)
    for r in results:
        counts[r.nlp_skipped_reason or "ok"] += 1
    return dict(counts)


def _annotate_group(group: list[ArticleResult], model_name: str, n_process: int, batch_size: int) -> None:
    from etl.nlp import model

    nlp = model.load(model_name)
    max_chars = config.nlp_max_chars()
    per_article: list[list[Segment]] = []
    for r in group:
        segs, complete = bounded_segments(r.page.title, r.page.subtitle, r.page.body,
                                          [c.caption for c in r.page.captions], max_chars)
        if not complete:  # said in the row, never silently: the rest of the text has no entities
            r.nlp_skipped_reason = f"partial:nlp_max_chars={max_chars}"
        per_article.append(segs)
    # Docs are consumed as they come out of the pipe and each article is finished (and its Docs
    # dropped) as soon as its last paragraph is parsed: only about one spaCy batch of Docs is
    # alive at a time however many articles the group holds, and with worker processes the
    # extraction here overlaps the parsing there.
    parsed = iter(nlp.pipe((s.text for segs in per_article for s in segs if s.field in PARSED_FIELDS),
                           batch_size=batch_size, n_process=n_process))
    entities_only = iter(nlp.pipe((s.text for segs in per_article for s in segs if s.field not in PARSED_FIELDS),
                                  batch_size=batch_size, disable=not_needed_for_entities(nlp)))
    for r, segs in zip(group, per_article):
        for seg in segs:
            seg.doc = _slim(next(parsed if seg.field in PARSED_FIELDS else entities_only))
        _extract(r, segs)
        for s in segs:
            s.doc = None


def _slim(doc):
    """The Doc without its tok2vec output (~0.4 KB per token): the components that read it have
    run, and extraction reads only tokens, tags, parses and entities. Without this an article's
    Docs held ~7.8 KB per line until the article was done."""
    tensor = getattr(doc, "tensor", None)
    if tensor is not None and getattr(tensor, "size", 0):
        doc.tensor = tensor[:0]
    return doc


# Fields whose paragraphs get the full analysis (tags and dependency parse): quote attribution
# reads the parse, and quotes are only looked for in the body.
PARSED_FIELDS = frozenset({"body"})

# Components that produce tags, parses or lemmas; NER reads none of them.
_SYNTAX_FACTORIES = frozenset({"tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer",
                               "trainable_lemmatizer", "senter", "sentencizer"})
_EMBEDDING_FACTORIES = frozenset({"tok2vec", "transformer"})


def not_needed_for_entities(nlp) -> list[str]:
    """Components of `nlp` that entity recognition does not depend on: the syntax components, and
    a shared embedding layer when every component listening to it is one of those (en_core_web_sm's
    NER has its own embedding; a pipeline whose NER listens to a shared tok2vec or transformer keeps it)."""
    factories = {name: nlp.get_pipe_meta(name).factory for name in nlp.pipe_names}
    off = [name for name, factory in factories.items() if factory in _SYNTAX_FACTORIES]
    for name, factory in factories.items():
        if factory in _EMBEDDING_FACTORIES:
            listeners = getattr(nlp.get_pipe(name), "listening_components", None)
            if listeners is not None and all(listener in off for listener in listeners):
                off.append(name)
    return off


def _extract(r: ArticleResult, segs: list[Segment]) -> None:
    from etl.nlp.entities import extract_entities
    from etl.nlp.quote_trim import trim_quotes
    from etl.nlp.quotes import extract_quotes

    try:
        if config.entity_resolution():
            r.mentions, r.entities = extract_entities(segs)
        else:
            from etl.nlp.entities_raw import raw_entities

            r.mentions, r.entities = raw_entities(segs)
        body_segs = [s for s in segs if s.field == "body"]
        r.quotes = trim_quotes(r.page.body, extract_quotes(r.page.body, body_segs, r.mentions, r.entities))
    except Exception as exc:  # one article's NLP bug must not lose the batch
        log.warning("NLP failed on %s: %s", r.source.source_uri, exc, exc_info=True)
        r.mentions, r.entities, r.quotes = [], [], []
        r.nlp_skipped_reason = f"error:{type(exc).__name__}"

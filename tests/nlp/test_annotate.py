"""Which spaCy components run on which paragraphs, and the check that a paragraph's Doc is its own."""
from types import SimpleNamespace

import pytest

from etl.nlp.annotate import PARSED_FIELDS, not_needed_for_entities
from etl.nlp.entities import _usable, extract_entities
from etl.nlp.segments import Segment, article_segments


class _FakePipeline:
    """Just the parts of a spaCy Language that the component choice reads."""

    def __init__(self, components: dict[str, tuple[str, list[str] | None]]):
        self._components = components
        self.pipe_names = list(components)

    def get_pipe_meta(self, name):
        return SimpleNamespace(factory=self._components[name][0])

    def get_pipe(self, name):
        return SimpleNamespace(listening_components=self._components[name][1])


def test_shared_embedding_is_dropped_only_when_nothing_left_listens_to_it():
    small = _FakePipeline({"tok2vec": ("tok2vec", ["tagger", "parser"]), "tagger": ("tagger", None),
                           "parser": ("parser", None), "attribute_ruler": ("attribute_ruler", None),
                           "ner": ("ner", None)})
    assert set(not_needed_for_entities(small)) == {"tok2vec", "tagger", "parser", "attribute_ruler"}
    shared = _FakePipeline({"transformer": ("transformer", ["tagger", "parser", "ner"]),
                            "tagger": ("tagger", None), "parser": ("parser", None), "ner": ("ner", None),
                            "entity_ruler": ("entity_ruler", None)})
    assert set(not_needed_for_entities(shared)) == {"tagger", "parser"}


@pytest.fixture(scope="module")
def nlp():
    from etl.nlp import model

    try:
        return model.load()
    except model.ModelNotInstalled:
        pytest.skip("no spaCy model installed")


def test_entities_without_the_syntax_components_are_the_full_pipelines(nlp):
    texts = ["Prime Minister Keir Starmer visits a hospital in Leeds with NHS England chief Amanda Pritchard.",
             "Workers at Airbus walked out on Monday, the union said.",
             "Photograph: Maria Lopez/Reuters"]
    off = not_needed_for_entities(nlp)
    assert off, "the installed model has syntax components to leave out"
    for full, light in zip(nlp.pipe(texts), nlp.pipe(texts, disable=off)):
        assert [(e.start_char, e.end_char, e.label_) for e in light.ents] == \
               [(e.start_char, e.end_char, e.label_) for e in full.ents]
        assert full.has_annotation("DEP") and not light.has_annotation("DEP")


def test_annotate_parses_the_body_and_only_tags_entities_elsewhere(nlp, monkeypatch):
    from etl.nlp import annotate as annotate_module
    from etl.model.records import ArticleResult, Caption, ParsedPage, SourceDocument

    seen = {}

    def record(result, segs):
        seen.update({s.field: (s.doc.has_annotation("DEP"), [e.text for e in s.doc.ents]) for s in segs})

    monkeypatch.setattr(annotate_module, "_extract", record)
    page = ParsedPage(title="Mayor Helen Quist opens the Galway bridge", subtitle="Traffic returns to Galway",
                      body="Helen Quist said the bridge would reopen on Monday.", language="en",
                      captions=[Caption(caption="Helen Quist at the bridge in Galway.")])
    result = ArticleResult(source=SourceDocument("in/a.txt", "text", page.body), page=page,
                           article_id="a", content_sha256="x")
    annotate_module.annotate([result], n_process=1)
    assert seen["body"][0] is True
    for field in ("title", "subtitle", "caption"):
        parsed, ents = seen[field]
        assert parsed is False and ents, field


def test_entities_of_an_unparsed_caption_are_kept(nlp):
    segs = article_segments("Storm hits Galway", None, "Rain fell all day.",
                            ["Mayor Helen Quist inspects the harbour wall in Galway."])
    off = not_needed_for_entities(nlp)
    for s in segs:
        s.doc = nlp(s.text) if s.field in PARSED_FIELDS else next(nlp.pipe([s.text], disable=off))
    mentions, entities = extract_entities(segs)
    assert {"Helen Quist", "Galway"} <= {e.name for e in entities}
    assert any(m.field == "caption" for m in mentions) and any(m.field == "title" for m in mentions)


def test_a_doc_made_from_other_text_is_not_used(nlp):
    seg = Segment("body", 0, 0, "Anna Lind met Oskar Brandt in Oslo.")
    seg.doc = nlp(seg.text)
    assert _usable(seg)
    for other in ("Anna Lind met Oskar Brandt in Bergen.", "Ann Lind met Oskar Brandt in Oslo.",
                  "Anna Lind met Oskar Brandt in Oslo. ", ""):
        seg.doc = nlp(other)
        assert not _usable(seg), other
    seg.doc = None
    assert not _usable(seg)

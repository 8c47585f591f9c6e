"""Segments stay linear in cost: long runs and lines are cut, offsets stay exact, and an article
over the NLP limit is annotated in part with an explicit status."""
import pytest

from etl.nlp.segments import bounded_segments, split_field


def _exact(text, segs):
    return all(text[s.char_offset:s.char_offset + len(s.text)] == s.text for s in segs)


def test_ordinary_lines_are_untouched():
    text = "First line here.\n\n  Second line, indented.\n"
    segs = split_field("body", 0, text)
    assert [s.text for s in segs] == ["First line here.", "Second line, indented."] and _exact(text, segs)


def test_a_run_without_spaces_is_cut_and_punctuation_pieces_left_out():
    text = "Start of it " + "ab)" * 1000 + " end\n" + ")" * 40_000
    segs = split_field("body", 0, text)
    assert _exact(text, segs)
    assert max(len(s.text) for s in segs) <= 200
    assert not any(set(s.text) == {")"} for s in segs)  # no model time for a run of brackets
    assert segs[0].text.startswith("Start of it")


def test_a_long_line_is_cut_at_spaces_below_the_piece_limit():
    text = "word " * 5000  # 25,000 characters on one line
    segs = split_field("body", 0, text)
    assert len(segs) >= 3 and max(len(s.text) for s in segs) <= 10_000 and _exact(text, segs)
    assert all(not s.text.startswith("ord") for s in segs)  # cut between words


def test_the_character_limit_keeps_title_and_captions_and_says_it_was_partial():
    body = "\n".join(f"Line {i} of a very long page." for i in range(10_000))
    segs, complete = bounded_segments("A title", None, body, ["A caption"], max_chars=1_000)
    assert not complete
    assert sum(len(s.text) for s in segs) <= 1_000
    assert segs[0].field == "title" and segs[-1].field == "caption"
    segs, complete = bounded_segments("A title", None, "Short body.", [], max_chars=1_000)
    assert complete


def test_annotate_marks_a_partial_article(monkeypatch):
    pytest.importorskip("spacy")
    from etl.model.records import ArticleResult, ParsedPage, SourceDocument
    from etl.nlp.annotate import annotate

    monkeypatch.setenv("NEWS_ETL_NLP_MAX_CHARS", "300")
    body = "\n".join(f"Mayor Ana Lopez visited Galway on day {i}." for i in range(200))
    r = ArticleResult(SourceDocument("x", "text", body), ParsedPage(title="Visits", body=body, language="en"), "a", "h")
    annotate([r], n_process=1)
    assert r.nlp_skipped_reason == "partial:nlp_max_chars=300"
    assert r.mentions and max(m.char_end for m in r.mentions if m.field == "body") <= 400

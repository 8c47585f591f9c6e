"""The quotation-mark scanner alone: pairing, apostrophes, runs, stray marks, and exact offsets."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.nlp.quotes.marks import find_quote_spans
from etl.nlp.quotes import extract_quotes


def texts(body):
    return [body[s.start:s.end] for s in find_quote_spans(body)]


def test_curly_and_straight_pairs():
    assert texts("“A,” she said. “B.”") == ["A,", "B."]
    assert texts('"A," he said. "B."') == ["A,", "B."]


def test_apostrophes_are_not_marks():
    assert texts("Russia’s players’ union said it isn’t over.") == []
    assert texts("He said ‘no, I won’t’ twice.") == ["no, I won’t"]


def test_inch_mark_is_not_a_quote():
    assert texts('He is 6\'2" tall and "very fast" on the court.') == ["very fast"]


def test_nested_quote_stays_inside_outer():
    assert texts("“He told me, ‘go home,’ and left,” she said.") == ["He told me, ‘go home,’ and left,"]


def test_run_over_paragraphs():
    spans = find_quote_spans("“One.\n\n“Two.\n\n“Three,” he said.")
    assert [s.runs_on for s in spans] == [True, True, False]


def test_stray_opening_mark_is_skipped():
    body = "It was “odd and nothing closed.\n\nNext paragraph “fine” here."
    assert texts(body) == ["fine"]


def test_second_opening_before_closing_drops_the_first():
    assert texts("“Broken start. “Real quote,” he said.") == ["Real quote,"]


def test_closing_mark_typed_as_opening_one_opens_at_a_word_start():
    assert texts("”Fear. I am afraid,” she wrote.") == ["Fear. I am afraid,"]
    # after a word it still only closes: no quote opens there
    assert texts("It ended” then and there.") == []


def test_mark_set_apart_from_its_words_opens_only_where_it_cannot_close():
    assert texts("As Politico reported, “ … if the vote were held, Trump would win.”") == [
        "… if the vote were held, Trump would win."]
    assert texts("” … what I learned is this,” he said.") == ["… what I learned is this,"]
    # mid-paragraph a closing mark before a space closes nothing and opens nothing
    assert texts("It was fine ” he said “ok") == []
    # a paragraph opening with the closing mark of a broken-off quote does not open one
    assert texts("” he said, “blah.”") == ["blah."]


def test_invisible_direction_mark_before_an_opening_mark_counts_as_a_space():
    assert texts("\u202a”Sorry Sarah, you should!!” posted Sharon.") == ["Sorry Sarah, you should!!"]


def test_opening_mark_typed_as_closing_one_closes_before_a_space():
    assert texts("“The reality is here,“ Clyburn said.") == ["The reality is here,"]
    # before a word it opens a new quote, and the first one is unbalanced
    assert texts("“Broken “Real,” he said.") == ["Real,"]


def test_straight_closing_mark_set_off_by_a_space_after_punctuation():
    assert texts('"They call it \'a flight to quality,\' " he said.') == ["They call it 'a flight to quality,'"]
    assert texts('Trump said, "It is a disgrace, " and left.') == ["It is a disgrace,"]
    # a mark after a space before a word opens the next quote
    assert texts('"Yes" and "no" he said "maybe') == ["Yes", "no"]


_MARKS = st.sampled_from(list("“”‘’«»„\"' \n\n.,:Ax"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_MARKS, st.text(max_size=5)), max_size=60).map("".join))
def test_scanner_offsets_exact_for_arbitrary_text(body):
    for s in find_quote_spans(body):
        assert 0 <= s.open_mark < s.start <= s.end <= len(body)
        assert body[s.start:s.end].strip() == body[s.start:s.end]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_MARKS, st.text(max_size=5)), max_size=60).map("".join))
def test_extract_quotes_never_raises_without_parse(body):
    # segments without a parse (e.g. NLP skipped): marks alone, offsets still exact
    from etl.nlp.segments import split_field
    for q in extract_quotes(body, split_field("body", 0, body), [], []):
        assert body[q.char_start:q.char_end] == q.quote


def test_single_marks_nested_in_doubled_apostrophes_are_not_quotes_of_their_own(monkeypatch):
    from etl.nlp.quotes import marks
    body = "''We are told all the time, 'Kosovo is a special case,''' Mr. Putin said."
    monkeypatch.setattr(marks, "DOUBLED_APOSTROPHES_ARE_QUOTES", False)
    assert find_quote_spans(body) == []
    monkeypatch.setattr(marks, "DOUBLED_APOSTROPHES_ARE_QUOTES", True)
    assert [body[s.start:s.end] for s in find_quote_spans(body)] == [
        "We are told all the time, 'Kosovo is a special case,'"]


def test_doubled_apostrophes_do_not_pair_with_single_marks(monkeypatch):
    from etl.nlp.quotes import marks
    body = "He kept shouting ''Get 'em out of here'' and ''Be nice.'' to the crowd."
    monkeypatch.setattr(marks, "DOUBLED_APOSTROPHES_ARE_QUOTES", False)
    assert find_quote_spans(body) == []
    monkeypatch.setattr(marks, "DOUBLED_APOSTROPHES_ARE_QUOTES", True)
    assert [body[s.start:s.end] for s in find_quote_spans(body)] == ["Get 'em out of here", "Be nice."]


def test_doubled_apostrophe_setting_comes_from_the_environment(monkeypatch):
    from etl import config
    monkeypatch.delenv("NEWS_ETL_DOUBLED_APOSTROPHE_QUOTES", raising=False)
    assert config.doubled_apostrophe_quotes() is False
    monkeypatch.setenv("NEWS_ETL_DOUBLED_APOSTROPHE_QUOTES", "on")
    assert config.doubled_apostrophe_quotes() is True
    monkeypatch.setenv("NEWS_ETL_DOUBLED_APOSTROPHE_QUOTES", "off")
    assert config.doubled_apostrophe_quotes() is False



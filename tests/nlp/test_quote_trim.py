"""Quotes are stored without the reporter's punctuation around them; offsets keep matching the body."""
from hypothesis import given, settings, strategies as st

from etl.model.records import Quote
from etl.nlp.quote_trim import trim_quotes, trim_span


def _trim(body: str, quoted: str) -> str | None:
    start = body.index(quoted)
    span = trim_span(body, start, start + len(quoted))
    return None if span is None else body[span[0]:span[1]]


def test_trailing_comma_inside_the_marks_is_the_reporters():
    body = '"The patches are now older than some of our apprentices," said Helen Varga.'
    assert _trim(body, "The patches are now older than some of our apprentices,") == \
        "The patches are now older than some of our apprentices"


def test_full_stop_after_a_fragment_is_dropped_but_a_sentence_keeps_its_own():
    body = 'The talks were "very good." He said: "He would like to end the war. That was their impression."'
    assert _trim(body, "very good.") == "very good"
    assert _trim(body, "He would like to end the war. That was their impression.") == \
        "He would like to end the war. That was their impression."


def test_question_and_exclamation_marks_and_ellipses_are_the_speakers():
    body = 'She asked "why not?" and he shouted "never!" then "we will see..."'
    assert _trim(body, "why not?") == "why not?"
    assert _trim(body, "never!") == "never!"
    assert _trim(body, "we will see...") == "we will see..."


def test_leading_joiners_and_space_and_dashes_go():
    body = 'He said, " — and then we left; " before leaving.'
    assert _trim(body, " — and then we left; ") == "and then we left"


def test_a_quote_of_nothing_but_punctuation_is_dropped():
    body = 'He wrote ", ;" on the board, then "Go home," she said.'
    quotes = [Quote(", ;", 10, 13), Quote("Go home,", body.index("Go"), body.index("Go") + 8)]
    kept = trim_quotes(body, quotes)
    assert [q.quote for q in kept] == ["Go home"]
    assert all(body[q.char_start:q.char_end] == q.quote for q in kept)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.,;:!?—- \n\u00a0")), max_size=40), st.data())
def test_trimmed_span_lies_inside_the_original_and_matches_the_body(body, data):
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, len(body)))
    span = trim_span(body, start, end)
    if span is None:
        assert not any(ch.isalnum() for ch in body[start:end]) or start == end
        return
    s, e = span
    assert start <= s < e <= end
    text = body[s:e]
    assert text == text.strip() and text[-1] not in ",;:—–-" and text[0] not in ",;:—–-"
    assert trim_span(body, s, e) == (s, e)  # trimming is idempotent

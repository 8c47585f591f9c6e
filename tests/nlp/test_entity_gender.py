"""The sex an article gives a person by its own words (etl.nlp.entity_gender)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from etl.nlp.entity_gender import pronoun_after, sexes_written_at


@pytest.mark.parametrize("text, sexes", [
    ("the first lady, Michelle Obama", {"f"}),
    ("The former first lady, Michelle Obama", {"f"}),
    ("his wife Jane Roe", {"f"}),
    ("her husband, Bill Clinton", {"m"}),
    ("Mr. Barack Obama", {"m"}),
    ("Ms. Jane Roe", {"f"}),
    # a role word that is no apposition of the name says nothing of it
    ("a woman Bill Cosby", set()),
    ("the man Hillary Clinton", set()),
    ("will not miss Donald Trump", set()),
    ("said Michelle Obama", set()),
    ("", set()),
])
def test_a_role_or_honorific_before_the_name(text, sexes):
    name = " ".join(text.split()[-2:])
    assert sexes_written_at(text, len(text) - len(name), len(text)) == sexes


@pytest.mark.parametrize("text, sexes", [
    ("Michelle Obama, the first lady, spoke", {"f"}),
    ("Bill Clinton, her husband of 40 years", {"m"}),
    ("Jane Roe, a spokeswoman for the group", {"f"}),
    ("Jane Roe, the senator from Ohio", set()),
])
def test_a_role_in_apposition_after_the_name(text, sexes):
    name = " ".join(text.split(",")[0].split()[:2])
    assert sexes_written_at(text, 0, len(name)) == sexes


def _doc(words, heads, deps):
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)


def test_only_a_pronoun_that_is_a_subject_or_possessor_tells_the_sex():
    said_she = _doc(["Roe", "said", "she", "won", "."], [1, 1, 3, 1, 1], ["nsubj", "ROOT", "nsubj", "ccomp", "punct"])
    assert pronoun_after(said_she, 0, 3) == "f"
    praised_him = _doc(["Roe", "praised", "him", "."], [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"])
    assert pronoun_after(praised_him, 0, 3) is None
    quoted = _doc(["Roe", "said", "“", "she", "won", "”"], [1, 1, 4, 4, 1, 1],
                  ["nsubj", "ROOT", "punct", "nsubj", "ccomp", "punct"])
    assert pronoun_after(quoted, 0, 3) is None  # words quoted are someone else's
    object_name = _doc(["Roe", "won", "."], [1, 1, 1], ["dobj", "ROOT", "punct"])
    assert pronoun_after(object_name, 0, 3) is None  # only a clause the name is the subject of

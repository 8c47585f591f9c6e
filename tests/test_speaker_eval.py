"""The speaker-key error report (scripts/speaker_eval.py): its pair counting and error-free estimate."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "speaker_eval.py"


@pytest.fixture(scope="module")
def speaker_eval():
    spec = importlib.util.spec_from_file_location("speaker_eval", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pairs_are_counted_across_documents_only(speaker_eval):
    rows = [("a", "ann lee", "person:ann lee"), ("a", "ann lee", "person:ann lee"), ("b", "ann lee", "person:ann lee"),
            ("c", "bo kim", "person:ann lee")]
    # gold pairs: a-b twice; predicted: those plus three with c; true: the gold two
    p, r, f = speaker_eval._score(rows)
    assert (round(p, 3), r) == (round(2 / 5, 3), 1.0)
    assert f == pytest.approx(2 * 0.4 / 1.4)
    # a quote with no key pairs with nothing
    assert speaker_eval._score([("a", "ann lee", None), ("b", "ann lee", "person:ann lee")]) == (0.0, 0.0, 0.0)


def test_the_error_free_key_keeps_a_person_key_of_the_proxys_variants(speaker_eval):
    ideal = speaker_eval._ideal
    assert ideal("texas cruz", "person:ted cruz", "Texas Sen. Ted Cruz") == "person:ted cruz"
    assert ideal("donald trump s", "person:donald trump", "Donald Trump's") == "person:donald trump"
    # someone else's key is an error; a role is nobody's key
    assert ideal("ted cruz", "person:marco rubio", "Cruz") == "person:ted cruz"
    assert ideal("donald trump", "person:donald trump", "a top Trump adviser") == "person:donald trump"
    assert ideal("donald trump", None, "a top Trump adviser") is None


def test_quote_gains_rank_the_quote_that_pairs_with_most_others_first(speaker_eval, capsys):
    matched = [(f"d{n}", "ann lee", "person:ann lee", "Lee", f"words {n}", "Lee") for n in range(4)]
    matched += [("d8", "ann lee", "person:bo kim", "Lee", "pairs with four", "he"),
                ("d9", "cy day", None, "Day", "pairs with none", None)]
    ideal = [(d, ident, speaker_eval._ideal(ident, key, speaker)) for d, ident, key, speaker, *_ in matched]
    speaker_eval._print_quote_gains(matched, ideal, 5)
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("+")]
    assert len(listed) == 2
    assert "pairs with four" in listed[0] and "person:bo kim -> person:ann lee" in listed[0]
    assert "pairs with none" in listed[1]


def test_the_estimate_under_the_products_conventions(speaker_eval):
    labels = {"relayed": [["doc-a", "happy to"]], "roles": {"vermont senator": "person:bernie sanders"}}

    def own(ident, key, speaker, doc="doc-z", quote="words"):
        return speaker_eval._conventional(ident, key, speaker, doc, quote, labels)

    # relayed words stay with the one who said them, whatever outlet the gold names
    assert own("new times", "person:donald trump", "The New York Times", "doc-a-1", "happy to see") == "person:donald trump"
    assert own("new times", "person:donald trump", "The New York Times", "doc-b-1", "happy to see") == "person:new times"
    # a joint source is nobody's; a role written with a place is the one who holds it
    assert own("donald trump", "person:donald trump", "Trump and Ryan") is None
    assert own("vermont", None, "the independent Vermont senator") == "person:bernie sanders"
    # a surname the gold writes as the name or in its first appositive keeps the key given
    assert own("speaker", "person:paul ryan", "Speaker of the House Rep. Paul Ryan (R-WI)") == "person:paul ryan"
    assert own("trump s", "person:alan garten", "Trump's attorney, Alan Garten,") == "person:alan garten"
    # but not a name in a relative clause, nor someone the gold does not write
    assert own("katie packer", "person:principles pac", "Katie Packer, who is chairman of Our Principles PAC") \
        == "person:katie packer"
    assert own("ted cruz", "person:marco rubio", "Cruz") == "person:ted cruz"
    # otherwise it is the estimate under PolNeAR's conventions
    assert own("donald trump", None, "a top Trump adviser") is None

"""Row-level checks (etl.validate.rows) and the partition's quarantine gate."""
import pytest

from etl.model.ids import sha256_text
from etl.model.records import ArticleResult, Caption, Entity, Mention, ParsedPage, Quote, SourceDocument
from etl.validate import rows

BODY = "Mayor Ana Lopez opened the bridge on Tuesday.\n\n\"It is done,\" Lopez said."


def _article(**page) -> ArticleResult:
    p = ParsedPage(title="Bridge opens", body=BODY, language="en", **page)
    ent = Entity("e1", "Ana Lopez", "PERSON", 1, "body", 6)
    return ArticleResult(SourceDocument("in/a.txt", "text", BODY), p, "a1", sha256_text(p.body),
                         mentions=[Mention("body", 0, "Ana Lopez", "PERSON", 6, 15, "e1")], entities=[ent],
                         quotes=[Quote("It is done,", 48, 59, "Ana Lopez", "Lopez", "e1", "said")])


def test_a_sound_article_passes():
    assert rows.article_problem(_article()) is None


@pytest.mark.parametrize("change, check", [
    (lambda a: setattr(a.page, "body", "\U0001F600 \U0001F389"), "word_count"),
    (lambda a: setattr(a.page, "language", "12"), "language"),
    (lambda a: a.page.captions.append(Caption("A crowd.", image_url="ftp://example.com/a.jpg")), "image_url"),
    (lambda a: a.page.captions.append(Caption("   ")), "caption_not_blank"),
    (lambda a: setattr(a.mentions[0], "char_start", 7), "mention_span"),
    (lambda a: setattr(a.mentions[0], "entity_key", "nobody"), "mention_entity_exists"),
    (lambda a: setattr(a.entities[0], "latitude", 91.0), "entity_latitude"),
    (lambda a: setattr(a.entities[0], "label", "ALIEN"), "entity_label"),
    (lambda a: setattr(a.quotes[0], "char_end", 58), "quote_span"),
    (lambda a: setattr(a.quotes[0], "speaker_entity_key", "nobody"), "quote_speaker_exists"),
])
def test_each_defect_names_its_check(change, check):
    art = _article()
    assert BODY[48:59] == "It is done,"  # the fixture itself is sound
    change(art)
    problem = rows.article_problem(art)
    assert problem is not None and problem[0] == check, problem


def test_gate_tolerates_a_few_but_not_a_broken_reader():
    one_bad = ["invalid:word_count"] + ["duplicate"] * 3
    assert rows.quarantine_gate(one_bad, articles=10, max_share=0.05, allowance=5).passed
    many = ["invalid:word_count"] * 100 + ["too_large"] * 50
    verdict = rows.quarantine_gate(many, articles=900, max_share=0.05, allowance=5)
    assert not verdict.passed and verdict.quarantined == 100 and "10.0%" in verdict.summary()
    assert rows.quarantine_gate(["invalid:language"] * 40, articles=960, max_share=0.05, allowance=5).passed
    assert not rows.quarantine_gate(["parse_error"] * 6, articles=10, max_share=0.05, allowance=5).passed


def test_a_day_mostly_quarantined_is_not_published(tmp_path, monkeypatch):
    from etl.run import pipeline
    from etl.warehouse import open_warehouse

    landing = tmp_path / "in"
    landing.mkdir()
    for i in range(3):
        (landing / f"emoji{i}.html").write_text(
            f"<html><body><article><h1>\U0001F600</h1><p>{chr(0x1F600 + i) * 30}</p></article></body></html>")
    (landing / "good.txt").write_text("Bridge opens\n\nMayor Ana Lopez opened the new bridge on Tuesday after "
                                      "two years of work.\n\nTraffic was light, officials said.\n")
    monkeypatch.setenv("NEWS_ETL_QUARANTINE_ALLOWANCE", "1")
    with pytest.raises(pipeline.ValidationFailed, match="quarantine gate FAILED"):
        pipeline.run([str(landing)], str(tmp_path / "wh"), "2025-12-03", "gate-test")
    assert open_warehouse(tmp_path / "wh").read_manifest("2025-12-03") is None


def test_the_row_checks_use_the_suites_vocabulary():
    from expectations import ENTITY_LABELS, FIELDS

    assert rows.ENTITY_LABELS == set(ENTITY_LABELS) and rows.FIELDS == set(FIELDS)

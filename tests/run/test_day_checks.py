"""A broken day never passes as healthy: seven synthetic good days are published, then each kind
of break that happens in practice is blocked by the volume and drift checks with a summary that
names the cause, while a normal day 30 % bigger or smaller publishes.

The days are built directly as tables (records -> etl.tables -> staged Parquet), not by running
spaCy over pages, and go through the pipeline's real audit (GX) and publish (manifest with the
day's stats, read back as the next days' baseline)."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from etl import tables
from etl.model import schema
from etl.model.ids import sha256_text
from etl.model.records import ArticleResult, Caption, Entity, Mention, ParsedPage, Quote, Reject, SourceDocument
from etl.run import pipeline
from etl.warehouse import PART_NAME, open_warehouse

FIRST = ["Mara", "Tom", "Helen", "Ruth", "Samuel", "Ines", "Oskar", "Priya", "Jonas", "Kwame", "Lucia", "Farid"]
LAST = ["Ellison", "Okafor", "Varga", "Pell", "Achebe", "Quist", "Lind", "Mensah", "Haddad", "Petrova", "Brandt"]
PLACES = ["Kelby", "Rivermouth", "Northfield", "Lisbon", "Nairobi", "Toronto", "Oslo", "Accra", "Porto", "Leeds"]
FILLER = ["the council met again on", "residents said the plan for", "officials expect the cost of", "a report on",
          "the vote over", "critics of the scheme in", "work on the new bridge in", "the budget for"]
START = date(2025, 11, 1)
GOOD_DAYS = [(START + timedelta(days=i)).isoformat() for i in range(7)]
BREAK_DAY = (START + timedelta(days=7)).isoformat()
ARTICLES = 120


def _sentence(rng: random.Random, place: str) -> str:
    words = " ".join(rng.choice(FILLER).split() + [place] + [rng.choice(["rose", "fell", "stalled", "moved"])] +
                     ["after", "weeks", "of", "talks", "with", "local", "groups"] * rng.randint(1, 2))
    return words[0].upper() + words[1:] + "."


def _article(day: str, i: int, rng: random.Random, one_sentence: bool, nlp: str) -> ArticleResult:
    person, place = f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(PLACES)
    quote = f"we will finish the work in {place} this year"
    paragraphs = [f"{person} visited {place} on Monday. " + " ".join(_sentence(rng, place) for _ in range(4)),
                  f"{person} said \u201c{quote}\u201d to reporters."]
    paragraphs += [" ".join(_sentence(rng, place) for _ in range(5)) for _ in range(rng.randint(3, 6))]
    body = "\n\n".join(paragraphs)
    if one_sentence:  # a site redesign: only the first line of furniture-free text survives
        body = body.split(". ")[0] + "."
    language = "de" if i % 12 == 0 else "en"
    result = ArticleResult(
        source=SourceDocument(f"landing/{day}/{i:05d}.html", "html", body),
        page=ParsedPage(title=f"{place} update {i}", body=body, language=language,
                        captions=[Caption(f"{person} in {place}.", image_url=f"https://img.example/{i}.jpg")]
                        if i % 2 else []),
        article_id=f"{day}-{i:05d}", content_sha256=sha256_text(body))
    if language != "en":
        result.nlp_skipped_reason = f"skipped:language={language}"
    elif nlp != "ok":
        result.nlp_skipped_reason = nlp
    else:
        spans = [(person, "PERSON", "p"), (place, "GPE", "g")]
        for text, label, key in spans:
            starts = [k for k in range(len(body)) if body.startswith(text, k)]
            result.mentions += [Mention("body", 0, text, label, s, s + len(text), key) for s in starts]
            if starts:
                result.entities.append(Entity(key, text, label, len(starts), "body", starts[0]))
        q0 = body.find("\u201c") + 1
        if q0 > 0:
            result.quotes.append(Quote(quote, q0, q0 + len(quote), speaker=person, speaker_entity_key="p", cue="said"))
    return result


def stage_day(wh_root: Path, day: str, run_id: str, articles: int = ARTICLES, reject_share: float = 0.02,
              one_sentence: bool = False, nlp: str = "ok") -> str:
    """A staged, finalized partition of `day` (as `finalize` leaves it), ready for audit."""
    rng = random.Random(day)  # the same day gives the same inputs, whatever breaks afterwards
    inputs = round(articles / (1 - 0.02))
    n_rejects = max(round(inputs * reject_share), 0)
    results = [_article(day, i, rng, one_sentence, nlp) for i in range(inputs)][: inputs - n_rejects]
    rejects = [Reject(f"landing/{day}/bad-{i:04d}.html", "no_article", "no article text found")
               for i in range(n_rejects)]
    rows = tables.article_rows(results)
    rows["rejects"] = tables.reject_rows(rejects)
    wh = open_warehouse(wh_root)
    staging = wh.staging_dir(day, run_id)
    counts = {}
    for table in schema.TABLE_NAMES:
        target = staging / "final" / table / PART_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        t = tables.to_arrow(table, tables.frame(table, rows[table]))
        import pyarrow.parquet as pq

        pq.write_table(t, target)
        counts[table] = t.num_rows
    (staging / "finalized.json").write_text(json.dumps(
        {"inputs": inputs, "files": inputs, "skipped_records": 0, "rows": counts, "final": str(staging / "final")}))
    return str(staging)


def audit_and_publish(wh_root: Path, day: str, run_id: str, **kind) -> dict:
    staging = stage_day(wh_root, day, run_id, **kind)
    pipeline.audit(staging, day, str(wh_root), run_id)
    return pipeline.publish(staging, day, str(wh_root), run_id)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    pytest.importorskip("great_expectations")
    wh = tmp_path_factory.mktemp("drift-warehouse")
    for i, day in enumerate(GOOD_DAYS):
        # ordinary day-to-day variation: +-15 % volume, reject share between 1 and 3 %
        manifest = audit_and_publish(wh, day, f"good-{day}", articles=ARTICLES + (-18, 0, 12, 18, -6, 6, -12)[i],
                                     reject_share=(0.01, 0.02, 0.03, 0.02, 0.01, 0.02, 0.03)[i])
        assert manifest["stats"]["articles"] > 0
    return wh


def _blocked(wh: Path, run_id: str, **kind) -> pipeline.ValidationFailed:
    staging = stage_day(wh, BREAK_DAY, run_id, **kind)
    with pytest.raises(pipeline.ValidationFailed) as caught:
        pipeline.audit(staging, BREAK_DAY, str(wh), run_id)
    with pytest.raises(pipeline.ValidationFailed):
        pipeline.publish(staging, BREAK_DAY, str(wh), run_id)
    assert open_warehouse(wh).read_manifest(BREAK_DAY) is None
    return caught.value


def _blocking(exc) -> set[tuple]:
    return {(f["table"], f["expectation"], f["column"] if isinstance(f["column"], str) else None)
            for f in exc.report.failures}


def test_the_good_days_are_published_with_their_stats_as_baseline(history):
    wh = open_warehouse(history)
    stats = [wh.read_manifest(d)["stats"] for d in GOOD_DAYS]
    assert all(0.005 < s["reject_rate"] < 0.04 for s in stats)
    assert all(s["median_body_words"] > 100 and s["entities_per_article"] >= 2 for s in stats)
    last = wh.read_manifest(GOOD_DAYS[-1])["validation"]
    assert last["baseline_partitions"] == GOOD_DAYS[:-1]  # six before the seventh


def test_scraper_break_bodies_cut_to_one_sentence_is_blocked(history):
    exc = _blocked(history, "break-bodies", one_sentence=True)
    assert ("day_articles", "expect_column_median_to_be_between", "word_count") in _blocking(exc)
    assert "word_count" in str(exc) and "expect_column_median_to_be_between" in str(exc)


def test_ninety_percent_rejects_is_blocked(history):
    exc = _blocked(history, "break-rejects", reject_share=0.9)
    assert ("day_inputs", "expect_column_values_to_not_be_in_set", "outcome") in _blocking(exc)
    assert "outcome" in str(exc)
    failure = next(f for f in exc.report.failures if f["table"] == "day_inputs")
    assert "rows unexpected (90." in failure["observed"] or "rows unexpected (89." in failure["observed"]


def test_nlp_failing_for_every_article_is_blocked(history):
    exc = _blocked(history, "break-nlp", nlp="error:ModelNotInstalled")
    causes = _blocking(exc)
    assert ("day_articles", "expect_column_values_to_not_match_regex", "nlp_status") in causes
    assert ("day_articles", "expect_column_values_to_be_in_set", "nlp_status") in causes
    assert "nlp_status" in str(exc)


@pytest.mark.parametrize("factor", [0.7, 1.3])
def test_a_normal_day_thirty_percent_smaller_or_bigger_publishes(history, factor, tmp_path):
    import shutil

    wh = tmp_path / "wh"
    shutil.copytree(history, wh)  # each variant against the same seven days
    manifest = audit_and_publish(wh, BREAK_DAY, f"volume-{factor}", articles=round(ARTICLES * factor))
    assert manifest["validation"]["passed"]
    assert manifest["stats"]["articles"] == round(ARTICLES * factor)
    assert not [w for w in manifest["validation"]["warned"] if "row_count" in w]


def test_without_history_absolute_bounds_still_block_a_gross_break(tmp_path):
    pytest.importorskip("great_expectations")
    staging = stage_day(tmp_path, GOOD_DAYS[0], "first-day", one_sentence=True)
    with pytest.raises(pipeline.ValidationFailed) as caught:
        pipeline.audit(staging, GOOD_DAYS[0], str(tmp_path), "first-day")
    assert ("day_articles", "expect_column_median_to_be_between", "word_count") in _blocking(caught.value)  # 5 words


def test_a_day_whose_inputs_were_all_rejected_is_not_published(tmp_path):
    pytest.importorskip("great_expectations")
    staging = stage_day(tmp_path, GOOD_DAYS[0], "all-rejected", articles=20, reject_share=1.0)
    with pytest.raises(pipeline.ValidationFailed) as caught:
        pipeline.audit(staging, GOOD_DAYS[0], str(tmp_path), "all-rejected")
    assert ("day_articles", "expect_table_row_count_to_be_between", None) in _blocking(caught.value)

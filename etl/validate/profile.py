"""The day's profile: what the volume and drift suites (expectations/day.py) validate, and the
small stats record kept in each published partition's manifest for later days to compare with.

Two frames, built from the staged Parquet with a few narrow column reads (no bodies):
    day_inputs    one row per input: outcome (article, duplicate, rejected) and reject reason
    day_articles  one row per article: word_count, language, nlp_status, and its numbers of
                  entities and quotes (null where NLP did not run) and captions
A whole day's profile is small (a million articles are ~50 MB), so it is validated in one piece."""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

# Scalar stats a day is compared on (the language mix is compared as a distribution).
METRICS = ("inputs", "articles", "reject_rate", "median_body_words", "entities_per_article",
           "quotes_per_article", "captions_per_article", "nlp_ok_share")


def file_columns(files: dict[str, list[Path]]) -> Callable[[str, list[str]], dict[str, list]]:
    """read(table, columns) over a staged partition's Parquet files (only those columns)."""
    def read(table: str, columns: list[str]) -> dict[str, list]:
        out: dict[str, list] = {c: [] for c in columns}
        for f in files[table]:
            t = pq.read_table(f, columns=columns)
            for c in columns:
                out[c].extend(t.column(c).to_pylist())
        return out

    return read


def frame_columns(frames: dict[str, pd.DataFrame]) -> Callable[[str, list[str]], dict[str, list]]:
    """read(table, columns) over in-memory frames."""
    return lambda table, columns: {c: frames[table][c].tolist() for c in columns}


def day_frames(read: Callable[[str, list[str]], dict[str, list]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    arts = read("articles", ["article_id", "word_count", "language", "nlp_status"])
    rejects = read("rejects", ["reason"])
    per: dict[str, Counter] = {}
    for table in ("entities", "quotes", "image_captions"):
        per[table] = Counter(read(table, ["article_id"])["article_id"])
    ok = [s == "ok" for s in arts["nlp_status"]]
    articles = pd.DataFrame({
        "article_id": pd.Series(arts["article_id"], dtype=object),
        "word_count": pd.Series(arts["word_count"], dtype="float64"),
        "language": pd.Series(arts["language"], dtype=object),
        "nlp_status": pd.Series(arts["nlp_status"], dtype=object),
        # where NLP did not run, "no entities" says nothing about the day: null, not 0
        "entities": pd.Series([per["entities"][a] if k else None for a, k in zip(arts["article_id"], ok)],
                              dtype="float64"),
        "quotes": pd.Series([per["quotes"][a] if k else None for a, k in zip(arts["article_id"], ok)],
                            dtype="float64"),
        "captions": pd.Series([per["image_captions"][a] for a in arts["article_id"]], dtype="float64"),
    })
    outcome = ["article"] * len(arts["article_id"]) + [
        "duplicate" if r == "duplicate" else "rejected" for r in rejects["reason"]]
    inputs = pd.DataFrame({"outcome": pd.Series(outcome, dtype=object),
                           "reason": pd.Series([None] * len(arts["article_id"]) + rejects["reason"], dtype=object)})
    return inputs, articles


def day_stats(inputs: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """The numbers a later day is compared with (JSON-able, a few hundred bytes)."""
    n_inputs, n_articles = len(inputs), len(articles)
    rejected = int((inputs["outcome"] == "rejected").sum())

    def mean(col: str):
        values = articles[col].dropna()
        return round(float(values.mean()), 4) if len(values) else None

    langs = articles["language"].dropna()
    return {
        "inputs": n_inputs,
        "articles": n_articles,
        "rejects": rejected,
        "duplicates": int((inputs["outcome"] == "duplicate").sum()),
        # duplicates are not faults (the same story delivered twice): the rate counts real rejects
        "reject_rate": round(rejected / n_inputs, 4) if n_inputs else None,
        "median_body_words": float(articles["word_count"].median()) if n_articles else None,
        "entities_per_article": mean("entities"),
        "quotes_per_article": mean("quotes"),
        "captions_per_article": mean("captions"),
        "nlp_ok_share": round(float((articles["nlp_status"] == "ok").mean()), 4) if n_articles else None,
        "nlp_error_share": (round(float(articles["nlp_status"].str.startswith("error:").mean()), 4)
                            if n_articles else None),
        "languages": {k: round(v / len(langs), 4) for k, v in sorted(Counter(langs).items())} if len(langs) else {},
    }


def baseline(history: list[dict]) -> dict | None:
    """Each metric's median over the trailing partitions' stats (`history`: dicts with "date" and
    "stats"), and their mean language mix; None without history."""
    stats = [h["stats"] for h in history if h.get("stats")]
    if not stats:
        return None
    out: dict = {"dates": [h["date"] for h in history if h.get("stats")], "partitions": len(stats)}
    for m in METRICS:
        values = [s[m] for s in stats if s.get(m) is not None]
        out[m] = statistics.median(values) if values else None
    mix: Counter = Counter()
    for s in stats:
        mix.update(s.get("languages") or {})
    total = sum(mix.values())
    out["languages"] = {k: v / total for k, v in sorted(mix.items())} if total else {}
    return out

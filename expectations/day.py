"""The day as a whole: volume, reject rate and drift, compared with the trailing published
partitions (their stats, kept in each manifest; the baseline is each figure's median over them).

    day_inputs    one row per input (article, duplicate or rejected)
    day_articles  one row per article with its word count, language, NLP status and counts

A gross break blocks publishing (severity critical); drift within what a news day can do is a
warning. Without history (the first days) only the absolute sanity bounds apply, and they are
loose on purpose: a day they block never becomes history for the days after it. Always blocking,
history or not: a day with inputs but no article, NLP failing on most articles.

Thresholds (defaults below; each can be set with NEWS_ETL_DRIFT_<NAME>, e.g.
NEWS_ETL_DRIFT_BODY_WORDS_BLOCK_RATIO=0.5; a pair as "low,high"):
  articles_block_ratio         0.2      blocks below 20 % of the baseline's articles
  articles_block_ratio_high    10       ... or above 10 times it
  articles_warn_ratios         0.5,2    warns outside half to twice the baseline
  reject_rate_block_points     0.35     blocks when the reject rate is 35 points above the baseline
  reject_rate_warn_points      0.10     warns at 10 points above
  reject_rate_block_absolute   0.8      without history: blocks above 80 % rejected
  body_words_block_ratio       0.4      blocks when the median body is under 40 % of the baseline's
  body_words_warn_ratios       0.7,1.5
  body_words_min_absolute      20       without history: blocks a median body under 20 words
  entities_block_ratio         0.3      entities per NLP'd article under 30 % of the baseline
  entities_warn_ratios         0.6,1.6
  counts_block_ratio           0.1      quotes / captions per article collapsing to a tenth of a
  counts_block_min_baseline    0.5        baseline of at least 0.5 per article
  counts_warn_ratios           0.5,2
  nlp_ok_block_points          0.5      share of nlp_status=ok 50 points under the baseline
  nlp_ok_warn_points           0.15
  nlp_error_share_max          0.5      always: blocks when NLP failed on more than half the articles
  language_kl_warn             0.5      KL divergence of the language mix from the baseline's
  min_rows_to_judge            20       fewer articles (inputs, for the reject rate) than this:
                                        a distribution check only warns (too few to judge)"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

SUITES = ("day_inputs", "day_articles")
CRITICAL, WARNING = "critical", "warning"


@dataclass(frozen=True)
class Thresholds:
    articles_block_ratio: float = 0.2
    articles_block_ratio_high: float = 10.0
    articles_warn_ratios: tuple = (0.5, 2.0)
    reject_rate_block_points: float = 0.35
    reject_rate_warn_points: float = 0.10
    reject_rate_block_absolute: float = 0.8
    body_words_block_ratio: float = 0.4
    body_words_warn_ratios: tuple = (0.7, 1.5)
    body_words_min_absolute: float = 20
    entities_block_ratio: float = 0.3
    entities_warn_ratios: tuple = (0.6, 1.6)
    counts_block_ratio: float = 0.1
    counts_block_min_baseline: float = 0.5
    counts_warn_ratios: tuple = (0.5, 2.0)
    nlp_ok_block_points: float = 0.5
    nlp_ok_warn_points: float = 0.15
    nlp_error_share_max: float = 0.5
    language_kl_warn: float = 0.5
    min_rows_to_judge: int = 20

    @classmethod
    def from_env(cls) -> "Thresholds":
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"NEWS_ETL_DRIFT_{f.name.upper()}")
            if not raw:
                continue
            try:
                values[f.name] = (tuple(float(x) for x in raw.split(",")) if isinstance(f.default, tuple)
                                  else type(f.default)(float(raw)))
            except ValueError as exc:
                raise ValueError(f"NEWS_ETL_DRIFT_{f.name.upper()} must be a number (or 'low,high'), "
                                 f"got {raw!r}") from exc
        return cls(**values)


def _against(base: dict) -> str:
    dates = base.get("dates") or []
    span = f"{dates[0]} to {dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "")
    return f"the median of the {base['partitions']} published partition(s) before this one ({span})"


def expectations(gxe, ctx, suite: str) -> list:
    t = Thresholds.from_env()
    stats, base = ctx.stats, ctx.baseline
    if suite == "day_inputs":
        return _inputs(gxe, t, stats, base)
    return _articles(gxe, t, stats, base)


def _inputs(gxe, t: Thresholds, stats: dict, base: dict | None) -> list:
    out = []
    judge = CRITICAL if stats["inputs"] >= t.min_rows_to_judge else WARNING
    past = base.get("reject_rate") if base else None
    if past is None:
        out.append(gxe.ExpectColumnValuesToNotBeInSet(
            column="outcome", value_set=["rejected"], mostly=round(1 - t.reject_rate_block_absolute, 4),
            severity=judge, notes=f"No history yet: at most {t.reject_rate_block_absolute:.0%} of the inputs "
                                  "may be rejected (duplicates are not rejects)."))
        return out
    for points, severity in ((t.reject_rate_block_points, judge), (t.reject_rate_warn_points, WARNING)):
        limit = min(1.0, past + points)
        out.append(gxe.ExpectColumnValuesToNotBeInSet(
            column="outcome", value_set=["rejected"], mostly=round(1 - limit, 4), severity=severity,
            notes=f"Reject rate at most {limit:.1%}: the baseline {past:.1%} ({_against(base)}) "
                  f"plus {points:.0%} points."))
    return out


def _ratio_bounds(gxe, make, base_value, block: tuple, warn: tuple, what: str, base: dict, judge: str) -> list:
    """Two checks of one figure against its baseline: a wide blocking band and a narrow warning one."""
    out = []
    for (lo, hi), severity in ((block, judge), (warn, WARNING)):
        kwargs = {"min_value": base_value * lo if lo else None,
                  "max_value": base_value * hi if hi else None}
        bounds = " and ".join(s for s in (f"at least {lo:g}x" if lo else "", f"at most {hi:g}x" if hi else "") if s)
        out.append(make(**kwargs, severity=severity,
                        notes=f"{what}: {bounds} the baseline {base_value:g} ({_against(base)})."))
    return out


def _articles(gxe, t: Thresholds, stats: dict, base: dict | None) -> list:
    out = []
    n = stats["articles"]
    judge = CRITICAL if n >= t.min_rows_to_judge else WARNING
    if stats["inputs"]:
        out.append(gxe.ExpectTableRowCountToBeBetween(
            min_value=1, notes="The day has inputs: at least one of them must be an article "
                               "(a day whose inputs were all rejected is not published)."))
    # NLP that failed on most articles is never a normal day, whatever the history.
    out.append(gxe.ExpectColumnValuesToNotMatchRegex(
        column="nlp_status", regex=r"^error:", mostly=round(1 - t.nlp_error_share_max, 4),
        notes=f"NLP may fail on at most {t.nlp_error_share_max:.0%} of the articles."))
    ok_articles = round(n * (stats.get("nlp_ok_share") or 0))
    if base is None:
        if n:
            out.append(gxe.ExpectColumnMedianToBeBetween(
                column="word_count", min_value=t.body_words_min_absolute, severity=judge,
                notes=f"No history yet: the median body has at least {t.body_words_min_absolute:g} words."))
        if ok_articles:  # a warning only: a first day with no entities may be a small or odd corpus
            out.append(gxe.ExpectColumnMeanToBeBetween(
                column="entities", min_value=0, strict_min=True, severity=WARNING,
                notes="No history yet: articles that went through NLP should have entities."))
        return out

    if base.get("articles"):
        b = base["articles"]
        out += _ratio_bounds(gxe, lambda min_value, max_value, **kw: gxe.ExpectTableRowCountToBeBetween(
            min_value=math.ceil(min_value), max_value=math.floor(max_value), **kw),
            b, (t.articles_block_ratio, t.articles_block_ratio_high), t.articles_warn_ratios,
            "Articles", base, CRITICAL)
    if n and base.get("median_body_words"):
        out += _ratio_bounds(gxe, lambda **kw: gxe.ExpectColumnMedianToBeBetween(column="word_count", **kw),
                             base["median_body_words"], (t.body_words_block_ratio, None), t.body_words_warn_ratios,
                             "Median body words", base, judge)
    if ok_articles and base.get("entities_per_article"):
        out += _ratio_bounds(gxe, lambda **kw: gxe.ExpectColumnMeanToBeBetween(column="entities", **kw),
                             base["entities_per_article"], (t.entities_block_ratio, None), t.entities_warn_ratios,
                             "Entities per article (of those NLP ran on)", base, judge)
    for column, key, rows in (("quotes", "quotes_per_article", ok_articles), ("captions", "captions_per_article", n)):
        b = base.get(key)
        if not rows or not b:
            continue
        block = (t.counts_block_ratio, None) if b >= t.counts_block_min_baseline else (None, None)
        checks = _ratio_bounds(gxe, lambda c=column, **kw: gxe.ExpectColumnMeanToBeBetween(column=c, **kw),
                               b, block, t.counts_warn_ratios, f"{column.capitalize()} per article", base, judge)
        out += checks if block != (None, None) else checks[1:]
    if n and base.get("nlp_ok_share"):
        for points, severity in ((t.nlp_ok_block_points, judge), (t.nlp_ok_warn_points, WARNING)):
            share = base["nlp_ok_share"] - points
            if share > 0:
                out.append(gxe.ExpectColumnValuesToBeInSet(
                    column="nlp_status", value_set=["ok"], mostly=round(share, 4), severity=severity,
                    notes=f"Share of nlp_status=ok at least {share:.0%}: the baseline "
                          f"{base['nlp_ok_share']:.0%} ({_against(base)}) minus {points:.0%} points."))
    if base.get("languages") and stats.get("languages"):
        mix = base["languages"]
        out.append(gxe.ExpectColumnKLDivergenceToBeLessThan(
            column="language", partition_object={"values": list(mix), "weights": list(mix.values())},
            threshold=t.language_kl_warn, tail_weight_holdout=0.01, severity=WARNING,
            notes=f"Language mix close to the baseline's ({_against(base)})."))
    return out

"""Run-time settings, read from the environment so the CLI, the DAG and tests share them.

Every setting has a default that works on a fresh machine; nothing here touches the network."""
from __future__ import annotations

import os


def _number(name: str, default, parse, what: str):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be {what}, got {raw!r}") from exc


def _int(name: str, default: int) -> int:
    return _number(name, default, int, "an integer")


def _float(name: str, default: float) -> float:
    return _number(name, default, float, "a number")


def spacy_model() -> str:
    """Name of the spaCy pipeline for English text."""
    return os.environ.get("NEWS_ETL_SPACY_MODEL", "en_core_web_sm")


def spacy_models() -> dict[str, str]:
    """Language code -> spaCy model. NEWS_ETL_SPACY_MODELS="en=en_core_web_sm,de=de_core_news_sm"
    adds languages; English always maps to `spacy_model()` unless overridden there."""
    models = {"en": spacy_model()}
    for item in os.environ.get("NEWS_ETL_SPACY_MODELS", "").split(","):
        if "=" in item:
            lang, model = item.split("=", 1)
            models[lang.strip().lower()] = model.strip()
    return models


def entity_resolution() -> bool:
    """NEWS_ETL_ENTITY_RESOLUTION=off publishes the model's raw entities (the baseline used to
    measure what resolution adds); on by default."""
    return os.environ.get("NEWS_ETL_ENTITY_RESOLUTION", "on").lower() not in ("0", "false", "no", "off")


def doubled_apostrophe_quotes() -> bool:
    """Report quotes marked with doubled apostrophes (''like this''); off by default."""
    return os.environ.get("NEWS_ETL_DOUBLED_APOSTROPHE_QUOTES", "off").lower() in ("1", "true", "yes", "on")


def use_gpu() -> bool:
    return os.environ.get("NEWS_ETL_GPU", "auto").lower() not in ("0", "false", "no", "off")


def nlp_processes() -> int:
    """Worker processes for reading + NLP; 0 (the default) means all cores."""
    n = _int("NEWS_ETL_PROCESSES", 0)
    return n if n > 0 else _usable_cpus()


def task_nlp_processes() -> int:
    """NLP worker processes inside one mapped DAG task: NEWS_ETL_PROCESSES when set (0 = all
    cores), else 1. Under a scheduler up to `parallelism` tasks run at once, each already a
    process of its own; a pool per task on top of that multiplies processes (and spaCy models in
    memory) by the number of cores without adding throughput."""
    if os.environ.get("NEWS_ETL_PROCESSES", "") == "":
        return 1
    return nlp_processes()


def usable_cpus() -> int:
    """Cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    return _usable_cpus()


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def nlp_batch_size() -> int:
    """Texts (paragraphs) per spaCy minibatch."""
    return _int("NEWS_ETL_NLP_BATCH", 64)


def articles_per_task() -> int:
    """Documents handed to one worker at a time: small enough to balance the load, large enough
    for spaCy's batching."""
    return max(1, _int("NEWS_ETL_ARTICLES_PER_TASK", 32))


def articles_per_chunk() -> int:
    """Articles held in memory before their rows are written out (one Parquet row group). Bounds
    memory per batch however many records a single JSONL/WARC file holds."""
    return max(1, _int("NEWS_ETL_ARTICLES_PER_CHUNK", 500))


def validate_chunk_rows() -> int:
    """Rows of one table validated by GX at a time."""
    return max(1, _int("NEWS_ETL_VALIDATE_CHUNK_ROWS", 50_000))


def cache_enabled() -> bool:
    """Reuse stored results of articles processed before (same content, code and model)."""
    return os.environ.get("NEWS_ETL_CACHE", "on").lower() not in ("0", "false", "no", "off")


def cache_dir() -> str | None:
    """Where the article cache lives; default `_cache` inside the warehouse."""
    return os.environ.get("NEWS_ETL_CACHE_DIR") or None


def resource_cache_dir() -> str | None:
    """Where lookup resources built from installed packages (the place gazetteer, the unpacked
    language-id model) are kept between runs (NEWS_ETL_RESOURCE_CACHE: a folder, or `off`);
    default `$XDG_CACHE_HOME/news-etl`, else `~/.cache/news-etl`."""
    value = os.environ.get("NEWS_ETL_RESOURCE_CACHE")
    if value is not None:
        return None if value.lower() in ("", "0", "false", "no", "off") else value
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "news-etl")


def files_per_batch() -> int:
    """Input files per processing batch (one mapped task in the DAG)."""
    return _int("NEWS_ETL_FILES_PER_BATCH", 200)


def max_input_bytes() -> int:
    return _int("NEWS_ETL_MAX_INPUT_BYTES", 20 * 1024 * 1024)


def max_records_per_file() -> int:
    """JSON Lines / WARC records read from one file at most; the rest is rejected."""
    return _int("NEWS_ETL_MAX_RECORDS_PER_FILE", 100_000)


def max_html_depth() -> int:
    return _int("NEWS_ETL_MAX_HTML_DEPTH", 400)


def lock_wait_seconds() -> float:
    """How long a CLI run waits for another run of the same partition to finish (0: fail at once)."""
    raw = os.environ.get("NEWS_ETL_LOCK_WAIT_SECONDS", "")
    try:
        return max(0.0, float(raw)) if raw else 0.0
    except ValueError as exc:
        raise ValueError(f"NEWS_ETL_LOCK_WAIT_SECONDS must be a number, got {raw!r}") from exc


def publish_lock_wait_seconds() -> float:
    """How long a publish waits for another publish of the same partition (they take seconds)."""
    raw = os.environ.get("NEWS_ETL_PUBLISH_LOCK_WAIT_SECONDS", "")
    try:
        return max(0.0, float(raw)) if raw else 600.0
    except ValueError as exc:
        raise ValueError(f"NEWS_ETL_PUBLISH_LOCK_WAIT_SECONDS must be a number, got {raw!r}") from exc


def drift_history_partitions() -> int:
    """Trailing published partitions a day's volume and drift are compared with (their median)."""
    return max(1, _int("NEWS_ETL_DRIFT_HISTORY_PARTITIONS", 7))


def drift_history_max_age_days() -> int:
    """Partitions older than this many days before the one being built are no baseline for it."""
    return max(1, _int("NEWS_ETL_DRIFT_HISTORY_MAX_AGE_DAYS", 60))


def reports_kept_per_partition() -> int:
    """Validation reports (results + Data Docs) kept per partition: the newest runs', plus always
    the published run's."""
    return max(1, _int("NEWS_ETL_REPORTS_KEPT", 5))


def max_quarantined_share() -> float:
    """Share of articles the row checks may quarantine before the partition is refused: past it,
    the cause is more likely our reader than the day's pages (NEWS_ETL_MAX_QUARANTINED_SHARE)."""
    return _float("NEWS_ETL_MAX_QUARANTINED_SHARE", 0.05)


def quarantine_allowance() -> int:
    """Quarantined articles a partition may hold whatever their share (a small day with one
    hostile page is not a broken parser)."""
    return max(0, _int("NEWS_ETL_QUARANTINE_ALLOWANCE", 5))


def input_seconds() -> float:
    """CPU seconds allowed to reading one file or record, to parsing one page, and to the NLP of
    one group of articles (retried article by article, each charged its parsing time too); an
    input over it becomes a `timeout` reject. 0 turns the budget off."""
    return max(0.0, _float("NEWS_ETL_INPUT_SECONDS", 60.0))


def input_memory_mb() -> int:
    """Memory one input may add to its process (RSS growth while it is processed); past it the
    input becomes a `too_costly` reject. 0 turns the ceiling off."""
    return max(0, _int("NEWS_ETL_INPUT_MEMORY_MB", 1536))


def nlp_max_chars() -> int:
    """Characters of one article that go through NLP at most (all fields together); the rest is
    left out and the article's nlp_status says `partial:...`. Bounds an article's NLP time and memory."""
    return max(1, _int("NEWS_ETL_NLP_MAX_CHARS", 200_000))


def nlp_max_token_chars() -> int:
    """Longest run without a space handed to the tokenizer in one piece (spaCy's prefix/suffix
    search is quadratic in a run's length); longer runs are cut into pieces of this length."""
    return max(16, _int("NEWS_ETL_NLP_MAX_TOKEN_CHARS", 200))


def delta_retention_hours() -> float:
    """How long a publish keeps the data files its commits replaced (for Delta time travel).
    0 (the default): deleted as the publish finishes, so plain Parquet readers of a table folder
    see exactly the current partitions; more: time travel to earlier versions works that long,
    and plain readers see the replaced files beside the current ones until then."""
    return max(0.0, _float("NEWS_ETL_DELTA_RETENTION_HOURS", 0.0))


def orphan_grace_seconds() -> float:
    """On an object store, how old a file in a partition folder that no commit lists (left by a
    killed writer) must be before a publish deletes it. Writers on other hosts may be between
    writing their files and committing them; on local disk the partition lock excludes that."""
    return max(0.0, _float("NEWS_ETL_S3_ORPHAN_GRACE_SECONDS", 3600.0))

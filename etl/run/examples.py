"""The data dictionary's example rows, taken from what the pipeline really outputs for `seeds/`.

    python -m etl.run.examples            # rerun the seed day, rewrite etl/model/examples.json and docs/tables.md
    python -m etl.run.examples --check    # exit 1 if the stored examples are not today's output

The seed day's article goes through etl.run.extract (ingest -> reader -> NLP -> tables, as in a
run); the `rejects` example is the same file given a second time, which a partition stores as a
`duplicate` reject. Per table the row with the most filled-in columns is shown (the first such
row on a tie), so the example shows as many columns as the seed can fill."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.model import dictionary, schema

REPO = Path(__file__).resolve().parents[2]
SEED_DAY = "2025-12-03"
# Columns whose value is not the seed's output but the software's (compared by --check only when
# the version did not change: a release must not make the dictionary "stale").
VOLATILE = {("articles", "pipeline_version")}


def seed_examples(seeds: Path = REPO / "seeds", day: str = SEED_DAY) -> dict[str, dict]:
    from etl.run.extract import extract_many

    files = sorted(p for p in (seeds / day).iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    pages = []
    for p in files:
        rel = p.relative_to(seeds.parent).as_posix() if seeds.parent in p.parents else p.name
        kind = "text" if p.suffix.lower() in (".txt", ".text") else "html"
        pages.append({kind: p.read_text(encoding="utf-8"), "source_uri": rel})
    # The first file again: the partition keeps one copy and rejects the other as a duplicate.
    pages.append({**pages[0], "source_uri": f"{pages[0]['source_uri']}#copy"})
    frames = extract_many(pages, progress=False)
    out = {}
    for name in schema.TABLE_NAMES:
        rows = frames[name].to_dict("records")
        if rows:
            best = max(range(len(rows)), key=lambda i: (sum(_filled(v) for v in rows[i].values()), -i))
            out[name] = {k: _plain(v) for k, v in rows[best].items()}
    return out


def _filled(value) -> bool:
    value = _plain(value)
    if isinstance(value, (list, tuple, str)):
        return len(value) > 0
    return value is not None


def _plain(value):
    """A DataFrame cell as a plain Python value (pandas Timestamp -> datetime, NA -> None)."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def differences(stored: dict[str, dict], fresh: dict[str, dict]) -> list[str]:
    out = []
    for table in sorted(set(stored) | set(fresh)):
        a, b = stored.get(table, {}), fresh.get(table, {})
        for col in sorted(set(a) | set(b)):
            if (table, col) in VOLATILE:
                continue
            if a.get(col) != b.get(col):
                out.append(f"{table}.{col}: stored {a.get(col)!r:.80} != output {b.get(col)!r:.80}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.run.examples", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the stored examples differ")
    args = ap.parse_args(argv)
    fresh = seed_examples()
    if args.check:
        diffs = differences(dictionary.load_examples(), fresh)
        for d in diffs:
            print(d, file=sys.stderr)
        if diffs:
            print("the data dictionary's examples are stale: run `python -m etl.run.examples`", file=sys.stderr)
        return 1 if diffs else 0
    dictionary.save_examples(fresh)
    dictionary.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())

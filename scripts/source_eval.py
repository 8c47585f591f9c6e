"""How often `articles.source` names the publisher, on a page set whose ids name it.

    python scripts/source_eval.py ../shared/dev-data/pages-fundus [--ext html|txt] [--show]

The Fundus dev pages are named `<country>_<Publisher>_V<n>` (e.g. `uk_TheGuardian_V1`). Each page
goes through `etl.extract` (the pipeline's own reader, as `news-etl run` reads a file: no URL is
given) and its `source` is compared with the publisher of its id, both reduced to lower-case
letters and digits:
  exact    the two are equal ("The Guardian" ~ TheGuardian, "AP News" ~ APNews);
  lenient  one contains the other, or they are equal without a leading "the" ("Metro.co.uk" ~
           Metro, "Daily Mirror" ~ TheMirror is not: the words differ).
A publisher's other names ("Associated Press" for APNews) count as wrong: the figure is a floor."""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def publisher(page_id: str) -> str:
    parts = page_id.split("_")
    return parts[1] if len(parts) >= 3 else page_id


def verdict(source: str | None, expected: str) -> str:
    s, e = key(source), key(expected)
    if not s:
        return "missing"
    if s == e:
        return "exact"
    strip = lambda k: k[3:] if k.startswith("the") else k  # noqa: E731
    if strip(s) == strip(e) or (len(s) >= 3 and s in e) or e in s:
        return "lenient"
    return "wrong"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--ext", choices=("html", "txt"), default="html")
    ap.add_argument("--show", action="store_true", help="print every page's source")
    args = ap.parse_args()
    import pandas as pd

    import etl

    gold = [json.loads(line) for line in (args.set_dir / "gold.jsonl").open(encoding="utf-8")]
    pages = [{"content": (args.set_dir / "pages" / f"{g['id']}.{args.ext}").read_bytes(), "source_uri": g["id"]}
             for g in gold]
    tables = etl.extract_many(pages, kind="html" if args.ext == "html" else "text", progress=False)
    found = dict(zip(tables["articles"]["source_uri"], tables["articles"]["source"]))
    counts = {"exact": 0, "lenient": 0, "wrong": 0, "missing": 0}
    for g in gold:
        source = found.get(g["id"])
        source = None if pd.isna(source) else str(source)
        v = verdict(source, publisher(g["id"]))
        counts[v] += 1
        if args.show or v in ("wrong", "missing"):
            print(f"{v:8} {g['id']:28} {source!r}")
    n = len(gold)
    print(f"source n={n} exact={counts['exact'] / n:.3f} exact+lenient={(counts['exact'] + counts['lenient']) / n:.3f} "
          f"wrong={counts['wrong']} missing={counts['missing']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

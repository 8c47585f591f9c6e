"""Score the page readers alone on a gold-labelled page set, page by page.

    python scripts/reader_eval.py ../shared/dev-data/pages-readability [--ext html|txt] [--worst 15]

`score.py body-*` runs the whole pipeline, which stores an article once per partition: a page whose
text repeats another page's is a `duplicate` reject and scores as empty there. This script calls the
reader (`read_html_page` / `read_text_page`, as the pipeline does after decoding) on every page of the
set and scores each body against the gold `body_text` with score.py's own metric (token 4-gram
shingles, mean P and R over pages, F1 of the means), so reader changes can be judged page by page.
It also prints title accuracy (exact match after score.py's normalisation) where the gold has a
title: score.py measures titles on HTML only, and text dumps need theirs too.
The metric is imported from ../shared/eval/metrics.py (not part of the repository)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set_dir", type=Path, help="a page set: gold.jsonl and pages/<id>.<ext>")
    ap.add_argument("--ext", choices=("html", "txt"), default="html")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    ap.add_argument("--metrics", type=Path, default=ROOT.parent / "shared" / "eval",
                    help="folder holding metrics.py (default ../shared/eval)")
    args = ap.parse_args()
    if not (args.metrics / "metrics.py").exists():
        sys.exit(f"no metrics.py in {args.metrics}")
    sys.path.insert(0, str(args.metrics))
    from metrics import shingle_prf, tokens  # noqa: E402  (the scoreboard's own definitions)

    def norm(text: str | None) -> str:
        return " ".join(tokens((text or "").lower()))

    from etl.ingest import decode_bytes
    from etl.parse.html import read_html_page
    from etl.parse.text import read_text_page

    rows = []
    titles_right = titles = 0
    for line in (args.set_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        raw = (args.set_dir / "pages" / f"{gold['id']}.{args.ext}").read_bytes()
        text = decode_bytes(raw)
        try:
            page = read_html_page(text) if args.ext == "html" else read_text_page(text)
            body, title = page.body, page.title
        except ValueError:  # a page the reader refuses (no article): an empty body
            body, title = "", None
        rows.append((gold["id"], gold["body_text"], body))
        if gold.get("title"):
            titles += 1
            titles_right += norm(title) == norm(gold["title"])
    p, r, f = shingle_prf([(g, b) for _, g, b in rows])
    print(f"{args.set_dir.name} {args.ext} pages={len(rows)} P={p:.3f} R={r:.3f} F1={f:.3f} "
          f"title_acc={titles_right / max(titles, 1):.3f} (n={titles})")
    if args.worst:
        scored = [(shingle_prf([(g, b)]), page_id, len(g.split()), len(b.split())) for page_id, g, b in rows]
        for (pp, rr, ff), page_id, gold_words, words in sorted(scored, key=lambda x: x[0][2])[: args.worst]:
            print(f"  F1 {ff:.2f} P {pp:.2f} R {rr:.2f}  {page_id:45} gold {gold_words} words, read {words}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

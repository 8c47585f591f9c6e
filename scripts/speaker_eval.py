"""Where the speaker-key errors are: the `speakers` figure of the evaluation kit, with its false pairs split.

    .venv/bin/python scripts/speaker_eval.py ../shared/dev-data/quotes-polnear [--top 25]

Runs `news-etl run` once over the set, as `score.py speakers` does, and prints the same pairwise
precision/recall. The kit's gold identity is a proxy built from the capitalised words of PolNeAR's
speaker strings, so one person can carry several gold identities ("ted cruz", "texas cruz"). A false
pair inside one predicted person key whose two gold identities both hold that person's surname is
counted apart as a proxy split: what precision would be without those pairs is printed too. So is an
estimate of what an attribution without errors would score against the same proxy (see `_ideal`:
it keeps the proxy's own splits and gives a role, "one Clinton aide", no person's key), and the same
estimate under the product's conventions where they differ from PolNeAR's (`_conventional`, with the
hand labels of scripts/speaker_conventions.json): what the figure can reach with every quote keyed
as the product means to key it. Then the
largest false-positive and false-negative cells, to read the errors by, and with --quotes N the N
quotes whose key differs from that error-free one, ranked by what F1 would gain were that quote
alone keyed so (the gain is the quote's weight, not a verdict: the gold may be a convention the
product does not follow, such as naming the outlet that reported someone's words).

The scoring functions are imported from ../shared/eval/score.py (not part of the repository)."""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from etl.cli import printable

ROOT = Path(__file__).resolve().parents[1]


def _within(counts: Counter) -> int:
    """Cross-document pairs inside one group of quotes (documents counted)."""
    return (sum(counts.values()) ** 2 - sum(v * v for v in counts.values())) // 2


def _pairs(a: Counter, b: Counter) -> int:
    """Cross-document pairs between two groups of quotes (documents counted in each)."""
    return sum(na * nb for da, na in a.items() for db, nb in b.items() if da != db)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--kit", type=Path, default=ROOT.parent / "shared" / "eval", help="folder holding score.py")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--quotes", type=int, default=0, help="list this many quotes keyed unlike the error-free estimate")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.kit))
    import score  # the evaluation kit's own matching, so the figures are the scoreboard's

    gold = defaultdict(list)
    for row in score.load_gold(args.set):
        gold[row["doc"]].append(row)
    docs = sorted(set(gold) | {p.stem for p in (args.set / "docs").glob("*.txt")})
    files = {f"{d}.txt": args.set / "docs" / f"{d}.txt" for d in docs}
    tables, _ = score.run_pipeline(files, Path(tempfile.mkdtemp(prefix="speaker-eval-")) / "work")
    stem = score.by_file(tables)
    pred = defaultdict(list)
    for q in tables["quotes"]:
        pred[stem.get(q["article_id"])].append(q)

    # the gold identity exactly as score.py's task_speakers derives it
    full_by_doc, full_count = defaultdict(dict), Counter()
    for d in docs:
        for g in gold[d]:
            n = score._gold_name(g["speaker"])
            if len(n) >= 2:
                full_by_doc[d].setdefault(n[-1], f"{n[0]} {n[-1]}")
                full_count[f"{n[0]} {n[-1]}"] += 1
    by_surname = {}
    for full, _ in full_count.most_common():
        by_surname.setdefault(full.split()[-1], full)
    cells = defaultdict(Counter)  # (gold, key) -> documents
    matched = []  # (document, gold identity, key, gold speaker string, quote, speaker mention) per matched quote
    for d in docs:
        used = set()
        for q in pred[d]:
            hit = next((k for k, g in enumerate(gold[d]) if k not in used and score._quote_match(q.get("quote") or "", g)),
                       None)
            if hit is None:
                continue
            used.add(hit)
            n = score._gold_name(gold[d][hit]["speaker"])
            if n:
                ident = f"{n[0]} {n[-1]}" if len(n) >= 2 else full_by_doc[d].get(n[0]) or by_surname.get(n[0], n[0])
                cells[(ident, q.get("speaker_key"))][d] += 1
                matched.append((d, ident, q.get("speaker_key"), gold[d][hit]["speaker"] or "", q.get("quote") or "",
                                q.get("speaker_mention")))

    by_key, by_gold = defaultdict(dict), defaultdict(dict)
    for (ident, key), c in cells.items():
        by_gold[ident][key] = c
        if key is not None:
            by_key[key][ident] = c
    rows = [(d, ident, key) for d, ident, key, *_ in matched]
    tp, pp, gp = _pair_counts(rows)
    false_pos, false_neg, proxy = Counter(), Counter(), 0
    for key, idents in by_key.items():
        names = sorted(idents)
        surname = key.split(":", 1)[1].split()[-1] if key.startswith("person:") else None
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                n = _pairs(idents[a], idents[b])
                false_pos[(key, a, b)] += n
                if surname and all(surname in ident.replace(" s", "").split() for ident in (a, b)):
                    proxy += n
    for ident, keys in by_gold.items():
        ks = list(keys)
        for i, a in enumerate(ks):
            for b in ks[i + 1:]:
                false_neg[(ident, a, b)] += _pairs(keys[a], keys[b])
        if None in keys:
            false_neg[(ident, None, None)] += _within(keys[None])
    p, r, f = _score(rows)
    print(f"quotes matched: {len(rows)}  pairs: gold {gp}, predicted {pp}, true {tp}  P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"false-positive pairs: {pp - tp}, of which {proxy} are proxy splits of one person; "
          f"precision without them: {tp / (pp - proxy) if pp > proxy else 0:.3f}")
    ideal = [(d, ident, _ideal(ident, key, speaker)) for d, ident, key, speaker, *_ in matched]
    print("estimate for an attribution without errors, scored against the same proxy: "
          "P={:.3f} R={:.3f} F1={:.3f}".format(*_score(ideal)))
    labels = json.loads(CONVENTIONS.read_text(encoding="utf-8"))
    own = [(d, ident, _conventional(ident, key, speaker, d, quote, labels))
           for d, ident, key, speaker, quote, _ in matched]
    print("the same estimate under the product's conventions (relayed words are the speaker's, a joint "
          "source is nobody's, a role and place is the one who holds it; see _conventional): "
          "P={:.3f} R={:.3f} F1={:.3f}".format(*_score(own)))
    print("\nlargest false-positive cells (one key, two gold identities):")
    for (key, a, b), n in false_pos.most_common(args.top):
        print(printable(f"{n:7d}  {key}  |  {a!r} ~ {b!r}", one_line=True))
    print("\nlargest false-negative cells (one gold identity, two keys; None: no key):")
    for (ident, a, b), n in false_neg.most_common(args.top):
        print(printable(f"{n:7d}  {ident!r}  |  {a} ~ {b}", one_line=True))
    if args.quotes:
        _print_quote_gains(matched, ideal, args.quotes)
    return 0


def _print_quote_gains(matched, ideal, top: int) -> None:
    rows = [(d, ident, key) for d, ident, key, *_ in matched]
    base = _score(rows)[2]
    gains = []
    for n, ((d, ident, key), (_, _, best)) in enumerate(zip(rows, ideal)):
        if key != best:
            gains.append((_score(rows[:n] + [(d, ident, best)] + rows[n + 1:])[2] - base, n, best))
    gains.sort(key=lambda g: (-g[0], g[1]))
    print(f"\n{len(gains)} quotes keyed unlike the error-free estimate; F1 would gain {sum(g for g, _, _ in gains):.3f} "
          f"summed over them one at a time. The {min(top, len(gains))} weightiest:")
    for gain, n, best in gains[:top]:
        d, ident, key, speaker, quote, mention = matched[n]
        print(printable(f"{gain:+.4f}  {d[:48]}  key {key} -> {best}  | gold {speaker[:50]!r}  | mention {mention!r}"
                        f"  | {quote[:60]!r}", one_line=True))


# Gold speakers that are someone's role rather than the person named in them ("a top Trump adviser").
_ROLE = re.compile(r"\b(adviser|advisor|aides?|spokes(?:man|woman|person)|supporters?|officials?|confidant|veteran|"
                   r"manager|surrogate|protesters|narrator|insider|staffer|strategist|source|campaign|allies|ally|"
                   r"friend|donor|operative)\b")


def _ideal(ident: str, key: str | None, speaker: str) -> str | None:
    """The key a careful reader would give a matched quote: the key given, when it is a person key
    whose surname is a word of the gold identity (the proxy's variants of one person: "texas cruz",
    and "donald trump s" from a gold "Donald Trump's"); no person's key for a role ("one Clinton
    aide"); else the gold identity itself."""
    if key and key.startswith("person:") and key.split()[-1] in ident.split():
        return key
    if _ROLE.search(speaker):
        return None
    return f"person:{ident}"


CONVENTIONS = ROOT / "scripts" / "speaker_conventions.json"
# "Trump and Ryan", "Frank Newport and Jim Harter": words two people said together
_JOINT = re.compile(r"^[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*)* and [A-Z]")


def _conventional(ident: str, key: str | None, speaker: str, doc: str, quote: str, labels: dict) -> str | None:
    """`_ideal` with the product's conventions where they differ from PolNeAR's: relayed words are
    credited to the one who said them, not to the outlet or writer relaying them (hand-read quotes in
    `labels["relayed"]`, where the key given is the speaker's); a joint source is nobody's key; a
    role written with a place ("the Vermont senator") is the person who holds it
    (`labels["roles"]`, world knowledge the proxy lacks: it makes the phrase a person of its
    own); a person key whose surname the gold phrase writes as its name or in its first appositive
    ("Speaker of the House Rep. Paul Ryan", "Trump's attorney, Alan Garten,") is that person."""
    if any(doc.startswith(d) and quote.startswith(q) for d, q in labels["relayed"]):
        return key
    head = speaker.split(",")[0]
    if _JOINT.search(head):
        return None
    low = speaker.lower()
    for phrase, person in labels["roles"].items():
        if phrase in low:
            return person
    if key and key.startswith("person:"):
        aside = (speaker.split(",") + [""])[1].strip()
        written = _name_words(head) + ([] if aside.lower().startswith(("who", "which")) else _name_words(aside))
        if _fold(key.split()[-1]) in written:
            return key
    return _ideal(ident, key, speaker)


def _fold(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


def _name_words(text: str) -> list[str]:
    return [_fold(w) for w in re.findall(r"[A-Z][\w'’.-]*", text)]


def _pair_counts(rows) -> tuple[int, int, int]:
    """True, predicted and gold pairs of (document, gold identity, key) rows, across documents only."""
    cells, by_key, by_gold = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    for d, ident, key in rows:
        cells[(ident, key)][d] += 1
        by_gold[ident][d] += 1
        if key is not None:
            by_key[key][d] += 1
    tp = sum(_within(c) for (ident, key), c in cells.items() if key is not None)
    return tp, sum(_within(c) for c in by_key.values()), sum(_within(c) for c in by_gold.values())


def _score(rows) -> tuple[float, float, float]:
    """Pairwise P/R/F1 of (document, gold identity, key) rows."""
    tp, pp, gp = _pair_counts(rows)
    p, r = tp / pp if pp else 0.0, tp / gp if gp else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    sys.exit(main())

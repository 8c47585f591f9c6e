"""A synthetic news corpus for `make bench`: N distinct articles written as raw page dumps.

Paragraphs come from the project's own seed pages (seeds/) with every name, place and number
swapped for generated ones, mixed with sentences built from templates (quotes with reporting
verbs, organisations, places), so that every article is different text and the NER and quote
stages have realistic work. About a third of the articles are packed into JSON Lines files of
up to 1,000 records, so that record-level batching is exercised too.

Deterministic for a given (N, seed)."""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

FIRST = ["Mara", "Tom", "Helen", "Dev", "Ruth", "Samuel", "Ines", "Marta", "Oskar", "Priya", "Jonas", "Anna",
         "Kwame", "Lucia", "Farid", "Elena", "Tobias", "Amara", "Yusuf", "Grace", "Mateo", "Sofia", "Hiro",
         "Nadia", "Pieter", "Chloe", "Ibrahim", "Leila", "Victor", "Hannah", "Diego", "Aisha", "Bruno", "Freya"]
LAST = ["Ellison", "Okafor", "Varga", "Ramsay", "Pell", "Achebe", "Carvalho", "Quist", "Lind", "Nandakumar",
        "Whitfield", "Kowalczyk", "Mensah", "Ferreira", "Haddad", "Petrova", "Brandt", "Obi", "Demir", "Osei",
        "Romero", "Conti", "Tanaka", "Rahimi", "de Vries", "Martin", "Sadiq", "Nasser", "Lebrun", "Fischer",
        "Alvarez", "Bello", "Costa", "Holm"]
PLACES = ["Kelby", "Alder Bridge", "Rivermouth", "Northfield", "Lisbon", "Nairobi", "Toronto", "Oslo", "Accra",
          "Valencia", "Osaka", "Krakow", "Adelaide", "Galway", "Tampere", "Porto", "Leeds", "Dakar", "Lyon",
          "Bergen", "Cork", "Graz", "Utrecht", "Malmo"]
ORGS = ["the European Commission", "the World Health Organization", "Siemens", "the Bank of England",
        "the United Nations", "Greenpeace", "the Red Cross", "Reuters", "Airbus", "the Kelby Port Authority",
        "the Northfield Growers' Association", "the transport ministry", "Unilever", "the IMF"]
ROLES = ["the council's head of infrastructure", "a spokesperson for the ministry", "the union's regional secretary",
         "the chief executive", "a local shopkeeper", "the mayor", "a senior economist", "the head teacher",
         "a retired engineer", "the association's chair"]
TOPICS = ["the bridge repairs", "the new budget", "the ferry strike", "the harvest", "the election", "the flood defences",
          "the hospital expansion", "the rail timetable", "the housing plan", "the school closures"]
VERBS = ["said", "told reporters", "added", "warned", "explained", "insisted"]
AGENCIES = ["AFP", "Reuters", "AP", "Coastline Press", "Northfield Wire", "Harbour Images"]
SECTIONS = ["News", "Business", "World", "Local", "Politics", "Science", "Sport"]

_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


def _seed_paragraphs() -> list[str]:
    """Body paragraphs of the seed pages, read by the project's own page reader."""
    from etl.parse.article import build_article
    from etl.model.records import SourceDocument

    paras: list[str] = []
    for f in sorted((REPO / "seeds").rglob("*.txt")):
        art = build_article(SourceDocument(str(f), "text", f.read_text(encoding="utf-8")))
        if hasattr(art, "page"):
            paras += [p.strip() for p in art.page.body.split("\n") if len(p.split()) >= 8]
    return paras


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _vary(paragraph: str, rng: random.Random) -> str:
    """The same sentence shape with other names and numbers."""
    text = _NAME.sub(lambda m: _person(rng) if rng.random() < 0.6 else rng.choice(PLACES), paragraph)
    return _NUMBER.sub(lambda m: str(rng.randint(2, 9800)), text)


def _made_up(rng: random.Random) -> str:
    who, where, topic = _person(rng), rng.choice(PLACES), rng.choice(TOPICS)
    kind = rng.randrange(5)
    if kind == 0:
        return (f"\u201cWe have waited {rng.randint(2, 30)} years for this, and {topic} cannot slip again,\u201d "
                f"{rng.choice(VERBS)} {who}, {rng.choice(ROLES)}, on {rng.choice(['Monday', 'Tuesday', 'Friday'])}.")
    if kind == 1:
        return (f"{who} of {rng.choice(ORGS)} said {topic} would cost about {rng.randint(3, 900)} million euros "
                f"and take until {rng.randint(2026, 2034)} to finish in {where}.")
    if kind == 2:
        return (f"Officials in {where} met representatives of {rng.choice(ORGS)} and {rng.choice(ORGS)} to discuss "
                f"{topic}, according to a statement released late on {rng.choice(['Wednesday', 'Thursday'])}.")
    if kind == 3:
        return (f"\u201cIt is a fair deal for {where},\u201d said {who}. \u201cBut {rng.randint(40, 400)} families "
                f"will still feel it.\u201d")
    return (f"Residents of {where} and {rng.choice(PLACES)} have collected {rng.randint(1000, 60000)} signatures "
            f"against {topic}, {who} told {rng.choice(AGENCIES)}.")


def make_page(i: int, rng: random.Random, pool: list[str]) -> tuple[str, str]:
    """(headline, plain-text page dump) of article `i`."""
    where, topic = rng.choice(PLACES), rng.choice(TOPICS)
    headline = f"{where} {rng.choice(['backs', 'delays', 'rejects', 'debates'])} {topic} ({i})"
    dek = f"{_person(rng)} says {topic} will shape {where} for a generation."
    paras = [_vary(rng.choice(pool), rng) if pool and rng.random() < 0.5 else _made_up(rng)
             for _ in range(rng.randint(7, 14))]
    photographer, agency = _person(rng), rng.choice(AGENCIES)
    caption = f"Residents gather in {where} on {rng.choice(['Monday', 'Sunday'])}. Photo: {photographer}/{agency}"
    lines = ["Skip to main content", *[f"* {s}" for s in rng.sample(SECTIONS, 4)], "Sign in", "",
             headline, "", dek, "", f"By {_person(rng)}", f"Updated {rng.randint(1, 11)}:{rng.randint(10, 59)} AM GMT, "
             f"Wed December {rng.randint(1, 3)}, 2025", "Share this article", "", caption, "",
             "\n\n".join(paras), "", "Advertisement", "", "Copyright 2025. All rights reserved."]
    return headline, "\n".join(lines) + "\n"


def build(out_dir: Path, n: int, seed: int = 7, jsonl_share: float = 1 / 3, records_per_jsonl: int = 1000) -> int:
    """Write `n` distinct articles under `out_dir`; returns the number written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = _seed_paragraphs()
    n_jsonl = int(n * jsonl_share)
    fh = None
    for i in range(n):
        headline, page = make_page(i, rng, pool)  # the index in the headline keeps every page distinct
        if i < n_jsonl:
            if i % records_per_jsonl == 0:
                if fh:
                    fh.close()
                fh = (out_dir / f"feed_{i // records_per_jsonl:04d}.jsonl").open("w", encoding="utf-8")
            fh.write(json.dumps({"id": f"bench-{i}", "url": f"https://news.example.org/a/{i}",
                                 "title": headline, "text": page}) + "\n")
        else:
            sub = out_dir / f"{i // 1000:03d}"
            sub.mkdir(exist_ok=True)
            (sub / f"article_{i:06d}.txt").write_text(page, encoding="utf-8")
    if fh:
        fh.close()
    return n


def stage_day(landing: Path, day: str, source: str | None, n: int) -> Path:
    """The landing folder's `day` for a bench: a link to the pages in `source` when given (the
    landing is emptied first), else a corpus of `n` articles, built once and kept for reruns."""
    folder = landing / day
    if source:
        shutil.rmtree(landing, ignore_errors=True)
        landing.mkdir(parents=True)
        folder.symlink_to(Path(source).resolve(), target_is_directory=True)
    elif not folder.exists():
        print(f"building a corpus of {n} articles in {folder} ...", flush=True)
        build(folder, n)
    return folder


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Write a synthetic corpus of N raw pages into OUT_DIR.")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("n", type=int, nargs="?", default=2000)
    args = ap.parse_args()
    print(build(args.out_dir, args.n))

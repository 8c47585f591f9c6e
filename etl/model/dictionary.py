"""The data dictionary (docs/tables.md), generated from the table registry in etl/model/schema.py.

    python -m etl.model.dictionary                       # rewrite docs/tables.md from the declared examples
    python -m etl.model.dictionary --check               # exit 1 if docs/tables.md is out of date
    python -m etl.model.dictionary --warehouse DIR --date YYYY-MM-DD --output -   # examples from real rows

The example rows are real: the pipeline's output for the seed day, stored in
etl/model/examples.json by `python -m etl.run.examples` (which also rewrites docs/tables.md); a
test reruns the seed and fails when they differ, so the dictionary never shows made-up values.
The output is a pure function of the registry and those rows (no clock, no paths)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pyarrow as pa

from etl.model import schema

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO / "docs" / "tables.md"
EXAMPLE_WIDTH = 110

# Joins beyond each table's parent key (which always points at articles.article_id).
REFERENCES: dict[tuple[str, str], str] = {
    ("entity_mentions", "entity_id"): "entities.entity_id",
    ("quotes", "speaker_entity_id"): "entities.entity_id",
}

EXAMPLES_FILE = Path(__file__).resolve().with_name("examples.json")


def load_examples(path: Path = EXAMPLES_FILE) -> dict[str, dict]:
    """The example rows: real output of the pipeline for the seed day, written by
    `python -m etl.run.examples` (which a test reruns to keep them true). Timestamps are stored
    as ISO strings and come back as datetimes."""
    if not path.exists():
        return {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for name, row in stored.items():
        table = schema.TABLES.get(name)
        if table is None:
            continue
        row = dict(row)
        for c in table.columns:
            if pa.types.is_timestamp(c.type) and isinstance(row.get(c.name), str):
                row[c.name] = dt.datetime.fromisoformat(row[c.name])
        out[name] = row
    return out


def save_examples(rows: dict[str, dict], path: Path = EXAMPLES_FILE) -> None:
    def plain(value):
        return value.astimezone(dt.timezone.utc).isoformat() if isinstance(value, dt.datetime) else value

    data = {name: {k: plain(v) for k, v in row.items()} for name, row in rows.items()}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


EXAMPLES: dict[str, dict] = load_examples()


def key_of(table: schema.Table, column: str) -> str:
    """Key role of a column, as the dictionary prints it."""
    roles = []
    if column in table.primary_key:
        roles.append("PK")
    if table.parent_key == column:
        roles.append("FK → articles.article_id")
    if (table.name, column) in REFERENCES:
        roles.append(f"FK → {REFERENCES[(table.name, column)]}")
    return ", ".join(roles)


def example_rows_from_warehouse(warehouse: str | Path, ingest_date: str) -> dict[str, dict]:
    """The first row (by primary key, so reruns pick the same one) of each published table of a
    local warehouse, read as any Parquet reader would (the partition folders hold only the
    published files)."""
    import pyarrow.dataset as ds

    rows = {}
    for name, table in schema.TABLES.items():
        folder = Path(warehouse) / name / f"{schema.PARTITION_COLUMN}={ingest_date}"
        if not folder.is_dir():
            continue
        t = ds.dataset(folder, format="parquet", schema=table.arrow_schema()).to_table()
        if t.num_rows:
            t = t.sort_by([(k, "ascending") for k in table.primary_key])
            rows[name] = t.slice(0, 1).to_pylist()[0]
    return rows


def render(examples: dict[str, dict] | None = None) -> str:
    """The whole data dictionary as Markdown. Tables without an example row get none."""
    note = ("The example rows are the pipeline's real output for `seeds/2025-12-03` (the `rejects` row: that "
            "file given a second time), written by `python -m etl.run.examples`; a test reruns the seed and fails "
            "when they differ. " if examples is None else "")
    examples = load_examples() if examples is None else examples
    out = [
        "# Data dictionary",
        "",
        "<!-- Generated from etl/model/schema.py by `python -m etl.model.dictionary`; do not edit by hand. "
        "tests/model/test_data_dictionary.py fails when this file is out of date. -->",
        "",
        "Every table is a Delta Lake table in the warehouse (a folder of Parquet files and its `_delta_log/`), "
        "partitioned by ingest day:",
        "",
        f"    <warehouse>/<table>/{schema.PARTITION_COLUMN}=YYYY-MM-DD/part-*.parquet",
        "",
        f"`{schema.PARTITION_COLUMN}` is not stored inside the files; hive-partitioned readers add it as a "
        "column from the folder name, as a date in `etl.read_table` / `etl.read_frame` (`date32`), DuckDB "
        "(`DATE`) and polars (`Date`); plain `pandas.read_parquet` makes it a category of strings unless given "
        "a partitioning schema (README). The types below are the files' own (what `pyarrow.parquet.read_schema` "
        "reports). Paths starting with `_` or `.` "
        "(the Delta log, staging, manifests, validation reports, quarantined inputs) are not data. "
        "Ids are deterministic hashes, so a rerun of a day reproduces the same keys. "
        f"{note}See the README for reading snippets.",
        "",
        "| table | one row is | primary key | joins to |",
        "|---|---|---|---|",
    ]
    for name, table in schema.TABLES.items():
        joins = []
        if table.parent_key:
            joins.append(f"articles on `{table.parent_key}`")
        joins += [f"{ref.split('.')[0]} on `{col}`" for (t, col), ref in REFERENCES.items() if t == name]
        out.append(f"| [{name}](#{name}) | {_cell(table.row_meaning)} | "
                   f"{', '.join(f'`{k}`' for k in table.primary_key)} | {', '.join(joins) or '—'} |")
    for name, table in schema.TABLES.items():
        out += ["", f"## {name}", "", f"One row: {table.row_meaning}", "",
                f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}. "
                f"Partition column: `{schema.PARTITION_COLUMN}` (from the folder name).",
                "", "| column | Arrow type | nullable | key | meaning |", "|---|---|---|---|---|"]
        for c in table.columns:
            out.append(f"| `{c.name}` | `{c.type}` | {'yes' if c.nullable else 'no'} | "
                       f"{key_of(table, c.name)} | {_cell(c.description)} |")
        row = examples.get(name)
        if row:
            out += ["", "Example row:", "", "| column | example |", "|---|---|"]
            for c in table.columns:
                out.append(f"| `{c.name}` | {_example(row.get(c.name))} |")
    out += _directory_section()
    return "\n".join(out) + "\n"


_DIRECTORY_TEXT = [
    "Not a stored table: `etl.entity_directory(warehouse, start=None, end=None)` computes it on read from "
    "the published `entities`, `entity_mentions` and `quotes` partitions (optionally only those from "
    "`start` to `end`) and returns a pandas DataFrame. Because nothing is stored beside the partitions, it "
    "cannot go stale: a rerun replaces a day's rows and a backfill adds days, and the next read aggregates "
    "exactly what is published. Partitions published before the keys existed have no `entity_key` and "
    "are left out until they are rerun.",
    "",
    "**What `entity_key` is a function of.** The day's own entities (names, labels, honorifics, mention "
    "texts), the gazetteer ids of the installed gazetteer packages, and the curated organisation alias "
    "table versioned in the repository (`etl/nlp/org_aliases.py`). Not of run order, batching or other "
    "days, so a rerun, or a backfill in any order, reproduces the keys. The forms:",
    "",
    "- `place:<GeoNames id>`: a place the gazetteer resolves (\"US\", \"U.S.\" and \"United States\" "
    "are one key);",
    "- `person:<given name> <surname>[ <suffix>]`: middle names and initials left out (initials written "
    "instead of a given name are kept: `person:gk butterfield`), generational suffixes kept. A surname "
    "alone joins the one full name with that surname in its article (unless the article shows it to be "
    "someone else: \"Mr. Obama\" beside \"the first lady, Michelle Obama\"), else in "
    "the day's articles; of several, the one its honorific or role points to, or one that dominates the "
    "day (at least 80% of the articles naming someone of that surname in full, under whatever label, "
    "and at least 3); "
    "otherwise it stays `person-surname:<surname>`, never merged on a guess. So a person never named in "
    "full on a day keys as the surname on that day. A name the tagger labelled otherwise (\"Carly Fiorina\" "
    "as ORG) keys as the person when the day knows that person by full name; words before a full name the "
    "other articles give are a description (\"Billionaire Donald Trump\"). Known limit: names that differ "
    "only in middle names or initials are one key (George W. and George H. W. Bush);",
    "- `org:<ACRONYM>` or `org:<name>`: the alias table's key; an acronym spelled out in a day's text "
    "(\"North Atlantic Treaty Organization (NATO)\") keys the expansion by the acronym for that day;",
    "- `<label>:<name>` for the rest (`norp:republicans`, `event:super bowl`).",
    "",
    "`quotes.speaker_key` is the key of the speaker's entity; a speaker no entity holds but written as a "
    "name (\"Hannity\") takes the key of the person that name resolves to as above, when the day knows "
    "them by full name. The keys are computed twice: per article when a batch is written, then over the "
    "whole day in `finalize` (shared by the CLI and the DAG), which rewrites them before validation.",
    "",
    "**Whose words a quote is.** The speaker is the one who spoke, not whoever the phrase names: "
    "\"Donald Trump's campaign manager, Corey Lewandowski, said\" is Lewandowski; \"a top Trump adviser\", "
    "\"Trump's attorney\", \"Trump's running mate\", \"one Clinton aide\" or \"a New Hampshire Democrat\" is "
    "someone not named, and so is \"a woman\" who \"told him she worries he's “too nice”\", so "
    "`speaker` and `speaker_key` are null and `speaker_mention` keeps the words as written. What carries a "
    "person's words (\"Trump's letter\", \"Sanders' fundraising email\") and the staff working for them "
    "(\"the Clinton campaign\", \"Clinton's office\") speak for that person. A place or a group keys a "
    "speaker only as the head of the phrase (\"China said\"), never as a qualifier (\"the Florida senator\"). "
    "So does a text someone sent out (\"a fundraising email sent out by Sanders warned\"). A role is the "
    "person the article introduces with it: \"the senator\" the one written \"Sen. …\", \"the Florida "
    "senator\" the senator written with Florida (\"of Florida\", \"R-Fla.\"), never one written with "
    "another state; a \"he\" or \"she\" is never someone the article gives the other sex (\"Mr.\", "
    "\"his wife\", \"said she\"). A clause with a "
    "named subject of its own keeps its words inside another's report (\"Ryan saying he was “…” and Trump "
    "calling it a “…”\" gives each their own); the one asked a question did not say it. A paragraph that "
    "is nothing but a quote with no cue (a pull quote, a heading) is the speaker's whose quote elsewhere "
    "in the article has those words, unless quotes of two speakers have them.",
]


def _directory_section() -> list[str]:
    view = schema.ENTITY_DIRECTORY
    out = ["", f"## {view.name} (view)", "", f"One row: {view.row_meaning}", ""]
    out += _DIRECTORY_TEXT
    out += ["", "| column | Arrow type | nullable | key | meaning |", "|---|---|---|---|---|"]
    for c in view.columns:
        out.append(f"| `{c.name}` | `{c.type}` | {'yes' if c.nullable else 'no'} | "
                   f"{'PK' if c.name in view.primary_key else ''} | {_cell(c.description)} |")
    return out


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _example(value) -> str:
    if value is None:
        return "*null*"
    if isinstance(value, dt.datetime):
        text = value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    elif isinstance(value, (list, tuple, dict)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > EXAMPLE_WIDTH:
        text = text[: EXAMPLE_WIDTH - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.model.dictionary", description="Write the data dictionary (docs/tables.md).")
    ap.add_argument("--output", default=str(DEFAULT_OUTPUT), help="file to write, or - for stdout")
    ap.add_argument("--warehouse", help="take example rows from this warehouse instead of the declared ones")
    ap.add_argument("--date", help="partition to take example rows from (with --warehouse)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the output file differs")
    args = ap.parse_args(argv)
    if bool(args.warehouse) != bool(args.date):
        ap.error("--warehouse and --date go together")
    examples = example_rows_from_warehouse(args.warehouse, args.date) if args.warehouse else None
    text = render(examples)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            print(f"{target} is out of date: run `python -m etl.model.dictionary`", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

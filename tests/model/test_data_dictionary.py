"""docs/tables.md is generated from the table registry and must match it."""
import pyarrow as pa
import pytest

from conftest import ROOT
from etl.model import dictionary as docs
from etl.model import schema
from etl.warehouse import open_warehouse, write_parquet


def test_committed_dictionary_is_up_to_date():
    committed = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert committed == docs.render(), "docs/tables.md is stale: run `python -m etl.model.dictionary` and commit it"


def test_every_table_and_column_is_documented_with_its_type():
    text = docs.render()
    for name, table in schema.TABLES.items():
        assert f"\n## {name}\n" in text
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        for c in table.columns:
            assert f"| `{c.name}` | `{c.type}` | {'yes' if c.nullable else 'no'} |" in section


@pytest.mark.parametrize("table", schema.TABLE_NAMES)
def test_declared_example_fits_the_registry(table):
    row = docs.EXAMPLES[table]
    spec = schema.TABLES[table]
    assert set(row) == set(spec.column_names), "example must give every column, and only those"
    cast = pa.Table.from_pylist([row], schema=spec.arrow_schema())  # raises on a mistyped value
    for c in spec.columns:
        if not c.nullable:
            assert cast.column(c.name).null_count == 0, f"{table}.{c.name} is not nullable"


def test_the_documented_types_are_the_files_own(tmp_path):
    """What a reader of the Parquet files sees (list<element: string>, not list<item: string>)."""
    import pyarrow.parquet as pq

    for name, table in schema.TABLES.items():
        path = tmp_path / name / "part-00000.parquet"
        write_parquet(pa.Table.from_pylist([docs.EXAMPLES[name]], schema=table.arrow_schema()), path)
        # (compared as text: pyarrow's type equality ignores the name of a list's item field)
        assert [str(f.type) for f in pq.read_schema(path)] == [str(c.type) for c in table.columns], name
    assert "| `authors` | `list<element: string>` |" in docs.render()


def test_declared_examples_are_consistent_with_each_other():
    ex = docs.EXAMPLES
    aid = ex["articles"]["article_id"]
    assert all(ex[t]["article_id"] == aid for t in ("entity_mentions", "entities", "quotes", "image_captions"))
    q = ex["quotes"]
    assert q["char_end"] - q["char_start"] == len(q["quote"])
    m = ex["entity_mentions"]
    assert m["char_end"] - m["char_start"] == len(m["text"])


def test_references_name_real_columns():
    for (table, column), target in docs.REFERENCES.items():
        assert column in schema.TABLES[table].column_names
        t, c = target.split(".")
        assert c in schema.TABLES[t].column_names and c in schema.TABLES[t].primary_key


def test_keys_are_marked():
    quotes = schema.TABLES["quotes"]
    assert docs.key_of(quotes, "quote_id") == "PK"
    assert docs.key_of(quotes, "article_id") == "FK → articles.article_id"
    assert docs.key_of(quotes, "speaker_entity_id") == "FK → entities.entity_id"
    assert docs.key_of(quotes, "cue") == ""


def test_examples_are_escaped_and_shortened():
    assert docs._example(None) == "*null*"
    assert docs._example("a | b") == "`a \\| b`"
    assert docs._example(["Ann Lee", "Bo Wu"]) == '`["Ann Lee", "Bo Wu"]`'
    long = docs._example("word " * 100)
    assert long.endswith("…`") and len(long) == docs.EXAMPLE_WIDTH + 2
    assert docs._cell("line one\nline | two") == "line one line \\| two"


def test_example_rows_from_a_warehouse_pick_the_smallest_key(tmp_path):
    wh = open_warehouse(tmp_path)
    spec = schema.TABLES["quotes"]
    first = dict(docs.EXAMPLES["quotes"], quote_id="0000", quote="Earlier words")
    later = dict(docs.EXAMPLES["quotes"], quote_id="ffff")
    write_parquet(pa.Table.from_pylist([later, first], schema=spec.arrow_schema()),
                  wh.partition_dir("quotes", "2025-12-03") / "part-00000.parquet")
    rows = docs.example_rows_from_warehouse(tmp_path, "2025-12-03")
    assert set(rows) == {"quotes"}  # unpublished tables give no example
    assert rows["quotes"]["quote_id"] == "0000"
    text = docs.render(rows)
    assert "`Earlier words`" in text
    assert text.count("Example row:") == 1
    assert docs.render(rows) == text  # deterministic


def test_cli_check_reports_a_stale_file(tmp_path, capsys):
    target = tmp_path / "tables.md"
    assert docs.main(["--output", str(target), "--check"]) == 1  # missing
    assert docs.main(["--output", str(target)]) == 0
    assert docs.main(["--output", str(target), "--check"]) == 0
    target.write_text(target.read_text() + "hand edit\n")
    assert docs.main(["--output", str(target), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_cli_needs_date_with_warehouse(tmp_path):
    with pytest.raises(SystemExit):
        docs.main(["--warehouse", str(tmp_path), "--output", "-"])

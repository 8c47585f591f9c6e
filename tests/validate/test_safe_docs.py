"""Values from the inputs reach Great Expectations' rendered Data Docs escaped exactly once, whatever
GX does with them: checked on the HTML GX 1.24 really writes, for a partition whose every text
column holds markup (so that the failing-value samples of many expectations carry it), under a run
id that holds markup and path separators too."""
import html
import re

import pandas as pd
import pyarrow as pa

from etl.model import schema
from etl.validate import safe_docs, validate_frames

DAY = "2025-12-03"
RUN_ID = "run/<img src=x onerror=\"document.title='RUN'\">&'</script>"


def _payload(table: str, column: str) -> str:
    return (f"{table}.{column}<script>document.title='{column}'</script>"
            f"<img src=x onerror=\"alert('{column}')\">\\\"'`&amp;\u2028javascript:alert(1)")


def _hostile_frames() -> dict[str, pd.DataFrame]:
    frames = {}
    for table in schema.TABLE_NAMES:
        spec = schema.TABLES[table].arrow_schema()
        row = {}
        for f in spec:
            if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
                row[f.name] = _payload(table, f.name)
            elif pa.types.is_integer(f.type):
                row[f.name] = 0
            elif pa.types.is_floating(f.type):
                row[f.name] = 0.0
            elif pa.types.is_boolean(f.type):
                row[f.name] = False
            elif pa.types.is_list(f.type):
                row[f.name] = [_payload(table, f.name)]
            else:
                row[f.name] = None
        frames[table] = pa.Table.from_pylist([row, row], schema=spec).to_pandas()
    return frames


def test_escape_value_is_inert_in_text_attributes_and_scripts():
    value = "<script>x</script>\"'`\\&\n\u2028"
    escaped = safe_docs.escape_value(value)
    assert not re.search(r"[<>\"'`\\\n\u2028]", escaped)
    assert html.unescape(escaped) == value
    assert safe_docs.gx_run_name(RUN_ID) == re.sub(r"[^A-Za-z0-9_.+-]", "_", RUN_ID)


def test_gx_data_docs_show_input_values_escaped_once(tmp_path):
    report = validate_frames(_hostile_frames(), DAY, tmp_path / "report", RUN_ID)
    assert not report.success and report.data_docs_path
    pages = list((tmp_path / "report" / "data_docs").rglob("*.html"))
    # the index, and a suite page and a validation page per table (and per day-level suite): the
    # run id broke nothing
    assert len(pages) >= 1 + 2 * len(schema.TABLE_NAMES), pages
    assert {t for t in schema.TABLE_NAMES} <= {p.stem for p in pages if p.parent.name == "expectations"}
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>document.title" not in text and "<img src=x onerror" not in text, page
        assert "onerror=\"alert" not in text and "&amp;#60;" not in text, page  # neither raw nor escaped twice
        assert "gxv" not in text or not re.search(r"gxv[0-9a-f]{12}n\d+z", text), page  # no placeholder left
        shown += text.count("&#60;script&#62;document.title=&#39;")
    assert shown >= len(schema.TABLE_NAMES)  # the failing values are on the pages, as text
    index = (tmp_path / "report" / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert safe_docs.gx_run_name(RUN_ID) in index and "</script>\"" not in index

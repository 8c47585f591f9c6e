"""notebooks/explore.ipynb runs headless against a seed-built warehouse and against an empty one."""
import nbformat
import pyarrow as pa
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CHARTS = 4  # most-quoted speakers, entities over time, quotes per source, map of places
DAY = "2025-12-03"


def _execute(warehouse, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(warehouse))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # "python3" is ipykernel's own spec, i.e. this venv's interpreter: no kernel install, no network
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        elif "text/plain" in o.get("data", {}):
            parts.append(o["data"]["text/plain"])
    return "\n".join(parts)


def _pngs(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.fixture(scope="module")
def seed_warehouse(tmp_path_factory):
    """The seeds' partition built through the CLI, as a user would."""
    from etl import cli

    wh = tmp_path_factory.mktemp("nb-warehouse")
    assert cli.main(["run", "--input", str(ROOT / "seeds" / DAY), "--warehouse", str(wh),
                     "--date", DAY, "--quiet"]) == cli.EXIT_OK
    return wh


@pytest.mark.slow
def test_notebook_runs_on_the_seed_warehouse(seed_warehouse, monkeypatch):
    from etl.warehouse import open_warehouse

    nb = _execute(seed_warehouse, monkeypatch)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    assert _pngs(nb) >= CHARTS
    text = _text(nb)
    wh = open_warehouse(seed_warehouse)
    assert wh.read_table("articles").num_rows > 0
    for table in ("articles", "entity_mentions", "entities", "quotes"):
        assert f"{table}: {wh.read_table(table).num_rows} rows;" in text
    assert f"articles: {wh.read_table('articles').num_rows} rows; partitions: {DAY}" in text
    assert f"{wh.read_table('entity_mentions').num_rows} mentions of" in text
    assert "(MISSING" not in text
    entities = wh.read_table("entities").to_pandas()
    geocoded = entities.dropna(subset=["latitude", "longitude"])[["name", "country_code", "latitude", "longitude"]]
    assert f"\n{len(geocoded.drop_duplicates())} geocoded places" in "\n" + text


@pytest.mark.slow
def test_notebook_copes_with_empty_tables(tmp_path, monkeypatch):
    """A published but empty partition for every table (a day without inputs), no rows anywhere."""
    from etl.model import schema
    from etl.warehouse import open_warehouse
    from etl.warehouse.convert import publish_tables

    wh = open_warehouse(tmp_path)
    publish_tables(wh, DAY, {}, {"run_id": "empty", "input_count": 0, "row_counts": {t: 0 for t in schema.TABLE_NAMES}})
    assert all(wh.read_table(t).num_rows == 0 for t in schema.TABLE_NAMES)
    assert isinstance(wh.read_table("articles"), pa.Table)

    nb = _execute(tmp_path, monkeypatch)
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    assert _pngs(nb) >= CHARTS  # each chart says it has nothing to show rather than vanishing
    text = _text(nb)
    assert "articles: 0 rows" in text and "0 quotes" in text and "0 geocoded places" in text
    assert "no rejected inputs" in text

"""Test settings applied before anything imports Airflow: a throw-away Airflow home with its
own SQLite DB, the repo's dags/ as the DAG folder (dag.test() needs a configured bundle)."""
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_AIRFLOW_HOME = tempfile.mkdtemp(prefix="news-etl-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ.setdefault("NEWS_ETL_PROCESSES", "1")
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "dev-data").is_dir():
        pytest.skip("../shared/dev-data is not available")
    return SHARED


@pytest.fixture(scope="session")
def seed_partition(tmp_path_factory):
    """The seeds' 2025-12-03 partition, built once by the CLI code path for the whole session."""
    from etl.run import pipeline
    from etl.warehouse import open_warehouse

    wh = tmp_path_factory.mktemp("seed-warehouse")
    pipeline.run([str(ROOT / "seeds" / "2025-12-03")], str(wh), "2025-12-03", "test-seed")
    warehouse = open_warehouse(wh)
    return {t: warehouse.read_table(t, "2025-12-03").to_pylist()
            for t in ("articles", "entity_mentions", "entities", "quotes", "image_captions", "rejects")}


_MOTO = """
import logging, os, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
print(f"http://{host}:{port}", flush=True)
# nobody reads the pipe after the first line: anything printed later would fill it and stall the server
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)
os.dup2(null, 2)
sys.stdin.read()  # until the test session closes the pipe
"""


@pytest.fixture(scope="module")
def s3_server():
    """A local S3 (moto) on a free loopback port, for the object-store tests. In its own process:
    delta-rs calls that keep the GIL while they wait on the network would otherwise stall a
    server thread of this process (and themselves) until they time out."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", _MOTO], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.terminate()
        proc.wait(timeout=30)

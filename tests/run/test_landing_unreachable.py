"""A landing zone that cannot be read fails the run -- it never publishes an empty day over a good
one. Three ways it happens: the listing fails (no credentials, wrong endpoint), the path does not
exist (a local typo, an S3 prefix with nothing under it), and an empty `--input ""` (which would
otherwise read the current folder). Each exits with Exit.INPUTS and a one-line message, in the CLI;
the DAG's `plan` task fails the same way; the published partition stays exactly as it was."""
import logging
import uuid

import pytest

from etl import cli, fs
from etl.cli import Exit
from etl.model import schema
from etl.warehouse import open_warehouse

DAY = "2025-12-03"
STORY = ("Harbour reopens in {place}\n\nThe harbour of {place} reopened on Monday after a storm, "
         "officials said.\n\nMayor {who} said boats could return at once.\n")


@pytest.fixture
def published(tmp_path):
    land = tmp_path / "landing" / DAY
    land.mkdir(parents=True)
    for i, (place, who) in enumerate([("Bayview", "Anna Berg"), ("Marston", "Tom Hale")]):
        (land / f"{i}.txt").write_text(STORY.format(place=place, who=who), encoding="utf-8")
    wh = tmp_path / "wh"
    assert cli.main(["run", "--input", str(land), "--warehouse", str(wh), "--date", DAY, "--quiet"]) == Exit.OK
    return tmp_path, wh, _state(wh)


def _state(wh) -> tuple[dict, dict]:
    manifest, tables = open_warehouse(wh).read_partition(DAY, wait_seconds=0)
    return manifest, {t: tables[t].to_pylist() for t in schema.TABLE_NAMES}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _aws(monkeypatch, endpoint: str, credentials: bool = True) -> None:
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # fsspec reuses clients made with other credentials
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    env = {"AWS_DEFAULT_REGION": "us-east-1", "NEWS_ETL_S3_ENDPOINT": endpoint, "AWS_MAX_ATTEMPTS": "1",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    if credentials:
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    for k, v in env.items():
        monkeypatch.setenv(k, v)


def _landing_cases(tmp_path, s3_server, monkeypatch):
    """(name, input path, environment setter, words the message must hold)."""
    bucket = f"landing-{uuid.uuid4().hex[:10]}"

    def with_bucket():
        _aws(monkeypatch, s3_server)
        fs.filesystem(f"s3://{bucket}").mkdir(bucket)

    return [
        ("local typo", str(tmp_path / "landnig" / DAY), lambda: None, "No such file or directory"),
        ("empty --input", "", lambda: None, "input path is empty"),
        ("no credentials", f"s3://{bucket}/{DAY}", lambda: _aws(monkeypatch, s3_server, credentials=False),
         "NoCredentialsError"),
        ("wrong endpoint", f"s3://{bucket}/{DAY}", lambda: _aws(monkeypatch, "http://127.0.0.1:1"),
         "Could not connect"),
        ("empty S3 prefix", f"s3://{bucket}/{DAY}", with_bucket, "does not exist"),
    ]


def test_an_unreadable_landing_zone_fails_the_run_and_leaves_the_day_alone(published, s3_server, monkeypatch,
                                                                           capsys):
    base, wh, before = published
    for name, path, environment, words in _landing_cases(base, s3_server, monkeypatch):
        environment()
        capsys.readouterr()
        code = cli.main(["run", "--input", path, "--warehouse", str(wh), "--date", DAY, "--quiet"])
        out, err = capsys.readouterr()
        assert code == Exit.INPUTS, (name, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("news-etl: cannot read the inputs, nothing published"), name
        assert words in lines[0], (name, lines[0])
        assert "Traceback" not in err and out == ""
        assert _state(wh) == before, name
        assert not list((wh / "_staging").glob(f"*/*/plan.json")), name  # no run got as far as staging


def test_the_dags_plan_fails_on_an_unreadable_landing_zone(published, s3_server, monkeypatch):
    from etl.airflow import tasks
    from etl.ingest import LandingUnreachable

    base, wh, before = published
    monkeypatch.setenv("NEWS_ETL_WAREHOUSE", str(wh))
    context = {"params": {"partition_date": DAY}, "run_id": "scheduled__x"}
    from airflow.sdk.exceptions import AirflowFailException

    # A day whose folder does not exist fails at once (a retry meets the same folder); a listing
    # the store refused fails with the task's retries (it may be transient).
    for landing, environment, raised in [
            (str(base / "no-such-landing"), lambda: None, AirflowFailException),
            ("s3://landing-bucket", lambda: _aws(monkeypatch, "http://127.0.0.1:1"), LandingUnreachable),
            ("s3://landing-bucket", lambda: _aws(monkeypatch, s3_server, credentials=False), LandingUnreachable)]:
        environment()
        monkeypatch.setenv("NEWS_ETL_LANDING", landing)
        with pytest.raises(raised):
            tasks.plan(context)
        assert _state(wh) == before, landing

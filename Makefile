# news-etl: `make run` (build the seeds' partition through the Airflow DAG), `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
DATE ?= 2025-12-03

# Airflow home (SQLite metadata DB) and settings: the environment's values win; by default a
# project-local home, nothing outside the checkout.
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER ?= $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES ?= False
export AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT ?= 60
export NEWS_ETL_LANDING ?= $(CURDIR)/seeds
export NEWS_ETL_WAREHOUSE ?= $(CURDIR)/warehouse

.PHONY: install run test clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(AIRFLOW_HOME)/.migrated: $(VENV)/.installed
	@mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -30 $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	@touch $@

## run: the news_etl DAG once over seeds/ for DATE (default 2025-12-03), then what it published
run: $(AIRFLOW_HOME)/.migrated
	@echo "Running DAG news_etl for partition $(DATE) over $(NEWS_ETL_LANDING)/$(DATE) (log: $(AIRFLOW_HOME)/dags-test.log)"
	@$(BIN)/airflow dags test news_etl -c '{"partition_date": "$(DATE)"}' > $(AIRFLOW_HOME)/dags-test.log 2>&1 \
		|| (tail -40 $(AIRFLOW_HOME)/dags-test.log; exit 1)
	@grep -E "DagRun Finished|state=" $(AIRFLOW_HOME)/dags-test.log | tail -1 || true
	@$(BIN)/news-etl show --warehouse $(NEWS_ETL_WAREHOUSE) --date $(DATE)

## test: the whole test suite
test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

## airflow: Airflow's UI + scheduler + dag-processor + triggerer (LocalExecutor) on this checkout; Ctrl-C stops.
## Log in as `admin`; the Simple auth manager generates the password into $(AIRFLOW_HOME) (path printed).
## PARALLELISM=n (or AIRFLOW__CORE__PARALLELISM) tasks at once, default one per core; NEWS_ETL_PROCESSES=n
## NLP workers inside each task, default 1 under Airflow.
AIRFLOW_PORT ?= 8080
.PHONY: airflow
airflow: $(AIRFLOW_HOME)/.migrated
	@$(BIN)/python -m etl.airflow.services serve --home $(AIRFLOW_HOME) --port $(AIRFLOW_PORT) $(if $(PARALLELISM),--parallelism $(PARALLELISM))

## bench: throughput and memory vs bare spaCy (N articles, default 2000; INPUT=dir of pages; PROCESSES=n)
.PHONY: bench
N ?= 2000
bench: $(VENV)/.installed
	$(BIN)/python scripts/bench.py --n $(N) $(if $(INPUT),--input $(INPUT)) $(if $(PROCESSES),--processes $(PROCESSES))

# only the project-local Airflow home: an AIRFLOW_HOME from the environment is the operator's
clean:
	rm -rf $(CURDIR)/.airflow $(NEWS_ETL_WAREHOUSE)

## backfill: partitions FROM..TO (YYYY-MM-DD, inclusive) through the Airflow scheduler (starts and stops
## api-server, scheduler and dag-processor on a free port); REPROCESS=completed|failed reruns existing runs
## (no prerequisites: the script migrates the Airflow DB itself, and a usage error touches nothing)
.PHONY: backfill
backfill:
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD [REPROCESS=completed]" >&2; exit 2; }
	$(BIN)/python -m etl.airflow.backfill --from $(FROM) --to $(TO) $(if $(REPROCESS),--reprocess-behavior $(REPROCESS))

## cluster: a multi-machine deployment on this host (PostgreSQL, Redis, S3 server, Airflow with the
## CeleryExecutor and WORKERS Celery workers, default 2, each with its own work folder); runs in the
## background until `make cluster-stop`. Needs the system packages redis-server and postgresql.
WORKERS ?= 2
.PHONY: cluster cluster-stop
cluster: $(VENV)/.installed
	$(BIN)/python -m etl.airflow.cluster start --root $(CURDIR)/.cluster --workers $(WORKERS) $(if $(AIRFLOW_PORT),--port $(AIRFLOW_PORT))

cluster-stop:
	$(BIN)/python -m etl.airflow.cluster stop --root $(CURDIR)/.cluster

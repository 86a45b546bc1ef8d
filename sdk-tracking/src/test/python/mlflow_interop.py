#!/usr/bin/env python3
"""MLflow side of the SDK <-> MLflow file-store interoperability tests.

The Java integration tests (io.mlops.tracking.interop.*IT) run this script with the Python of a
virtualenv that has the pinned MLflow (see .ci/setup-mlflow.sh). It only uses MLflow's public
``MlflowClient`` and the standard library, so what it sees is what an MLflow user would see.

Subcommands (each prints exactly ONE JSON document on stdout; everything else goes to stderr):

  version                  {"mlflow_version": ..., "python_version": ...}
  dump   <store_dir>       every experiment and every run of the store (all view types)
  write  <store_dir>       writes the deterministic "py-interop" experiment, prints its dump
  write-metric-edges <store_dir>
                           writes the "py-metric-edges" experiment (dataset-linked metrics, which
                           MLflow 3 stores as 5-field lines, and points tied on step and
                           timestamp with NaN), prints its dump plus "written" ids
  search <store_dir> --experiment-ids ID[,ID] [--filter F] [--order-by CLAUSE]...
         [--view ACTIVE_ONLY|DELETED_ONLY|ALL] [--max-results N]
                           {"run_ids": [...]} in MLflow's result order, all pages
  search-batch <store_dir> <queries.json>
                           many searches in one process (importing mlflow takes ~1 s):
                           the file holds a list of {"experiment_ids": [...], "filter": str,
                           "order_by": [...], "view": str, "max_results": int}; prints
                           {"results": [{"run_ids": [...]} or {"error": "..."}, ...]} in order
  registry-dump <store_dir> [--filter F]...
                           the model registry as MlflowClient reads it (tracking_uri and
                           registry_uri both file://<store>): every registered model with its
                           tags, aliases (each also resolved with get_model_version_by_alias) and
                           versions (listed with search_model_versions, each re-read with
                           get_model_version and get_model_version_download_uri); then, per
                           --filter, the model names search_registered_models returns in its
                           order, or {"error": "..."} where MLflow rejects the filter
  run-user <scenarios.json>
                           the mlflow.user tag MLflow's DefaultRunContext sets, per scenario: the
                           file holds a list of {"env": {name: value}}; the user variables
                           (MLFLOW_TRACKING_USERNAME, LOGNAME, USER, LNAME, USERNAME) and HOME are
                           exactly those of the scenario; prints {"users": [...]} in order

JSON has no NaN/Infinity literals, so non-finite metric values are encoded as the strings
"NaN", "Infinity" and "-Infinity" (Java's Double.toString spellings, so the Java side can decode
them with Double.parseDouble). A metric point is a list [timestamp, value, step].
"""

import os

# MLflow >= 3.13 refuses file stores unless explicitly allowed; this must be set before the
# first mlflow import because the flag is read through mlflow's environment-variable helpers.
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import sys  # noqa: E402

# Keep stdout clean for the single JSON document: MLflow (and libraries it imports) may print to
# stdout, possibly from C code or subprocesses. Keep a private handle on the real stdout and point
# file descriptor 1 at stderr for the rest of the process.
_JSON_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8")
sys.stdout.flush()
os.dup2(2, 1)
sys.stdout = sys.stderr

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import mlflow  # noqa: E402
from mlflow.entities import Metric, Param, ViewType  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

# MLflow's default page size (the file store accepts up to 50000); we always page through, so a
# store with more runs than one page is still dumped completely.
PAGE_SIZE = 1000

VIEW_TYPES = {
    "ACTIVE_ONLY": ViewType.ACTIVE_ONLY,
    "DELETED_ONLY": ViewType.DELETED_ONLY,
    "ALL": ViewType.ALL,
}


def log(msg):
    print(f"[mlflow_interop] {msg}", file=sys.stderr, flush=True)


def emit(document):
    # allow_nan=False: fail here rather than emit NaN literals that Jackson (strict) rejects.
    _JSON_OUT.write(json.dumps(document, allow_nan=False, sort_keys=False))
    _JSON_OUT.write("\n")
    _JSON_OUT.flush()


def encode_float(value):
    """A JSON-safe float: finite values as numbers, the others as Java's spellings."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def client_for(store_dir):
    root = Path(store_dir).resolve()
    # file://<abs path>: an absolute local path gives file:///abs/... (three slashes).
    uri = root.as_uri()
    return MlflowClient(tracking_uri=uri), uri


def all_pages(fetch):
    """Collects every item of a paged MLflow search; fetch(page_token) returns a PagedList."""
    items, token = [], None
    while True:
        page = fetch(token)
        items.extend(page)
        token = page.token
        if not token:
            return items


def list_artifacts_recursive(client, run_id, path=None):
    out = []
    for info in client.list_artifacts(run_id, path):
        out.append({
            "path": info.path,
            "is_dir": bool(info.is_dir),
            "file_size": None if info.is_dir else info.file_size,
        })
        if info.is_dir:
            out.extend(list_artifacts_recursive(client, run_id, info.path))
    return out


def dump_run(client, run):
    info, data = run.info, run.data
    histories = {}
    for key in sorted(data.metrics.keys()):
        histories[key] = [
            [m.timestamp, encode_float(m.value), m.step] for m in client.get_metric_history(info.run_id, key)
        ]
    return {
        "run_id": info.run_id,
        "run_name": info.run_name,
        "experiment_id": info.experiment_id,
        "user_id": info.user_id,
        "status": info.status,
        "lifecycle_stage": info.lifecycle_stage,
        "start_time": info.start_time,
        "end_time": info.end_time,
        "artifact_uri": info.artifact_uri,
        "params": dict(sorted(data.params.items())),
        "tags": dict(sorted(data.tags.items())),
        # MLflow's idea of the latest value per key (max by step, then timestamp, then value).
        "latest_metrics": {k: encode_float(v) for k, v in sorted(data.metrics.items())},
        "metrics": histories,
        "artifacts": list_artifacts_recursive(client, info.run_id),
    }


def dump_experiment(client, exp):
    runs = all_pages(lambda token: client.search_runs(
        [exp.experiment_id],
        filter_string="",
        run_view_type=ViewType.ALL,
        max_results=PAGE_SIZE,
        page_token=token,
    ))
    return {
        "experiment_id": exp.experiment_id,
        "name": exp.name,
        "lifecycle_stage": exp.lifecycle_stage,
        "artifact_location": exp.artifact_location,
        "creation_time": exp.creation_time,
        "last_update_time": exp.last_update_time,
        "tags": dict(sorted(exp.tags.items())),
        "runs": [dump_run(client, r) for r in runs],
    }


def dump_store(store_dir, only_experiment_ids=None):
    client, uri = client_for(store_dir)
    experiments = all_pages(lambda token: client.search_experiments(
        view_type=ViewType.ALL, max_results=PAGE_SIZE, page_token=token))
    if only_experiment_ids is not None:
        experiments = [e for e in experiments if e.experiment_id in only_experiment_ids]
    return {
        "mlflow_version": mlflow.__version__,
        "tracking_uri": uri,
        "experiments": [dump_experiment(client, e) for e in experiments],
    }


# ---------------------------------------------------------------------------------------------
# write: a deterministic store produced by MLflow itself
# ---------------------------------------------------------------------------------------------

# Fixed times so the Java side can assert exact values and order by start_time.
T0 = 1_700_000_000_000
EXPERIMENT_NAME = "py-interop"
EXPERIMENT_TAGS = {"team": "interop", "suite/kind": "fixture"}

# Three kept runs (FINISHED, FAILED, KILLED) plus one that is soft-deleted afterwards.
RUN_SPECS = [
    {
        "name": "py-alpha",
        "start": T0 + 1_000,
        "end": T0 + 61_000,
        "status": "FINISHED",
        "params": {"lr": "0.01", "model": "resnet", "opt/beta1": "0.9", "epochs": "10"},
        "tags": {"team": "vision", "data/split": "train-v1", "priority": "high"},
        "metrics": {
            "loss": [1.0, 0.5, 0.25, 0.125, 0.0625],
            "accuracy": [0.5, 0.7, 0.8, 0.85, 0.9],
            # A '/' in the key becomes a nested directory in the store; NaN must round-trip.
            "val/acc": [0.4, float("nan"), 0.75, 0.8, 0.88],
        },
        "artifacts": {
            "model/weights.bin": bytes(range(256)) * 4,
            "model/config/params.json": b'{"lr": 0.01, "model": "resnet"}\n',
            "plots/loss.txt": b"1.0\n0.5\n0.25\n0.125\n0.0625\n",
            "README.txt": b"alpha run\n",
        },
    },
    {
        "name": "py-beta",
        "start": T0 + 2_000,
        "end": T0 + 32_000,
        "status": "FAILED",
        "params": {"lr": "0.1", "model": "vit", "opt/beta1": "0.95", "epochs": "3"},
        "tags": {"team": "nlp", "data/split": "train-v2", "priority": "low"},
        "metrics": {
            "loss": [2.0, float("inf"), 1.5],
            "accuracy": [0.3, 0.35, 0.4],
            "val/acc": [0.2, 0.25, float("-inf")],
        },
        "artifacts": {
            "plots/loss.txt": b"2.0\ninf\n1.5\n",
        },
    },
    {
        "name": "py-gamma",
        "start": T0 + 3_000,
        "end": T0 + 93_000,
        "status": "KILLED",
        "params": {"lr": "0.001", "model": "ResNet-XL", "opt/beta1": "0.99", "epochs": "100"},
        "tags": {"team": "vision", "data/split": "holdout", "priority": "high"},
        "metrics": {
            "loss": [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4],
            "accuracy": [0.6, 0.65, 0.7, 0.72, 0.74, 0.76, 0.95],
            # The LATEST value is NaN: searches compare against it (NaN matches only '!=') and
            # order_by puts it with the missing values, at the end.
            "grad_norm": [1.5, 2.5, float("nan")],
        },
        "artifacts": {},
    },
    {
        "name": "py-deleted",
        "start": T0 + 4_000,
        "end": T0 + 5_000,
        "status": "FINISHED",
        "params": {"lr": "0.5", "model": "mlp", "opt/beta1": "0.5", "epochs": "1"},
        "tags": {"team": "vision", "data/split": "scratch", "priority": "low"},
        "metrics": {"loss": [3.0], "accuracy": [0.1]},
        "artifacts": {"notes.txt": b"deleted run\n"},
        "delete": True,
    },
]


def metric_timestamp(run_spec, step):
    # One point every 10 s after the run started; steps 0..n-1.
    return run_spec["start"] + 10_000 * step


def write_store(store_dir):
    client, _ = client_for(store_dir)
    exp_id = client.create_experiment(EXPERIMENT_NAME, tags={"team": EXPERIMENT_TAGS["team"]})
    # Also exercise set_experiment_tag (a separate code path from create-time tags).
    client.set_experiment_tag(exp_id, "suite/kind", EXPERIMENT_TAGS["suite/kind"])

    for spec in RUN_SPECS:
        tags = dict(spec["tags"])
        # MlflowClient derives user_id from this tag ("unknown" otherwise); set it for determinism.
        tags["mlflow.user"] = "interop"
        run = client.create_run(exp_id, start_time=spec["start"], tags=tags, run_name=spec["name"])
        run_id = run.info.run_id
        spec["run_id"] = run_id

        client.log_batch(run_id, params=[Param(k, v) for k, v in spec["params"].items()])
        for key, values in spec["metrics"].items():
            # The first point of each metric through log_metric, the rest through log_batch:
            # both write the same "<timestamp> <value> <step>" lines.
            client.log_metric(run_id, key, values[0], timestamp=metric_timestamp(spec, 0), step=0)
            client.log_batch(run_id, metrics=[
                Metric(key, v, metric_timestamp(spec, step), step)
                for step, v in enumerate(values) if step > 0
            ])

        if spec["artifacts"]:
            tmp = tempfile.mkdtemp(prefix="mlflow-interop-artifacts-")
            try:
                for rel, content in spec["artifacts"].items():
                    target = Path(tmp, *rel.split("/"))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
                client.log_artifacts(run_id, tmp)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

        client.set_terminated(run_id, status=spec["status"], end_time=spec["end"])
        if spec.get("delete"):
            client.delete_run(run_id)

    document = dump_store(store_dir, only_experiment_ids={exp_id})
    check_written(document)
    # Keep the ids the spec generated so the Java side can map names to ids without guessing.
    document["written"] = {
        "experiment_id": exp_id,
        "run_ids": {spec["name"]: spec["run_id"] for spec in RUN_SPECS},
    }
    return document


def check_written(document):
    """Fails loudly if MLflow did not read back what we wrote, so a broken fixture is not blamed
    on the SDK."""
    (exp,) = document["experiments"]
    assert exp["name"] == EXPERIMENT_NAME, exp["name"]
    assert exp["tags"] == EXPERIMENT_TAGS, exp["tags"]
    by_name = {r["run_name"]: r for r in exp["runs"]}
    assert set(by_name) == {s["name"] for s in RUN_SPECS}, sorted(by_name)
    for spec in RUN_SPECS:
        run = by_name[spec["name"]]
        assert run["status"] == spec["status"], (spec["name"], run["status"])
        expected_stage = "deleted" if spec.get("delete") else "active"
        assert run["lifecycle_stage"] == expected_stage, (spec["name"], run["lifecycle_stage"])
        assert run["params"] == spec["params"], (spec["name"], run["params"])
        expected_tags = dict(spec["tags"], **{"mlflow.user": "interop", "mlflow.runName": spec["name"]})
        assert run["tags"] == expected_tags, (spec["name"], run["tags"])
        expected_metrics = {
            key: [[metric_timestamp(spec, i), encode_float(v), i] for i, v in enumerate(values)]
            for key, values in spec["metrics"].items()
        }
        assert run["metrics"] == expected_metrics, (spec["name"], run["metrics"])
        files = {a["path"]: a["file_size"] for a in run["artifacts"] if not a["is_dir"]}
        assert files == {k: len(v) for k, v in spec["artifacts"].items()}, (spec["name"], files)


# ---------------------------------------------------------------------------------------------
# write-metric-edges: metric files whose reading has a rule worth pinning down
# ---------------------------------------------------------------------------------------------

EDGES_EXPERIMENT_NAME = "py-metric-edges"
# (dataset name, digest) as mlflow.data datasets carry them; MlflowClient.log_metric writes both
# into the line: "<ts> <value> <step> <name> <digest>" (FileStore._log_run_metric).
EDGES_DATASET = ("train", "2981c147")

# Per run: key -> points (value, step, timestamp offset, dataset-linked?) in logging order.
EDGE_RUN_SPECS = [
    {
        "name": "py-dataset",
        "start": T0 + 1_000,
        "metrics": {
            # 5-field points read as step 0 in MLflow's file store, so the 3-field step-1 point is
            # the latest (it would lose to step 3 if the third field were read as the step).
            "acc": [(0.5, 3, 1_000, True), (0.7, 1, 1_000, False), (0.6, 2, 1_001, True)],
            # all dataset-linked: every point is step 0, so the latest is the newest timestamp
            "loss": [(0.9, 0, 3_000, True), (0.5, 1, 2_000, True), (0.7, 2, 1_000, True)],
        },
    },
    {
        "name": "py-number-first",
        "start": T0 + 2_000,
        "metrics": {
            # ties on (step, timestamp): Python's max keeps the first unless a later key is greater,
            # and NaN is never greater nor smaller
            "n": [(0.5, 1, 5, False), (float("nan"), 1, 5, False)],
            "passed": [(1.0, 1, 5, False), (float("nan"), 1, 5, False), (2.0, 1, 5, False)],
            "zero": [(-0.0, 1, 5, False), (0.0, 1, 5, False)],
        },
    },
    {
        "name": "py-nan-first",
        "start": T0 + 3_000,
        "metrics": {
            "n": [(float("nan"), 1, 5, False), (0.5, 1, 5, False)],
            "passed": [(float("nan"), 1, 5, False), (1.0, 1, 5, False), (2.0, 1, 5, False)],
            "zero": [(0.0, 1, 5, False), (-0.0, 1, 5, False)],
        },
    },
]


def write_metric_edges(store_dir):
    client, _ = client_for(store_dir)
    exp_id = client.create_experiment(EDGES_EXPERIMENT_NAME)
    run_ids = {}
    for spec in EDGE_RUN_SPECS:
        run = client.create_run(exp_id, start_time=spec["start"], tags={"mlflow.user": "interop"},
                                run_name=spec["name"])
        run_id = run.info.run_id
        run_ids[spec["name"]] = run_id
        for key, points in spec["metrics"].items():
            for value, step, offset, linked in points:
                name, digest = EDGES_DATASET if linked else (None, None)
                client.log_metric(run_id, key, value, timestamp=spec["start"] + offset, step=step,
                                  dataset_name=name, dataset_digest=digest)
        client.set_terminated(run_id, status="FINISHED", end_time=spec["start"] + 10_000)

    # Fail loudly if MLflow did not write the 5-field lines this fixture is about.
    first = run_ids["py-dataset"]
    lines = Path(store_dir, exp_id, first, "metrics", "acc").read_text().splitlines()
    assert [len(line.split(" ")) for line in lines] == [5, 3, 5], lines
    document = dump_store(store_dir, only_experiment_ids={exp_id})
    document["written"] = {"experiment_id": exp_id, "run_ids": run_ids}
    return document


# ---------------------------------------------------------------------------------------------
# search
# ---------------------------------------------------------------------------------------------


def search(store_dir, experiment_ids, filter_string, order_by, view, max_results):
    client, _ = client_for(store_dir)
    runs = all_pages(lambda token: client.search_runs(
        experiment_ids,
        filter_string=filter_string or "",
        run_view_type=VIEW_TYPES[view],
        max_results=max_results,
        order_by=order_by or None,
        page_token=token,
    ))
    return {"run_ids": [r.info.run_id for r in runs]}


def search_batch(store_dir, queries_file):
    with open(queries_file, encoding="utf-8") as f:
        queries = json.load(f)
    results = []
    for q in queries:
        try:
            results.append(search(
                store_dir,
                [str(i) for i in q["experiment_ids"]],
                q.get("filter") or "",
                q.get("order_by") or [],
                q.get("view") or "ACTIVE_ONLY",
                int(q.get("max_results") or PAGE_SIZE),
            ))
        except Exception as e:  # noqa: BLE001 - a rejected filter is a result the caller compares
            log(f"query {q!r} failed: {e}")
            results.append({"error": f"{type(e).__name__}: {e}"})
    return {"results": results}


# ---------------------------------------------------------------------------------------------
# registry-dump: the model registry as MLflow's client reads it
# ---------------------------------------------------------------------------------------------


def registry_client_for(store_dir):
    _, uri = client_for(store_dir)
    # The registry's FileStore reads a version's metrics through a bare MlflowClient() whenever its meta.yaml
    # has a model_id key (_get_file_model_version_from_dir), i.e. through the *global* tracking URI; without
    # this, MLflow >= 3.7 would create ./mlflow.db (its sqlite default) in the working directory.
    mlflow.set_tracking_uri(uri)
    # Both URIs explicitly: the registry of a file store lives in <store>/models.
    return MlflowClient(tracking_uri=uri, registry_uri=uri), uri


def dump_model_version(client, mv):
    # get_model_version re-reads the version by id (FileStore._fetch_file_model_version_if_exists), so a
    # version that only search_model_versions could see would show up as a mismatch.
    again = client.get_model_version(mv.name, str(mv.version))
    assert str(again.version) == str(mv.version) and again.source == mv.source, (mv, again)
    return {
        "name": mv.name,
        "version": str(mv.version),
        "creation_timestamp": mv.creation_timestamp,
        "last_updated_timestamp": mv.last_updated_timestamp,
        "description": mv.description,
        "source": mv.source,
        "run_id": mv.run_id,
        "run_link": mv.run_link,
        "status": mv.status,
        "current_stage": mv.current_stage,
        "user_id": mv.user_id,
        "tags": dict(sorted(mv.tags.items())),
        "aliases": sorted(mv.aliases),
        "download_uri": client.get_model_version_download_uri(mv.name, str(mv.version)),
    }


def dump_registered_model(client, rm):
    name = rm.name
    again = client.get_registered_model(name)
    versions = all_pages(lambda token: client.search_model_versions(
        filter_string=f"name = '{name}'", max_results=PAGE_SIZE, page_token=token))
    versions = sorted(versions, key=lambda mv: int(mv.version))
    return {
        "name": name,
        "description": again.description,
        "creation_timestamp": again.creation_timestamp,
        "last_updated_timestamp": again.last_updated_timestamp,
        "tags": dict(sorted(again.tags.items())),
        "aliases": dict(sorted(again.aliases.items())),
        # Resolved one by one: FileStore.get_model_version_by_alias reads aliases/<alias>.
        "by_alias": {
            alias: str(client.get_model_version_by_alias(name, alias).version)
            for alias in sorted(again.aliases)
        },
        "latest_versions": sorted(str(mv.version) for mv in (again.latest_versions or [])),
        "versions": [dump_model_version(client, mv) for mv in versions],
    }


def registry_dump(store_dir, filters):
    client, uri = registry_client_for(store_dir)
    models = all_pages(lambda token: client.search_registered_models(
        max_results=PAGE_SIZE, page_token=token))
    searches = []
    for f in filters:
        try:
            found = all_pages(lambda token, f=f: client.search_registered_models(
                filter_string=f, max_results=2, page_token=token))
            searches.append({"filter": f, "names": [m.name for m in found]})
        except Exception as e:  # noqa: BLE001 - a rejected filter is a result the caller compares
            log(f"registry filter {f!r} failed: {e}")
            searches.append({"filter": f, "error": f"{type(e).__name__}: {e}"})
    return {
        "mlflow_version": mlflow.__version__,
        "registry_uri": uri,
        "models": [dump_registered_model(client, rm) for rm in models],
        "searches": searches,
    }


USER_ENV = ("MLFLOW_TRACKING_USERNAME", "LOGNAME", "USER", "LNAME", "USERNAME", "HOME")


def run_users(scenarios_file):
    from mlflow.tracking.context.default_context import DefaultRunContext
    from mlflow.utils.mlflow_tags import MLFLOW_USER

    with open(scenarios_file, encoding="utf-8") as f:
        scenarios = json.load(f)
    saved = {name: os.environ.get(name) for name in USER_ENV}
    users = []
    try:
        for scenario in scenarios:
            for name in USER_ENV:
                os.environ.pop(name, None)
            os.environ.update(scenario["env"])
            users.append(DefaultRunContext().tags()[MLFLOW_USER])
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return {"users": users}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("version", help="print MLflow's and Python's versions")
    p_dump = sub.add_parser("dump", help="dump every experiment and run of a store")
    p_dump.add_argument("store_dir")
    p_write = sub.add_parser("write", help="write the deterministic py-interop experiment")
    p_write.add_argument("store_dir")
    p_edges = sub.add_parser("write-metric-edges", help="write the py-metric-edges experiment")
    p_edges.add_argument("store_dir")
    p_search = sub.add_parser("search", help="search runs like MlflowClient.search_runs")
    p_search.add_argument("store_dir")
    p_search.add_argument("--experiment-ids", required=True, help="comma-separated ids")
    p_search.add_argument("--filter", default="")
    p_search.add_argument("--order-by", action="append", default=[])
    p_search.add_argument("--view", choices=sorted(VIEW_TYPES), default="ACTIVE_ONLY")
    p_search.add_argument("--max-results", type=int, default=PAGE_SIZE, help="page size")
    p_batch = sub.add_parser("search-batch", help="many searches from a JSON file, one process")
    p_batch.add_argument("store_dir")
    p_batch.add_argument("queries_file")
    p_registry = sub.add_parser("registry-dump", help="dump the model registry as MlflowClient reads it")
    p_registry.add_argument("store_dir")
    p_registry.add_argument("--filter", action="append", default=[], help="a search_registered_models filter")
    p_user = sub.add_parser("run-user", help="the mlflow.user DefaultRunContext sets, per environment")
    p_user.add_argument("scenarios_file")
    args = parser.parse_args(argv)

    if args.command in ("dump", "search", "search-batch", "registry-dump") and not Path(args.store_dir).is_dir():
        # MlflowClient would silently create an empty store (with a Default experiment) there.
        parser.error(f"not a directory: {args.store_dir}")

    started = time.monotonic()
    if args.command == "version":
        emit({"mlflow_version": mlflow.__version__, "python_version": platform.python_version()})
    elif args.command == "dump":
        emit(dump_store(args.store_dir))
    elif args.command == "write":
        emit(write_store(args.store_dir))
    elif args.command == "write-metric-edges":
        emit(write_metric_edges(args.store_dir))
    elif args.command == "search":
        ids = [i.strip() for i in args.experiment_ids.split(",") if i.strip()]
        emit(search(args.store_dir, ids, args.filter, args.order_by, args.view, args.max_results))
    elif args.command == "search-batch":
        emit(search_batch(args.store_dir, args.queries_file))
    elif args.command == "registry-dump":
        emit(registry_dump(args.store_dir, args.filter))
    elif args.command == "run-user":
        emit(run_users(args.scenarios_file))
    log(f"{args.command} done in {time.monotonic() - started:.2f}s (mlflow {mlflow.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

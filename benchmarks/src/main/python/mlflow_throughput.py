"""Metric-logging throughput of MLflow's Python client, for comparison with the Java SDK.

Logs ``candidates x keys x steps`` metric points with ``MlflowClient`` into a fresh store and prints ONE JSON
line on stdout with the result (everything else goes to stderr)::

    python mlflow_throughput.py --store file --mode per-call --candidates 1 --keys 10 --steps 300 --root /tmp/x

* ``--store file``: MLflow's file store (``file://<root>/mlruns``; needs ``MLFLOW_ALLOW_FILE_STORE=true``,
  which this script sets). ``--store sqlite``: its SQLAlchemy store on ``sqlite:///<root>/mlflow.db``.
* ``--mode per-call``: one ``MlflowClient.log_metric`` per point (timestamp taken by MLflow, as in the Java
  SDK). ``--mode batch``: ``MlflowClient.log_batch`` with ``--batch-size`` points (default 1000, MLflow's limit),
  each point timestamped when it is created.

The clock runs from the first log call to the return of the last one; creating the store, the experiment and
the runs happens before, ending the runs and reading back the metric histories (to verify the point count)
after. Order: candidate by candidate, step by step, key by key, like a sequential hyper-parameter sweep.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
# No telemetry or other network traffic from inside a benchmark.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")


def log(message):
    print("[mlflow_throughput] " + message, file=sys.stderr, flush=True)


def tracking_uri(store, root):
    root = os.path.abspath(root)
    if store == "file":
        return "file://" + os.path.join(root, "mlruns")
    return "sqlite:///" + os.path.join(root, "mlflow.db")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["file", "sqlite"], required=True)
    parser.add_argument("--mode", choices=["per-call", "batch"], required=True)
    parser.add_argument("--candidates", type=int, default=1)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--root", required=True, help="an empty directory for the store")
    parser.add_argument("--no-verify", action="store_true", help="skip reading the histories back")
    args = parser.parse_args(argv)

    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    os.makedirs(args.root, exist_ok=True)
    uri = tracking_uri(args.store, args.root)
    log("mlflow %s, %s, %s, %d candidates x %d keys x %d steps"
        % (mlflow.__version__, uri, args.mode, args.candidates, args.keys, args.steps))
    setup_start = time.perf_counter()
    client = MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment("throughput-%d" % int(time.time() * 1000))
    run_ids = [client.create_run(experiment_id, run_name="candidate-%d" % c).info.run_id
               for c in range(args.candidates)]
    keys = ["metric_%d" % k for k in range(args.keys)]
    setup_seconds = time.perf_counter() - setup_start

    points = 0
    start = time.perf_counter()
    if args.mode == "per-call":
        for run_id in run_ids:
            for step in range(args.steps):
                for k, key in enumerate(keys):
                    client.log_metric(run_id, key, 1.0 / (step + 1) + k, step=step)
                    points += 1
    else:
        for run_id in run_ids:
            batch = []
            for step in range(args.steps):
                for k, key in enumerate(keys):
                    batch.append(Metric(key, 1.0 / (step + 1) + k, int(time.time() * 1000), step))
                    if len(batch) == args.batch_size:
                        client.log_batch(run_id, metrics=batch)
                        points += len(batch)
                        batch = []
            if batch:
                client.log_batch(run_id, metrics=batch)
                points += len(batch)
    seconds = time.perf_counter() - start

    for run_id in run_ids:
        client.set_terminated(run_id)
    verified = None
    if not args.no_verify:
        verified = 0
        for run_id in run_ids:
            for key in keys:
                verified += len(client.get_metric_history(run_id, key))
        if verified != points:
            log("VERIFY FAILED: logged %d points, read back %d" % (points, verified))

    result = {
        "store": args.store,
        "mode": args.mode,
        "uri": uri,
        "mlflow_version": mlflow.__version__,
        "candidates": args.candidates,
        "keys": args.keys,
        "steps": args.steps,
        "batch_size": args.batch_size if args.mode == "batch" else 1,
        "points": points,
        "seconds": seconds,
        "points_per_second": points / seconds if seconds > 0 else None,
        "setup_seconds": setup_seconds,
        "verified_points": verified,
    }
    print(json.dumps(result), flush=True)
    return 0 if verified is None or verified == points else 1


if __name__ == "__main__":
    sys.exit(main())

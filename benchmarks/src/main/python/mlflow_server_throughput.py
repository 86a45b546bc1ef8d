"""MLflow's Python client logging metric points into a tracking server, for ServerThroughputHarness.

  python mlflow_server_throughput.py --url http://127.0.0.1:5123 --mode sync|async --points N

sync:  MlflowClient.log_metric per point (one HTTP request each).
async: mlflow.log_metric(..., synchronous=False) per point inside a run, then the queue is flushed
       (MLflow's own asynchronous logging, 2.8+), timed until everything is sent.
Prints one JSON line: {"mode", "points", "seconds"}.
"""
import argparse
import json
import os
import sys
import time
import uuid

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--mode", choices=["sync", "async"], required=True)
    ap.add_argument("--points", type=int, required=True)
    args = ap.parse_args()

    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # keep MLflow's prints off the result line
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(args.url)
    client = MlflowClient(tracking_uri=args.url)
    exp = client.create_experiment("bench-python-%s-%s" % (args.mode, uuid.uuid4().hex[:6]))
    now = int(time.time() * 1000)
    if args.mode == "sync":
        run = client.create_run(exp).info.run_id
        started = time.perf_counter()
        for i in range(args.points):
            client.log_metric(run, "metric_%d" % (i % 10), 1.0 / (i + 1), timestamp=now + i, step=i // 10)
        seconds = time.perf_counter() - started
    else:
        with mlflow.start_run(experiment_id=exp):
            started = time.perf_counter()
            for i in range(args.points):
                mlflow.log_metric("metric_%d" % (i % 10), 1.0 / (i + 1), step=i // 10, timestamp=now + i,
                                  synchronous=False)
            mlflow.flush_async_logging()
            seconds = time.perf_counter() - started
    real_stdout.write(json.dumps({"mode": args.mode, "points": args.points, "seconds": seconds}) + "\n")
    real_stdout.flush()


if __name__ == "__main__":
    main()

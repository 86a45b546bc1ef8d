"""Builds and reads an MLflow-native model registry with MLflow's own Python client, for NativeRegistryInteropIT.

    python mlflow_native_registry.py create <tracking_uri> <model> <model_dir> <logged_dir> <notes_file>
    python mlflow_native_registry.py download <tracking_uri> <model_uri> <target_dir>

`create` makes, in a new experiment, one run whose artifacts hold <model_dir> under model/ and <notes_file> at the
root, and registers <model> three times the ways MLflow does:
  1. mlflow.register_model("runs:/<run>/model"): the run has model/MLmodel, so MLflow 3 stores the run's artifact URI
     plus /model as the source;
  2. MlflowClient.create_model_version(source="runs:/<run>/model", run_id=<run>): the runs:/ URI kept as given;
  3. a logged model (MLflow 3's log_model: an experiment's model, files in <logged_dir>) registered by
     models:/<model_id>; its download URI is the logged model's artifact location.
The alias `champion` points at version 2. `download` fetches a models:/ URI with mlflow.artifacts.download_artifacts.
Each command prints exactly one JSON document on stdout; logs go to stderr.
"""
import json
import os
import sys

import mlflow
from mlflow import MlflowClient


def create(tracking_uri, model, model_dir, logged_dir, notes_file):
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient()
    exp_id = client.create_experiment(f"native-{model}")
    run = client.create_run(exp_id, run_name="trained-by-mlflow")
    run_id = run.info.run_id
    client.log_param(run_id, "lr", "0.5")
    client.log_artifacts(run_id, model_dir, "model")
    client.log_artifact(run_id, notes_file)
    client.set_terminated(run_id)

    v1 = mlflow.register_model(f"runs:/{run_id}/model", model)
    v2 = client.create_model_version(model, f"runs:/{run_id}/model", run_id=run_id)
    logged = client.create_logged_model(exp_id, name="model", source_run_id=run_id)
    client.log_model_artifacts(logged.model_id, logged_dir)
    client.finalize_logged_model(logged.model_id, "READY")
    v3 = mlflow.register_model(f"models:/{logged.model_id}", model)
    client.set_registered_model_alias(model, "champion", v2.version)

    versions = []
    for v in (v1, v2, v3):
        mv = client.get_model_version(model, v.version)
        versions.append({
            "version": str(mv.version),
            "source": mv.source,
            "run_id": mv.run_id or "",
            "download_uri": client.get_model_version_download_uri(model, mv.version),
        })
    return {"run_id": run_id, "artifact_uri": run.info.artifact_uri, "logged_model_id": logged.model_id,
            "versions": versions}


def download(tracking_uri, model_uri, target):
    mlflow.set_tracking_uri(tracking_uri)
    local = mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=target)
    files = []
    for root, _, names in os.walk(local):
        for n in names:
            files.append(os.path.relpath(os.path.join(root, n), local).replace(os.sep, "/"))
    return {"local": local, "files": sorted(files)}


def main(argv):
    out = sys.stdout
    sys.stdout = sys.stderr  # MLflow prints "View run ..." links on stdout; keep it for the one JSON document
    try:
        if argv and argv[0] == "create" and len(argv) == 6:
            doc = create(*argv[1:])
        elif argv and argv[0] == "download" and len(argv) == 4:
            doc = download(*argv[1:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    finally:
        sys.stdout = out
    out.write(json.dumps(doc) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

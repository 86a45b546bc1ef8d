/** The MLflow REST backend: transport, JSON codecs, tracking and artifact stores. <b>Not API.</b> */
package io.mlops.mlflow.internal;

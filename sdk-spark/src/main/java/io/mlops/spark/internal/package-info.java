/** Implementation of the Spark integration. <b>Not API</b>: anything here may change in any release. */
package io.mlops.spark.internal;

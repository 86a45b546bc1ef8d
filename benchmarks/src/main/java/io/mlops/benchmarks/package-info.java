/** JMH benchmarks and throughput harnesses for the SDK. Not published; see docs/benchmarks.md. */
package io.mlops.benchmarks;

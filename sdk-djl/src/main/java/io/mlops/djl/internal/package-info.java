/** The DJL integration's internals: not API, may change in any release. */
package io.mlops.djl.internal;

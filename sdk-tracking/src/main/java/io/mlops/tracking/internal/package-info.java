/** Implementation of the tracker. <b>Not API</b>: anything here may change in any release. */
package io.mlops.tracking.internal;

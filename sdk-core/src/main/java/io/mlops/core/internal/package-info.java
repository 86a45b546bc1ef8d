/**
 * Implementation classes shared by the SDK's modules. <b>Not API</b>: anything here may change in any release.
 */
package io.mlops.core.internal;

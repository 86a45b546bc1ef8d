/** Tracks DJL training as candidates and loads registry models into DJL. */
package io.mlops.djl;

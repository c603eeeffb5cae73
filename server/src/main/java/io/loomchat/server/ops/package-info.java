/**
 * For whoever runs the server: {@code Metrics} counted on the hot path, served as Prometheus text by the
 * {@code MetricsEndpoint}, and the {@code HealthProbe} the container image runs.
 */
package io.loomchat.server.ops;

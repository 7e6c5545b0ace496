import type { MetricPoint, Metrics } from "../../ports";

/**
 * Data points into Workers Analytics Engine. One point per event:
 * `index1` = event (the sampling key), `blob1` = event, `blob2` = method,
 * `blob3` = reason, `double1` = 1 (so `SUM(_sample_interval * double1)`
 * counts events; docs/operations.md has the queries). `writeDataPoint` does
 * not wait on I/O; a failure to write is the platform's, never the request's.
 */
export function createAnalyticsEngineMetrics(dataset: AnalyticsEngineDataset): Metrics {
  return {
    record(point: MetricPoint) {
      try {
        dataset.writeDataPoint({
          indexes: [point.event],
          blobs: [point.event, point.method ?? "", point.reason ?? ""],
          doubles: [1],
        });
      } catch {
        // More than the per-invocation limit of points, or a bad binding:
        // dashboards lose a point, the request goes on.
      }
    },
  };
}

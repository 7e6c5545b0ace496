import type { MetricPoint, Metrics } from "../../ports";

/**
 * The point as Analytics Engine stores it: `index1` = event (the sampling
 * key), `blob1` = event, `blob2` = method, `blob3` = reason, `double1` = 1 (so
 * `SUM(_sample_interval * double1)` counts events; docs/operations.md has the
 * queries). The tests' sink (./sink.ts) receives exactly this shape.
 */
export function dataPointOf(point: MetricPoint): AnalyticsEngineDataPoint & {
  indexes: string[];
  blobs: string[];
  doubles: number[];
} {
  return {
    indexes: [point.event],
    blobs: [point.event, point.method ?? "", point.reason ?? ""],
    doubles: [1],
  };
}

/**
 * Data points into Workers Analytics Engine, one per event. `writeDataPoint`
 * does not wait on I/O; a failure to write is the platform's, never the
 * request's.
 */
export function createAnalyticsEngineMetrics(dataset: AnalyticsEngineDataset): Metrics {
  return {
    record(point: MetricPoint) {
      try {
        dataset.writeDataPoint(dataPointOf(point));
      } catch {
        // More than the per-invocation limit of points, or a bad binding:
        // dashboards lose a point, the request goes on.
      }
    },
  };
}

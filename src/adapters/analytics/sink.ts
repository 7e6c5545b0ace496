import type { MetricPoint, Metrics } from "../../ports";
import { dataPointOf } from "./analytics-engine";

/**
 * Tests: the same data points, posted to a local sink
 * (dev/stack/metrics-sink.ts, METRICS_SINK_URL) in the background, so tests
 * can read back exactly what a request wrote. Analytics Engine has no local
 * read side; this adapter stands in for the binding, never beside it.
 */
export function createSinkMetrics(url: string, background: (p: Promise<unknown>) => void): Metrics {
  return {
    record(point: MetricPoint) {
      background(
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(dataPointOf(point)),
        }).then((res) => res.body?.cancel()),
      );
    },
  };
}

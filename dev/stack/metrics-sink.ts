// A local stand-in for Workers Analytics Engine's write side, for tests and
// `npm run dev` (METRICS_SINK_URL): POST /points takes one data point in the
// shape the binding's writeDataPoint takes ({indexes, blobs, doubles}), checked
// against the binding's limits, and GET /points lists them so tests can assert
// what a request wrote. Analytics Engine has no local runtime to write to.
import http from "node:http";
import {
  closeServer,
  isRecord,
  listen,
  noContent,
  parseJsonOrUndefined,
  readText,
  sendJson,
  urlHost,
} from "../bridges/http-server.ts";

export interface DataPoint {
  indexes: string[];
  blobs: string[];
  doubles: number[];
  received_at: string;
}

export interface MetricsSink {
  /** Base URL; the Worker posts to `${url}/points`. */
  url: string;
  points: DataPoint[];
  close(): Promise<void>;
}

// Analytics Engine's limits per data point.
const MAX_BLOBS = 20;
const MAX_DOUBLES = 20;
const MAX_INDEX_BYTES = 96;
const MAX_BLOB_BYTES_TOTAL = 16 * 1024;

/** The point as the binding would take it, or why it would refuse it. */
function checkPoint(body: unknown): Omit<DataPoint, "received_at"> | string {
  if (!isRecord(body)) return "not an object";
  const { indexes = [], blobs = [], doubles = [] } = body;
  if (!Array.isArray(indexes) || indexes.length > 1) return "indexes: at most one";
  if (!indexes.every((i) => typeof i === "string" && Buffer.byteLength(i) <= MAX_INDEX_BYTES)) {
    return "indexes: strings of at most 96 bytes";
  }
  if (
    !Array.isArray(blobs) ||
    blobs.length > MAX_BLOBS ||
    !blobs.every((b) => typeof b === "string")
  ) {
    return "blobs: at most 20 strings";
  }
  if (blobs.reduce((n: number, b: string) => n + Buffer.byteLength(b), 0) > MAX_BLOB_BYTES_TOTAL) {
    return "blobs: at most 16 KiB in all";
  }
  if (!Array.isArray(doubles) || doubles.length > MAX_DOUBLES || !doubles.every(Number.isFinite)) {
    return "doubles: at most 20 finite numbers";
  }
  return { indexes, blobs, doubles };
}

export async function startMetricsSink(
  opts: { port?: number; host?: string } = {},
): Promise<MetricsSink> {
  const host = opts.host ?? "127.0.0.1";
  const points: DataPoint[] = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://sink").pathname;
    if (path === "/points" && req.method === "GET") return sendJson(res, 200, points);
    if (path === "/points" && req.method === "DELETE") {
      points.length = 0;
      return noContent(res);
    }
    if (path === "/points" && req.method === "POST") {
      const checked = checkPoint(parseJsonOrUndefined(await readText(req).catch(() => "")));
      if (typeof checked === "string") return sendJson(res, 400, { error: checked });
      points.push({ ...checked, received_at: new Date().toISOString() });
      return noContent(res);
    }
    sendJson(res, 404, { error: "not found" });
  });
  const port = await listen(server, host, opts.port ?? 0);
  return { url: `http://${urlHost(host)}:${port}`, points, close: () => closeServer(server) };
}

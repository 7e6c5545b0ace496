// `npx node bench/peers/run.ts` (from the root, for Node 22): the bench's same-run
// peers alone (Better Auth getSession on D1, OpenAuth refresh on KV), with the
// bench's knobs (BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS,
// BENCH_REFRESH_SESSIONS, BENCH_KEEP_TMP). Prints both results as JSON.
import path from "node:path";
import { resultsJson } from "../load/stats.ts";
import { plan } from "../plan.ts";
import { root } from "../serve-bundle.ts";
import { measurePeers } from "./measure.ts";

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const results = await measurePeers({
  seconds: plan.seconds,
  warmupSeconds: plan.warmupSeconds,
  connections: plan.connections,
  sessions: plan.refreshSessions,
  workDir: path.join(root, "bench", ".tmp", `peers-${stamp}`),
  keep: Boolean(process.env.BENCH_KEEP_TMP),
});
process.stdout.write(resultsJson(results));

// Micro-benchmarks inside workerd (the bench worker, same process as the load):
// our local verify vs a bare Ed25519 verify on the same bytes, the CPU cost of
// steps the hot paths might repeat, and whether the per-env caches can hit.
async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function microPhase(bench: string) {
  const verify = await getJson(`${bench}/__bench/micro/verify?n=300&rounds=31`);
  const costs = await getJson(`${bench}/__bench/micro/costs?n=200`);
  const auditHead = await getJson(`${bench}/__bench/micro/audit-head?n=2000&concurrency=16`);
  const refreshFamilyWipe = await getJson(`${bench}/__bench/probe/wipe`);
  // Twice: a distinct env per fetch would show as a higher count on the second call.
  const first = await getJson(`${bench}/__bench/probe/env`);
  const second = await getJson(`${bench}/__bench/probe/env`);
  return {
    verify,
    costsMicrosecondsPerCall: costs,
    auditHead,
    refreshFamilyWipe,
    envIdentity: { first, second },
  };
}

// What each piece of an online `verify()` costs, from the rungs of
// `npm run bench:verify-ladder` (bench/worker/ladder.ts): each rung adds one
// piece to another, so a piece's CPU is the difference of two rungs' CPU per
// request, measured in the same run. Pure, so the arithmetic has its own test.

/** Workerd CPU µs per request of each rung. */
export interface Rungs {
  /** HTTP in, a small JSON answer out. */
  ok: number;
  /** ok + jose `jwtVerify` (the floor route). */
  floor: number;
  /** ok + the service binding's round trip to a method that refuses at once. */
  hop: number;
  /** floor + the revocation check's request as a bare `fetch()`. */
  fetch: number;
  /** floor + the production revocation check over one Upstash client per isolate. */
  isolateClient: number;
  /** floor + the production revocation check over a client per request (production). */
  revocation: number;
  /** ok + `verify()` over the binding, called bare. */
  verify: number;
  /** The example consumer's `GET /protected`: its framework + `verify()`. */
  consumer: number;
}

export interface Steps {
  jose: number;
  bindingHop: number;
  /** The runtime's share of the revocation subrequest. */
  subrequest: number;
  /** The Upstash client's share of the check: its command, parsing and construction. */
  upstashClient: number;
  /** Of that, making a client for the request. */
  clientPerRequest: number;
  /**
   * What `verify()` spends beyond ok, jose, the hop and the check: configuration,
   * the request's services, our claim checks and the answer's serialization.
   */
  authServiceOwn: number;
  consumerFramework: number;
  /** ok + jose + hop + the bare subrequest: a `verify()` that did nothing else. */
  inherent: number;
  /** The floor's CPU over `inherent`'s: the best throughput ratio a CPU-bound isolate could show. */
  bestRatio: number;
  /** The floor's CPU over the bare `verify()`'s, and over the consumer's. */
  verifyRatio: number;
  consumerRatio: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function ladderSteps(c: Rungs): Steps {
  const jose = c.floor - c.ok;
  const bindingHop = c.hop - c.ok;
  const subrequest = c.fetch - c.floor;
  const inherent = c.ok + jose + bindingHop + subrequest;
  return {
    jose,
    bindingHop,
    subrequest,
    upstashClient: c.revocation - c.fetch,
    clientPerRequest: c.revocation - c.isolateClient,
    authServiceOwn: c.verify - (c.hop + c.revocation - c.ok),
    consumerFramework: c.consumer - c.verify,
    inherent,
    bestRatio: r2(c.floor / inherent),
    verifyRatio: r2(c.floor / c.verify),
    consumerRatio: r2(c.floor / c.consumer),
  };
}

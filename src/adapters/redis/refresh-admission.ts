import { type Redis, errors as upstashErrors } from "@upstash/redis/cloudflare";
import type { RefreshAdmission } from "../../ports";
import { limitResultOf, slidingWindow } from "./rate-limiter";
import { nbfKey, notBeforeApplying } from "./revocation";

type Pipeline = ReturnType<Redis["pipeline"]>;

/**
 * A client for the rate limiter that sends the limiter's script and one GET in
 * one pipeline, i.e. one HTTP request to Upstash. @upstash/ratelimit runs a
 * check as one `evalsha` (then `eval` if Redis has lost the script); every
 * other command goes to `redis` as it is. If the limiter never runs a script
 * (it answered from a timeout first, say), the GET goes alone when it is asked
 * for: the pipeline saves a round trip, and nothing depends on it happening.
 */
function carrying(redis: Redis, key: string): { client: Redis; value(): Promise<unknown> } {
  let value: Promise<unknown> | undefined;
  const script = (add: (p: Pipeline) => void, alone: () => Promise<unknown>) => {
    // The GET went with an earlier attempt (a NOSCRIPT retry): the script alone.
    if (value) return alone();
    const pipeline = redis.pipeline();
    add(pipeline);
    pipeline.get(key);
    const replies = pipeline.exec({ keepErrors: true });
    // Redis's error replies stay UpstashErrors, as the client throws them for a
    // lone command: the error funnel answers them 503 (a dependency), not 500.
    value = replies.then(([, got]) => {
      if (got?.error) throw new upstashErrors.UpstashError(got.error);
      return got?.result;
    });
    // Awaited by value(); this only keeps an unasked failure from going unhandled.
    value.catch(() => {});
    return replies.then(([sent]) => {
      // The message carries Redis's reply (NOSCRIPT included), as the library expects.
      if (sent?.error) throw new upstashErrors.UpstashError(sent.error);
      return sent?.result;
    });
  };
  const overrides = {
    evalsha: (hash: string, keys: string[], args: unknown[]) =>
      script(
        (p) => p.evalsha(hash, keys, args),
        () => redis.evalsha(hash, keys, args),
      ),
    eval: (source: string, keys: string[], args: unknown[]) =>
      script(
        (p) => p.eval(source, keys, args),
        () => redis.eval(source, keys, args),
      ),
  };
  // A Proxy, not `Object.create(redis, overrides)`: an object V8 is asked to use
  // as a prototype is turned into one, its ~200 own properties (a closure per
  // command) copied into a dictionary, on every refresh. That was 20–27 % of a
  // refresh's allocation and 37 % of what it promoted to the old generation
  // (`npm run bench:gc -- refresh`; bench/README.md, "What a refresh leaves to
  // the garbage collector").
  const client = new Proxy(redis, {
    get: (target, prop, receiver) =>
      prop === "evalsha" || prop === "eval" ? overrides[prop] : Reflect.get(target, prop, receiver),
  });
  return { client, value: () => value ?? redis.get(key) };
}

/**
 * The RefreshAdmission port: the `token_ip` sliding window (the same script and
 * keys as the RateLimiter port's) and, for a token that names its user, that
 * user's not-before, in one Redis round trip instead of one here and one in
 * the family's object.
 */
export function createRedisRefreshAdmission(
  redis: Redis,
  rule: { limit: number; windowSeconds: number },
  timeoutMs: number,
): RefreshAdmission {
  return {
    async admit(clientNetwork, session) {
      const carrier = session ? carrying(redis, nbfKey(session.userId)) : null;
      const limiter = slidingWindow(carrier?.client ?? redis, "token_ip", rule, timeoutMs);
      const limit = limitResultOf(await limiter.limit(clientNetwork));
      if (!session || !carrier) return { limit };
      return { limit, notBefore: notBeforeApplying(await carrier.value(), session.familyId) };
    },
  };
}

// The open loop (bench/load/open-loop.ts) on a fake clock: arrivals keep their
// schedule whatever the server does, and a request's latency runs from its
// scheduled arrival, so time spent queued behind a slow answer is counted.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Step } from "../../bench/load/closed-loop";
import { openLoop } from "../../bench/load/open-loop";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A server that answers each request `ms` after it was sent; logs who sent when. */
function server(
  ms: number,
  answer: (sent: number) => Step | null = () => ({ ok: true, status: 200 }),
) {
  const sent: Array<{ worker: number; at: number }> = [];
  return {
    sent,
    step: (worker: number) => {
      sent.push({ worker, at: performance.now() });
      const n = sent.length;
      return new Promise<Step | null>((resolve) => setTimeout(() => resolve(answer(n)), ms));
    },
  };
}

/** Runs the loop to its end on the fake clock. */
async function run<T>(loop: Promise<T>): Promise<T> {
  const settled = loop.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.advanceTimersByTimeAsync(60_000);
  const r = await settled;
  if ("error" in r) throw r.error;
  return r.value;
}

describe("open loop", () => {
  it("counts a request's wait in the queue: one worker, 10 arrivals a second, 250 ms answers", async () => {
    const s = server(250);
    const r = await run(
      openLoop({ tool: "t", workers: 1, rps: 10, seconds: 1, warmupSeconds: 0, step: s.step }),
    );
    // Arrival i at 100·i ms is answered at 250·(i+1) ms: 250 + 150·i ms after it arrived.
    // A closed loop would have sent 4 requests and reported 250 ms for each.
    expect(s.sent.map((x) => x.at)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250]);
    expect(r.requests).toBe(10);
    expect(r.p50Ms).toBe(250 + 150 * 4);
    expect(r.p99Ms).toBe(250 + 150 * 9);
    expect(r.offeredRps).toBe(10);
    // 10 answers over the 2.5 s until the last one: the server kept up with 4 a second.
    expect(r.rps).toBe(4);
  });

  it("keeps the schedule when workers are free: latency is the answer's time", async () => {
    const s = server(30);
    const r = await run(
      openLoop({ tool: "t", workers: 4, rps: 20, seconds: 2, warmupSeconds: 0, step: s.step }),
    );
    expect(s.sent.map((x) => x.at)).toEqual(Array.from({ length: 40 }, (_, i) => i * 50));
    expect(r.requests).toBe(40);
    expect(r.p99Ms).toBe(30);
  });

  it("spreads concurrent arrivals over idle workers, one request in flight per worker", async () => {
    const s = server(350);
    await run(
      openLoop({ tool: "t", workers: 3, rps: 10, seconds: 1, warmupSeconds: 0, step: s.step }),
    );
    const inFlight = new Map<number, number>();
    for (const { worker, at } of s.sent) {
      expect(at).toBeGreaterThanOrEqual(inFlight.get(worker) ?? 0);
      inFlight.set(worker, at + 350);
    }
    expect(new Set(s.sent.map((x) => x.worker))).toEqual(new Set([0, 1, 2]));
  });

  it("sends the warm-up's arrivals but counts only the measured window's", async () => {
    const s = server(10);
    const window = { open: vi.fn(), close: vi.fn() };
    const r = await run(
      openLoop({
        tool: "t",
        workers: 2,
        rps: 10,
        seconds: 1,
        warmupSeconds: 1,
        step: s.step,
        window,
      }),
    );
    expect(s.sent).toHaveLength(20);
    expect(r.requests).toBe(10);
    expect(window.open).toHaveBeenCalledOnce();
    expect(window.close).toHaveBeenCalledOnce();
  });

  it("counts refusals as errors, not as throughput", async () => {
    const s = server(10, (n) => ({ ok: n % 2 === 0, status: n % 2 === 0 ? 200 : 401 }));
    const r = await run(
      openLoop({ tool: "t", workers: 1, rps: 10, seconds: 1, warmupSeconds: 0, step: s.step }),
    );
    expect(r.errors).toBe(5);
    expect(r.requests).toBe(5);
    expect(r.statuses).toEqual({ 200: 5, 401: 5 });
  });

  it("fails when every worker has stopped and arrivals are still due", async () => {
    const s = server(10, () => ({ ok: false, status: 401, stop: true }));
    await expect(
      run(openLoop({ tool: "t", workers: 2, rps: 10, seconds: 1, warmupSeconds: 0, step: s.step })),
    ).rejects.toThrow(/every worker stopped/);
  });
});

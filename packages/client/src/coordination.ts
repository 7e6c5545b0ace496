import type { Session } from "./storage";

/**
 * What one context (a browser tab, a worker, a client in a test) tells the others
 * that share its session. Every holder of the refresh lock posts exactly one before
 * it lets go: `session` (it refreshed or signed in), `signed_out` (the session is
 * over), or `released` (nothing changed: a network error, a failed restore).
 */
export type CoordinationMessage =
  | { type: "session"; session: Session }
  | { type: "signed_out" }
  | { type: "released" };

/** A lock held by at most one context at a time across everything that shares it. */
export interface CoordinationLock {
  /**
   * Runs `fn` while holding the lock and resolves (or rejects) with its result.
   * `contended` is true when another context held the lock (or waited for it) when
   * this one asked: it then posted, or is about to post, a message with what it did.
   */
  run<T>(fn: (info: { contended: boolean }) => Promise<T>): Promise<T>;
}

/** A broadcast to every other context (never back to the sender). */
export interface CoordinationChannel {
  post(message: CoordinationMessage): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (message: CoordinationMessage) => void): () => void;
}

/**
 * How a client serializes refreshes with, and hands tokens to, the other contexts
 * that share its session. Browsers: {@link webCoordination}; one context alone:
 * {@link localCoordination}; several clients in one process: {@link coordinationHub}.
 */
export interface Coordination {
  lock: CoordinationLock;
  channel: CoordinationChannel;
  close?(): void;
}

/** A message as it arrived from another context, if it is one. */
export function parseCoordinationMessage(data: unknown): CoordinationMessage | null {
  if (typeof data !== "object" || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.type === "signed_out" || m.type === "released") return { type: m.type };
  if (m.type !== "session" || typeof m.session !== "object" || m.session === null) return null;
  const s = m.session as Record<string, unknown>;
  if (typeof s.accessToken !== "string" || typeof s.accessTokenExpiresAt !== "number") return null;
  return { type: "session", session: s as unknown as Session };
}

/** No other context: the client's own single-flight promise is all the serializing needed. */
export function localCoordination(): Coordination {
  return {
    lock: { run: (fn) => fn({ contended: false }) },
    channel: { post: () => {}, subscribe: () => () => {} },
  };
}

// The parts of the Web Locks API and BroadcastChannel used here, typed locally so the
// package compiles against DOM, Workers and React Native type libraries alike.
interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}
interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  close(): void;
}
interface WebGlobals {
  navigator?: { locks?: LockManagerLike };
  BroadcastChannel?: new (name: string) => BroadcastChannelLike;
}

/** Whether this runtime has the Web Locks API and BroadcastChannel (browsers do; Node has no locks). */
export function hasWebCoordination(): boolean {
  const g = globalThis as WebGlobals;
  return (
    typeof g.navigator?.locks?.request === "function" && typeof g.BroadcastChannel === "function"
  );
}

const NOT_TAKEN = Symbol("not taken");

/**
 * Browser tabs of one origin: the Web Locks API serializes refreshes
 * (`navigator.locks.request`), a BroadcastChannel hands the result to the other tabs.
 * `name` tells sessions apart (the client uses one per service origin).
 */
export function webCoordination(name = "edge-auth"): Coordination {
  const g = globalThis as WebGlobals;
  const locks = g.navigator?.locks;
  const Channel = g.BroadcastChannel;
  if (!locks || !Channel) {
    throw new Error("webCoordination needs the Web Locks API and BroadcastChannel");
  }
  const channel = new Channel(name);
  const lockName = `${name}:refresh`;
  return {
    lock: {
      async run<T>(fn: (info: { contended: boolean }) => Promise<T>): Promise<T> {
        // Asked without waiting first, to learn whether another tab holds it.
        const uncontended = await locks.request<T | typeof NOT_TAKEN>(
          lockName,
          { ifAvailable: true },
          async (lock) => (lock === null ? NOT_TAKEN : fn({ contended: false })),
        );
        if (uncontended !== NOT_TAKEN) return uncontended;
        return locks.request<T>(lockName, {}, () => fn({ contended: true }));
      },
    },
    channel: {
      post: (message) => channel.postMessage(message),
      subscribe(listener) {
        const onMessage = (event: { data: unknown }) => {
          const message = parseCoordinationMessage(event.data);
          if (message) listener(message);
        };
        channel.addEventListener("message", onMessage);
        return () => channel.removeEventListener("message", onMessage);
      },
    },
    close: () => channel.close(),
  };
}

/**
 * Contexts inside one process that share a session (clients sharing one storage in
 * Node, or stand-ins for tabs in tests): `hub.join()` gives each its coordination.
 * Messages arrive asynchronously, as copies, like a BroadcastChannel's.
 */
export function coordinationHub(): { join(): Coordination } {
  let tail: Promise<unknown> = Promise.resolve();
  let outstanding = 0;
  const members = new Set<Set<(message: CoordinationMessage) => void>>();
  return {
    join() {
      const own = new Set<(message: CoordinationMessage) => void>();
      members.add(own);
      return {
        lock: {
          run<T>(fn: (info: { contended: boolean }) => Promise<T>): Promise<T> {
            const contended = outstanding > 0;
            outstanding++;
            const turn = tail.then(() => fn({ contended }));
            tail = turn.then(
              () => outstanding--,
              () => outstanding--,
            );
            return turn;
          },
        },
        channel: {
          post(message) {
            const copy = JSON.stringify(message);
            for (const member of members) {
              if (member === own) continue;
              for (const listener of member) {
                setTimeout(() => {
                  const parsed = parseCoordinationMessage(JSON.parse(copy));
                  if (parsed) listener(parsed);
                }, 0);
              }
            }
          },
          subscribe(listener) {
            own.add(listener);
            return () => own.delete(listener);
          },
        },
        close: () => members.delete(own),
      };
    },
  };
}

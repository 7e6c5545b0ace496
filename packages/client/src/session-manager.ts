import type { Coordination, CoordinationMessage } from "./coordination";
import { AuthApiError, isAuthApiError } from "./errors";
import type { Session, TokenStorage } from "./storage";

/** Why the client no longer has a session. */
export type SignedOutReason =
  /** `logout()` or `logoutAll()` in this context. */
  | "logout"
  /** The service refused the refresh (`invalid_grant`: reuse detected, expired, revoked, logged out elsewhere). */
  | "session_ended"
  /** Another context (tab) sharing the session signed out, or saw it end. */
  | "other_context";

export interface SignedOutEvent {
  reason: SignedOutReason;
  /** The refusal, for `session_ended`. */
  error?: AuthApiError;
}

export interface SessionManagerDeps {
  storage: TokenStorage;
  coordination: Coordination;
  /** One `POST /v1/token/refresh` for `current` (or the cookie): the new session, or it throws. */
  exchange(current: Session | null): Promise<Session>;
  now(): number;
  /** An access token this close to its expiry counts as expired. */
  skewMs: number;
  /**
   * How long a context that waited for the lock waits for the holder's message
   * (it is posted just before the lock is let go, so it is normally there already;
   * the wait only matters if the holder's tab died mid-refresh).
   */
  handoffTimeoutMs: number;
}

/** A refresh refusal after which there is nothing left to refresh with. */
function endsSession(error: unknown, transport: TokenStorage["transport"]): error is AuthApiError {
  if (!(error instanceof AuthApiError)) return false;
  // Cookie mode without a cookie: "refresh_token is required".
  return (
    error.code === "invalid_grant" || (transport === "cookie" && error.code === "invalid_request")
  );
}

const notSignedIn = () =>
  new AuthApiError({ code: "unauthorized", status: 401, description: "not signed in" });

/**
 * The session's tokens over time: hands out a usable access token, refreshes when it
 * is expired or refused, and ends the session cleanly when the service says it is over.
 *
 * Single flight, at two levels:
 * - in this context, every caller that needs a refresh while one runs shares its
 *   promise: one `POST /v1/token/refresh`;
 * - across contexts (tabs), the refresh runs under the coordination's lock; the holder
 *   posts the new session on the channel before letting go, and a context that got
 *   the lock after waiting reads that (and the storage) before deciding to refresh
 *   itself. A refresh token that another context already rotated is never sent: the
 *   service would take it for a stolen one and revoke the whole family.
 */
export class SessionManager {
  private readonly deps: SessionManagerDeps;
  private inflight: Promise<Session> | undefined;
  private readonly listeners = new Set<(event: SignedOutEvent) => void>();
  /** Messages received from other contexts, and the work of applying them. */
  private received = 0;
  private applying: Promise<void> = Promise.resolve();
  private readonly arrivals = new Set<() => void>();
  /**
   * The session is known to be over (a sign-out, a refused refresh, a restore that
   * found no cookie): calls try no refresh to find one until a sign-in.
   */
  private knownSignedOut = false;
  private readonly unsubscribe: () => void;

  constructor(deps: SessionManagerDeps) {
    this.deps = deps;
    this.unsubscribe = deps.coordination.channel.subscribe((message) => this.onMessage(message));
  }

  onSignedOut(listener: (event: SignedOutEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  session(): Promise<Session | null> {
    return this.deps.storage.get();
  }

  private usable(session: Session): boolean {
    return session.accessTokenExpiresAt - this.deps.skewMs > this.deps.now();
  }

  /**
   * An access token to send: the stored one while it is fresh, else a refreshed one.
   * Null when there is no session (cookie mode: after one restore found no cookie).
   * With `optional`, never refreshes to find out whether there is a session.
   */
  async accessToken(options: { optional?: boolean } = {}): Promise<string | null> {
    const session = await this.deps.storage.get();
    if (session && this.usable(session)) return session.accessToken;
    if (!session && (options.optional || this.knownSignedOut)) return null;
    if (!session && this.deps.storage.transport === "body") return null;
    try {
      return (await this.refresh(session?.accessToken)).accessToken;
    } catch (error) {
      // A restore that found nothing: the request goes out without credentials.
      if (!session && endsSession(error, this.deps.storage.transport)) return null;
      throw error;
    }
  }

  /**
   * The session, trading the refresh token (cookie mode: the cookie) for a fresh access
   * token when needed, whatever an earlier restore found; null when there is none.
   */
  async restore(): Promise<Session | null> {
    const session = await this.deps.storage.get();
    if (session && this.usable(session)) return session;
    if (!session && this.deps.storage.transport === "body") return null;
    try {
      return await this.refresh(session?.accessToken);
    } catch (error) {
      if (
        endsSession(error, this.deps.storage.transport) ||
        isAuthApiError(error, "unauthorized")
      ) {
        return null;
      }
      throw error;
    }
  }

  /**
   * A new session from the service, one request for every caller at once. `stale` is
   * the access token the caller found expired or saw refused: a session already
   * holding another one is answered as it is. Without `stale` (a restore), a usable
   * stored session is answered as it is.
   */
  refresh(stale?: string): Promise<Session> {
    if (!this.inflight) {
      this.inflight = this.coordinatedRefresh(stale).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private coordinatedRefresh(stale: string | undefined): Promise<Session> {
    const seen = this.received;
    return this.deps.coordination.lock.run(async ({ contended }) => {
      if (contended) await this.messageSince(seen);
      const { storage } = this.deps;
      // Another context may have rotated while this one waited.
      const current = await storage.get();
      if (current && current.accessToken !== stale && this.usable(current)) return current;
      const hadSession = current !== null || stale !== undefined;
      if (storage.transport === "body" && !current?.refreshToken) {
        this.post({ type: "released" });
        throw notSignedIn();
      }
      let next: Session;
      try {
        next = await this.deps.exchange(current);
      } catch (error) {
        if (endsSession(error, storage.transport)) {
          this.knownSignedOut = true;
          if (hadSession) {
            await this.endLocally({ reason: "session_ended", error });
            this.post({ type: "signed_out" });
          } else {
            this.post({ type: "released" });
          }
        } else {
          this.post({ type: "released" });
        }
        throw error;
      }
      await storage.set(next);
      this.knownSignedOut = false;
      this.post({ type: "session", session: next });
      return next;
    });
  }

  /** Keeps a session from a sign-in and hands it to the other contexts. */
  async signedIn(session: Session): Promise<void> {
    await this.deps.storage.set(session);
    this.knownSignedOut = false;
    this.post({ type: "session", session });
  }

  /** Ends the session here and in the other contexts (after a logout). */
  async signOut(reason: SignedOutReason): Promise<void> {
    await this.endLocally({ reason });
    this.knownSignedOut = true;
    this.post({ type: "signed_out" });
  }

  dispose(): void {
    this.unsubscribe();
    this.deps.coordination.close?.();
    this.listeners.clear();
  }

  private post(message: CoordinationMessage): void {
    try {
      this.deps.coordination.channel.post(message);
    } catch {
      // A closed channel: the other contexts find out at their next refresh.
    }
  }

  private async endLocally(event: SignedOutEvent): Promise<void> {
    await this.deps.storage.clear();
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One listener's failure must not keep the others from hearing it.
      }
    }
  }

  private onMessage(message: CoordinationMessage): void {
    this.received++;
    this.applying = this.applying.then(() => this.apply(message)).catch(() => {});
    for (const wake of [...this.arrivals]) wake();
  }

  private async apply(message: CoordinationMessage): Promise<void> {
    const { storage } = this.deps;
    if (message.type === "session") {
      const mine = await storage.get();
      // Of two sessions, the later refresh expires later; an old message is ignored.
      if (mine && mine.accessTokenExpiresAt > message.session.accessTokenExpiresAt) return;
      await storage.set(message.session);
      this.knownSignedOut = false;
    } else if (message.type === "signed_out") {
      // With a shared storage the sender has cleared it already: what counts is
      // whether this context still took itself to be signed in.
      const wasSignedIn = !this.knownSignedOut || (await storage.get()) !== null;
      this.knownSignedOut = true;
      if (wasSignedIn) await this.endLocally({ reason: "other_context" });
    }
  }

  /** Resolves once a message newer than `seen` has arrived and been applied, or on timeout. */
  private async messageSince(seen: number): Promise<void> {
    if (this.received === seen) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.arrivals.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.deps.handoffTimeoutMs);
        this.arrivals.add(done);
      });
    }
    await this.applying;
  }
}

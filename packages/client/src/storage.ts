/** The tokens of one signed-in session, as the client keeps them. */
export interface Session {
  accessToken: string;
  /** When the access token expires, in ms since the epoch (from `expires_in` at receipt). */
  accessTokenExpiresAt: number;
  /** Absent in cookie mode: the refresh token then lives only in the `__Host-refresh` cookie. */
  refreshToken?: string;
  /** When the refresh family ends, in ms since the epoch (from `refresh_expires_in`). */
  refreshTokenExpiresAt?: number;
}

/**
 * Where the client keeps the session. `transport` says how the service hands out the
 * refresh token: in the response body (`body`) or only as the HttpOnly `__Host-refresh`
 * cookie (`cookie`, README "Browser mode").
 *
 * Implementations hold one session; `get` answers null when there is none. They may
 * be shared by several clients (or tabs, with a shared coordination): the client
 * reads the session again after taking the refresh lock.
 */
export interface TokenStorage {
  readonly transport: "body" | "cookie";
  get(): Promise<Session | null>;
  set(session: Session): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Tokens in this JavaScript context's memory: gone on reload. For servers, tests, and
 * apps that sign in at every start.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ baseUrl, storage: memoryStorage() });
 * ```
 */
export function memoryStorage(initial: Session | null = null): TokenStorage {
  let session = initial === null ? null : { ...initial };
  return {
    transport: "body",
    get: async () => (session === null ? null : { ...session }),
    set: async (next) => {
      session = { ...next };
    },
    clear: async () => {
      session = null;
    },
  };
}

/**
 * Browser cookie mode: sign-ins ask for `token_transport: "cookie"`, so the refresh
 * token is only ever in the service's HttpOnly, SameSite=Strict `__Host-refresh`
 * cookie, out of any script's reach; every request goes with
 * `credentials: "include"`; the access token is kept in memory only. After a reload
 * the client trades the cookie for a new access token (`restore()`, or the first
 * call that needs one). Your page's origin must be in the service's
 * `ALLOWED_ORIGINS` and on the same site as the service.
 */
export function cookieModeStorage(): TokenStorage {
  const memory = memoryStorage();
  return {
    transport: "cookie",
    get: memory.get,
    // Never keep a refresh token in script-readable memory, even if one came.
    set: ({ refreshToken: _ignored, ...session }) => memory.set(session),
    clear: memory.clear,
  };
}

/**
 * A mobile platform's secure key-value store (Keychain, Android Keystore), e.g.
 * Expo SecureStore:
 *
 * ```ts
 * import * as SecureStore from "expo-secure-store";
 * const store: SecureStore = {
 *   get: (key) => SecureStore.getItemAsync(key),
 *   set: (key, value) => SecureStore.setItemAsync(key, value),
 *   delete: (key) => SecureStore.deleteItemAsync(key),
 * };
 * ```
 */
export interface SecureStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

function parseSession(raw: string | null): Session | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return null;
    const s = value as Record<string, unknown>;
    if (typeof s.accessToken !== "string" || typeof s.accessTokenExpiresAt !== "number") {
      return null;
    }
    return {
      accessToken: s.accessToken,
      accessTokenExpiresAt: s.accessTokenExpiresAt,
      ...(typeof s.refreshToken === "string" ? { refreshToken: s.refreshToken } : {}),
      ...(typeof s.refreshTokenExpiresAt === "number"
        ? { refreshTokenExpiresAt: s.refreshTokenExpiresAt }
        : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The session as one JSON entry of a {@link SecureStore}, refresh token included
 * (body transport). Read on every use, so the store stays the one source of truth;
 * a malformed entry reads as no session.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ baseUrl, storage: secureStoreStorage(store) });
 * ```
 */
export function secureStoreStorage(
  store: SecureStore,
  options: { key?: string } = {},
): TokenStorage {
  // Expo SecureStore allows letters, digits, ".", "-" and "_" in keys.
  const key = options.key ?? "edge-auth.session";
  return {
    transport: "body",
    get: async () => parseSession(await store.get(key)),
    set: (session) => store.set(key, JSON.stringify(session)),
    clear: () => store.delete(key),
  };
}

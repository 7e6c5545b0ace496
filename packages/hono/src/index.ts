/**
 * Hono middleware for Workers that check edge-auth access tokens over a
 * service binding to its `AuthService` entrypoint: typed RPC, no JWKS fetch,
 * and the online revocation check included, so a logout or a removed role
 * counts at the next request.
 *
 * ```jsonc
 * // the consumer's wrangler.jsonc
 * "services": [{ "binding": "AUTH", "service": "edge-auth", "entrypoint": "AuthService" }]
 * ```
 */
export type { AuthBinding, AuthClaims, AuthorizeResult, VerifyResult } from "./binding";
export type { AuthBindingEnv, Denial, GuardOptions } from "./guard";
export { type Authenticated, type RequireAuthOptions, requireAuth } from "./require-auth";
export {
  type Authorized,
  type RequirePermissionOptions,
  requirePermission,
} from "./require-permission";

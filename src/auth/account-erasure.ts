/**
 * What a feature must settle before an account is erased
 * (Feature.erasureGuards): the rows themselves go by foreign-key cascade, but
 * some cannot go silently. The roles feature refuses to erase the last holder
 * of `admin` (409 `last_admin`), as it refuses to take the role away. A guard
 * throws an AuthError to refuse; it runs before anything is changed.
 */
export interface AccountErasureGuard {
  beforeErase(userId: string): Promise<void>;
}

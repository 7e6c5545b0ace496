import { utf8 } from "../utf8";
import { constantTimeEqual } from "./constant-time";

/**
 * Authenticates a caller that presents a pre-shared service key. Keys are
 * compared as SHA-256 digests with a constant-time comparison, and every
 * configured key is checked, so neither timing nor order tells which one was close.
 */
export async function matchServiceKey(
  presented: string,
  keys: ReadonlyArray<{ id: string; secret: string }>,
): Promise<string | null> {
  const digest = async (s: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(s)));
  const candidate = await digest(presented);
  let matched: string | null = null;
  for (const key of keys) {
    if (constantTimeEqual(await digest(key.secret), candidate)) matched = key.id;
  }
  return matched;
}

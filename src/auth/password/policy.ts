import { errorName, log } from "../../log";
import type { BreachedPasswordCheck } from "../../ports";
import { utf8 } from "../../utf8";
import { isCommonPassword } from "./common-passwords";

/**
 * Password rules for new passwords, after NIST SP 800-63B rev 4 §3.1.1.2:
 * a minimum length (15 by default for single-factor use), at least 64
 * characters accepted, every printable character and space allowed, Unicode
 * normalized with NFKC, no composition rules, the whole password hashed.
 */

/** Bytes of UTF-8 we will hash at most: far above 64 characters, far below a hashing DoS. */
export const MAX_PASSWORD_BYTES = 1024;

export type PasswordProblem =
  | "too_short"
  | "too_long"
  | "invalid_characters"
  | "common"
  | "breached";

/** NFKC, as §3.1.1.2 asks, so the same password typed on two keyboards matches. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Characters are counted as Unicode code points, per §3.1.1.2. */
function checkNewPassword(normalized: string, minLength: number): PasswordProblem | null {
  if (utf8Length(normalized) > MAX_PASSWORD_BYTES) return "too_long";
  // Lone surrogates cannot be encoded as UTF-8 and would silently become U+FFFD.
  if (!normalized.isWellFormed()) return "invalid_characters";
  if ([...normalized].length < minLength) return "too_short";
  return null;
}

export function utf8Length(s: string): number {
  return utf8(s).length;
}

/**
 * The full check for a new password: the length rules, then the shipped
 * common-password list, then the breached-password corpus. The corpus check
 * fails open (NIST allows it; an outage must not block sign-ups) with a log line.
 */
export async function screenNewPassword(
  normalized: string,
  minLength: number,
  breached: BreachedPasswordCheck | undefined,
): Promise<PasswordProblem | null> {
  const basic = checkNewPassword(normalized, minLength);
  if (basic) return basic;
  if (await isCommonPassword(normalized)) return "common";
  if (!breached) return null;
  try {
    return (await breached.isBreached(normalized)) ? "breached" : null;
  } catch (err) {
    log("warn", "breached-password check unavailable; allowed", { error: errorName(err) });
    return null;
  }
}

import { bytesToHex } from "@noble/hashes/utils.js";
import type { BreachedPasswordCheck } from "../../ports";
import { utf8 } from "../../utf8";

/**
 * Have I Been Pwned's k-anonymity range API: only the first 5 hex characters
 * of the password's SHA-1 leave the service; the answer lists every suffix in
 * that range with its breach count. `Add-Padding` makes every answer the same
 * size so an observer cannot tell the range apart (padding entries count 0).
 */
export function createPwnedRangeCheck(baseUrl: string, timeoutMs: number): BreachedPasswordCheck {
  return {
    async isBreached(password) {
      const digest = await crypto.subtle.digest("SHA-1", utf8(password));
      const hex = bytesToHex(new Uint8Array(digest)).toUpperCase();
      const prefix = hex.slice(0, 5);
      const suffix = hex.slice(5);
      const res = await fetch(`${baseUrl}${prefix}`, {
        headers: { "Add-Padding": "true", "User-Agent": "edge-auth" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`range API answered ${res.status}`);
      for (const line of (await res.text()).split("\n")) {
        const [s, count] = line.trim().split(":");
        if (s === suffix && Number(count) > 0) return true;
      }
      return false;
    },
  };
}

import type { BotChallenge } from "../../ports";

/**
 * Cloudflare Turnstile's siteverify API: POST the widget's response token with
 * our secret (form-encoded), get `{ success, "error-codes" }`. Any failure to
 * get a clear `success: true` counts as not passed (fail closed: the challenge
 * only ever relaxes a limit).
 */
export function createTurnstileChallenge(
  verifyUrl: string,
  secret: string,
  timeoutMs: number,
): BotChallenge {
  return {
    async passed(token, ip) {
      if (token.length === 0 || token.length > 2048) return false;
      const form = new URLSearchParams({ secret, response: token });
      if (ip !== "unknown") form.set("remoteip", ip);
      try {
        const res = await fetch(verifyUrl, {
          method: "POST",
          body: form,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) return false;
        const body = (await res.json()) as { success?: unknown };
        return body.success === true;
      } catch {
        return false;
      }
    },
  };
}

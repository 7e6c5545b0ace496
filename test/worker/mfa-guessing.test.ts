// Guessing a second factor (NIST SP 800-63B rev 4 §3.2.2): counted per network
// and account, so one source cannot grind an account and its failures never
// throttle the owner elsewhere; and as the account's streak of failures from
// anywhere, which past ten makes every further try wait, except from a network
// the account has passed its second factor from. Real time: each code is made
// just before it is sent.
import { describe, expect, it } from "vitest";
import { randomClientIp } from "./helpers";
import { enableTotpDirectly, passwordStep as firstStep, loginMfa, totpAt } from "./mfa-helpers";
import { newUser } from "./session-helpers";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/** A client network no other test uses (a random IPv6 /64, its own rate-limit bucket). */
const newNetwork = randomClientIp;

/** The password step from `ip`: answers its mfa_token. */
async function passwordStep(email: string, ip: string): Promise<string> {
  const { body } = await firstStep(email, {}, { "cf-connecting-ip": ip });
  expect(body.mfa_token).toBeTruthy();
  return body.mfa_token as string;
}

const secondStep = (mfaToken: string, code: string, ip: string) =>
  loginMfa({ mfa_token: mfaToken, code }, { "cf-connecting-ip": ip });

/** A code that is wrong now (the right one plus one). */
async function wrongCode(): Promise<string> {
  const right = Number(await totpAt(SECRET, Date.now()));
  return String((right + 1) % 1_000_000).padStart(6, "0");
}

/** `n` wrong codes from `ip`, a fresh mfa_token every four (a token allows five); their statuses. */
async function guess(email: string, ip: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  let token = "";
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) token = await passwordStep(email, ip);
    statuses.push((await secondStep(token, await wrongCode(), ip)).status);
  }
  return statuses;
}

describe("guessing a second factor", () => {
  it("a source that grinds an account is throttled there, and the owner signs in from home meanwhile", async () => {
    const user = await newUser("mfa-guess-owner");
    await enableTotpDirectly(user.id, SECRET);
    const home = newNetwork();
    // The owner passes the second factor from home once (the previous step's code).
    const first = await secondStep(
      await passwordStep(user.email, home),
      await totpAt(SECRET, Date.now(), -1),
      home,
    );
    expect(first.status).toBe(200);

    const attacker = newNetwork();
    const statuses = await guess(user.email, attacker, 12);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);

    // The owner is not locked out by someone else's failures.
    const owner = await secondStep(
      await passwordStep(user.email, home),
      await totpAt(SECRET, Date.now()),
      home,
    );
    expect(owner.status).toBe(200);
  });

  it("guessing spread over many networks meets the account's wait after ten; a known network still passes, and its success ends the streak", async () => {
    const user = await newUser("mfa-guess-spread");
    await enableTotpDirectly(user.id, SECRET);
    const home = newNetwork();
    expect(
      (
        await secondStep(
          await passwordStep(user.email, home),
          await totpAt(SECRET, Date.now(), -1),
          home,
        )
      ).status,
    ).toBe(200);

    // Ten networks, one wrong code each: no per-network limit is near.
    for (let i = 0; i < 10; i++) {
      expect(await guess(user.email, newNetwork(), 1)).toEqual([401]);
    }
    // The eleventh try, from yet another network, waits: even the right code is not checked.
    const stranger = newNetwork();
    const waited = await secondStep(
      await passwordStep(user.email, stranger),
      await totpAt(SECRET, Date.now()),
      stranger,
    );
    expect(waited.status).toBe(429);
    expect(Number(waited.headers.get("retry-after"))).toBeGreaterThan(0);

    // From home the owner passes, and that ends the streak for everyone.
    const owner = await secondStep(
      await passwordStep(user.email, home),
      await totpAt(SECRET, Date.now()),
      home,
    );
    expect(owner.status).toBe(200);
    expect(await guess(user.email, newNetwork(), 1)).toEqual([401]);
  });
});

// New passwords are screened against the shipped common-password list and the
// breached-password corpus (a local server speaking the HIBP range API).
import { describe, expect, it } from "vitest";
import { callWithEnv, GOOD_PASSWORD, postJson, uniqueEmail } from "./helpers";

const register = (password: string) =>
  postJson("/v1/register", { email: uniqueEmail("screen"), password });

async function expectRefused(res: Response, fragment: string): Promise<void> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe("invalid_request");
  expect(body.error_description).toContain(fragment);
}

describe("new-password screening", () => {
  it.each(["123456789987654321", "1qaz2wsx3edc4rfv", "1QAZ2WSX3EDC4RFV"])(
    "refuses the common password %s",
    async (pw) => {
      await expectRefused(await register(pw), "too common");
    },
  );

  it("refuses a password the range API reports as breached", async () => {
    await expectRefused(await register("this password was breached long ago"), "data breach");
  });

  it("accepts a password in neither list", async () => {
    expect((await register(GOOD_PASSWORD)).status).toBe(201);
  });

  it("fails open when the range API is unreachable (and still applies the shipped list)", async () => {
    const dead = { PWNED_PASSWORDS_URL: "http://127.0.0.1:9/range/" };
    const body = (password: string) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail("screen"), password }),
    });
    expect(
      (await callWithEnv(dead, "/v1/register", body("this password was breached long ago"))).status,
    ).toBe(201);
    expect((await callWithEnv(dead, "/v1/register", body("1qaz2wsx3edc4rfv"))).status).toBe(400);
  });
});

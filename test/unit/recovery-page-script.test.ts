import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { PAGE_SCRIPT } from "../../src/features/email/routes/page-assets/script";

interface Posted {
  url: string;
  body: Record<string, string>;
}

/**
 * Runs the page script against the few DOM calls it makes (no browser here;
 * browser tests come separately). Modules are strict, so the script runs strict.
 */
function load(page: "verify" | "reset", search: string, reply?: Response) {
  const element = () => ({
    value: "",
    hidden: false,
    disabled: false,
    textContent: "",
    dataset: {} as Record<string, string>,
    reset() {},
    submit: undefined as ((e: { preventDefault(): void }) => Promise<void>) | undefined,
    addEventListener(type: string, fn: (e: { preventDefault(): void }) => Promise<void>) {
      if (type === "submit") this.submit = fn;
    },
  });
  const elements = {
    form: element(),
    submit: element(),
    status: element(),
    password: element(),
    again: element(),
  };
  const posted: Posted[] = [];
  const addresses: string[] = [];
  runInNewContext(`"use strict";\n${PAGE_SCRIPT}`, {
    URLSearchParams,
    JSON,
    location: { search, pathname: `/${page}` },
    history: { replaceState: (_s: unknown, _t: string, url: string) => addresses.push(url) },
    document: {
      body: { dataset: { page } },
      getElementById: (id: keyof typeof elements) => elements[id],
    },
    fetch: async (url: string, init: { method: string; body: string }) => {
      expect(init.method).toBe("POST");
      posted.push({ url, body: JSON.parse(init.body) });
      return reply ?? Response.json({}, { status: 200 });
    },
  });
  const press = () => elements.form.submit?.({ preventDefault() {} });
  return { elements, posted, addresses, press };
}

const TOKEN = "t".repeat(43);

describe("the recovery page script", () => {
  it("takes the token out of the address bar and posts nothing until the button is pressed", async () => {
    const { posted, addresses, press, elements } = load("verify", `?token=${TOKEN}`);
    expect(addresses).toEqual(["/verify"]);
    // A scanner that runs scripts must not use up the token just by loading the page.
    expect(posted).toEqual([]);
    await press();
    expect(posted).toEqual([{ url: "/v1/email/verify", body: { token: TOKEN } }]);
    expect(elements.form.hidden).toBe(true);
    expect(elements.status.dataset.kind).toBe("done");
  });

  it("refuses two different passwords without a request", async () => {
    const { posted, press, elements } = load("reset", `?token=${TOKEN}`);
    elements.password.value = "one long passphrase here";
    elements.again.value = "another long passphrase";
    await press();
    expect(posted).toEqual([]);
    expect(elements.status.dataset.kind).toBe("error");
  });

  it("posts the token and password, and shows the server's error_description as text", async () => {
    const description = "<b>password is too common</b>, choose another";
    const refusal = Response.json(
      { error: "invalid_request", error_description: description },
      { status: 400 },
    );
    const { posted, press, elements } = load("reset", `?token=${TOKEN}`, refusal);
    elements.password.value = "the same long passphrase";
    elements.again.value = "the same long passphrase";
    await press();
    expect(posted).toEqual([
      {
        url: "/v1/password/reset",
        body: { token: TOKEN, password: "the same long passphrase" },
      },
    ]);
    expect(elements.status.textContent).toBe(description);
    expect(elements.form.hidden).toBe(false);
    expect(elements.submit.disabled).toBe(false);
  });

  it("without a token hides the form and says why", () => {
    const { elements, press } = load("verify", "");
    expect(elements.form.hidden).toBe(true);
    expect(elements.status.dataset.kind).toBe("error");
    expect(press()).toBeUndefined();
  });
});

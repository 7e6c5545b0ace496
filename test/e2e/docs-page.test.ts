// The API reference page (GET /docs) in a real browser: `npm run dev` turns it
// on, and headless Chromium (Debian's, driven by playwright-core) renders every
// operation of /openapi.json from the page's own script, loads nothing from
// another origin, breaks no CSP rule, and filters as the user types.
//
// Never skipped: without Chromium at /usr/bin/chromium it fails, saying how to
// install it (.ci/run installs it on a fresh Debian machine).
import { describe, expect, it } from "vitest";
import { devWithChromium } from "./chromium.ts";

describe("the API reference page in Chromium", () => {
  const suite = devWithChromium("the docs page e2e test");

  it("renders every operation of /openapi.json, from this origin only, and filters", async () => {
    const { dev, browser } = await suite.launch();
    const base = dev.base;
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(doc.paths).reduce(
      (n, item) => n + Object.keys(item).length,
      0,
    );
    expect(operations).toBeGreaterThan(60);

    const page = await browser.newPage();
    const problems: string[] = [];
    const origins = new Set<string>();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("request", (r) => origins.add(new URL(r.url()).origin));

    await page.goto(`${base}/docs`);
    await page.waitForSelector("details");
    expect(await page.locator("details").count()).toBe(operations);
    expect(await page.locator("summary", { hasText: "/v1/login/mfa" }).count()).toBe(1);
    // Everything came from the page's own origin: no CDN, no third party.
    expect([...origins]).toEqual([new URL(base).origin]);
    expect(problems).toEqual([]);

    await page.fill("#filter", "/v1/admin/users");
    const visible = await page.locator("details:visible").count();
    expect(visible).toBeGreaterThan(3);
    expect(visible).toBeLessThan(operations);
  });
});

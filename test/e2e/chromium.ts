// Debian's Chromium for the browser tests, driven by playwright-core: the one
// place that knows where it is and how it starts here (headless, no sandbox,
// no background traffic). Without it a test fails, saying how to install it:
// .ci/run installs it on a fresh Debian machine; playwright's own browser
// download is not used.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type DevProcess, startDev } from "./dev-process.ts";

export const CHROMIUM = "/usr/bin/chromium";

export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** Fails the calling test when Chromium is missing (a failed hook would report it skipped). */
export function requireChromium(test: string): void {
  if (hasChromium()) return;
  throw new Error(
    process.env.CI
      ? `CI has no Chromium at ${CHROMIUM}: ${test} needs Debian's chromium package (.ci/run installs it)`
      : `${test} needs Chromium at ${CHROMIUM}: install Debian's package (sudo apt-get install chromium)`,
  );
}

export function launchChromium(test: string): Promise<Browser> {
  requireChromium(test);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-gpu",
    ],
  });
}

/**
 * The hooks every browser test of `npm run dev` needs, registered in the
 * calling `describe`: the dev server starts once Chromium is known to be there
 * (no server for a test that will fail anyway), and the browser and the server
 * are closed afterwards. `launch` fails the test when either is missing.
 */
export function devWithChromium(test: string): {
  /** The dev server, once started. */
  dev(): DevProcess | undefined;
  launch(): Promise<{ dev: DevProcess; browser: Browser }>;
} {
  let browser: Browser | undefined;
  let dev: DevProcess | undefined;
  beforeAll(async () => {
    if (hasChromium()) dev = await startDev();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
  });
  return {
    dev: () => dev,
    async launch() {
      requireChromium(test);
      if (!dev) throw new Error("npm run dev did not start");
      browser = await launchChromium(test);
      return { dev, browser };
    },
  };
}

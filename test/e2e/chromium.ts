// Debian's Chromium for the browser tests, driven by playwright-core: the one
// place that knows where it is and how it starts here (headless, no sandbox,
// no background traffic). Without it a test fails, saying how to install it:
// .ci/run installs it on a fresh Debian machine; playwright's own browser
// download is not used.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

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

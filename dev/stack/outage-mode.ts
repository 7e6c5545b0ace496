// The outage a local identity provider stand-in can be told to play
// (POST /__test/outage {mode}), shared by the OIDC and GitHub stand-ins.
import type http from "node:http";

/** "down": every endpoint answers 503; "garbage": 200 with an HTML body; null: normal. */
export type OutageMode = "down" | "garbage" | null;

/** The mode in a control request's body, or undefined when it names none. */
export function outageModeOf(body: unknown): OutageMode | undefined {
  if (typeof body !== "object" || body === null || !("mode" in body)) return undefined;
  const mode = (body as { mode: unknown }).mode;
  return mode === "down" || mode === "garbage" || mode === null ? mode : undefined;
}

export function answerOutage(res: http.ServerResponse, mode: Exclude<OutageMode, null>): void {
  if (mode === "down") {
    res.writeHead(503, { "content-length": "0" }).end();
  } else {
    res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>");
  }
}

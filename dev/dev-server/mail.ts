// The dev server's outgoing mail: a local Resend-API sink on 8025 by default.
// A second dev server (or anything else) on 8025 must not stop this one, so
// without an explicit MAIL_SINK_PORT a taken 8025 means any free port.
import { type MailSink, startMailSink } from "../stack/mail-sink.ts";
import { startOnPreferredPort } from "./side-port.ts";

export const DEFAULT_MAIL_SINK_PORT = 8025;

export interface DevMailSink {
  sink: MailSink;
  /** Set when the default port was taken and another one was used. */
  fellBackFrom?: number;
}

/**
 * `requestedPort` is MAIL_SINK_PORT as given (undefined or "" = not given);
 * a port that was asked for and is taken is an error, not a silent change.
 */
export async function startDevMailSink(opts: {
  apiKey: string;
  requestedPort: string | undefined;
  defaultPort?: number;
}): Promise<DevMailSink> {
  const { server, fellBackFrom } = await startOnPreferredPort({
    variable: "MAIL_SINK_PORT",
    requested: opts.requestedPort,
    defaultPort: opts.defaultPort ?? DEFAULT_MAIL_SINK_PORT,
    start: (port) => startMailSink({ apiKey: opts.apiKey, port }),
  });
  return fellBackFrom === undefined ? { sink: server } : { sink: server, fellBackFrom };
}

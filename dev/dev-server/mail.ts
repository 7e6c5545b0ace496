// The dev server's outgoing mail: a local Resend-API sink on 8025 by default.
// A second dev server (or anything else) on 8025 must not stop this one, so
// without an explicit MAIL_SINK_PORT a taken 8025 means any free port.
import { type MailSink, startMailSink } from "../stack/mail-sink.ts";

export const DEFAULT_MAIL_SINK_PORT = 8025;

export interface DevMailSink {
  sink: MailSink;
  /** Set when the default port was taken and another one was used. */
  fellBackFrom?: number;
}

const inUse = (error: unknown) => (error as NodeJS.ErrnoException).code === "EADDRINUSE";

/**
 * `requestedPort` is MAIL_SINK_PORT as given (undefined or "" = not given);
 * a port that was asked for and is taken is an error, not a silent change.
 */
export async function startDevMailSink(opts: {
  apiKey: string;
  requestedPort: string | undefined;
  defaultPort?: number;
}): Promise<DevMailSink> {
  const { apiKey, requestedPort } = opts;
  if (requestedPort !== undefined && requestedPort !== "") {
    const port = Number(requestedPort);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new Error(`MAIL_SINK_PORT must be a port number, not ${JSON.stringify(requestedPort)}`);
    }
    try {
      return { sink: await startMailSink({ apiKey, port }) };
    } catch (error) {
      if (!inUse(error)) throw error;
      throw new Error(
        `MAIL_SINK_PORT ${port} is in use; choose another, or leave it unset for a free one`,
      );
    }
  }
  const preferred = opts.defaultPort ?? DEFAULT_MAIL_SINK_PORT;
  try {
    return { sink: await startMailSink({ apiKey, port: preferred }) };
  } catch (error) {
    if (!inUse(error)) throw error;
    return { sink: await startMailSink({ apiKey, port: 0 }), fellBackFrom: preferred };
  }
}

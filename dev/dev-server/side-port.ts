// The port of a side server the dev server starts (the mail sink, the demo app):
// a default one if it is free, else any free one, so that a second dev server
// (or anything else) on the default port does not stop this one. A port asked
// for in the environment is kept to: taken, it is an error, not a silent change.

export interface OnPort<T> {
  server: T;
  /** Set when the default port was taken and another one was used. */
  fellBackFrom?: number;
}

const inUse = (error: unknown) => (error as NodeJS.ErrnoException).code === "EADDRINUSE";

/**
 * `requested` is the variable's value as given (undefined or "" = not given);
 * `start` listens on a port (0 = any free one) and rejects with EADDRINUSE if it is taken.
 */
export async function startOnPreferredPort<T>(opts: {
  variable: string;
  requested: string | undefined;
  defaultPort: number;
  start: (port: number) => Promise<T>;
}): Promise<OnPort<T>> {
  const { variable, requested, start } = opts;
  if (requested !== undefined && requested !== "") {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new Error(`${variable} must be a port number, not ${JSON.stringify(requested)}`);
    }
    try {
      return { server: await start(port) };
    } catch (error) {
      if (!inUse(error)) throw error;
      throw new Error(
        `${variable} ${port} is in use; choose another, or leave it unset for a free one`,
      );
    }
  }
  try {
    return { server: await start(opts.defaultPort) };
  } catch (error) {
    if (!inUse(error)) throw error;
    return { server: await start(0), fellBackFrom: opts.defaultPort };
  }
}

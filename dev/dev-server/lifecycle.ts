// Stopping `npm run dev`: Ctrl-C reaches the dev server either as SIGINT to the
// whole process group (a terminal) or as SIGINT that npm passes on to its
// script alone (an IDE's stop button, `kill -INT <npm pid>`). Either way the
// dev server stops what it started, newest first (wrangler before the bridges
// it talks through, PGlite last but the lock), then exits.

export class DevLifecycle {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private stopping: Promise<never> | null = null;

  private readonly log: (message: string) => void;

  constructor(log: (message: string) => void) {
    this.log = log;
  }

  /** Runs `cleanup` at stop; registered right after what it stops was started. */
  onStop(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  /** Runs every cleanup once (a second call waits for the first), then exits with `code`. */
  stop(code: number): Promise<never> {
    this.stopping ??= (async () => {
      // Newest first; one registered while stopping (a start-up step that was
      // already under way) is still run.
      for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
        try {
          await cleanup();
        } catch (error) {
          this.log(`while stopping: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      process.exit(code);
    })();
    return this.stopping;
  }

  /** SIGINT, SIGTERM and SIGHUP stop the dev server; the ones that follow are ignored. */
  stopOnSignals(): void {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.on(signal, () => {
        if (!this.isStopping) this.log(`${signal}: stopping`);
        void this.stop(0);
      });
    }
  }
}

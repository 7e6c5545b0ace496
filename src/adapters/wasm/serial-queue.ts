/**
 * A tiny FIFO queue that runs at most one task at a time and keeps a bounded
 * number of tasks waiting. It exists so that password hashing in a Worker
 * isolate uses exactly one Argon2 working area at a time: callers beyond the
 * waiting bound are turned away immediately (so the HTTP layer can answer 503)
 * instead of piling up behind a CPU-bound hash.
 *
 * Web-standard JavaScript only (runs in workerd and Node).
 */

import { HashingBusyError } from "../../auth/password/argon2id";

export interface SerialQueue {
  /**
   * Runs `task` once every previously accepted task has settled. Rejects with
   * {@link HashingBusyError} without running `task` if a task is running and
   * `maxWaiting` tasks are already waiting.
   */
  run<T>(task: () => T | Promise<T>): Promise<T>;
  /** Whether a task is currently running. */
  readonly running: boolean;
  /** Number of accepted tasks that have not started yet. */
  readonly waiting: number;
}

export function createSerialQueue(maxWaiting: number): SerialQueue {
  if (!Number.isSafeInteger(maxWaiting) || maxWaiting < 0) {
    throw new RangeError(`maxQueue must be a non-negative integer, got ${String(maxWaiting)}`);
  }

  let running = false;
  const waiting: Array<() => void> = [];

  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) {
      running = false;
    } else {
      // `running` stays true: the slot passes straight to the next task.
      next();
    }
  };

  const execute = async <T>(task: () => T | Promise<T>): Promise<T> => {
    try {
      return await task();
    } finally {
      release();
    }
  };

  return {
    run<T>(task: () => T | Promise<T>): Promise<T> {
      if (!running) {
        running = true;
        return execute(task);
      }
      if (waiting.length >= maxWaiting) {
        return Promise.reject(new HashingBusyError(maxWaiting));
      }
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          execute(task).then(resolve, reject);
        });
      });
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

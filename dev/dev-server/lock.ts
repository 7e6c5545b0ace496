// One dev server per local state folder. Two at once on the same PGlite files
// would corrupt them, and two wrangler processes on the same Durable Object
// storage would fork the audit chains; so the first one writes its pid into a
// lock file and a second one is told which process holds it. A lock left by a
// process that no longer runs (killed, crashed) is taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";

export interface LockHolder {
  pid: number;
  /** Where that dev server serves, to name it in the message. */
  url: string;
  startedAt: string;
}

export interface DevLock {
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

export class DevLockHeld extends Error {
  readonly file: string;
  readonly holder: LockHolder;

  constructor(file: string, holder: LockHolder) {
    super(
      `another npm run dev (pid ${holder.pid}, ${holder.url}, started ${holder.startedAt}) ` +
        `uses this local state (lock ${file}). Stop it first, or give this one its own ` +
        "data folder and port: DEV_DATA_DIR=... PORT=... npm run dev",
    );
    this.name = "DevLockHeld";
    this.file = file;
    this.holder = holder;
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as Partial<LockHolder>;
    return Number.isInteger(holder.pid)
      ? { pid: holder.pid as number, url: String(holder.url), startedAt: String(holder.startedAt) }
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether a process with this pid runs. EPERM: it does, but belongs to someone
 * else. A zombie (exited, not yet reaped: in a container whose init does not
 * reap, it stays) answers signal 0 too, so Linux's /proc is asked for its state.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // "pid (comm) S ...": the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): signal 0 is all there is
  }
}

/** Creates `file` with the holder in it, unless it exists; never leaves it half-written. */
function createExclusive(file: string, holder: LockHolder): boolean {
  // Written aside, then hard-linked into place: link() fails if the name exists,
  // and a reader never sees the file empty.
  const draft = `${file}.${holder.pid}.tmp`;
  writeFileSync(draft, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Takes the lock for this process, or throws DevLockHeld naming the live
 * process that has it. `onTakeover` hears about a stale lock being replaced.
 */
export function acquireDevLock(
  file: string,
  url: string,
  onTakeover: (stale: LockHolder | null) => void = () => {},
): DevLock {
  const me: LockHolder = { pid: process.pid, url, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, me)) {
      // Two servers taking over one stale lock at the same moment can both get
      // here; the one whose lock is no longer in the file steps back.
      const written = readHolder(file);
      if (written && written.pid !== me.pid) throw new DevLockHeld(file, written);
      const release = () => {
        if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true });
      };
      process.once("exit", release);
      return {
        release() {
          process.removeListener("exit", release);
          release();
        },
      };
    }
    const holder = readHolder(file);
    if (holder && holder.pid !== me.pid && isRunning(holder.pid)) {
      throw new DevLockHeld(file, holder);
    }
    // A dead process's lock, or an unreadable one (it is never half-written).
    onTakeover(holder);
    rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}

/**
 * A shipped list of ~49,000 commonly used passwords (@zxcvbn-ts/language-common),
 * checked for every new password (NIST SP 800-63B rev 4 §3.1.1.2 blocklist). The
 * list is imported lazily, so it is decompressed once per isolate on the first
 * new password, not at every cold start.
 */
let list: Promise<ReadonlySet<string>> | undefined;

function load(): Promise<ReadonlySet<string>> {
  list ??= import("@zxcvbn-ts/language-common").then(
    (m) => new Set((m.dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase())),
  );
  return list;
}

/** Case-insensitive: "Password123" is as guessable as "password123". */
export async function isCommonPassword(normalized: string): Promise<boolean> {
  return (await load()).has(normalized.toLowerCase());
}

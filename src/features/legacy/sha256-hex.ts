import { utf8 } from "../../utf8";

/** Lowercase hex SHA-256 of the UTF-8 text, as Python's `hashlib.sha256(s.encode()).hexdigest()`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", utf8(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

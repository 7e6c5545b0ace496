import { bytesToHex } from "@noble/hashes/utils.js";
import { utf8 } from "../../utf8";

/** Lowercase hex SHA-256 of the UTF-8 text, as Python's `hashlib.sha256(s.encode()).hexdigest()`. */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

// Neon connection strings carry TLS settings for the client → Neon hop
// (`?sslmode=require&channel_binding=require`). Neon's HTTP endpoint makes its
// own connection to the database, and so does the bridge: to a local server that
// usually has no TLS at all. Dropping these parameters lets the production
// DATABASE_URL shape work unchanged in dev and tests.

const CLIENT_TLS_PARAMS = [
  "ssl",
  "sslmode",
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslpassword",
  "channel_binding",
  "uselibpqcompat",
];

export function withoutClientTlsParams(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString; // let pg report the malformed string
  }
  let changed = false;
  for (const name of CLIENT_TLS_PARAMS) {
    if (url.searchParams.has(name)) {
      url.searchParams.delete(name);
      changed = true;
    }
  }
  return changed ? url.toString() : connectionString;
}

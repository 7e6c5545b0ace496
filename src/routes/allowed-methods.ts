import { PatternRouter } from "hono/router/pattern-router";

interface Route {
  method: string;
  path: string;
}

/**
 * The methods a path answers to, for a 405 instead of a 404 when the path
 * exists but the method does not (RFC 9110 §15.5.6: a 405 carries `Allow`).
 * Built from the app's own routes; middleware (`use`, method ALL) is not a route.
 */
export function allowedMethods(routes: readonly Route[]): (path: string) => string[] {
  const router = new PatternRouter<string>();
  for (const route of routes) {
    if (route.method !== "ALL") router.add("ALL", route.path, route.method);
  }
  return (path) => {
    const [matches] = router.match("GET", path);
    const methods = new Set(matches.map(([method]) => method));
    // Hono answers HEAD with the GET route, without its body.
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

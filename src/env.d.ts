// Types `exports` from "cloudflare:workers" (ctx.exports, and the test pool's
// loopback to the main module) with this Worker's own entry module.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./index");
  }
}

/**
 * The pages' script: plain ES2020, served as written (no build step), as the
 * module /pages/recovery.js. It never posts on load: a mail scanner that runs
 * scripts still must not use up the token, so only pressing the button does.
 * Messages go in as text (textContent), never as markup, including the
 * server's `error_description`.
 */
export const PAGE_SCRIPT = `// Read the token once, then take it out of the address bar and this history
// entry, so it does not linger in history, bookmarks or a shared screenshot.
const token = new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname);

const page = document.body.dataset.page;
const form = document.getElementById("form");
const button = document.getElementById("submit");
const status = document.getElementById("status");

const ENDPOINT = { verify: "/v1/email/verify", reset: "/v1/password/reset" };
const DONE = {
  verify: "Your email address is confirmed. You can close this page.",
  reset: "Your password is changed. Sign in with the new one.",
};

function show(kind, message) {
  status.dataset.kind = kind;
  status.textContent = message;
}

async function submit(event) {
  event.preventDefault();
  const body = { token };
  if (page === "reset") {
    const password = document.getElementById("password").value;
    if (password !== document.getElementById("again").value) {
      show("error", "The two passwords are not the same.");
      return;
    }
    body.password = password;
  }
  button.disabled = true;
  show("pending", "One moment...");
  try {
    const res = await fetch(ENDPOINT[page], {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    if (res.ok) {
      form.reset();
      form.hidden = true;
      show("done", DONE[page]);
      return;
    }
    // The API's error body: { error, error_description } (src/errors.ts).
    const error = await res.json().catch(() => ({}));
    show("error", error.error_description || "The request failed (" + res.status + "). Try again later.");
  } catch {
    show("error", "The service could not be reached. Check your connection and try again.");
  } finally {
    button.disabled = false;
  }
}

if (token) {
  form.addEventListener("submit", submit);
} else {
  form.hidden = true;
  show("error", "This link has no token. Open the link from the email again.");
}
`;

/** Where the pages' script and style are served (src/features/email/routes/pages.ts); same origin, so CSP 'self' covers them. */
export const PAGE_SCRIPT_PATH = "/pages/recovery.js";
export const PAGE_STYLE_PATH = "/pages/recovery.css";

/**
 * One static document per page. Nothing from the request is written into it:
 * the script reads the token from the address bar, so there is nothing to
 * escape and no way to reflect markup. The form's own submission is blocked by
 * the page's CSP (`form-action 'none'`); only the script posts, and only when
 * the user presses the button.
 */
function pageDocument(page: "verify" | "reset", title: string, form: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="${PAGE_STYLE_PATH}">
<script type="module" src="${PAGE_SCRIPT_PATH}"></script>
</head>
<body data-page="${page}">
<main>
<h1>${title}</h1>
<noscript><p>This page needs JavaScript.</p></noscript>
<form id="form" method="post">
${form}
</form>
<p id="status" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`;
}

export const VERIFY_EMAIL_PAGE = pageDocument(
  "verify",
  "Confirm your email address",
  `<p>Press the button to confirm that this address belongs to your account.</p>
<button id="submit" type="submit">Confirm email address</button>`,
);

export const RESET_PASSWORD_PAGE = pageDocument(
  "reset",
  "Choose a new password",
  `<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="again">New password again</label>
<input id="again" name="again" type="password" autocomplete="new-password" required>
<button id="submit" type="submit">Set new password</button>`,
);

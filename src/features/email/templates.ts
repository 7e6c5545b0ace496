import type { OutgoingMail } from "../../mail";

/** HTML-escapes an interpolated value (text and attribute contexts). */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }) {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n    ");
  const button = action
    ? `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>\n    <p>${escapeHtml(action.url)}</p>`
    : "";
  const html = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
  <body>
    <h1>${escapeHtml(title)}</h1>
    ${body}
    ${button}
  </body>
</html>
`;
  const text = [title, "", ...paragraphs, ...(action ? ["", action.url] : []), ""].join("\n");
  return { html, text };
}

type Mail = Omit<OutgoingMail, "to">;

export function verifyEmailMail(link: string, validHours: number): Mail {
  const subject = "Confirm your email address";
  return {
    subject,
    ...layout(
      subject,
      [
        "Confirm that this address belongs to your account by opening the link below.",
        `The link works once and expires in ${validHours} hours. If you did not sign up, ignore this mail.`,
      ],
      { label: "Confirm email address", url: link },
    ),
  };
}

export function resetPasswordMail(link: string, validMinutes: number): Mail {
  const subject = "Reset your password";
  return {
    subject,
    ...layout(
      subject,
      [
        "Someone asked to reset the password of your account. Open the link below to choose a new one.",
        `The link works once and expires in ${validMinutes} minutes. If it was not you, ignore this mail: your password stays as it is.`,
      ],
      { label: "Choose a new password", url: link },
    ),
  };
}

export function passwordChangedMail(): Mail {
  const subject = "Your password was changed";
  return {
    subject,
    ...layout(subject, [
      "The password of your account was just changed.",
      "If this was not you, reset your password now and review your sessions.",
    ]),
  };
}

export function confirmNewEmailMail(link: string, validHours: number): Mail {
  const subject = "Confirm your new email address";
  return {
    subject,
    ...layout(
      subject,
      [
        "Your account asked to use this address from now on. Open the link below to confirm it.",
        `The link works once and expires in ${validHours} hours. If you did not ask for this, ignore this mail.`,
      ],
      { label: "Confirm new address", url: link },
    ),
  };
}

export function emailChangeRequestedMail(newEmail: string): Mail {
  const subject = "A change of your email address was requested";
  return {
    subject,
    ...layout(subject, [
      `Someone signed in to your account asked to change its email address to ${newEmail}.`,
      "Nothing changes until the new address is confirmed. If this was not you, change your password now.",
    ]),
  };
}

export function emailChangedMail(newEmail: string): Mail {
  const subject = "Your email address was changed";
  return {
    subject,
    ...layout(subject, [
      `Your account now uses ${newEmail}; this address no longer receives its mail.`,
      "If this was not you, contact support at once.",
    ]),
  };
}

import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../src/features/email/retry";
import {
  emailChangedMail,
  escapeHtml,
  resetPasswordMail,
  verifyEmailMail,
} from "../../src/features/email/templates";

describe("mail templates", () => {
  it("escape every interpolation in the HTML part", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    // An address is user input: it must not become markup in the old address's notice.
    const mail = emailChangedMail(`"><script>alert(1)</script>@evil.test`);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
    expect(mail.text).toContain(`"><script>alert(1)</script>@evil.test`);
  });

  it("carry the link in both parts, with an escaped attribute in HTML", () => {
    const link = "https://app.example.test/reset-password?token=abc&x=1";
    const mail = resetPasswordMail(link, 60);
    expect(mail.subject).toBe("Reset your password");
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('href="https://app.example.test/reset-password?token=abc&amp;x=1"');
    expect(mail.text).toContain("60 minutes");
    expect(verifyEmailMail(link, 24).text).toContain("24 hours");
  });
});

describe("retry delays", () => {
  it("double per attempt from the base, capped at an hour", () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelaySeconds(30, a))).toEqual([30, 60, 120, 240, 480]);
    expect(retryDelaySeconds(30, 20)).toBe(3600);
    expect(retryDelaySeconds(0, 3)).toBe(0);
  });
});

import { expect, test } from "@playwright/test";
import { orgUrl, orgWithACall, signInAs } from "./helpers";

/** Messages the outbox delivered to the e2e SMTP server (examples/mail_sink). */
async function mailTo(address: string): Promise<string> {
  const url = process.env.E2E_MAIL_URL;
  if (!url) throw new Error("E2E_MAIL_URL is not set (scripts/test starts the mail server)");
  for (let i = 0; i < 100; i++) {
    const all = (await (await fetch(`${url}/messages`)).json()) as { to: string[]; data: string }[];
    const found = all.filter((m) => m.to.includes(address)).pop();
    if (found) return found.data;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail reached ${address}`);
}

/** Quoted-printable as a mail client shows it. */
function unquote(data: string): string {
  return data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

test("an admin invites a colleague, who opens the e-mailed link, sets a password and lands on the dashboard", async ({ page, browser }) => {
  const o = orgWithACall("Crew");
  const colleague = `colleague-${o.slug}@example.com`;
  await signInAs(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await page.getByRole("link", { name: "Team", exact: true }).click();
  const form = page.locator("#invite-form");
  await form.getByLabel("Email to invite").fill(colleague);
  await form.getByLabel("Access", { exact: true }).selectOption("viewer");
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  const row = page.locator("#invitations-table tbody tr", { hasText: colleague });
  await expect(row).toContainText("Pending");

  // The e-mail: in the organization's name, with a link to its own address.
  const mail = unquote(await mailTo(colleague));
  expect(mail).toContain(`Subject: You're invited to ${o.name}`);
  expect(mail.toLowerCase()).not.toContain("retell");
  const link = mail.match(/http:\/\/\S+\/invite\/[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBeTruthy();
  expect(link!.startsWith(orgUrl(o.slug, "/invite/"))).toBe(true);

  // The colleague, in a browser of their own.
  const theirs = await browser.newContext();
  const p = await theirs.newPage();
  await p.goto(link!);
  await expect(p.getByRole("heading", { name: `Join ${o.name}` })).toBeVisible();
  await expect(p.locator("body[data-hydrated]")).toBeAttached();
  await p.getByLabel("Password").fill("short");
  await p.getByRole("button", { name: "Accept and sign in" }).click();
  await expect(p.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(p.getByLabel("Password")).toHaveValue("short");
  await p.getByLabel("Password").fill("a sturdy colleague passphrase");
  await p.getByRole("button", { name: "Accept and sign in" }).click();
  await expect(p).toHaveURL(orgUrl(o.slug, "/"));
  await expect(p.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(p.getByText(colleague)).toBeVisible();
  await theirs.close();

  // The admin sees it accepted.
  await page.reload();
  await expect(page.locator("#invitations-table tbody tr", { hasText: colleague })).toContainText("Accepted");
  await expect(page.locator("#team")).toContainText(colleague);
});

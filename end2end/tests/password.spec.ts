import { expect, test } from "@playwright/test";
import { orgUrl, orgWithACall, signInAs } from "./helpers";

async function mailTo(address: string, count: number): Promise<string> {
  const url = process.env.E2E_MAIL_URL;
  if (!url) throw new Error("E2E_MAIL_URL is not set (scripts/test starts the mail server)");
  for (let i = 0; i < 100; i++) {
    const all = (await (await fetch(`${url}/messages`)).json()) as { to: string[]; data: string }[];
    const mine = all.filter((m) => m.to.includes(address));
    if (mine.length >= count) return mine[count - 1].data;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail reached ${address}`);
}

const unquote = (data: string) =>
  data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

test("a user resets a forgotten password from the sign-in page and signs in with the new one", async ({ page }) => {
  const o = orgWithACall("Reset");
  await page.goto(orgUrl(o.slug, "/login"));
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email").fill(o.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText("If that address has an account here, we sent it a link")).toBeVisible();

  const mail = unquote(await mailTo(o.email, 1));
  expect(mail).toContain(`Subject: Reset your ${o.name} password`);
  const link = mail.match(/http:\/\/\S+\/reset-password\/[A-Za-z0-9_-]+/)?.[0];
  expect(link!.startsWith(orgUrl(o.slug, "/reset-password/"))).toBe(true);

  await page.goto(link!);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByLabel("New password").fill("a fresh reset passphrase");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await expect(page.getByText("Your password was changed")).toBeVisible();
  await page.getByRole("link", { name: "Sign in" }).click();
  await signInAs(page, orgUrl(o.slug, "/login"), o.email, "a fresh reset passphrase");

  // Later, from the Account page (the address in the top bar): the current
  // password is asked for, and a wrong one keeps what was typed.
  await page.getByRole("link", { name: o.email }).click();
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password").fill("an account page passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await expect(page.getByLabel("New password")).toHaveValue("an account page passphrase");
  await page.getByLabel("Current password").fill("a fresh reset passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Other sessions were signed out.")).toBeVisible();
  // This session goes on.
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

import { expect, test } from "@playwright/test";
import { admin, base, open, orgUrl, signInAs, unique } from "./helpers";

/** The last message the outbox delivered to `address` (examples/mail_sink), as a mail client shows it. */
async function mailTo(address: string): Promise<string> {
  const url = process.env.E2E_MAIL_URL;
  if (!url) throw new Error("E2E_MAIL_URL is not set (scripts/test starts the mail server)");
  for (let i = 0; i < 100; i++) {
    const all = (await (await fetch(`${url}/messages`)).json()) as { to: string[]; data: string }[];
    const found = all.filter((m) => m.to.includes(address)).pop();
    if (found) return found.data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail reached ${address}`);
}

test("a company signs up on its own, confirms its e-mail and finishes the setup wizard", async ({ page, browser }) => {
  // The super admin opens sign-up in the console.
  await signInAs(page, `${base.origin}/login`, admin.email, admin.password);
  await page.getByRole("link", { name: "Sign-ups" }).click();
  const settings = page.locator("#signup-settings-form");
  await settings.getByLabel("Open sign-up").check();
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByText("Saved.")).toBeVisible();

  // A company, in a browser of its own.
  const sub = unique("dental");
  const email = `owner-${sub}@example.com`;
  const theirs = await browser.newContext();
  const p = await theirs.newPage();
  // Nothing but the refused submission's status may reach the console
  // (every page of the way hydrates cleanly).
  const said: string[] = [];
  p.on("console", (m) => {
    if ((m.type() === "warning" || m.type() === "error") && !/status of 4\d\d/.test(m.text())) said.push(`${m.text()} (${p.url()})`);
  });
  p.on("pageerror", (e) => said.push(`uncaught: ${e.message} (${p.url()})`));
  await open(p, `${base.origin}/signup`);
  await expect(p.getByRole("heading", { name: "Create your call portal" })).toBeVisible();
  await p.getByLabel("Company name").fill(`Bright Smile ${sub}`);
  await p.getByLabel("Your address").fill("www");
  await expect(p.getByText('"www" is reserved; choose another.')).toBeVisible();
  await p.getByLabel("Your address").fill(sub);
  await expect(p.getByText(`${sub}.${base.hostname}`)).toContainText("is free");
  await p.getByLabel("Your name").fill("Sam Example");
  await p.getByLabel("Work e-mail").fill(email);
  await p.getByLabel("Password").fill("short");
  await p.getByRole("button", { name: "Create my portal" }).click();
  await expect(p.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(p.getByLabel("Company name")).toHaveValue(`Bright Smile ${sub}`);
  await p.getByLabel("Password").fill("a bright and sturdy passphrase");
  await p.getByRole("button", { name: "Create my portal" }).click();
  await expect(p).toHaveURL(`${base.origin}/signup/sent`);
  await expect(p.getByRole("heading", { name: "Check your e-mail" })).toBeVisible();

  // The e-mail's link confirms the address and opens the wizard on the new address.
  const mail = await mailTo(email);
  expect(mail.toLowerCase()).not.toContain("retell");
  const link = mail.match(/http:\/\/\S+\/signup\/confirm\/[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBeTruthy();
  await open(p, link!);
  await expect(p.getByRole("heading", { name: `Welcome, Bright Smile ${sub}` })).toBeVisible();
  await p.getByRole("button", { name: "Confirm and create my portal" }).click();
  await expect(p).toHaveURL(orgUrl(sub, "/welcome"));
  await expect(p.getByRole("heading", { name: "Your company" })).toBeVisible();
  await expect(p.locator("body[data-hydrated]")).toBeAttached();

  await p.getByLabel("Timezone").fill("Europe/Berlin");
  await p.getByRole("button", { name: "Save and continue" }).click();
  await expect(p.getByRole("heading", { name: "How your agent greets callers" })).toBeVisible();
  // The defaults are shown where the messages are empty.
  await expect(p.getByLabel("Welcome message")).toHaveAttribute("placeholder", /How can I help you today/);
  await p.getByLabel("Welcome message").fill("Hello, you have reached {{company_name}}.");
  await p.getByRole("button", { name: "Save and continue" }).click();
  await expect(p.getByRole("heading", { name: "Business hours and transfer" })).toBeVisible();

  // Until every step is done, the dashboard has a checklist back to the wizard.
  await open(p, orgUrl(sub, "/"));
  const checklist = p.locator("#setup-checklist");
  await expect(checklist).toContainText("Finish setting up");
  await checklist.getByRole("link", { name: "Continue set-up" }).click();
  await expect(p.getByRole("heading", { name: "Business hours and transfer" })).toBeVisible();
  await p.getByLabel("Opens at").selectOption("8");
  await p.getByLabel("Who takes transfers").fill("Sam Example");
  await p.getByLabel("Their phone").fill("+15555550142");
  await p.getByRole("button", { name: "Save and continue" }).click();
  await expect(p.getByRole("button", { name: "Skip for now" })).toBeVisible();
  await p.getByRole("button", { name: "Skip for now" }).click();
  await expect(p.getByRole("heading", { name: "You are all set" })).toBeVisible();
  await p.getByRole("link", { name: "Go to your dashboard" }).click();
  await expect(p.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(p.locator("#setup-checklist")).toHaveCount(0);

  // What the wizard stored is the agent's settings.
  await open(p, orgUrl(sub, "/settings"));
  await expect(p.getByLabel("Timezone")).toHaveValue("Europe/Berlin");
  await expect(p.getByLabel("Welcome message")).toHaveValue("Hello, you have reached {{company_name}}.");
  expect(said).toEqual([]);
  await theirs.close();

  // The console lists the new organization.
  await page.reload();
  const row = page.locator(`tr[data-subdomain="${sub}"]`);
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Done");
});

import { expect, test } from "@playwright/test";
import { spawn } from "node:child_process";
import { admin, cli, freePort, open, orgUrl, signInAs, unique } from "./helpers";

test("a super admin views as an organization: banner everywhere, writes logged under their name, exit", async ({ browser }) => {
  const slug = unique("imp");
  const name = `Imp ${slug}`;
  cli("org", "create", "--name", name, "--slug", slug);
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");

  const page = await browser.newPage();
  await signInAs(page, "/login", admin.email, admin.password);
  const row = page.locator("#org-list tr", { hasText: name });
  await row.getByRole("button", { name: "View as organization" }).click();

  // The organization's own dashboard, on the platform domain, with the banner.
  const banner = page.locator(".impersonation");
  await expect(banner).toContainText(`Viewing as ${name}`);
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.locator('[data-stat="usage"]')).toBeVisible();

  // Every page keeps it; a change is made as the organization's admin.
  await page.getByRole("link", { name: "Agent Settings" }).click();
  await expect(page.getByRole("heading", { name: "Agent Settings", level: 1 })).toBeVisible();
  await expect(banner).toBeVisible();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await page.getByLabel("Company name", { exact: true }).fill(`${name} Desk`);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await page.getByRole("link", { name: "Activity" }).click();
  await expect(banner).toBeVisible();
  // The organization's log names the agency's people as "Agency staff".
  const entry = page.locator("tr", { hasText: "agent_settings.save" }).first();
  await expect(entry).toContainText("Agency staff");
  await expect(entry).not.toContainText(admin.email);
  await expect(entry).toContainText("super admin, viewing as the organization");

  // Exit: back to the console page of that organization, no banner.
  await banner.getByRole("button", { name: "Exit" }).click();
  await expect(page).toHaveURL(/\/orgs\/[0-9a-f-]{36}$/);
  const orgId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: new RegExp(name) })).toBeVisible();
  await expect(banner).toHaveCount(0);

  // The organization's own admin sees the same entries, labelled.
  const own = await browser.newPage();
  await signInAs(own, orgUrl(slug, "/login"), email, password);
  await open(own, orgUrl(slug, "/activity?period=today"));
  await expect(own.locator("tr", { hasText: "impersonation.start" })).toContainText("Agency staff");
  await expect(own.locator("body")).not.toContainText(admin.email);
  await expect(own.locator("tr", { hasText: "agent_settings.save" }).first()).toContainText("super admin, viewing as the organization");

  // An organization's admin cannot start one (the server function answers 403).
  const status = await own.evaluate(async (id) => {
    const res = await fetch("/api/platform/impersonate", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ org_id: id }),
    });
    return res.status;
  }, orgId);
  expect(status).toBe(403);
});

test("an expired view stops working", async ({ page }) => {
  // A second server on the same database whose views last no time at all.
  const port = await freePort();
  // From the repository's root, where the site's files are (LEPTOS_SITE_ROOT is relative).
  const server = spawn(process.env.E2E_BIN ?? "target/debug/callboard", ["serve"], {
    cwd: "..",
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      CALLBOARD_PUBLIC_URL: `http://callboard.localhost:${port}`,
      CALLBOARD_IMPERSONATION_MINUTES: "0",
    },
    stdio: "ignore",
  });
  try {
    await expect
      .poll(async () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status).catch(() => 0), { timeout: 15000 })
      .toBe(200);
    const slug = unique("exp");
    const name = `Exp ${slug}`;
    cli("org", "create", "--name", name, "--slug", slug);
    await signInAs(page, `http://callboard.localhost:${port}/login`, admin.email, admin.password);
    await page.locator("#org-list tr", { hasText: name }).getByRole("button", { name: "View as organization" }).click();
    // Already over: the platform domain is the console again, with no banner,
    // and the organization's data is out of reach.
    await expect(page.getByRole("heading", { name: "Console", level: 1 })).toBeVisible();
    await expect(page.locator(".impersonation")).toHaveCount(0);
    const status = await page.evaluate(async () => {
      const res = await fetch("/api/dashboard/calls", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ "filter[period]": "30d" }),
      });
      return res.status;
    });
    expect(status).toBe(403);
  } finally {
    server.kill();
  }
});

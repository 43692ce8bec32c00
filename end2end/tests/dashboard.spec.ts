import { expect, test } from "@playwright/test";
import { cli, cliWithInput, open, orgUrl, signInAs, unique } from "./helpers";

/** An organization with an admin and a connected agent; returns what tests need. */
function orgWithAgent(prefix: string) {
  const slug = unique(prefix);
  cli("org", "create", "--name", `Dash ${slug}`, "--slug", slug);
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");
  cliWithInput("key_dash_e2e_secret_99\n", "org", "set-retell-key", "--org", slug);
  const agent = cli("agent", "create", "--org", slug, "--retell-agent-id", `agent_${slug}`, "--name", "Front desk")
    .split("\n")[0]
    .trim();
  return { slug, email, password, agent };
}

test("the dashboard updates live when a call arrives, and a call opens in full", async ({ page }) => {
  const o = orgWithAgent("dash");
  await signInAs(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await open(page, orgUrl(o.slug, "/"));

  // Before any call: zeros and a helpful empty table.
  const total = page.locator('[data-stat="calls"] .stat-value');
  await expect(total).toHaveText("0");
  await expect(page.getByText("No calls yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", /\/calls\/export\.csv\?period=30d/);

  // The voice platform (the simulator, through the real webhook route) sends a call.
  // No reload: the page hears about it and refreshes its figures and table.
  await page.evaluate(() => ((window as any).__notReloaded = true));
  cli("simulate-calls", "--org", o.slug, "--agent", o.agent, "--count", "1");
  await expect(total).toHaveText("1", { timeout: 5000 });
  const rows = page.locator("#calls tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Front desk");
  expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);

  // A second call arrives while we watch.
  cli("simulate-calls", "--org", o.slug, "--agent", o.agent, "--count", "1");
  await expect(total).toHaveText("2", { timeout: 5000 });
  await expect(rows).toHaveCount(2);

  // The call's own page: details, the conversation, plain words.
  await rows.first().getByRole("link").click();
  await expect(page).toHaveURL(/\/calls\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Transcript" })).toBeVisible();
  await expect(page.locator(".turn-agent").first()).toBeVisible();
  await expect(page.locator("body")).not.toContainText(/retell/i);
});

test("filters live in the URL and work without JavaScript; the page fits a phone", async ({ browser }) => {
  const o = orgWithAgent("dashf");
  cli("simulate-calls", "--org", o.slug, "--agent", o.agent, "--count", "3");

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(orgUrl(o.slug, "/login"));
  await page.getByLabel("Email").fill(o.email);
  await page.getByLabel("Password").fill(o.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto(orgUrl(o.slug, "/"));
  await expect(page.locator('[data-stat="calls"] .stat-value')).toHaveText("3");

  // Today only, test calls only: a plain GET form.
  await page.getByLabel("Period", { exact: true }).selectOption("today");
  await page.getByLabel("Type", { exact: true }).selectOption("test");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/period=today/);
  await expect(page).toHaveURL(/type=test/);
  await expect(page.getByLabel("Type", { exact: true })).toHaveValue("test");
  await expect(page.locator(".chart-card h2")).toHaveText("Calls and minutes by hour");

  // A custom range with the end before the start keeps what was typed and says why.
  await page.goto(orgUrl(o.slug, "/?period=custom&from=2026-11-20&to=2026-11-01"));
  await expect(page.getByRole("alert")).toContainText("end date must be on or after");
  await expect(page.getByLabel("From", { exact: true })).toHaveValue("2026-11-20");

  // Nothing spills sideways at phone width (wide tables scroll in their own box).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await context.close();
});

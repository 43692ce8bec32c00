import { expect, test } from "@playwright/test";
import { admin, cli, open, orgUrl, signInAs, unique } from "./helpers";

test("an agent goes from waiting to active when its first signed event arrives, and its calls appear", async ({ browser }) => {
  const slug = unique("agt");
  cli("org", "create", "--name", `Agents ${slug}`, "--slug", slug);
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");

  const page = await browser.newPage();
  await signInAs(page, "/login", admin.email, admin.password);
  await page.locator("#org-list").getByRole("link", { name: `Agents ${slug}` }).click();

  // The key is stored sealed; only its last four characters come back.
  await page.getByLabel("API key").fill("key_e2e_secret_4f2a");
  await page.getByRole("button", { name: "Save key" }).click();
  await expect(page.getByText("Set · ends in …4f2a")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("key_e2e_secret");
  await expect(page.getByText("Key saved.")).toBeVisible();
  await expect(page.getByLabel("Replace the key")).toHaveValue("");

  // Without an agent id the form is not sent; what was typed stays.
  await page.getByLabel("Display name").fill("Front desk");
  await page.getByRole("button", { name: "Register agent" }).click();
  await page.getByLabel("Agent ID").fill("agent_e2e");
  await page.getByRole("button", { name: "Register agent" }).click();
  const row = page.locator("tr[data-agent]").filter({ hasText: "Front desk" });
  await expect(row).toContainText("Waiting for first call");
  // One message, the latest; the form is ready for the next agent.
  await expect(page.getByText("Agent registered.")).toBeVisible();
  await expect(page.getByText("Key saved.")).toHaveCount(0);
  await expect(page.getByLabel("Display name")).toHaveValue("");
  await expect(page.getByLabel("Agent ID")).toHaveValue("");
  const field = row.locator(".copy-field");
  await expect(field).toHaveValue(/\/webhooks\/agent\/[0-9a-f-]{36}$/);
  // The whole URL shows, wrapped, not cut off.
  const fits = await field.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1);
  expect(fits).toBe(true);
  const agentId = await row.getAttribute("data-agent");

  // The voice platform (here: the simulator, through the real route) calls.
  cli("simulate-calls", "--org", slug, "--agent", agentId!, "--count", "1");
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(row).toContainText("Active");
  await expect(row.locator("td.num")).toHaveText("1");

  // Renamed in place.
  await row.getByText("Rename").click();
  await row.getByLabel("New name").fill("Reception");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Agent renamed.")).toBeVisible();
  await expect(page.getByText("Agent registered.")).toHaveCount(0);
  await expect(page.locator(`tr[data-agent="${agentId}"]`)).toContainText("Reception");

  // The organization's admin sees the call, and never the platform's ids.
  const member = await browser.newPage();
  await signInAs(member, orgUrl(slug, "/login"), email, password);
  const calls = member.locator("#calls tbody tr");
  await expect(calls).toHaveCount(1);
  await open(member, orgUrl(slug, "/agents"));
  await expect(member.locator("tr[data-agent]")).toContainText("Reception");
  await expect(member.locator("body")).not.toContainText("agent_e2e");
  // Keys and agents are the agency's: the client reads them, changes nothing.
  await expect(member.getByRole("button", { name: "Register agent" })).toHaveCount(0);
  await expect(member.getByRole("button", { name: "Save key" })).toHaveCount(0);
  await expect(member.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(member.locator(".copy-field")).toHaveCount(0);
});

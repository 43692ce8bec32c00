import { expect, test, type Page } from "@playwright/test";
import { admin, open, orgUrl, orgWithACall, signInAs } from "./helpers";

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** The visible text of the page's main area. */
const mainText = (page: Page) => page.locator("main").innerText();

test("an organization's people read every time in its timezone, labelled", async ({ page }) => {
  const { slug, email, password } = orgWithACall("Times");
  await signInAs(page, orgUrl(slug, "/login"), email, password);
  await open(page, orgUrl(slug, "/settings"));
  await field(page, "Timezone").fill("America/New_York");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  // New York is on EST or EDT, whatever the date the test runs on.
  const eastern = /\d:\d\d(:\d\d)? [AP]M E[SD]T/;
  for (const [path, where] of [
    ["/", "#calls"],
    ["/agents", "main"],
    ["/settings", "main"],
    ["/activity", "main"],
  ]) {
    await open(page, orgUrl(slug, path));
    await expect(page.locator(where).first(), path).toContainText(eastern);
    expect(await mainText(page), path).not.toContain("UTC");
  }
  // The activity log gives the second (its entries can be seconds apart).
  await expect(page.locator("main table").first()).toContainText(/\d:\d\d:\d\d [AP]M E[SD]T/);
});

test("the console reads times in the super admin's chosen timezone; a bad zone keeps what was typed", async ({ page }) => {
  const { name } = orgWithACall("Tokyo");
  await signInAs(page, "/login", admin.email, admin.password);
  try {
    await open(page, "/users");
    const zone = page.locator("#timezone");
    await zone.getByLabel("Timezone", { exact: true }).fill("Mars/Olympus");
    await zone.getByRole("button", { name: "Save timezone" }).click();
    await expect(zone.locator(".field-error")).toContainText("Choose a timezone");
    await expect(zone.getByLabel("Timezone", { exact: true })).toHaveValue("Mars/Olympus");

    await zone.getByLabel("Timezone", { exact: true }).fill("Asia/Tokyo");
    await zone.getByRole("button", { name: "Save timezone" }).click();
    // The page shows its times again in the new zone, the top bar names it.
    await expect(page.locator(".account-zone")).toHaveText("JST");
    await expect(page.locator("#timezone").getByLabel("Timezone", { exact: true })).toHaveValue("Asia/Tokyo");

    await open(page, "/activity");
    await expect(page.locator("main table").first()).toContainText(/\d:\d\d:\d\d [AP]M JST/);
    expect(await mainText(page)).not.toContain("UTC");
    await open(page, "/");
    await expect(page.locator("#org-list")).toContainText(name);
    await page.locator(".account-zone").click();
    await expect(page).toHaveURL(/\/users#timezone$/);
  } finally {
    // Other tests expect the console in UTC.
    await open(page, "/users");
    await page.locator("#timezone").getByLabel("Timezone", { exact: true }).fill("UTC");
    await page.locator("#timezone").getByRole("button", { name: "Save timezone" }).click();
    await expect(page.locator(".account-zone")).toHaveText("UTC");
  }
});

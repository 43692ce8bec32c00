import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { admin, base, cli, open, orgUrl, orgWithACall, signInAs } from "./helpers";

function lastMonth(): { key: string; label: string } {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const key = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  const label = d.toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  return { key, label };
}

test("an org admin opens Statements, sees this month so far, opens last month and downloads its PDF and CSV", async ({ page }) => {
  const o = orgWithACall("Books");
  const { key, label } = lastMonth();
  expect(cli("statements", "close", "--month", key, "--org", o.slug)).toContain(`${o.slug}\t${key}\tclosed`);

  await signInAs(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await page.getByRole("link", { name: "Statements" }).click();
  await expect(page.getByRole("heading", { name: "Statements", level: 1 })).toBeVisible();
  // This month so far (the simulated call may be a test call: free).
  await expect(page.getByRole("heading", { name: /so far$/ })).toBeVisible();
  await expect(page.locator(".stat-line")).toContainText(/\$\d+\.\d\d · \d+ billable calls · \d+ minutes/);
  const row = page.locator("#statements-table tbody tr", { hasText: label });
  await expect(row).toBeVisible();
  await row.getByRole("link", { name: label }).click();
  await expect(page).toHaveURL(orgUrl(o.slug, `/statements/${key}`));
  await expect(page.getByRole("heading", { name: label })).toBeVisible();
  await expect(page.locator("#statement-total")).toHaveText("$0.00");
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  expect(csv.suggestedFilename()).toBe(`${o.slug}-statement-${key}.csv`);
  const [pdf] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download PDF" }).click(),
  ]);
  expect(pdf.suggestedFilename()).toBe(`${o.slug}-statement-${key}.pdf`);
  const bytes = readFileSync((await pdf.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

  // The dashboard's export menu has the call report beside the CSV.
  await open(page, orgUrl(o.slug, "/"));
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "PDF report" }).click(),
  ]);
  expect(report.suggestedFilename()).toMatch(new RegExp(`^${o.slug}-calls-.*\\.pdf$`));

  // A month without a statement says so.
  await open(page, orgUrl(o.slug, "/statements/1999-01"));
  await expect(page.getByRole("heading", { name: "No statement for this month" })).toBeVisible();
});

test("the super admin sees revenue per month and each organization's statement in it", async ({ page }) => {
  const o = orgWithACall("Ledgr");
  const { key, label } = lastMonth();
  cli("statements", "close", "--month", key, "--org", o.slug);
  await signInAs(page, `${base.origin}/login`, admin.email, admin.password);
  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Revenue per month" })).toBeVisible();
  const month = page.locator("#revenue-table tbody tr", { hasText: label });
  await expect(month).toBeVisible();
  await month.getByRole("link", { name: label }).click();
  await expect(page).toHaveURL(`${base.origin}/billing?month=${key}`);
  await expect(page.getByRole("heading", { name: `${label} by organization` })).toBeVisible();
  await expect(page.locator("#month-statements tbody tr", { hasText: o.name })).toContainText("$0.00");
});

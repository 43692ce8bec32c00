import { expect, test, type Page } from "@playwright/test";
import { cli, open, orgUrl, signInAs, unique } from "./helpers";

const password = "a sturdy password 42";

/** A new organization with an admin and a viewer, and a number callers dial. */
function newOrg() {
  const slug = unique("set");
  cli("org", "create", "--name", `Settings ${slug}`, "--slug", slug);
  const adminEmail = `${slug}-admin@example.com`;
  const viewerEmail = `${slug}-viewer@example.com`;
  for (const [email, role] of [[adminEmail, "admin"], [viewerEmail, "viewer"]]) {
    cli("user", "create", "--email", email, "--password", password);
    cli("user", "add-member", "--email", email, "--org", slug, "--role", role);
  }
  const number = `+1520${Math.floor(1e6 + Math.random() * 8.99e6)}`;
  cli("number", "add", "--org", slug, "--number", number);
  return { slug, adminEmail, viewerEmail, number };
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

test("an admin fills every setting, saves, and sees the values after a reload; a mistake keeps what was typed", async ({ page }) => {
  const org = newOrg();
  await signInAs(page, orgUrl(org.slug, "/login"), org.adminEmail, password);
  await page.getByRole("link", { name: "Agent Settings" }).click();
  await expect(page.getByRole("heading", { name: "Agent Settings", level: 1 })).toBeVisible();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  // Before the first save: defaults, with the admin's email filled in.
  await expect(field(page, "Company name")).toHaveValue(`Settings ${org.slug}`);
  await expect(field(page, "Operator email")).toHaveValue(org.adminEmail);
  await expect(field(page, "Timezone")).toHaveValue("America/Phoenix");
  await expect(field(page, "Welcome message")).toHaveAttribute("placeholder", /Thank you for calling \{\{company_name\}\}/);
  await expect(page.locator("#sec-number").locator("..")).toContainText(org.number);
  await expect(page.locator("#sec-number").locator("..")).toContainText("Waiting for the first call");

  await field(page, "Company name").fill("Sunrise Shuttle");
  await field(page, "Operator name").fill("Dana Ortiz");
  await field(page, "Operator phone").fill("+1 520 555 0111");
  await field(page, "Operator email").fill("dana@example.com");
  await field(page, "Timezone").fill("America/Denver");
  await field(page, "Welcome message").fill("Hi, you've reached {{company_name}}.");
  await field(page, "After-hours message").fill("We're closed right now; I can take a message.");
  await field(page, "Business hours start").selectOption({ label: "7 AM" });
  await field(page, "Business hours end").selectOption({ label: "7 PM" });
  await page.getByLabel("Allow the agent to transfer callers to a person").uncheck();
  await page.locator("#s-mode-after_hours").check();
  await page.getByLabel(/^Office phone/).fill("+1 (520) 555-0100");
  await field(page, "Phone provider").selectOption({ label: "Telnyx" });

  // The set-up steps follow the choices, quoting the hours and timezone.
  const steps = page.locator(".routing-steps");
  await expect(steps).toContainText("7 AM to 7 PM (America/Denver time)");
  await expect(steps).toContainText("+1 (520) 555-0100");
  await expect(steps).toContainText("Telnyx");
  await page.locator("#s-mode-overflow").check();
  await expect(steps).toContainText("about 20 seconds");

  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  // One status line, the current one.
  await expect(page.getByText("Not saved yet")).toHaveCount(0);

  await open(page, orgUrl(org.slug, "/settings"));
  await expect(field(page, "Company name")).toHaveValue("Sunrise Shuttle");
  await expect(field(page, "Operator name")).toHaveValue("Dana Ortiz");
  await expect(field(page, "Operator phone")).toHaveValue("+15205550111");
  await expect(field(page, "Operator email")).toHaveValue("dana@example.com");
  await expect(field(page, "Timezone")).toHaveValue("America/Denver");
  await expect(field(page, "Welcome message")).toHaveValue("Hi, you've reached {{company_name}}.");
  await expect(field(page, "After-hours message")).toHaveValue("We're closed right now; I can take a message.");
  await expect(field(page, "Business hours start")).toHaveValue("7");
  await expect(field(page, "Business hours end")).toHaveValue("19");
  await expect(page.getByLabel("Allow the agent to transfer callers to a person")).not.toBeChecked();
  await expect(page.locator("#s-mode-overflow")).toBeChecked();
  await expect(page.getByLabel(/^Office phone/)).toHaveValue("+15205550100");
  await expect(field(page, "Phone provider")).toHaveValue("telnyx");
  // In the organization's timezone (Denver), labelled.
  await expect(page.getByText(/Last saved \w{3} \d+, \d+:\d\d [AP]M M[SD]T\./)).toBeVisible();

  // Mistakes are named next to their fields, and what was typed stays.
  await page.getByLabel(/^Office phone/).fill("555-0100");
  await field(page, "Timezone").fill("Mars/Olympus");
  await field(page, "Company name").fill("Sunrise Shuttle & Limo");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#s-office_phone-error")).toContainText("international format");
  await expect(page.locator("#s-timezone-error")).toContainText("Choose a timezone");
  await expect(page.getByLabel(/^Office phone/)).toHaveValue("555-0100");
  await expect(field(page, "Timezone")).toHaveValue("Mars/Olympus");
  await expect(field(page, "Company name")).toHaveValue("Sunrise Shuttle & Limo");

  // …and nothing of the failed save was stored.
  await open(page, orgUrl(org.slug, "/settings"));
  await expect(field(page, "Company name")).toHaveValue("Sunrise Shuttle");
  await expect(page.getByLabel(/^Office phone/)).toHaveValue("+15205550100");
});

test("a viewer sees the settings read-only, and the server refuses a viewer's save", async ({ page }) => {
  const org = newOrg();
  await signInAs(page, orgUrl(org.slug, "/login"), org.viewerEmail, password);
  await page.getByRole("link", { name: "Agent Settings" }).click();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await expect(page.getByText("Only administrators can change them.")).toBeVisible();
  await expect(field(page, "Company name")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);

  const status = await page.evaluate(async () => {
    const body = new URLSearchParams({ "form[company_name]": "Hijacked", "form[timezone]": "UTC" });
    const res = await fetch("/api/settings/save", { method: "POST", body });
    return res.status;
  });
  expect(status).toBe(403);
  await open(page, orgUrl(org.slug, "/settings"));
  await expect(field(page, "Company name")).toHaveValue(`Settings ${org.slug}`);
});

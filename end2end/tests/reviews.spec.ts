import { expect, test } from "@playwright/test";
import { admin, open, orgUrl, orgWithACall, signInAs } from "./helpers";

test("a client asks for a call's billing to be reviewed; the agency decides in the console", async ({ browser }) => {
  const { slug, name, email, password } = orgWithACall("Reviews");

  // The client's admin cannot mark the call, only ask.
  const client = await browser.newPage();
  await signInAs(client, orgUrl(slug, "/login"), email, password);
  await open(client, orgUrl(slug, "/"));
  await expect(client).toHaveTitle(`Dashboard · ${name}`);
  const row = client.locator("#calls tbody tr").first();
  await expect(row).toBeVisible();
  const before = (await row.locator("td").nth(9).textContent())!.trim();
  await expect(row.getByRole("button", { name: /Mark/ })).toHaveCount(0);
  await row.getByText("Request review").click();
  await row.getByLabel("What looks wrong? (optional)").fill("This caller was our own staff.");
  await row.getByRole("button", { name: "Send request" }).click();
  await expect(row.getByText("Review requested.")).toBeVisible();

  // The console lists the request on the organization's page.
  const agency = await browser.newPage();
  await signInAs(agency, "/login", admin.email, admin.password);
  await agency.locator("#org-list").getByRole("link", { name }).click();
  await expect(agency.locator("body[data-hydrated]")).toBeAttached();
  const card = agency.locator("#billing-reviews");
  const request = card.locator("tr[data-review]");
  await expect(request).toContainText("This caller was our own staff.");
  await expect(request).toContainText(email);
  const decide = before === "Billable" ? "Test (free)" : "Billable";
  await request.getByRole("button", { name: decide }).click();
  await expect(card.getByText("Call updated; the request is answered.")).toBeVisible();
  await expect(card.getByText("No open requests.")).toBeVisible();

  // The client sees the decision.
  await open(client, orgUrl(slug, "/"));
  const after = client.locator("#calls tbody tr").first().locator("td").nth(9);
  await expect(after).toHaveText(before === "Billable" ? "Test" : "Billable");

  // A recording that cannot be fetched says so (the simulated link is not
  // on the recording store's allowlist).
  await client.locator("#calls tbody tr").first().locator("td a").first().click();
  await expect(client.locator("audio.player")).toBeAttached();
  await client.locator("audio.player").evaluate((a: HTMLAudioElement) => a.play().catch(() => {}));
  await expect(client.getByText("Recording unavailable")).toBeVisible();
});

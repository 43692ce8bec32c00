import { expect, test, type Page } from "@playwright/test";
import { createHmac } from "node:crypto";
import { base, open, orgUrl, orgWithACall, signInAs } from "./helpers";

/** Tomorrow's date in Phoenix (UTC-7 all year), `YYYY-MM-DD`. */
function tomorrowInPhoenix(): string {
  return new Date(Date.now() + 24 * 3600 * 1000 - 7 * 3600 * 1000).toISOString().slice(0, 10);
}

async function upload(page: Page, kind: "reservations" | "drivers", name: string, text: string) {
  const form = page.locator(`form[data-kind="${kind}"]`);
  await form.locator('input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
  await form.getByRole("button", { name: "Upload and preview" }).click();
  await expect(page.getByRole("heading", { name: `Preview: ${kind}` })).toBeVisible();
}

test("an admin imports reservations and drivers, fixes a bad row, searches, and the voice agent's tool answers from them", async ({ page, request }) => {
  const o = orgWithACall("Rides");
  const day = tomorrowInPhoenix();
  await signInAs(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await page.getByRole("link", { name: "Reservations" }).click();
  await expect(page.getByRole("heading", { name: "Reservations", level: 1 })).toBeVisible();
  await expect(page.locator("#freshness")).toHaveText("Reservations never imported");
  await expect(page.locator("#freshness")).toHaveClass(/badge-warn/);
  await expect(page.getByText("No reservations yet")).toBeVisible();

  // A file with a bad row: the preview names it, and nothing can be imported.
  const header = "confirmation_number,pickup_at,passenger_name,passenger_phone,pickup_address,dropoff_address,status,driver_name";
  const good = `RT-200,${day}T06:30:00-07:00,Jane Roe,+15555550101,12 Saguaro Way,Terminal 4,confirmed,Sam Ortiz`;
  const bad = `RT-201,half past seven,Joe Poe,+15555550102,,,confirmed,`;
  await upload(page, "reservations", "rides.csv", `${header}\n${good}\n${bad}\n`);
  await expect(page.getByRole("heading", { name: "1 row problem" })).toBeVisible();
  const problem = page.locator("#row-errors tbody tr");
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText("3");
  await expect(problem).toContainText("pickup_at");
  await expect(page.locator("#confirm-import")).toHaveCount(0);
  await expect(page.getByText("Fix the file and upload it again below.")).toBeVisible();

  // Fixed and uploaded again: replace everything with it.
  const fixed = bad.replace("half past seven", `${day} 07:30`);
  await upload(page, "reservations", "rides.csv", `${header}\n${good}\n${fixed}\n`);
  await expect(page.locator("#preview-rows tbody tr")).toHaveCount(2);
  await page.getByLabel(/^Replace/).check();
  await page.getByRole("button", { name: "Import 2 rows" }).click();
  await expect(page.getByText("The reservations were imported.")).toBeVisible();
  await expect(page.locator("#freshness")).toHaveText("Reservations updated just now");
  await expect(page.locator("#freshness")).toHaveClass(/badge-good/);
  await expect(page.locator("form[data-kind=reservations] .last-import")).toContainText("Last import: 2 rows (replaced everything) from rides.csv");

  // Drivers: the reservation's driver, with a phone.
  await upload(page, "drivers", "drivers.csv", "name,phone,active\nSam Ortiz,+15555550177,yes\n");
  await page.getByRole("button", { name: "Import 1 row", exact: true }).click();
  await expect(page.getByText("The drivers were imported.")).toBeVisible();
  await expect(page.locator("#drivers-table")).toContainText("Sam Ortiz");

  // Search by a confirmation number as a caller would say it.
  await page.getByLabel("Confirmation number, phone or name").fill("rt 200");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=rt/);
  const rows = page.locator("#reservations-table tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("RT-200");
  await expect(rows).toContainText("Jane Roe");
  await expect(rows).toContainText(`${day} 06:30`);

  // Edit it: the status the agent will say.
  await rows.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Reservation RT-200" })).toBeVisible();
  await page.getByLabel("Status", { exact: true }).fill("on the way");
  await page.locator("#edit-reservation").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Reservation saved.")).toBeVisible();
  await expect(page.locator("#reservations-table")).toContainText("on the way");

  // The voice platform's signed tool call, as it arrives during a call (to
  // the loopback address: Node does not resolve *.localhost as browsers do,
  // and machine routes answer on any host).
  const tool = `http://127.0.0.1:${base.port}/tools/check-reservation`;
  const body = JSON.stringify({
    name: "check_reservation",
    args: { confirmation_number: "rt 200", user_id: "someone-else" },
    call: { call_id: `call_${o.slug}`, agent_id: `agent_${o.slug}`, direction: "inbound", from_number: "+15555550199" },
  });
  const key = `key_e2e_${o.slug.replace(/-/g, "_")}`;
  const at = Date.now();
  const digest = createHmac("sha256", key).update(body + String(at)).digest("hex");
  const res = await request.post(tool, {
    headers: { "content-type": "application/json", "x-retell-signature": `v=${at},d=${digest}` },
    data: body,
  });
  expect(res.status()).toBe(200);
  const said = await res.text();
  expect(said).toContain("RT-200");
  expect(said).toContain("6:30 AM");
  expect(said).toContain("on the way");
  expect(said.toLowerCase()).not.toContain("retell");

  // Signed with another key: refused.
  const forged = createHmac("sha256", "key_someone_else").update(body + String(at)).digest("hex");
  const refused = await request.post(tool, {
    headers: { "content-type": "application/json", "x-retell-signature": `v=${at},d=${forged}` },
    data: body,
  });
  expect(refused.status()).toBe(401);

  // The look-up is counted on the activity page (counts are written every half second).
  await expect(async () => {
    await open(page, orgUrl(o.slug, "/activity"));
    await expect(page.locator("#tool-call-days tbody tr").first()).toContainText("1", { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
});

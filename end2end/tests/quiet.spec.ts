import { expect, test, type Page } from "@playwright/test";
import { admin, open, orgUrl, orgWithACall, signInAs } from "./helpers";

/** Collects what a page says in the browser console at warning level or above. */
function listen(page: Page): string[] {
  const said: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") said.push(`${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on("pageerror", (e) => said.push(`uncaught: ${e.message} (${page.url()})`));
  return said;
}

test("no page of either site logs a warning or an error in the browser console", async ({ browser }) => {
  const { slug, name, email, password } = orgWithACall("Quiet");

  const console_ = await browser.newPage();
  const saidConsole = listen(console_);
  await signInAs(console_, "/login", admin.email, admin.password);
  // `open` also waits for each page to hydrate: a panic in the browser
  // leaves a page dead (the health page once asked WebAssembly for the
  // time, which it has no clock for).
  for (const path of ["/", "/users", "/usage", "/system", "/activity", "/signups", "/billing", "/account"]) {
    await open(console_, path);
  }
  await open(console_, "/");
  await console_.locator("#org-list").getByRole("link", { name }).click();
  await expect(console_.locator("body[data-hydrated]")).toBeAttached();
  await expect(console_.getByRole("heading", { name, level: 1 })).toBeVisible();

  const client = await browser.newPage();
  const saidClient = listen(client);
  await signInAs(client, orgUrl(slug, "/login"), email, password);
  for (const path of ["/", "/agents", "/team", "/settings", "/reservations", "/statements", "/activity", "/account"]) {
    await open(client, orgUrl(slug, path));
  }
  await open(client, orgUrl(slug, "/"));
  await client.locator("#calls tbody tr").first().locator("td a").first().click();
  await expect(client.getByRole("heading", { name: "Transcript" })).toBeVisible();

  expect([...saidConsole, ...saidClient]).toEqual([]);
});


test("an address no organization has gets a styled 404 page under its own policy", async ({ page }) => {
  const said: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") said.push(m.text());
  });
  const res = await page.goto(orgUrl("no-such-org-here", "/"));
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // Its inline style applied (a policy that blocked it would leave the browser's defaults).
  const look = await page.evaluate(() => ({
    margin: getComputedStyle(document.body).margin,
    card: getComputedStyle(document.querySelector("main")!).backgroundColor,
  }));
  expect(look).toEqual({ margin: "0px", card: "rgb(255, 255, 255)" });
  // Chromium reports the 404 status itself; nothing else may be said.
  expect(said.filter((t) => !/status of 404/.test(t))).toEqual([]);
});

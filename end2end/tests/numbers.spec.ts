import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { admin, cli, cliWithInput, open, orgUrl, signInAs, unique } from "./helpers";

/** An organization with its own key, one agent and an admin. */
function orgWithAgent(label: string) {
  const slug = unique(label.toLowerCase());
  const name = `${label} ${slug}`;
  cli("org", "create", "--name", name, "--slug", slug);
  cliWithInput(`key_e2e_${slug.replace(/-/g, "_")}`, "org", "set-retell-key", "--org", slug);
  cli("agent", "create", "--org", slug, "--retell-agent-id", `agent_${slug.replace(/-/g, "_")}`, "--name", "Front desk", "--check");
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");
  return { slug, name, email, password };
}

/** A fictional number no other test uses. */
function fictional(): string {
  return `+1555555${Math.floor(1000 + Math.random() * 8999)}`;
}

/** Connects `number` with the panel's form and waits for it to be listed as connected. */
async function connect(page: Page, number: string) {
  const form = page.locator("#connect-number");
  await form.getByLabel("Number", { exact: true }).fill(number);
  await form.getByLabel("SIP termination URI").fill("desk.pstn.example.com");
  await form.getByLabel("SIP user name (optional)").fill("desk_trunk");
  await form.getByLabel("SIP password (optional)").fill("sip-e2e-secret-77");
  await form.getByRole("button", { name: "Connect number" }).click();
  await expect(page.getByText("Number connected.")).toBeVisible();
  const row = page.locator("#phone-numbers tbody tr", { hasText: number });
  await expect(row).toContainText("Connected");
  await expect(row).toContainText("Front desk");
  await expect(page.locator("body")).not.toContainText("sip-e2e-secret");
  return row;
}

async function disconnect(page: Page, number: string) {
  const row = page.locator("#phone-numbers tbody tr", { hasText: number });
  await row.getByText("Disconnect…").click();
  await row.getByRole("button", { name: `Disconnect ${number}` }).click();
  await expect(page.getByText("Number disconnected and released.")).toBeVisible();
  await expect(page.locator("#phone-numbers tbody tr", { hasText: number })).toHaveCount(0);
}

test("the agency connects a number for an organization, sees it connected, and disconnects it", async ({ page }) => {
  const o = orgWithAgent("Num");
  await signInAs(page, "/login", admin.email, admin.password);
  await page.locator("#org-list").getByRole("link", { name: o.name }).click();
  const panel = page.locator("#phone-numbers");
  await expect(panel.getByText("The organization's own API key")).toBeVisible();

  // A refusal keeps what was typed and says what is wrong, next to the field.
  const form = page.locator("#connect-number");
  await form.getByLabel("Number", { exact: true }).fill("+1 555 555");
  await form.getByLabel("SIP termination URI").fill("not a host");
  await form.getByRole("button", { name: "Connect number" }).click();
  await expect(form.getByText("Enter a host name")).toBeVisible();
  await expect(form.getByLabel("SIP termination URI")).toHaveValue("not a host");

  const number = fictional();
  const row = await connect(page, number);
  await row.getByRole("button", { name: `Check ${number} now` }).click();
  await expect(row).toContainText("Connected");
  await disconnect(page, number);
  // The SIP password reached the platform and no line of the server's log.
  const log = readFileSync("../target/e2e-server.log", "utf8");
  expect(log).not.toContain("sip-e2e-secret");
});

test("the agency stores a shared key on the System page; an organization without its own uses it", async ({ page }) => {
  await signInAs(page, "/login", admin.email, admin.password);
  await open(page, new URL("/system", page.url()).toString());
  const card = page.locator("#shared-key");
  await card.getByLabel("Shared API key").fill("key_e2e_agency_shared_7c3d");
  await card.getByRole("button", { name: "Save shared key" }).click();
  await expect(card.getByText("Set · ends in …7c3d")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("key_e2e_agency_shared");

  // An organization with no key of its own connects a number with it.
  const slug = unique("shr");
  cli("org", "create", "--name", `Shared ${slug}`, "--slug", slug);
  cli("agent", "create", "--org", slug, "--retell-agent-id", `agent_${slug.replace(/-/g, "_")}`, "--name", "Front desk", "--check");
  await open(page, new URL("/", page.url()).toString());
  await page.locator("#org-list").getByRole("link", { name: `Shared ${slug}` }).click();
  await expect(page.locator("#phone-numbers").getByText("The agency's shared API key (…7c3d)")).toBeVisible();
  const number = fictional();
  await connect(page, number);
  await disconnect(page, number);
});

test("an organization's admin manages its numbers only where the agency allows it", async ({ browser }) => {
  const o = orgWithAgent("Own");
  const member = await browser.newPage();
  await signInAs(member, orgUrl(o.slug, "/login"), o.email, o.password);
  await open(member, orgUrl(o.slug, "/agents"));
  await expect(member.locator("#phone-numbers")).toBeVisible();
  await expect(member.locator("#connect-number")).toHaveCount(0);
  // The server refuses too, not only the page.
  const refused = await member.evaluate(async (number) => {
    const res = await fetch("/api/numbers/connect", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({
        "form[number]": number,
        "form[termination_uri]": "desk.pstn.example.com",
        "form[provider]": "other",
      }),
    });
    return res.status;
  }, fictional());
  expect(refused).toBe(403);

  // The agency allows it in the console.
  const agency = await browser.newPage();
  await signInAs(agency, "/login", admin.email, admin.password);
  await agency.locator("#org-list").getByRole("link", { name: o.name }).click();
  await agency.getByRole("button", { name: "Let their admins manage numbers" }).click();
  await expect(agency.getByRole("button", { name: "Stop letting them" })).toBeVisible();

  await open(member, orgUrl(o.slug, "/agents"));
  await expect(member.locator("#connect-number")).toBeVisible();
  await expect(member.locator("body")).not.toContainText("API key (…");
  const number = fictional();
  await connect(member, number);
  await disconnect(member, number);
});

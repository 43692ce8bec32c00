import { expect, test } from "@playwright/test";
import { admin, base, cli, open, orgUrl, signIn, signInAs, unique } from "./helpers";

test("super admin creates an organization and its admin, who then signs in on the subdomain", async ({ browser }) => {
  const slug = unique("org");
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";

  const console = await browser.newPage();
  await signIn(console, "/login", admin.email, admin.password);
  await expect(console.getByRole("heading", { name: "Organizations", exact: true })).toBeVisible();

  // A bad slug keeps what was typed and says what is wrong.
  await console.getByLabel("Name").fill("Broken");
  await console.getByLabel("Slug").fill("Not OK");
  await console.getByRole("button", { name: "Create organization" }).click();
  await expect(console.getByText("Use lower-case letters, digits and hyphens only.")).toBeVisible();
  await expect(console.getByLabel("Slug")).toHaveValue("Not OK");

  // Create the organization: the operator lands on its page.
  await console.getByLabel("Name").fill(`E2E ${slug}`);
  await console.getByLabel("Slug").fill(slug);
  await console.getByRole("button", { name: "Create organization" }).click();
  await expect(console).toHaveURL(/\/orgs\/[0-9a-f-]{36}$/);
  await expect(console.getByRole("heading", { name: `E2E ${slug}`, level: 1 })).toBeVisible();
  await expect(console.getByText("No members yet")).toBeVisible();

  // Its first admin has no account yet: created and added in one step.
  await console.getByLabel("Email", { exact: true }).fill(email);
  await console.getByLabel("Role").selectOption("admin");
  await console.getByRole("button", { name: "Add member" }).click();
  await expect(console.getByText("This person has no account yet")).toBeVisible();
  await expect(console.getByLabel("Email", { exact: true })).toHaveValue(email);
  await console.getByLabel("Password (new accounts only)").fill(password);
  await console.getByRole("button", { name: "Add member" }).click();
  await expect(console.locator("#members").getByRole("cell", { name: email })).toBeVisible();
  await expect(console.getByLabel("Email", { exact: true })).toHaveValue("");

  // A second organization with the same name is allowed, with a warning.
  await open(console, "/");
  await expect(console.locator("#org-list")).toContainText(`E2E ${slug}`);
  await console.getByLabel("Name").fill(`e2e ${slug}`);
  await expect(console.getByText("An organization already has this name")).toBeVisible();
  await console.getByLabel("Name").fill(`E2E ${slug} two`);
  await expect(console.getByText("An organization already has this name")).toHaveCount(0);

  // The new admin signs in on the organization's own subdomain.
  const member = await browser.newPage();
  await signIn(member, orgUrl(slug, "/login"), email, password);
  await expect(member.getByRole("heading", { name: `E2E ${slug}` })).toBeVisible();
  await expect(member.locator(".account-email")).toHaveText(email);
  await expect(member.getByRole("link", { name: "Team" })).toBeVisible();

  // Sign out, and the home page sends them back to sign in.
  await member.getByRole("button", { name: "Sign out" }).click();
  await expect(member).toHaveURL(/\/login$/);
  await member.goto(orgUrl(slug, "/"));
  await expect(member).toHaveURL(/\/login$/);
});

test("a viewer is refused the admin-only team page", async ({ page }) => {
  const slug = unique("view");
  const email = `${slug}@example.com`;
  const password = "viewer password 12345";
  cli("org", "create", "--name", `Viewer ${slug}`, "--slug", slug);
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "viewer");

  await signInAs(page, orgUrl(slug, "/login"), email, password);
  await expect(page.getByRole("heading", { name: `Viewer ${slug}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Team" })).toHaveCount(0);

  const res = await page.goto(orgUrl(slug, "/team"));
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();

  // The console's pages are not the organization's: they do not exist here.
  for (const path of ["/users", "/system", "/usage", "/orgs/00000000-0000-0000-0000-000000000000"]) {
    const res = await page.goto(orgUrl(slug, path));
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
});

test("wrong password and another organization's host are refused", async ({ page }) => {
  const a = unique("orga");
  const b = unique("orgb");
  const email = `${a}@example.com`;
  cli("org", "create", "--name", `A ${a}`, "--slug", a);
  cli("org", "create", "--name", `B ${b}`, "--slug", b);
  cli("user", "create", "--email", email, "--password", "member password 123");
  cli("user", "add-member", "--email", email, "--org", a, "--role", "admin");

  await signIn(page, orgUrl(a, "/login"), email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page.getByLabel("Email")).toHaveValue(email);

  await signIn(page, orgUrl(b, "/login"), email, "member password 123");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");

  cli("org", "suspend", "--org", a);
  await signIn(page, orgUrl(a, "/login"), email, "member password 123");
  await expect(page.getByRole("alert")).toContainText("suspended");
});

test("pages render on the server before any script runs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(orgUrl("no-such-org-here", "/login")).then((r) => expect(r?.status()).toBe(404));
  const slug = unique("ssr");
  cli("org", "create", "--name", `SSR ${slug}`, "--slug", slug);
  const res = await page.goto(orgUrl(slug, "/login"));
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: `SSR ${slug}` })).toBeVisible();
  await expect(page.getByLabel("Email")).toBeVisible();
  // Signed out, the console home redirects to sign-in on the server.
  const home = await page.goto(`${base.origin}/`);
  expect(home?.url()).toMatch(/\/login$/);
  await context.close();
});

import { expect, test, type Page } from "@playwright/test";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { admin, cli, open, orgUrl, signInAs, unique } from "./helpers";

const password = "a sturdy password 42";
const dir = mkdtempSync(join(tmpdir(), "brand-"));

function svg(name: string, fill: string): string {
  const path = join(dir, `${name}.svg`);
  writeFileSync(path, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="${fill}"/></svg>`);
  return path;
}

/** An organization with its own colours and logo, and an admin. */
function brandedOrg(primary: string, rgb: string) {
  const slug = unique("wl");
  cli("org", "create", "--name", `Org ${slug}`, "--slug", slug);
  cli("org", "brand", "--org", slug, "--name", `Brand ${slug}`, "--primary", primary, "--logo", svg(slug, primary));
  const email = `${slug}@example.com`;
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");
  return { slug, email, primary, rgb, name: `Brand ${slug}` };
}

async function expectLook(page: Page, org: { name: string; rgb: string }) {
  const button = page.getByRole("button", { name: "Sign in" });
  await expect(button).toHaveCSS("background-color", org.rgb);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(org.name);
  await expect(page.locator("img.auth-logo")).toHaveAttribute("src", /\/brand\/[0-9a-f-]{36}\/logo\?v=/);
  await expect(page).toHaveTitle(new RegExp(org.name));
}

test("each subdomain shows its own branding, before and after sign-in, and hosts never mix", async ({ page }) => {
  const a = brandedOrg("#c2410c", "rgb(194, 65, 12)");
  const b = brandedOrg("#6d28d9", "rgb(109, 40, 217)");

  await open(page, orgUrl(a.slug, "/login"));
  await expectLook(page, a);
  const logoA = await page.locator("img.auth-logo").getAttribute("src");
  await open(page, orgUrl(b.slug, "/login"));
  await expectLook(page, b);
  expect(await page.locator("img.auth-logo").getAttribute("src")).not.toBe(logoA);
  await open(page, orgUrl(a.slug, "/login"));
  await expectLook(page, a);

  // Signed in, the frame carries the organization's logo and colours.
  await signInAs(page, orgUrl(a.slug, "/login"), a.email, password);
  await expect(page.locator("header .brand")).toContainText(a.name);
  await expect(page.locator("header img.brand-logo")).toHaveAttribute("src", logoA!);
  await expect(page.locator(".nav a[aria-current='page']")).toHaveCSS("color", a.rgb);
  await open(page, orgUrl(b.slug, "/login"));
  await expectLook(page, b);
});

test("the super admin edits branding with a live preview; bad uploads are refused with a reason", async ({ page }) => {
  const org = brandedOrg("#c2410c", "rgb(194, 65, 12)");
  await signInAs(page, "/login", admin.email, admin.password);
  await page.locator("#org-list").getByRole("link", { name: `Org ${org.slug}` }).click();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  const card = page.locator("#branding");
  await expect(card.getByLabel("Primary colour")).toHaveValue("#c2410c");

  // The preview follows the picker, and a light colour is warned about.
  await card.getByLabel("Primary colour").fill("#fff59d");
  await expect(card.locator(".preview-button")).toHaveCSS("background-color", "rgb(255, 245, 157)");
  await expect(card.locator(".preview-button")).toHaveCSS("color", "rgb(17, 24, 39)");
  await expect(card.locator(".contrast-warnings")).toContainText("very light");
  await card.getByLabel("Primary colour").fill("#0e7490");
  await expect(card.locator(".contrast-warnings")).toBeEmpty();
  await card.getByLabel("Name shown in the portal").fill("Harbor Rides");
  await card.getByRole("button", { name: "Save branding" }).click();
  await expect(card.getByText("Branding saved.")).toBeVisible();

  await open(page, orgUrl(org.slug, "/login"));
  await expectLook(page, { name: "Harbor Rides", rgb: "rgb(14, 116, 144)" });

  // Uploads: an SVG with a script is refused and says why; a clean one is used.
  await open(page, `/orgs/${await orgId(page, org.slug)}`);
  const evil = join(dir, "evil.svg");
  writeFileSync(evil, `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`);
  await page.locator("#upload-logo").setInputFiles(evil);
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.locator("#branding .form-error")).toContainText("contains scripts");
  await page.locator("#upload-favicon").setInputFiles(svg("fav", "#0e7490"));
  await page.getByRole("button", { name: "Upload favicon" }).click();
  await expect(page.locator("#branding .form-success")).toContainText("Favicon uploaded.");
  await open(page, orgUrl(org.slug, "/login"));
  await expect(page.locator("link[rel='icon']")).toHaveAttribute("href", /\/brand\/[0-9a-f-]{36}\/favicon\?v=/);
});

/** The organization's id, from the console's list (its link). */
async function orgId(page: Page, slug: string): Promise<string> {
  await open(page, "/");
  const href = await page.locator("#org-list").getByRole("link", { name: `Org ${slug}` }).getAttribute("href");
  return href!.split("/").pop()!;
}

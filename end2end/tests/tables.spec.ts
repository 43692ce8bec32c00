import { expect, test, type Page } from "@playwright/test";
import { admin, cli, open, orgUrl, orgWithACall, signInAs } from "./helpers";

/**
 * Every table on the page: how much wider it is than the frame it sits in,
 * and whether that frame scrolls sideways (a phone may scroll a table, never
 * the whole page).
 */
async function measure(page: Page) {
  return page.evaluate(() => {
    const tables = [...document.querySelectorAll("table")].map((t) => {
      const frame = (t.closest(".table-wrap") ?? t.parentElement) as HTMLElement;
      const name = t.id || t.closest("section,[id]")?.querySelector("h2,h3")?.textContent || t.className || "table";
      return {
        name,
        over: Math.round(t.getBoundingClientRect().width - frame.clientWidth),
        scrolls: getComputedStyle(frame).overflowX === "auto" || getComputedStyle(frame).overflowX === "scroll",
      };
    });
    const root = document.documentElement;
    return { tables, pageOver: root.scrollWidth - root.clientWidth };
  });
}

async function checkAt(page: Page, url: string, width: number) {
  await page.setViewportSize({ width, height: 900 });
  await open(page, url);
  await expect(page.locator("main table").first()).toBeVisible();
  const m = await measure(page);
  expect(m.tables.length, url).toBeGreaterThan(0);
  expect(m.pageOver, `${url} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
  for (const t of m.tables) {
    if (width >= 1280) {
      expect(t.over, `${t.name} on ${url} at ${width}px`).toBeLessThanOrEqual(1);
    } else {
      // On a phone a wide table scrolls inside its own frame.
      expect(t.over <= 1 || t.scrolls, `${t.name} on ${url} at ${width}px`).toBeTruthy();
    }
  }
}

test("tables fit their cards from 1,280 px and scroll only inside their frame on a phone", async ({ browser }) => {
  // Thirty page loads (ten pages at three widths): more than the default
  // minute on a busy two-core machine.
  test.setTimeout(180_000);
  const { slug, name, email, password } = orgWithACall("Tables");
  // A long e-mail and company name, the kind that pushed tables wide.
  const long = `a.very.long.address.for.${slug}@an-unusually-long-domain-name.example.com`;
  cli("user", "create", "--email", long, "--password", "a sturdy password 42");
  cli("user", "add-member", "--email", long, "--org", slug, "--role", "viewer");

  const client = await browser.newPage();
  await signInAs(client, orgUrl(slug, "/login"), email, password);
  const console_ = await browser.newPage();
  await signInAs(console_, "/login", admin.email, admin.password);
  await open(console_, "/");
  await console_.locator("#org-list").getByRole("link", { name }).click();
  await expect(console_.getByRole("heading", { name, level: 1 })).toBeVisible();
  const orgPage = new URL(console_.url()).pathname;

  for (const width of [1280, 1600, 390]) {
    for (const path of ["/", "/agents", "/team", "/activity"]) {
      await checkAt(client, orgUrl(slug, path), width);
    }
    for (const path of ["/", "/usage", "/system", "/activity", "/users", orgPage]) {
      await checkAt(console_, path, width);
    }
  }
});

import { expect, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";

export const base = new URL(process.env.E2E_BASE_URL ?? "http://callboard.localhost:3100");
export const admin = {
  email: process.env.E2E_ADMIN_EMAIL ?? "e2e-admin@callboard.localhost",
  password: process.env.E2E_ADMIN_PASSWORD ?? "",
};

/** The URL of an organization's subdomain. */
export function orgUrl(subdomain: string, path = "/"): string {
  return `${base.protocol}//${subdomain}.${base.host}${path}`;
}

/** A name no other test (or earlier run) uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

/** Navigates and waits until the page has hydrated, so clicks are handled. */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

export async function signIn(page: Page, url: string, email: string, password: string) {
  await open(page, url);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Runs the operator CLI against the e2e database (same binary as the server). */
export function cli(...args: string[]): string {
  return execFileSync(process.env.E2E_BIN ?? "../target/debug/callboard", args, { encoding: "utf8" });
}

/** Runs the operator CLI with `input` on standard input (for secrets). */
export function cliWithInput(input: string, ...args: string[]): string {
  return execFileSync(process.env.E2E_BIN ?? "../target/debug/callboard", args, { encoding: "utf8", input });
}

/** Signs in and waits until the app shows the signed-in frame. */
export async function signInAs(page: Page, url: string, email: string, password: string) {
  await signIn(page, url, email, password);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page).not.toHaveURL(/\/login$/);
}

/**
 * A new organization named `<Label> <slug>` with a key, an agent that has
 * taken one simulated call, and an admin; returns what a test signs in with.
 */
export function orgWithACall(label: string) {
  const slug = unique(label.toLowerCase().slice(0, 5));
  const name = `${label} ${slug}`;
  cli("org", "create", "--name", name, "--slug", slug);
  cliWithInput(`key_e2e_${slug.replace(/-/g, "_")}`, "org", "set-retell-key", "--org", slug);
  const agentId = cli("agent", "create", "--org", slug, "--retell-agent-id", `agent_${slug}`, "--name", "Desk")
    .split("\n")[0]
    .trim();
  cli("simulate-calls", "--org", slug, "--agent", agentId, "--count", "1");
  const email = `${slug}@example.com`;
  const password = "a sturdy password 42";
  cli("user", "create", "--email", email, "--password", password);
  cli("user", "add-member", "--email", email, "--org", slug, "--role", "admin");
  return { slug, name, email, password };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (for a second server). */
export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as import("node:net").AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

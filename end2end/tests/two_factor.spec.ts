import { expect, test } from "@playwright/test";
import { createHmac } from "node:crypto";
import { open, orgUrl, orgWithACall, signIn, signInAs } from "./helpers";

/** RFC 6238 with SHA-1, six digits, 30-second steps: what an authenticator app shows. */
function totp(base32: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/\s|=/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

test("a member turns on two-factor sign-in and then signs in with a recovery code", async ({ page }) => {
  const o = orgWithACall("Guard");
  await signInAs(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await open(page, orgUrl(o.slug, "/account"));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expect(page.locator(".qr svg")).toBeAttached();
  const secret = (await page.getByTestId("totp-secret").textContent())!;
  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await expect(page.getByText("That code is not right.")).toBeVisible();
  await page.getByLabel("Code from the app").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  const codes = page.locator("#recovery-codes code");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!;
  await expect(page.getByText(/On since .* Recovery codes left: 10 of 10\./)).toBeVisible();

  // The next sign-in asks for a code after the password.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, orgUrl(o.slug, "/login"), o.email, o.password);
  await expect(page).toHaveURL(orgUrl(o.slug, "/login/code"));
  await page.getByLabel("Code").fill(recovery);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await open(page, orgUrl(o.slug, "/account"));
  await expect(page.getByText("Recovery codes left: 9 of 10.")).toBeVisible();
});

// Journey: a fan tops up the wallet by card through the test processor, sees the balance and
// the receipt with 0% platform fee; a declined card shows an error and changes nothing.
import { test, expect } from "@playwright/test";
import { hydrated, payWith, signUpFan, snap, uniqueHandle } from "./helpers";

test("a fan tops up by card and gets a receipt with 0% platform fee", async ({ page }) => {
  await signUpFan(page, uniqueHandle("wanda"), "a fan's long passphrase");
  await page.goto("/wallet");
  await hydrated(page);
  await expect(page.getByTestId("balance")).toHaveText("€0.00");
  await snap(page, "wallet-empty");

  await page.locator("label.chip-check", { hasText: "€20.00" }).click();
  await page.getByRole("button", { name: "Top up by card" }).click();
  await expect(page).toHaveURL(/\/test-processor\/checkout\//);
  await payWith(page, "4242 4242 4242 4242");
  await snap(page, "checkout");
  await page.getByRole("button", { name: "Pay €20.00" }).click();

  await expect(page).toHaveURL(/\/wallet\/receipts\/pay_/);
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByTestId("gross")).toHaveText("€20.00");
  await expect(page.getByTestId("processor-fee")).toHaveText("€0.55");
  await expect(page.getByTestId("platform-fee")).toHaveText("€0.00 (0 %)");
  await expect(page.getByTestId("received")).toHaveText("€19.45");
  await snap(page, "receipt");

  await page.getByRole("link", { name: "Back to my wallet" }).click();
  await expect(page.getByTestId("balance")).toHaveText("€19.45");
  await expect(page.locator(".history-line")).toHaveCount(1);
  await expect(page.locator(".history-line")).toContainText("Top-up");
  await snap(page, "wallet-after-top-up");
  await page.setViewportSize({ width: 360, height: 780 });
  await snap(page, "wallet-mobile");
});

test("a declined card shows an error and leaves the balance unchanged", async ({ page }) => {
  await signUpFan(page, uniqueHandle("dina"), "a fan's long passphrase");
  await page.goto("/wallet");
  await hydrated(page);
  await page.getByLabel("Another amount (€)").fill("abc");
  await page.getByRole("button", { name: "Top up this amount" }).click();
  await expect(page.locator("#field-amount-error")).toHaveText("Enter an amount such as 20 or 12.50.");

  await page.getByLabel("Another amount (€)").fill("12,50");
  await page.getByRole("button", { name: "Top up this amount" }).click();
  await payWith(page, "4000 0000 0000 0002");
  await page.getByRole("button", { name: "Pay €12.50" }).click();
  await expect(page.getByRole("alert")).toContainText("Your card was declined");
  await snap(page, "checkout-declined");

  await page.getByRole("link", { name: "Back to Tremplin" }).click();
  await expect(page.getByRole("heading", { name: "Payment failed" })).toBeVisible();
  await page.goto("/wallet");
  await expect(page.getByTestId("balance")).toHaveText("€0.00");
  await expect(page.getByRole("alert")).toContainText("Your top-up of €12.50 did not go through.");
  await snap(page, "wallet-declined");
});

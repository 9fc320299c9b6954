// Journey: someone who forgot their password asks for a link, receives it by mail, chooses a
// new password and is logged in; the link does not work a second time.
import { test, expect } from "@playwright/test";
import { hydrated, logIn, logOut, mailedLinks, signUpFan, snap, uniqueHandle } from "./helpers";

test("a forgotten password is reset through the emailed link", async ({ page }) => {
  const handle = uniqueHandle("rosa");
  const email = await signUpFan(page, handle, "my first long passphrase");
  await logOut(page);

  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByText("If an account uses this address, a link is on its way.")).toBeVisible();
  await snap(page, "reset-requested");

  const resetLinks = () => mailedLinks(email).filter((l) => l.includes("/reset/"));
  await expect.poll(() => resetLinks().length).toBe(1);
  const link = resetLinks()[0];
  expect(link).toMatch(/\/reset\/[0-9a-f]{64}$/);
  await page.goto(new URL(link).pathname);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("my second long passphrase");
  await page.getByLabel("Repeat the new password").fill("my second long passphrase!");
  await page.getByRole("button", { name: "Save my new password" }).click();
  await expect(page.locator("#field-confirm-error")).toHaveText("The two passwords are different.");
  await snap(page, "reset-mismatch");
  await page.getByLabel("Repeat the new password").fill("my second long passphrase");
  await page.getByRole("button", { name: "Save my new password" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator(".account-menu")).toBeVisible();

  await logOut(page);
  await page.goto(new URL(link).pathname);
  await hydrated(page);
  await page.getByLabel("New password", { exact: true }).fill("a third long passphrase");
  await page.getByLabel("Repeat the new password").fill("a third long passphrase");
  await page.getByRole("button", { name: "Save my new password" }).click();
  await expect(page.getByText("This link has expired or was already used. Ask for a new one.")).toBeVisible();
  await snap(page, "reset-link-used");

  await logIn(page, email, "my second long passphrase");
});

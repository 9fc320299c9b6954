// Journey: a logged-in person changes their password in the settings; the old one stops working.
import { test, expect } from "@playwright/test";
import { hydrated, logIn, logOut, signUpFan, snap, uniqueHandle } from "./helpers";

test("a password is changed in the settings", async ({ page }) => {
  const handle = uniqueHandle("paul");
  const email = await signUpFan(page, handle, "the old long passphrase");
  await hydrated(page);
  const form = page.locator("form", { has: page.getByLabel("Current password", { exact: true }) });

  await form.getByLabel("Current password", { exact: true }).fill("not my password");
  await form.getByLabel("New password", { exact: true }).fill("the new long passphrase");
  await form.getByLabel("Repeat the new password").fill("the new long passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-current-error")).toHaveText("This is not your current password.");
  await snap(page, "password-change-error");

  await form.getByLabel("Current password", { exact: true }).fill("the old long passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password has been changed.")).toBeVisible();

  await logOut(page);
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("the old long passphrase");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("Wrong email or password.");
  await logIn(page, email, "the new long passphrase");
});

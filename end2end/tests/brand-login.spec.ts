// Journey: a brand logs in, sees its page; a wrong password is explained next to the field.
import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, logOut, snap } from "./helpers";

test("a brand logs in and reaches its brand page", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(demoEmail("maison_lumiere"));
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("Wrong email or password.");
  await snap(page, "login-error");

  await logIn(page, demoEmail("maison_lumiere"), DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
  await page.locator(".account-menu summary").click();
  await page.getByRole("link", { name: "My public page" }).click();
  await expect(page).toHaveURL(/\/brands\/maison-lumiere$/);
  await expect(page.getByRole("heading", { name: "Maison Lumière" })).toBeVisible();
  await snap(page, "brand-page");

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: /Hello, Maison Lumière/ })).toBeVisible();
  await snap(page, "dashboard");

  await logOut(page);
});

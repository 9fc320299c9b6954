// Journey: switch the interface between French and English.
import { test, expect } from "@playwright/test";
import { snap } from "./helpers";

test("French and English, chosen from the header and remembered", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Votre tremplin, des premiers abonnés à un vrai revenu");
  await snap(page, "home-fr");

  await page.getByRole("banner").getByRole("link", { name: "EN", exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your springboard from first followers to a living");

  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByRole("banner").getByRole("link", { name: "FR", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Se connecter" })).toBeVisible();
  await context.close();
});

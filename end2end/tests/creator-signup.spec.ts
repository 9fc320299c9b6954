// Journey: a small creator signs up, fills the profile, uploads an avatar and sees the public page.
import { test, expect } from "@playwright/test";
import * as path from "path";
import { hydrated, snap, uniqueHandle } from "./helpers";

test("a creator signs up, fills the profile, uploads an avatar, sees the public page", async ({ page }) => {
  const handle = uniqueHandle("zoe");
  await page.goto("/signup");
  await hydrated(page);
  await snap(page, "signup-desktop");

  await page.getByRole("radio", { name: /^Creator/ }).check({ force: true });
  await page.getByLabel("Name shown on your page").fill("Zoé Martin");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Email").fill(`${handle}@example.test`);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create my account" }).click();
  // A weak password is refused next to its field, and what was typed stays.
  await expect(page.locator("#field-password-error")).toHaveText("At least 10 characters.");
  await expect(page.getByLabel("Handle")).toHaveValue(handle);
  await snap(page, "signup-error");

  await page.getByLabel("Password").fill("une phrase assez longue");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/settings\?welcome=1$/);
  await expect(page.getByText("Welcome to Tremplin!")).toBeVisible();

  await page.getByLabel("About you").fill("Recettes végétales et petits budgets, depuis Nantes.");
  await page.locator("label.chip-check", { hasText: "Food" }).click();
  await page.getByLabel("Instagram").fill("800");
  await page.getByLabel("Instagram").press("Tab");

  const avatar = path.join(__dirname, "..", "..", "server", "demo", "camille_cuisine.png");
  await page.locator("#avatar-file").setInputFiles(avatar);
  await expect(page.locator(".avatar-upload img.avatar")).toHaveAttribute("src", /\/media\/avatars\//);

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();
  await snap(page, "settings-desktop");

  await page.getByRole("link", { name: "View my page" }).click();
  await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
  await expect(page.getByRole("heading", { name: "Zoé Martin" })).toBeVisible();
  await expect(page.getByText("Recettes végétales")).toBeVisible();
  await expect(page.locator(".profile-head img.avatar")).toHaveAttribute("src", /\/media\/avatars\//);
  await expect(page.locator(".badge-rising")).toBeVisible();
  await expect(page.locator(".network-count")).toHaveText("800");
  await snap(page, "profile-desktop");

  await page.setViewportSize({ width: 360, height: 780 });
  await snap(page, "profile-mobile");
});

test("a non-image avatar is refused with a clear message", async ({ page }) => {
  const handle = uniqueHandle("yan");
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name shown on your page").fill("Yan");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Email").fill(`${handle}@example.test`);
  await page.getByLabel("Password").fill("une phrase assez longue");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/settings/);
  await page.locator("#avatar-file").setInputFiles({ name: "evil.png", mimeType: "image/png", buffer: Buffer.from("<svg onload=alert(1)>") });
  await expect(page.locator(".avatar-upload .field-error")).toHaveText("This file is not a PNG, JPEG, WebP or GIF image.");
});

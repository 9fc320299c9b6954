// The public pages a visitor meets first, at phone and desktop widths.
import { test, expect } from "@playwright/test";
import { snap } from "./helpers";

for (const [name, width, height] of [["desktop", 1280, 900], ["mobile", 360, 780]] as const) {
  test(`home, discovery and 404 at ${name} width`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Creators to discover" })).toBeVisible();
    const cards = page.locator(".creator-card");
    await expect(cards).toHaveCount(8);
    await expect(page.locator(".creator-card .badge-rising").first()).toBeVisible();
    await snap(page, `home-${name}`);

    await page.goto("/discover");
    await expect(page.locator(".creator-card", { hasText: "Camille Durand" })).toBeVisible();
    await snap(page, `discover-${name}`);

    await page.goto("/@camille_cuisine");
    await expect(page.getByRole("heading", { name: "Camille Durand" })).toBeVisible();
    await snap(page, `creator-${name}`);

    const response = await page.goto("/@nobody_here");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await snap(page, `not-found-${name}`);
  });
}

// The public pages a visitor meets first, at phone and desktop widths.
import { test, expect, Page } from "@playwright/test";
import { hydrated, snap } from "./helpers";

/** Nothing sticks out sideways: the page reads without horizontal scrolling. */
async function fitsWidth(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

for (const [name, width, height] of [["desktop", 1280, 900], ["mobile", 360, 780]] as const) {
  test(`home, discovery and 404 at ${name} width`, async ({ browser }) => {
    // French: the longer labels are the harder test of the layout.
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    // Every picture a page asks for exists (a live event's video poster included).
    const missing: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/media/") && r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    await page.setViewportSize({ width, height });
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Créateurs à découvrir" })).toBeVisible();
    const cards = page.locator(".creator-card");
    await expect(cards).toHaveCount(8);
    await expect(page.locator(".creator-card .badge-rising").first()).toBeVisible();
    await fitsWidth(page, width);
    await snap(page, `home-${name}`);

    await page.goto("/discover");
    await expect(page.locator(".creator-card", { hasText: "Camille Durand" })).toBeVisible();
    await fitsWidth(page, width);
    await snap(page, `discover-${name}`);

    await page.goto("/@camille_cuisine");
    await expect(page.getByRole("heading", { name: "Camille Durand" })).toBeVisible();
    await fitsWidth(page, width);
    await snap(page, `creator-${name}`);

    await page.getByRole("link", { name: "Boutique" }).click();
    await expect(page.getByTestId("shop-items")).toContainText("Tablier brodé");
    await fitsWidth(page, width);
    await snap(page, `shop-${name}`);

    // An event with its room: the chat sits beside the page on a desktop, below it on a phone.
    await page.goto("/live");
    await page.getByRole("link", { name: "Dimanche en cuisine : vos questions" }).first().click();
    await expect(page.getByRole("heading", { name: "Chat" })).toBeVisible();
    await expect(page.getByTestId("room").getByText("● en direct")).toBeVisible();
    await fitsWidth(page, width);
    await snap(page, `live-event-${name}`);

    const response = await page.goto("/@nobody_here");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
    await snap(page, `not-found-${name}`);
    expect(missing).toEqual([]);
    await context.close();
  });
}

test("plain links move between pages inside the app, and the header marks the section shown", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  // A value on the window survives only if the router handled the click (no new document).
  await page.evaluate(() => ((window as unknown as { stayed: number }).stayed = 1));
  await page.locator(".creator-card").first().click();
  await expect(page).toHaveURL(/\/@[a-z_]+$/);
  await page.locator(".main-nav").getByRole("link", { name: "Live events" }).click();
  await expect(page).toHaveURL(/\/live$/);
  expect(await page.evaluate(() => (window as unknown as { stayed?: number }).stayed)).toBe(1);
  const nav = page.locator(".main-nav");
  await expect(nav.getByRole("link", { name: "Live events" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Discover" })).not.toHaveAttribute("aria-current", "page");

  // Below a section is in it too, opened directly as well as by a click.
  await page.goto("/live/1");
  await expect(page.locator(".main-nav").getByRole("link", { name: "Live events" })).toHaveAttribute("aria-current", "page");
});

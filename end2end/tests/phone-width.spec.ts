// Signed-in pages read on a phone without scrolling sideways, in French (the longer labels),
// and the pages with a hidden file input do not widen a desktop page either.
import { test, expect, Page } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, logIn, snap } from "./helpers";

async function fitsWidth(page: Page, path: string, width: number) {
  await page.goto(path);
  await expect(page.locator("main")).toBeVisible();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide, `${path} is ${wide}px wide`).toBeLessThanOrEqual(width);
}

const pages: [string, string[]][] = [
  ["velocita", ["/deals", "/orders", "/brand/products", "/campaigns", "/wallet", "/shop/report"]],
  ["julien_velo", ["/shop/manage", "/orders", "/deals", "/earnings", "/shop/report"]],
  ["tremplin_ops", ["/operator/payouts", "/operator/deals"]],
];

for (const [handle, paths] of pages) {
  test(`${handle}'s pages fit a 360 px phone in French`, async ({ browser }) => {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 360, height: 780 } });
    const page = await context.newPage();
    await logIn(page, demoEmail(handle), DEMO_PASSWORD);
    for (const path of paths) await fitsWidth(page, path, 360);
    await snap(page, `phone-${handle}`);
    await context.close();
  });
}

test("the product editor and the studio, with their hidden file inputs, fit the screen", async ({ browser }) => {
  for (const [width, height] of [[360, 780], [1280, 900]]) {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width, height } });
    const page = await context.newPage();
    await logIn(page, demoEmail("lucas_music"), DEMO_PASSWORD);
    await page.goto("/shop/manage");
    const edit = page.getByRole("link", { name: "Modifier" }).first();
    const editor = (await edit.getAttribute("href"))!;
    await fitsWidth(page, editor, width);
    // Lucas's demo event, the first one the demo data schedules (other journeys may have ended it).
    await fitsWidth(page, "/live/1/studio", width);
    await expect(page.getByText("Session acoustique du mardi").first()).toBeVisible();
    await context.close();
  }
});

test("from 1,024 px the header keeps one row for visitors and every role, in French and English", async ({ browser }) => {
  for (const locale of ["fr-FR", "en-GB"]) {
    for (const handle of ["", "lea", "lucas_music", "velocita", "tremplin_ops"]) {
      const context = await browser.newContext({ locale, viewport: { width: 1024, height: 900 } });
      const page = await context.newPage();
      if (handle) await logIn(page, demoEmail(handle), DEMO_PASSWORD);
      await page.goto("/discover");
      // 1,366 px and up also show the account's name beside its avatar.
      for (const width of [1024, 1180, 1280, 1366, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        const rows = await page.evaluate(() => {
          // The sections strip may give way to the menu button (visitors below 1,200 px).
          const shown = [".brand-mark", ".main-nav", ".header-actions"]
            .map((s) => document.querySelector(s)!.getBoundingClientRect())
            .filter((r) => r.width > 0);
          return new Set(shown.map((r) => Math.round(r.top + r.height / 2))).size;
        });
        expect(rows, `${handle || "a visitor"}'s header in ${locale} at ${width} px`).toBe(1);
        // Every section is reachable: in the strip, or in the menu.
        const strip = await page.locator(".main-nav").isVisible();
        expect(strip || (await page.getByTestId("phone-menu").isVisible()), `${width} px`).toBe(true);
      }
      await context.close();
    }
  }
});

test("a phone's menu reaches every section and account page, without JavaScript too", async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 360, height: 780 }, javaScriptEnabled });
    const page = await context.newPage();
    if (javaScriptEnabled) {
      await logIn(page, demoEmail("lucas_music"), DEMO_PASSWORD);
    } else {
      // Without JavaScript the login form posts as a plain form and comes back signed in.
      await page.goto("/login");
      await page.getByLabel(/^(Email|E-mail)$/).fill(demoEmail("lucas_music"));
      await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Se connecter" }).click();
      await page.goto("/");
    }
    await expect(page.locator(".main-nav")).toBeHidden();
    const menu = page.getByTestId("phone-menu");
    await menu.locator("summary").click();
    for (const name of ["Découvrir", "Lives", "Trouver des créateurs", "Porte-monnaie", "Revenus", "Collaborations", "Ma boutique"]) {
      await expect(menu.getByRole("link", { name, exact: true })).toBeVisible();
    }
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(360);
    if (javaScriptEnabled) {
      await snap(page, "phone-menu-open");
      // As menus do: Escape closes it and gives the focus back to its button; so does a
      // click anywhere else on the page.
      await page.keyboard.press("Escape");
      await expect(menu).not.toHaveAttribute("open");
      await expect(menu.locator("summary")).toBeFocused();
      await menu.locator("summary").click();
      await expect(menu).toHaveAttribute("open");
      await page.locator("main").dispatchEvent("click");
      await expect(menu).not.toHaveAttribute("open");
      await menu.locator("summary").click();
    }
    await menu.getByRole("link", { name: "Porte-monnaie", exact: true }).click();
    await expect(page).toHaveURL(/\/wallet$/);
    await context.close();
  }
});

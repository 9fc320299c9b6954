// Journeys: a new fan confirms their address from the welcome mail; someone logs in with a link
// mailed to them instead of their password.
import { test, expect } from "@playwright/test";
import { hydrated, logOut, mailedLinks, signUpFan, snap, uniqueHandle } from "./helpers";

const linksTo = (email: string, path: string) => mailedLinks(email).filter((l) => l.includes(path));

test("a new address is confirmed from the welcome mail", async ({ page }) => {
  const handle = uniqueHandle("lina");
  const email = await signUpFan(page, handle, "a long enough passphrase");
  await hydrated(page);
  const section = page.locator("#email");
  await expect(section.getByTestId("email-state")).toHaveText("Not confirmed");
  await expect(section).toContainText(email);
  await section.getByRole("button", { name: "Send the link again" }).click();
  await expect(section.getByRole("status")).toContainText("A new link is on its way.");
  await page.setViewportSize({ width: 360, height: 800 });
  await section.scrollIntoViewIfNeeded();
  await snap(page, "settings-email-unconfirmed-360");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 900 });

  await expect.poll(() => linksTo(email, "/confirm/").length).toBe(2);
  const link = linksTo(email, "/confirm/")[0];
  expect(link).toMatch(/\/confirm\/[0-9a-f]{64}$/);
  await page.goto(new URL(link).pathname);
  await expect(page.getByTestId("email-confirmed")).toHaveText(`${email} is confirmed. Thank you!`);
  await snap(page, "email-confirmed");
  await page.getByRole("link", { name: "Go to your settings" }).click();
  await expect(page.locator("#email").getByTestId("email-state")).toHaveText("Confirmed");
  await expect(page.getByRole("button", { name: "Send the link again" })).toHaveCount(0);

  // The other link, opened later on another device, says the address is confirmed; a made-up
  // one does not.
  await logOut(page);
  await page.goto(new URL(linksTo(email, "/confirm/")[1]).pathname);
  await expect(page.getByTestId("email-confirmed")).toContainText(email);
  await page.goto(`/confirm/${"0".repeat(64)}`);
  await expect(page.getByRole("alert")).toHaveText("This link has expired or was already used. Ask for a new one.");
  await expect(page.getByTestId("email-confirmed")).toHaveCount(0);
});

test("a mailed link logs in without the password, once", async ({ page }) => {
  const handle = uniqueHandle("malo");
  const email = await signUpFan(page, handle, "a long enough passphrase");
  await logOut(page);

  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Email me a login link" }).click();
  await expect(page.getByRole("heading", { name: "Log in by email" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me the link" }).click();
  await expect(page.getByRole("status")).toContainText("a login link is on its way");
  await expect(page.getByRole("link", { name: "Back to log in" })).toBeVisible();
  await snap(page, "login-link-requested");

  await expect.poll(() => linksTo(email, "/login/link/").length).toBe(1);
  const link = new URL(linksTo(email, "/login/link/")[0]).pathname;
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Log in to Tremplin" })).toBeVisible();
  await expect(page.locator(".account-menu")).toHaveCount(0);
  await snap(page, "login-link-page");
  await page.getByRole("button", { name: "Log me in" }).click();
  await expect(page.locator(".account-menu")).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  await logOut(page);
  await page.goto(link);
  await hydrated(page);
  await page.getByRole("button", { name: "Log me in" }).click();
  await expect(page.getByRole("alert")).toHaveText("This link has expired or was already used. Ask for a new one.");
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();
});

test("without JavaScript, asking for a login link says it was sent", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login/link");
  await page.getByLabel("Email").fill("someone-without-js@example.test");
  await page.getByRole("button", { name: "Send me the link" }).click();
  await expect(page.getByRole("status")).toContainText("a login link is on its way");
  await context.close();
});

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
  await expect(page.getByTestId("email-confirmed")).toHaveText("Your email address is confirmed. Thank you!");
  await snap(page, "email-confirmed");
  await page.getByRole("link", { name: "Go to your settings" }).click();
  await expect(page.locator("#email").getByTestId("email-state")).toHaveText("Confirmed");
  await expect(page.getByRole("button", { name: "Send the link again" })).toHaveCount(0);

  // The other link was retired with the first: to someone else it says so.
  await logOut(page);
  await page.goto(new URL(linksTo(email, "/confirm/")[1]).pathname);
  await expect(page.getByRole("alert")).toHaveText("This link has expired or was already used. Ask for a new one.");
});

test("a mailed link logs in without the password, once", async ({ page }) => {
  const handle = uniqueHandle("malo");
  const email = await signUpFan(page, handle, "a long enough passphrase");
  await logOut(page);

  await page.goto("/login");
  await hydrated(page);
  await page.getByRole("link", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Sign in by email" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me the link" }).click();
  await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");
  await snap(page, "login-link-requested");

  await expect.poll(() => linksTo(email, "/login/link/").length).toBe(1);
  const link = new URL(linksTo(email, "/login/link/")[0]).pathname;
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Sign in to Tremplin" })).toBeVisible();
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

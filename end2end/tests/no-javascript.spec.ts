// Journey: the sign-up form works before (or without) the WASM.
import { test, expect } from "@playwright/test";
import { snap, uniqueHandle } from "./helpers";

test("sign up with JavaScript disabled", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-GB" });
  const page = await context.newPage();
  const handle = uniqueHandle("nojs");
  await page.goto("/signup?role=fan");
  await page.getByLabel("Name shown on your page").fill("Sans Script");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Email").fill(`${handle}@example.test`);
  await page.getByLabel("Password").fill("une phrase assez longue");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/settings\?welcome=1$/);
  await expect(page.getByText("Welcome to Tremplin!")).toBeVisible();
  await expect(page.locator(".account-name")).toHaveText("Sans Script");
  await snap(page, "nojs-after-signup");
  await context.close();
});

test("without JavaScript, a refused sign-up shows the error and keeps what was typed", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-GB" });
  const page = await context.newPage();
  const handle = uniqueHandle("nojs");
  // The role is picked on the form, not named by the link: it must come back all the same.
  await page.goto("/signup");
  await page.getByRole("radio", { name: /^Fan/ }).check();
  await page.getByLabel("Name shown on your page").fill("Sans Script");
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Email").fill("lea@demo.tremplin.test");
  await page.getByLabel("Password").fill("une phrase assez longue");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.locator("#field-email-error")).toHaveText("An account already uses this email.");
  await expect(page.getByLabel("Handle")).toHaveValue(handle);
  await expect(page.getByLabel("Name shown on your page")).toHaveValue("Sans Script");
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByRole("radio", { name: /^Fan/ })).toBeChecked();
  await snap(page, "nojs-signup-error");
  await context.close();
});

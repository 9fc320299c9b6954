import { Page, expect } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";

export const DEMO_PASSWORD = "tremplin-demo-2026";
export const demoEmail = (handle: string) => `${handle.replace(/_/g, ".")}@demo.tremplin.test`;

/** Saves a screenshot under end2end/screenshots, kept as a CI artifact. */
export async function snap(page: Page, name: string) {
  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Waits until the WASM has hydrated the page, so clicks reach Leptos handlers. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
}

export async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel(/^(Email|E-mail)$/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await page.getByRole("button", { name: /^(Log in|Se connecter)$/ }).click();
  await expect(page.locator(".account-menu")).toBeVisible();
}

/** A unique handle per run, so specs can run against a server that already has data. */
export const uniqueHandle = (prefix: string) => `${prefix}_${Date.now().toString(36)}`;

import { Browser, Page, expect } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { port } from "../playwright.config";

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
  // Signed in, the header has the account menu (hidden on phones, where the phone menu holds it).
  await expect(page.locator(".account-menu")).toBeAttached();
}

/** A unique handle per run, so specs can run against a server that already has data. */
export const uniqueHandle = (prefix: string) => `${prefix}_${Date.now().toString(36)}`;

/** Signs up a new fan through the form and returns their email. */
export async function signUpFan(page: Page, handle: string, password: string) {
  const email = `${handle}@example.test`;
  await page.goto("/signup");
  await hydrated(page);
  await page.getByRole("radio", { name: /^Fan/ }).check({ force: true });
  await page.getByLabel("Name shown on your page").fill(handle);
  await page.getByLabel("Handle").fill(handle);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/settings/);
  return email;
}

export async function logOut(page: Page) {
  await page.locator(".account-menu summary").click();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Log in" })).toBeVisible();
}

/** The links of the mails the test server wrote to its outbox for `to`, oldest first. */
export function mailedLinks(to: string): string[] {
  const outbox = `/tmp/tremplin-e2e-${port}/outbox`;
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .sort()
    .map((name) => fs.readFileSync(path.join(outbox, name), "utf8"))
    .filter((mail) => mail.startsWith(`To: ${to}\n`))
    .flatMap((mail) => mail.match(/https?:\/\/\S+/g) ?? []);
}

/** Fills the test processor's checkout page with a test card (the caller presses Pay). */
export async function payWith(page: Page, card: string) {
  await expect(page.getByText("Test mode")).toBeVisible();
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry").fill("12/34");
  await page.getByLabel("CVC").fill("123");
}

/** A page in a browser context of its own (a person with their own browser), logged in as the
 *  demo account `handle` if one is given, `width` pixels wide. */
export async function personPage(browser: Browser, handle?: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  if (handle) await logIn(page, demoEmail(handle), DEMO_PASSWORD);
  return page;
}

/** Opens the event page or studio at `path` and waits until its room's socket is live. */
export async function enterRoom(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
  await expect(page.getByTestId("room").getByText("● live")).toBeVisible();
}

// The hostile-input suite in a browser (issue 21): a creator names a product and an event with
// text that would break out of the page's `<title>`, a `<textarea>` or an attribute if it were
// written as markup. Every page that shows them, server-rendered and then hydrated, shows the
// text literally and runs none of it: no dialog opens, no element of the payload exists.
import { test, expect, Page } from "@playwright/test";
import { hydrated } from "./helpers";

const SCRIPT = "</title><script>alert(1)</script>";
const TEXTAREA = "</textarea><img src=x onerror=alert(2)>";
const ATTRIBUTE = '"><svg onload=alert(3)>';
const JS_URL = "javascript:alert(4)";
/** The four payloads in one text (118 characters: it fits every title). */
const ALL = [SCRIPT, TEXTAREA, ATTRIBUTE, JS_URL].join(" ");

/** `YYYY-MM-DDTHH:MM` in UTC, `hours` from now, as the date-time field takes it. */
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 16);

/** Fails the test on any dialog the page opens (an `alert` run by a payload). */
function failOnDialog(page: Page, dialogs: string[]) {
  page.on("dialog", async (dialog) => {
    dialogs.push(`${page.url()}: ${dialog.type()} ${dialog.message()}`);
    await dialog.dismiss();
  });
}

/** The page's main heading: the one showing the payload. */
const heading = (page: Page) => page.locator("h1").filter({ hasText: "alert(1)" }).first();

/** Nothing of a payload became an element or a link, and `document.title` holds `title` as text. */
async function inert(page: Page, title: string) {
  await expect(page.locator('img[src="x"], img[onerror], svg[onload]')).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  const scripts = await page.locator("script").evaluateAll((all) => all.map((s) => s.textContent ?? ""));
  expect(scripts.filter((s) => s.trim().startsWith("alert("))).toEqual([]);
  const shown = await page.evaluate(() => document.title);
  expect(shown).toContain(title);
}

test("hostile product and event names are shown as text and run nothing, before and after hydration", async ({ browser }) => {
  const handle = `hostile_${Date.now().toString(36)}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs: string[] = [];
  failOnDialog(page, dialogs);

  // A new creator (the session cookie lands in this browser), named with a payload too.
  const signup = await page.request.post("/api/signup", {
    headers: { accept: "application/json" },
    form: {
      role: "creator",
      email: `${handle}@example.test`,
      display_name: `${SCRIPT} ${ATTRIBUTE}`,
      handle,
      password: "a long enough passphrase",
    },
  });
  expect(signup.ok()).toBeTruthy();

  // The product, through the shop desk's form.
  await page.goto("/shop/manage");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(ALL);
  await page.getByLabel("Description").fill(ALL);
  await page.getByLabel("Price").fill("20");
  await page.getByLabel("Choice 1").fill(TEXTAREA);
  await page.getByLabel("Stock 1").fill("5");
  await page.getByRole("button", { name: "Save the product" }).click();
  await expect(page).toHaveURL(/\/products\/\d+\/edit$/);
  const productId = page.url().match(/\/products\/(\d+)\/edit/)![1];
  const publish = await page.request.post("/api/shelf", {
    headers: { accept: "application/json" },
    form: { product: productId, action: "publish" },
  });
  expect(publish.ok()).toBeTruthy();

  // The event, through the scheduling form.
  await page.goto("/live/new");
  await hydrated(page);
  await page.getByLabel("Title").fill(ALL);
  await page.getByLabel("What it is about").fill(ALL);
  await page.getByLabel("Starts at").fill(inHours(3));
  await page.getByRole("button", { name: "Schedule the event" }).click();
  await expect(page).toHaveURL(/\/live\/\d+\/studio$/);
  const eventId = page.url().match(/\/live\/(\d+)\/studio/)![1];

  // The edit page, loaded fresh: the text area holds the description exactly, and the name field too.
  await page.goto(`/products/${productId}/edit`);
  await hydrated(page);
  await expect(page.getByLabel("Description")).toHaveValue(ALL);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(ALL);
  await inert(page, "");

  // The product page, in the creator's shop and on its own, as its seller.
  for (const path of [`/@${handle}/shop/${productId}`, `/products/${productId}`]) {
    await page.goto(path);
    await hydrated(page);
    await expect(heading(page)).toContainText(SCRIPT);
    await expect(heading(page)).toHaveText(ALL);
    await inert(page, ALL);
  }

  // The event page and the studio.
  for (const path of [`/live/${eventId}`, `/@${handle}/live/${eventId}`]) {
    await page.goto(path);
    await hydrated(page);
    await expect(heading(page)).toContainText(SCRIPT);
    await expect(heading(page)).toHaveText(ALL);
    await inert(page, ALL);
  }

  // A visitor without an account: the shop (twice: its micro-cache serves the second), the
  // product and the event; the creator's name is in the shop's title.
  const visitor = await (await browser.newContext()).newPage();
  failOnDialog(visitor, dialogs);
  for (let visit = 0; visit < 2; visit++) {
    await visitor.goto(`/@${handle}/shop`);
    await hydrated(visitor);
    await expect(visitor.getByTestId("shop-items")).toContainText(ALL);
    await expect(heading(visitor)).toContainText(`${SCRIPT} ${ATTRIBUTE}`);
    await inert(visitor, `${SCRIPT} ${ATTRIBUTE}`);
  }
  await visitor.goto(`/@${handle}`);
  await hydrated(visitor);
  await inert(visitor, `${SCRIPT} ${ATTRIBUTE}`);
  for (const path of [`/@${handle}/shop/${productId}`, `/products/${productId}`, `/live/${eventId}`, `/@${handle}/live/${eventId}`]) {
    await visitor.goto(path);
    await hydrated(visitor);
    await expect(heading(visitor)).toHaveText(ALL);
    await inert(visitor, ALL);
  }

  // Client-side navigation (no server HTML): from the shop to the product, the title follows.
  await visitor.goto(`/@${handle}/shop`);
  await hydrated(visitor);
  await visitor.getByTestId("shop-items").getByRole("link").first().click();
  await expect(visitor).toHaveURL(new RegExp(`/@${handle}/shop/${productId}$`));
  await expect(heading(visitor)).toHaveText(ALL);
  await inert(visitor, ALL);

  // A link cannot fill in a form: the donation box of the event page stays empty.
  await visitor.goto(`/live/${eventId}?v.message=${encodeURIComponent(TEXTAREA)}&v.title=${encodeURIComponent(SCRIPT)}`);
  await hydrated(visitor);
  await inert(visitor, ALL);
  for (const area of await visitor.locator("textarea").all()) {
    await expect(area).toHaveValue("");
  }

  expect(dialogs).toEqual([]);
});

// Journeys 1 and 4: a small creator opens a shop with a T-shirt in stock; a brand lists a
// product at 15% commission, the creator adds it to their shop, a fan follows the creator's
// link and buys it by card; stock goes down once, the brand ships, the return window passes
// (the test clock) and the commission reaches the creator, then a refund claws it back.
// Creator, brand and fan each have their own browser context.
import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { baseURL } from "../playwright.config";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, payWith, signUpFan, snap, uniqueHandle } from "./helpers";

const picture = (name: string) => path.join(__dirname, "..", "..", "server", "demo", "products", `${name}.png`);

/** Fills the product form: `variants` as [name, stock] rows. */
async function fillProduct(page: Page, title: string, price: string, variants: [string, string][]) {
  await page.getByLabel("Name", { exact: true }).fill(title);
  await page.getByLabel("Description").fill(`${title}, made with care.`);
  await page.getByLabel("Price").fill(price);
  for (const [i, [name, stock]] of variants.entries()) {
    await page.getByLabel(`Choice ${i + 1}`).fill(name);
    await page.getByLabel(`Stock ${i + 1}`).fill(stock);
  }
}

test("a small creator opens a shop with a T-shirt in stock and shares it", async ({ page, context }) => {
  await logIn(page, demoEmail("sarah_tech"), DEMO_PASSWORD);
  await page.goto("/shop/manage");
  await hydrated(page);
  await expect(page.getByTestId("shop-link")).toContainText("/r/");
  // One tap copies the link to share.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const share = page.locator(".share").filter({ has: page.getByTestId("shop-link") });
  await share.getByRole("button", { name: "Copy" }).click();
  await expect(share.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe((await page.getByTestId("shop-link").textContent())!.trim());
  // Bad input stays on the page with its error next to the field.
  await fillProduct(page, "T-shirt Sarah Tech", "-5", [["S", "3"], ["M", "-2"]]);
  await page.getByRole("button", { name: "Save the product" }).click();
  await expect(page.locator("#field-price-error")).toContainText("Enter an amount");
  await page.getByLabel("Price").fill("22");
  await page.getByRole("button", { name: "Save the product" }).click();
  await expect(page.locator(".variant-row.field-invalid")).toContainText("whole number");
  await page.getByLabel("Stock 2").fill("2");
  await page.getByRole("button", { name: "Save the product" }).click();

  // The editor: an image with its progress, then publish from the shop desk.
  await expect(page).toHaveURL(/\/products\/\d+\/edit$/);
  await hydrated(page);
  await page.locator("#product-image").setInputFiles(picture("tee"));
  await expect(page.getByTestId("product-images").locator("img")).toHaveCount(1);
  await page.locator("#product-image").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(page.getByTestId("image-error")).toContainText("not a PNG");
  await page.getByRole("link", { name: "← Back" }).click();
  await hydrated(page);
  const item = page.getByTestId("shelf-item").filter({ hasText: "T-shirt Sarah Tech" });
  await expect(item).toContainText("5 in stock");
  await item.getByRole("button", { name: "Publish" }).click();
  await expect(item).toContainText("Published");
  await snap(page, "shop-desk");

  const shopLink = (await page.getByTestId("shop-link").textContent())!.trim();
  const fan = await (await page.context().browser()!.newContext()).newPage();
  await fan.goto(shopLink.replace(/^https?:\/\/[^/]+/, ""));
  await expect(fan).toHaveURL(/\/@sarah_tech\/shop$/);
  await expect(fan.getByTestId("shop-items")).toContainText("T-shirt Sarah Tech");
  await expect(fan.getByTestId("shop-items")).toContainText("€22.00");
  // The card shows a WebP copy about the width it is shown at, not the uploaded original.
  const thumb = fan.getByTestId("shop-items").locator("li", { hasText: "T-shirt Sarah Tech" }).locator("img");
  await thumb.scrollIntoViewIfNeeded();
  await expect
    .poll(() => thumb.evaluate((img: HTMLImageElement) => (img.complete && img.naturalWidth > 0 ? img.currentSrc : "")))
    .toMatch(/\/media\/products\/\d+\/[0-9a-f]+\.png\.w(160|320|640)\.webp$/);
  await snap(fan, "shop-page");
});

test("a fan buys a brand product through a creator's link; the commission comes, then a refund claws it back", async ({ browser, request }) => {
  const title = `Sacoche de cadre ${Date.now().toString(36)}`;
  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("velocita"), DEMO_PASSWORD);
  await brand.goto("/brand/products");
  await hydrated(brand);
  await fillProduct(brand, title, "40", [["", "5"]]);
  await brand.getByLabel("Creator commission (%)").fill("81");
  await brand.getByRole("button", { name: "Save the product" }).click();
  await expect(brand.locator("#field-commission-error")).toContainText("At most 80%");
  await brand.getByLabel("Creator commission (%)").fill("15");
  await brand.getByRole("button", { name: "Save the product" }).click();
  await expect(brand).toHaveURL(/\/products\/\d+\/edit$/);
  const productId = brand.url().match(/\/products\/(\d+)\/edit/)![1];

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("julien_velo"), DEMO_PASSWORD);
  await creator.goto("/catalogue");
  await hydrated(creator);
  await expect(creator.getByTestId("clawback-rule")).toContainText("taken back from your earnings");
  const offer = creator.getByTestId("catalogue-item").filter({ hasText: title });
  await expect(offer).toContainText("15 % commission");
  await expect(offer).toContainText("you earn €6.00 a sale");
  await offer.getByLabel("I understand that refunds take the commission back").check();
  await offer.getByRole("button", { name: "Add to my shop" }).click();
  await expect(offer).toContainText("In your shop");
  await snap(creator, "catalogue");
  await creator.goto("/shop/manage");
  const shelved = creator.getByTestId("shelf-item").filter({ hasText: title });
  await expect(shelved).toContainText("You earn 15 %");
  const link = (await shelved.locator("code.share-link").textContent())!.trim().replace(/^https?:\/\/[^/]+/, "");

  // The fan follows the link, signs up, and pays by card.
  const fan = await (await browser.newContext()).newPage();
  await signUpFan(fan, uniqueHandle("buyer"), "a long enough passphrase");
  await fan.goto(link);
  await expect(fan).toHaveURL(new RegExp(`/@julien_velo/shop/${productId}$`));
  await hydrated(fan);
  await expect(fan.getByTestId("price")).toHaveText("€40.00");
  await fan.getByLabel("Quantity").fill("6");
  await fan.getByRole("button", { name: "Add to cart" }).click();
  await expect(fan.locator("#field-quantity-error")).toContainText("Only 5 left");
  await fan.getByLabel("Quantity").fill("1");
  await fan.getByRole("button", { name: "Add to cart" }).click();
  await fan.getByRole("link", { name: "View your cart" }).click();
  await hydrated(fan);
  await expect(fan.getByTestId("cart-total")).toHaveText("€40.00");
  await fan.getByLabel("Full name").fill("Ana Fan");
  await fan.getByLabel("Address").fill("1 rue de la Paix\n75002 Paris");
  await snap(fan, "cart");
  await fan.getByTestId("checkout").click();
  await payWith(fan, "4242 4242 4242 4242");
  await fan.getByRole("button", { name: /^Pay/ }).click();
  await expect(fan.getByTestId("confirmation")).toHaveText("Thank you, your order is paid");
  await snap(fan, "order-confirmation");
  await fan.getByTestId("order").getByRole("link").first().click();
  const orderUrl = fan.url();

  // Stock went down exactly once.
  await brand.goto("/brand/products");
  const listed = brand.locator("li", { hasText: title });
  await expect(listed).toContainText("4 in stock");
  await expect(listed.getByTestId("promoters")).toContainText("Julien");

  // The brand ships; the fan says it arrived.
  await brand.goto(orderUrl);
  await hydrated(brand);
  await expect(brand.getByTestId("commission")).toContainText("€6.00");
  await brand.getByLabel("Carrier").fill("Colissimo");
  await brand.getByLabel("Tracking number").fill("6A0000000042");
  await brand.getByRole("button", { name: "Mark as shipped" }).click();
  await expect(brand.getByTestId("order-state")).toHaveText("Shipped");
  await fan.reload();
  await hydrated(fan);
  await expect(fan.getByTestId("tracking")).toContainText("6A0000000042");
  await fan.getByRole("button", { name: "The parcel arrived" }).click();
  await expect(fan.getByTestId("order-state")).toHaveText("Delivered");

  await creator.goto(orderUrl);
  await expect(creator.getByTestId("commission-state")).toContainText("becomes available on");
  const commissions = async () => {
    await creator.goto("/earnings");
    const row = creator.getByTestId("income").getByRole("row", { name: /Shop commissions/ });
    return Number((await row.locator("td").last().textContent())!.replace(/[^\d.-]/g, ""));
  };
  const before = await commissions();

  const fifteenDays = 15 * 86_400;
  const move = (secs: number) =>
    request.post(`${baseURL}/test/clock`, { form: { secs: String(secs) }, headers: { origin: baseURL } });
  expect((await move(fifteenDays)).ok()).toBeTruthy();
  try {
    await creator.goto(orderUrl);
    await expect(creator.getByTestId("commission-state")).toHaveText("Your commission is in your earnings.");
    const released = await commissions();
    expect(released).toBeGreaterThanOrEqual(before + 6);

    // A refund after the window takes the commission back.
    await brand.goto(orderUrl);
    await hydrated(brand);
    await brand.getByLabel("Amount to refund").fill("50");
    await brand.getByRole("button", { name: "Refund" }).click();
    await expect(brand.locator("#field-amount-error")).toContainText("At most €40.00");
    await brand.getByLabel("Amount to refund").fill("");
    await brand.getByRole("button", { name: "Refund" }).click();
    await expect(brand.getByTestId("order-state")).toHaveText("Refunded");
    await expect(brand.getByTestId("commission")).toContainText("taken back");
    expect(await commissions()).toBeCloseTo(released - 6, 2);
    await creator.goto(orderUrl);
    await snap(creator, "order-clawed-back");
  } finally {
    await move(-fifteenDays);
  }
  await fan.goto("/wallet");
  await expect(fan.getByTestId("balance")).not.toHaveText("€0.00");

  // The creator's report counts the click and the order of that link, and exports the orders.
  await creator.goto("/shop/report");
  await hydrated(creator);
  await expect(creator.getByTestId("report-links").getByRole("row", { name: new RegExp(title) })).toContainText("100.0 %");
  await snap(creator, "creator-report");
  const download = creator.waitForEvent("download");
  await creator.getByRole("link", { name: "Download the orders (CSV)" }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  expect(csv.split("\n")[0]).toContain("order,state,paid_on,product");
  expect(csv).toContain(title);
  await brand.goto("/shop/report");
  await expect(brand.getByTestId("report-creators")).toContainText("@julien_velo");
  await snap(brand, "brand-report");
});

test("a visitor without an account buys from a shop as a guest", async ({ page }) => {
  await page.goto("/@camille_cuisine/shop");
  await page.getByRole("link", { name: "Carnet de recettes de saison" }).first().click();
  await hydrated(page);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByRole("link", { name: "View your cart" }).click();
  await hydrated(page);
  await expect(page.getByTestId("cart-total")).toHaveText("€18.00");
  await expect(page.getByRole("radio", { name: "My wallet" })).toHaveCount(0);
  await page.getByLabel("Email").fill(demoEmail("camille_cuisine"));
  await page.getByLabel("Full name").fill("Gwen Guest");
  await page.getByLabel("Address").fill("3 quai Voltaire\n75007 Paris");
  await page.getByTestId("checkout").click();
  await expect(page.locator("#field-email-error")).toContainText("already uses this email");
  await page.getByLabel("Email").fill(`${uniqueHandle("gwen")}@example.test`);
  await snap(page, "guest-checkout");
  await page.getByTestId("checkout").click();
  await payWith(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByTestId("confirmation")).toHaveText("Thank you, your order is paid");
  await expect(page.locator(".account-menu")).toBeVisible();
});

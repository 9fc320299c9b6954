// Journey 2: a brand offers a small creator a deal, the creator accepts, the brand funds the
// escrow from its wallet, the creator delivers and the brand approves: the creator is paid.
import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, snap } from "./helpers";

test("a brand and a small creator go from offer to payment through escrow", async ({ browser }) => {
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("maison_lumiere"), DEMO_PASSWORD);
  await brand.goto("/@amina_style");
  await hydrated(brand);
  await brand.getByRole("link", { name: "Offer a deal" }).click();
  await expect(brand).toHaveURL(/\/deals\/new\?handle=amina_style$/);
  await hydrated(brand);
  await brand.getByLabel("Price").fill("90");
  await brand.getByLabel("Due on").fill(due);
  await brand.getByLabel("What is to be made").fill("One short video of your morning routine");
  await brand.getByLabel("Message").fill("We love your second-hand looks!");
  await brand.getByRole("button", { name: "Send the offer" }).click();
  await expect(brand).toHaveURL(/\/deals\/\d+$/);
  const dealUrl = brand.url();
  await expect(brand.getByTestId("deal-state")).toHaveText("Offer on the table");
  await expect(brand.getByRole("button", { name: "Accept these terms" })).toHaveCount(0);

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("amina_style"), DEMO_PASSWORD);
  await creator.goto("/notifications");
  await creator.getByRole("link", { name: /Maison Lumière made you an offer/ }).first().click();
  await expect(creator).toHaveURL(dealUrl);
  await hydrated(creator);
  await creator.getByRole("button", { name: "Accept these terms" }).click();
  await expect(creator.getByTestId("deal-state")).toHaveText("Accepted: waiting for funds");

  await brand.reload();
  await hydrated(brand);
  await brand.getByRole("button", { name: "Fund the escrow from my wallet" }).click();
  await expect(brand.getByTestId("deal-state")).toHaveText("Funded: in progress");

  await creator.reload();
  await hydrated(creator);
  await creator.getByLabel("Your delivery: links to the posts or files").fill("https://tiktok.example/@amina/video/1");
  await creator.getByRole("button", { name: "Deliver" }).click();
  await expect(creator.getByTestId("deal-state")).toHaveText("Delivered: in review");

  await brand.reload();
  await hydrated(brand);
  await expect(brand.getByTestId("thread")).toContainText("https://tiktok.example/@amina/video/1");
  await brand.getByRole("button", { name: "Approve and pay" }).click();
  await expect(brand.getByTestId("deal-state")).toHaveText("Completed");
  await expect(brand.getByText("with 0% platform fee")).toBeVisible();
  await snap(brand, "deal-completed");

  await creator.goto("/earnings");
  await expect(creator.locator("body")).toContainText("€90.00");
});

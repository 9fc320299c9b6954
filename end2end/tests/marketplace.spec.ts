// Journeys 2 and 3, first half: a small creator fills in their marketplace profile (a typo is
// shown next to its field), and a brand finds them with filters and reads why they are shown.
import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, snap } from "./helpers";

test("a small creator lists themselves and a brand finds them, with the why", async ({ browser }) => {
  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("julien_velo"), DEMO_PASSWORD);
  await creator.goto("/settings");
  await creator.getByRole("link", { name: "Marketplace profile" }).click();
  await expect(creator).toHaveURL(/\/settings\/marketplace$/);
  await hydrated(creator);
  const instagram = creator.getByLabel("Instagram");
  await instagram.fill("140");
  await creator.getByLabel("Live mention").fill("35");
  await creator.getByRole("button", { name: "Save" }).click();
  await expect(creator.locator("#field-engagement_instagram-error")).toHaveText(
    "Enter a percentage between 0 and 100, such as 3.5.",
  );
  await expect(instagram).toHaveAttribute("aria-invalid", "true");
  await snap(creator, "marketplace-settings-error");
  await instagram.fill("7,5");
  await creator.getByRole("button", { name: "Save" }).click();
  await expect(creator.getByRole("status")).toHaveText("Saved");
  await snap(creator, "marketplace-settings");

  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("velocita"), DEMO_PASSWORD);
  await brand.getByRole("banner").getByRole("link", { name: "Find creators" }).click();
  await expect(brand).toHaveURL(/\/creators$/);
  await hydrated(brand);
  await expect(brand.getByTestId("found")).toHaveCount(20);
  await brand.getByLabel("Niche").selectOption("sport");
  await brand.getByLabel("Followers up to").fill("2k");
  await brand.getByRole("button", { name: "Search" }).click();
  await expect(brand).toHaveURL(/niche=sport/);
  const julien = brand.getByTestId("found").filter({ hasText: "@julien_velo" });
  await expect(julien).toBeVisible();
  await expect(julien.getByText("Rising")).toBeVisible();
  await expect(julien.getByText("Live mention")).toHaveCount(0);
  await julien.getByText("Why am I seeing this?").click();
  const reach = julien.getByRole("row", { name: /Reach/ });
  await expect(reach).toContainText("15 %");
  await expect(julien.getByRole("row", { name: /Fit with your search/ })).toContainText("40 %");
  await snap(brand, "creator-search");

  // A reversed range is refused next to the field, and the filters stay as typed.
  await brand.getByLabel("Followers from").fill("5k");
  await brand.getByLabel("Followers up to").fill("1k");
  await brand.getByRole("button", { name: "Search" }).click();
  await expect(brand.locator("#field-max_followers-error")).toHaveText(
    "The maximum must not be below the minimum.",
  );
  await expect(brand.getByLabel("Niche")).toHaveValue("sport");

  await brand.goto("/@julien_velo");
  const card = brand.locator(".market-card");
  await expect(card.getByRole("heading", { name: "For brands" })).toBeVisible();
  await expect(card).toContainText("Live mention");
  await expect(card).toContainText("€35.00");
  await expect(card).toContainText("7.50%");
  await snap(brand, "profile-marketplace");
});

test("a brand publishes a campaign with no follower floor and a small creator sees it fits", async ({ browser }) => {
  const iso = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const title = `Bikepacking weekend ${Date.now().toString(36)}`;
  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("velocita"), DEMO_PASSWORD);
  await brand.goto("/brand/campaigns");
  await hydrated(brand);
  await brand.getByLabel("Title").fill(title);
  await brand.getByLabel("Brief").fill("Two days, one bag, our frame: show how far you go.");
  await brand.getByLabel("Post").fill("1");
  await brand.locator("label.chip-check", { hasText: "Sport" }).click();
  await brand.getByLabel("Budget per creator").fill("120");
  await brand.getByLabel("Creators wanted").fill("2");
  await brand.getByLabel("Starts on").fill(iso(-3));
  await brand.getByLabel("Ends on").fill(iso(20));
  await brand.getByRole("button", { name: "Save as draft" }).click();
  await expect(brand.locator("#field-starts_on-error")).toHaveText("This date is in the past.");
  await brand.getByLabel("Starts on").fill(iso(1));
  await brand.getByRole("button", { name: "Save as draft" }).click();
  await expect(brand.getByRole("status")).toHaveText("Draft saved");
  const mine = brand.getByTestId("my-campaigns").locator("li").filter({ hasText: title });
  await expect(mine.getByText("Draft")).toBeVisible();
  await mine.getByRole("button", { name: "Publish" }).click();
  await expect(mine.getByText("Published")).toBeVisible();
  await snap(brand, "brand-campaigns");

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("julien_velo"), DEMO_PASSWORD);
  await creator.getByRole("banner").getByRole("link", { name: "Campaigns" }).click();
  const card = creator.getByTestId("campaign").filter({ hasText: title });
  await expect(card.getByText("Fits you: 4/4")).toBeVisible();
  await card.getByText("Why am I seeing this?").click();
  await expect(card.getByText("Your audience is in the range")).toBeVisible();
  await snap(creator, "campaigns");
  await card.getByRole("link", { name: title }).click();
  await expect(creator.getByRole("heading", { name: title })).toBeVisible();
});

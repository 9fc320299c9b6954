// Journeys 2 and 3: a brand offers a small creator a deal, the creator accepts, the brand funds
// the escrow from its wallet, the creator delivers and the brand approves: the creator is paid,
// and both rate each other. A delivery the brand leaves unanswered is paid when the review
// window ends (the test clock moves the workers' time ahead). Brand and creator each have their
// own browser context.
import { test, expect } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, payWith, snap } from "./helpers";

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
  await creator.locator("#delivery-file").setInputFiles({
    name: "morning routine.mp4",
    mimeType: "video/mp4",
    buffer: Buffer.alloc(300_000, 7),
  });
  await expect(creator.getByTestId("deal-files")).toContainText("morning routine.mp4");
  await creator.getByLabel("Your delivery: links to the posts or files").fill("https://tiktok.example/@amina/video/1");
  await creator.getByRole("button", { name: "Deliver" }).click();
  await expect(creator.getByTestId("deal-state")).toHaveText("Delivered: in review");

  await brand.reload();
  await hydrated(brand);
  await expect(brand.getByTestId("thread")).toContainText("https://tiktok.example/@amina/video/1");
  const download = brand.waitForEvent("download");
  await brand.getByTestId("deal-files").getByRole("link", { name: "morning routine.mp4" }).click();
  expect((await download).suggestedFilename()).toBe("morning routine.mp4");
  await brand.getByRole("button", { name: "Approve and pay" }).click();
  await expect(brand.getByTestId("deal-state")).toHaveText("Completed");
  await expect(brand.getByText("with 0% platform fee")).toBeVisible();
  await snap(brand, "deal-completed");

  await brand.getByTitle("4/5").click();
  await brand.getByLabel(/A few words/).fill("Honest, lovely light, on time.");
  await brand.getByRole("button", { name: "Send my rating" }).click();
  await expect(brand.getByTestId("deal-rating")).toContainText("You rated ★★★★☆");

  await creator.goto("/earnings");
  await expect(creator.locator("body")).toContainText("€90.00");
  await creator.goto(dealUrl);
  await hydrated(creator);
  await expect(creator.getByTestId("deal-rating")).toContainText("You were rated ★★★★☆");
  await creator.getByTitle("5/5").click();
  await creator.getByRole("button", { name: "Send my rating" }).click();
  await expect(creator.getByTestId("deal-rating")).toContainText("You rated ★★★★★");

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/@amina_style");
  await expect(visitor.getByTestId("reputation")).toContainText("Honest, lovely light, on time.");
  await expect(visitor.getByTestId("reputation")).toContainText("Usually answers within");
  await snap(visitor, "creator-reputation");
});

test("an unanswered delivery is paid when the review window ends", async ({ browser, request }) => {
  // Demo: Hugo delivered to Velocita yesterday, and Velocita has not answered.
  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("hugo_gaming"), DEMO_PASSWORD);
  await creator.goto("/deals");
  await expect(creator.getByTestId("deal-dashboard")).toBeVisible();
  const before = await creator.getByTestId("paid").textContent();
  await creator.getByTestId("upcoming").getByRole("link", { name: "Velocita" }).click();
  await expect(creator.getByTestId("deal-state")).toHaveText("Delivered: in review");
  const dealUrl = creator.url();

  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("velocita"), DEMO_PASSWORD);
  await brand.goto(dealUrl);
  await expect(brand.getByRole("button", { name: "Approve and pay" })).toBeVisible();

  const threeDays = 72 * 3600;
  const move = (secs: number) =>
    request.post(`${baseURL}/test/clock`, { form: { secs: String(secs) }, headers: { origin: baseURL } });
  expect((await move(3600)).ok()).toBeTruthy();
  await creator.reload();
  await expect(creator.getByTestId("deal-state")).toHaveText("Delivered: in review");
  try {
    expect((await move(threeDays)).ok()).toBeTruthy();
    await creator.reload();
    await expect(creator.getByTestId("deal-state")).toHaveText("Completed");
    await expect(creator.getByTestId("thread")).toContainText("released at the end of the review window");
  } finally {
    // Later specs run on the real time again.
    await move(-(threeDays + 3600));
  }
  await brand.reload();
  await expect(brand.getByTestId("deal-state")).toHaveText("Completed");
  await expect(brand.getByRole("button", { name: "Approve and pay" })).toHaveCount(0);

  await creator.goto("/deals");
  await expect(creator.getByTestId("paid")).not.toHaveText(before ?? "");
  await snap(creator, "creator-deals-dashboard");
  await brand.goto("/deals");
  await expect(brand.getByTestId("creator-results")).toContainText("Hugo");
  await expect(brand.getByTestId("campaign-applicants")).toContainText("Gravel season");
  await snap(brand, "brand-deals-dashboard");
});

test("a brand short of funds pays the rest of the escrow by card", async ({ browser }) => {
  const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const brand = await (await browser.newContext()).newPage();
  await logIn(brand, demoEmail("maison_lumiere"), DEMO_PASSWORD);
  await brand.goto("/deals/new?handle=sarah_tech");
  await hydrated(brand);
  await brand.getByLabel("Price").fill("2000");
  await brand.getByLabel("Due on").fill(due);
  await brand.getByLabel("What is to be made").fill("A YouTube review of our candle range");
  await brand.getByRole("button", { name: "Send the offer" }).click();
  await expect(brand).toHaveURL(/\/deals\/\d+$/);
  const dealUrl = brand.url();

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("sarah_tech"), DEMO_PASSWORD);
  await creator.goto(dealUrl);
  await hydrated(creator);
  await creator.getByRole("button", { name: "Accept these terms" }).click();
  await expect(creator.getByTestId("deal-state")).toHaveText("Accepted: waiting for funds");

  await brand.reload();
  await hydrated(brand);
  await brand.getByRole("button", { name: "Pay the missing amount by card" }).click();
  await expect(brand).toHaveURL(/\/test-processor\/checkout\//);
  await payWith(brand, "4242 4242 4242 4242");
  await brand.getByRole("button", { name: /^Pay €/ }).click();
  await expect(brand).toHaveURL(dealUrl);
  await expect(brand.getByTestId("deal-state")).toHaveText("Funded: in progress");
  await expect(brand.getByTestId("thread")).toContainText("escrow funded");

  await creator.reload();
  await expect(creator.getByTestId("deal-state")).toHaveText("Funded: in progress");
});

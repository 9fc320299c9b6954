// Journeys 5 and 6, the stage part: a creator (Inès, whose earnings no other spec counts)
// schedules an event with two paid stage slots; two fans book them and a third is told it is sold out; the event starts, the first fan is
// called backstage, says they are ready, goes on stage and is charged when the timer ends; the
// second is skipped and refunded automatically. Host and fans each have their own browser.
import { test, expect } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { hydrated, payWith, personPage, signUpFan, snap, uniqueHandle } from "./helpers";

/** `YYYY-MM-DDTHH:MM` in UTC, `hours` from now, as the date-time field takes it. */
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 16);

test("fans book paid stage slots; one is charged after their time on stage, one is skipped and refunded", async ({ browser, request }) => {
  const title = `Questions beauté ${Date.now().toString(36)}`;
  const host = await personPage(browser, "ines_beauty");
  await host.goto("/live/new");
  await hydrated(host);
  await host.getByLabel("Title").fill(title);
  await host.getByLabel("Starts at").fill(inHours(2));
  await host.getByLabel("Slots", { exact: true }).fill("2");
  await host.getByLabel("Price of a slot").fill("-15");
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host.locator("#field-slot_price-error")).not.toBeEmpty();
  await host.getByLabel("Price of a slot").fill("15");
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const eventId = host.url().match(/\/live\/(\d+)\/studio/)![1];
  await expect(host.getByText("No stage slot booked yet.")).toBeVisible();

  // Two fans book; the third finds it sold out.
  const lea = await personPage(browser, "lea");
  const nina = await personPage(browser, "nina");
  for (const fan of [lea, nina]) {
    await fan.goto(`/@ines_beauty/live/${eventId}`);
    await hydrated(fan);
    await expect(fan.getByTestId("countdown")).toContainText(/0[12]:\d\d:\d\d/);
    await fan.getByRole("button", { name: /^Book a slot/ }).click();
    await expect(fan.getByTestId("my-slot")).toContainText("Booked");
  }
  await expect(nina.getByTestId("my-slot")).toContainText("number 2 in the queue");
  await snap(lea, "live-event-booked");
  const tom = await personPage(browser, "tom");
  await tom.goto(`/live/${eventId}`);
  await expect(tom.getByText("Sold out: every stage slot is taken.")).toBeVisible();
  await expect(tom.getByTestId("slots-left")).toContainText("0 / 2");

  // The host goes live and runs the queue.
  await host.reload();
  await hydrated(host);
  const line = (name: string) => host.getByTestId("queue-line").filter({ hasText: name });
  await expect(host.getByTestId("queue-line")).toHaveCount(2);
  await host.getByRole("button", { name: "Go live" }).click();
  await line("@lea").getByRole("button", { name: "Call backstage" }).click();
  await expect(line("@lea")).toContainText("Called backstage");

  await lea.reload();
  await hydrated(lea);
  await expect(lea.getByTestId("my-slot")).toContainText("calling you backstage");
  await lea.getByRole("button", { name: "I'm ready" }).click();
  await expect(lea.getByTestId("my-slot")).toContainText("Ready");

  await expect(line("@lea")).toContainText("Ready", { timeout: 10_000 });
  await line("@lea").getByRole("button", { name: "Bring on stage" }).click();
  await expect(line("@lea").getByTestId("stage-timer")).toBeVisible();
  await snap(host, "live-studio-on-stage");

  // The second fan is skipped while the first is on stage: refunded at once.
  await line("@nina").getByRole("button", { name: "Skip" }).click();
  await expect(line("@nina")).toContainText("Skipped, refunded");

  // The two minutes pass (the test clock): the slot is done and charged.
  const move = (secs: number) =>
    request.post(`${baseURL}/test/clock`, { form: { secs: String(secs) }, headers: { origin: baseURL } });
  expect((await move(130)).ok()).toBeTruthy();
  try {
    await host.reload();
    await expect(line("@lea")).toContainText("Done");
    await expect(host.getByTestId("slots-earned")).toContainText("€15.00");
    await snap(host, "live-studio-done");
  } finally {
    expect((await move(-130)).ok()).toBeTruthy();
  }

  await lea.goto("/notifications");
  await expect(lea.locator(".notification").first()).toContainText(`Your stage slot at “${title}” is done: €15.00 charged.`);
  await nina.goto("/notifications");
  await expect(nina.locator(".notification").first()).toContainText(`The host passed over your stage slot at “${title}”: €15.00 refunded.`);
});

test("a fan short of money tops up by card from the event page and comes back to book", async ({ browser }) => {
  const host = await personPage(browser, "sarah_tech");
  await host.goto("/live/new");
  await hydrated(host);
  await host.getByLabel("Title").fill(`Questions tech ${Date.now().toString(36)}`);
  await host.getByLabel("Starts at").fill(inHours(5));
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const eventPath = host.url().replace(/^https?:\/\/[^/]+/, "").replace(/\/studio$/, "");

  const fan = await (await browser.newContext()).newPage();
  await signUpFan(fan, uniqueHandle("shortfan"), "a fan's long passphrase");
  await fan.goto(eventPath);
  await hydrated(fan);
  await fan.getByRole("button", { name: /^Book a slot/ }).click();
  await expect(fan.getByText("Your wallet does not hold enough for this.")).toBeVisible();
  await fan.getByRole("button", { name: "Top up by card, then come back here" }).click();
  await expect(fan).toHaveURL(/\/test-processor\/checkout\//);
  await payWith(fan, "4242 4242 4242 4242");
  await fan.getByRole("button", { name: /^Pay €15\.\d\d$/ }).click();
  // Back on the event page, with the price in the wallet: the booking goes through.
  await expect(fan).toHaveURL(new RegExp(`/@sarah_tech/live/\\d+$`));
  await hydrated(fan);
  await fan.getByRole("button", { name: /^Book a slot/ }).click();
  await expect(fan.getByTestId("my-slot")).toContainText("Booked");
});

// Journey 5, the event page as a shop window: Lucas schedules a session, gives it a cover and
// pins his vinyl from the studio. A visitor without an account sees the cover and the record;
// Léa buys it on the event page without leaving it, paid from her wallet; the room tells
// everyone, and Lucas's studio counts the sale. Each person has their own browser. (Lucas, whose
// earnings no other spec counts.)
import { test, expect } from "@playwright/test";
import * as path from "path";
import { enterRoom, hydrated, personPage, snap } from "./helpers";

test("a cover, pinned merch, and a purchase without leaving the event", async ({ browser }) => {
  const host = await personPage(browser, "lucas_music");
  await host.goto("/live/new");
  await hydrated(host);
  const title = `Vinyle en live ${Date.now().toString(36)}`;
  await host.getByLabel("Title").fill(title);
  await host.getByLabel("Starts at").fill(new Date(Date.now() + 3_600_000).toISOString().slice(0, 16));
  await host.getByLabel("Fans may cancel until (hours before the start)").fill("0");
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const eventPath = host.url().replace(/^https?:\/\/[^/]+/, "").replace(/\/studio$/, "");
  await enterRoom(host, `${eventPath}/studio`);

  // A file that is not an image is refused next to the button; a real one becomes the cover.
  await host.locator("#event-cover").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await expect(host.getByTestId("cover-error")).toContainText("image");
  await host.locator("#event-cover").setInputFiles(path.join(__dirname, "..", "..", "server", "demo", "covers", "lucas_music.jpg"));
  await expect(host.getByTestId("studio-cover")).toBeVisible();
  await expect(host.getByText("Change the cover")).toBeVisible();

  // He pins his record.
  const vinyl = host.getByTestId("merch-pins").locator(".pin-line").filter({ hasText: "Vinyle" });
  await vinyl.getByRole("button", { name: "Pin" }).click();
  await expect(vinyl.getByRole("button", { name: "Unpin" })).toBeVisible();
  await snap(host, "merch-studio");

  // A visitor sees the cover and the record, and is asked to log in to buy.
  const visitor = await personPage(browser, undefined, 390);
  await enterRoom(visitor, eventPath);
  await expect(visitor.getByTestId("event-cover")).toBeVisible();
  const shown = visitor.getByTestId("merch").getByTestId("merch-item").filter({ hasText: "Vinyle" });
  await expect(shown).toContainText("€24.00");
  await expect(shown.getByRole("link", { name: "Log in to buy" })).toBeVisible();

  // Léa buys it where she is: €24.00 and €5.50 shipping, from her wallet.
  const lea = await personPage(browser, "lea");
  await enterRoom(lea, eventPath);
  const item = lea.getByTestId("merch-item").filter({ hasText: "Vinyle" });
  await item.getByText("Buy", { exact: true }).click();
  await item.getByLabel("Name on the parcel").fill("Léa Martin");
  await item.getByLabel("Delivery address").fill("12 rue des Lilas\n59000 Lille");
  await item.getByRole("button", { name: "Pay €29.50 from my wallet" }).click();
  await expect(item.getByTestId("merch-bought")).toContainText("Vinyle « Sessions du mardi » is on its way to you.");
  await expect(lea).toHaveURL(new RegExp(`${eventPath}$`));
  await expect(item.getByRole("button", { name: "Pay €29.50 from my wallet" })).toBeHidden();
  await snap(lea, "merch-bought");

  // The room tells everyone, and the studio counts the sale.
  for (const page of [visitor, lea, host]) {
    await expect(page.getByTestId("chat")).toContainText("Léa Martin bought Vinyle « Sessions du mardi »");
  }
  await expect(host.getByTestId("merch-total")).toContainText("€29.50");
  await snap(visitor, "merch-event-phone");

  // Her order is there, as any other.
  await item.getByRole("link", { name: "See the order" }).click();
  await expect(lea.getByText("Vinyle « Sessions du mardi »").first()).toBeVisible();
});

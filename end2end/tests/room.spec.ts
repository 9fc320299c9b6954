// Journey 6, the room: Lucas goes live. Léa chats and sends a rose: a viewer without an account
// sees her line and the gift's animation the moment it happens, and Léa's receipt shows the 0%
// platform fee. Tom writes a blocked word (refused next to the field), then spams; Lucas bans
// him from the studio and Tom's page stops offering the chat. Each person has their own browser.
import { test, expect } from "@playwright/test";
import { enterRoom, hydrated, personPage, snap } from "./helpers";

test("chat, a gift seen by every viewer with its 0% receipt, a blocked word and a ban", async ({ browser }) => {
  // Lucas schedules a session and goes live from his studio (the demo's own live event may
  // have been ended by another spec's clock).
  const host = await personPage(browser, "lucas_music");
  await host.goto("/live/new");
  await hydrated(host);
  await host.getByLabel("Title").fill(`Session du soir ${Date.now().toString(36)}`);
  await host.getByLabel("Starts at").fill(new Date(Date.now() + 600_000).toISOString().slice(0, 16));
  // In ten minutes, the default one-hour cut-off would already be past: refused, not promised.
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host.locator("#field-cancel_cutoff_hours-error")).toContainText("already past");
  await host.getByLabel("Fans may cancel until (hours before the start)").fill("0");
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const eventPath = host.url().replace(/^https?:\/\/[^/]+/, "").replace(/\/studio$/, "");
  await enterRoom(host, `${eventPath}/studio`);
  await host.getByRole("button", { name: "Go live" }).click();
  await expect(host.getByTestId("chat")).toContainText("The event is live!");
  // The host blocks a word for this room.
  await host.getByLabel("Blocked words").fill("spoiler");
  await host.getByRole("button", { name: "Save" }).first().click();
  await expect(host.getByLabel("Blocked words")).toHaveValue("spoiler");

  const viewer = await personPage(browser);
  await enterRoom(viewer, eventPath);
  await expect(viewer.getByRole("link", { name: "Log in to chat" })).toBeVisible();
  const lea = await personPage(browser, "lea");
  await enterRoom(lea, eventPath);

  const text = `Bonsoir Lucas ! ${Date.now().toString(36)}`;
  await lea.getByPlaceholder("Say something…").fill(text);
  await lea.getByRole("button", { name: "Send", exact: true }).click();
  // Sent: the line is cleared, and the message reaches every screen.
  await expect(lea.getByPlaceholder("Say something…")).toHaveValue("");
  for (const page of [lea, viewer, host]) {
    await expect(page.getByTestId("chat").getByText(text)).toBeVisible();
  }

  // A rose: the viewer sees it pop up; Léa's receipt shows what Lucas receives.
  await lea.getByTestId("gift-rose").click();
  await expect(viewer.getByTestId("gift-pop")).toContainText("Léa Martin sent a rose");
  await snap(viewer, "room-gift-seen-by-viewer");
  await expect(lea.getByTestId("room-receipt")).toContainText("You paid €1.00");
  await expect(lea.getByTestId("room-receipt")).toContainText("platform fee €0.00 (0%)");
  await expect(lea.getByTestId("room-receipt")).toContainText("Lucas");
  await expect(host.getByTestId("chat").locator(".msg-gift").last()).toContainText("Léa Martin sent a rose");

  // Tom: a blocked word is refused next to the field, and nothing is posted.
  const tom = await personPage(browser, "tom");
  await enterRoom(tom, eventPath);
  await tom.getByPlaceholder("Say something…").fill("No SPOILER here");
  await tom.getByRole("button", { name: "Send", exact: true }).click();
  await expect(tom.getByRole("alert").filter({ hasText: "does not allow one of these words" })).toBeVisible();
  await expect(tom.getByPlaceholder("Say something…")).toHaveValue("No SPOILER here");
  const spam = `BUY FOLLOWERS ${Date.now().toString(36)}`;
  await tom.getByPlaceholder("Say something…").fill(spam);
  await tom.getByRole("button", { name: "Send", exact: true }).click();
  const tomsLine = host.getByTestId("message").filter({ hasText: spam });
  await expect(tomsLine).toBeVisible();

  // Lucas bans Tom from his line: everyone is told, and Tom can no longer write.
  await tomsLine.getByRole("button", { name: "Ban from my rooms" }).click();
  await expect(viewer.getByTestId("chat")).toContainText("Tom Girard was banned.");
  await expect(tom.getByTestId("muted")).toContainText("You are banned from this creator's rooms.");
  await expect(tom.getByPlaceholder("Say something…")).toHaveCount(0);
  await snap(host, "room-studio-after-ban");
  // A moderator deletes the spam: it is gone from every screen.
  await host.getByTestId("message").filter({ hasText: spam }).getByRole("button", { name: "Delete this message" }).click();
  await expect(viewer.getByTestId("chat").getByText(spam)).toHaveCount(0);
  await expect(viewer.getByTestId("chat")).toContainText("message removed by a moderator");
});

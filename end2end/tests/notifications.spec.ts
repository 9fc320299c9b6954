// Journey: a fan follows a creator; the creator sees the unread count in the header, opens the
// notification centre, reads who it is, and the count goes away.
import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn, signUpFan, snap, uniqueHandle } from "./helpers";

test("a creator is told of a new follower in the notification centre", async ({ browser }) => {
  const fan = await (await browser.newContext()).newPage();
  const handle = uniqueHandle("zoe");
  await signUpFan(fan, handle, "a fan's long passphrase");
  await fan.goto("/@mael_voyage");
  await hydrated(fan);
  await fan.getByRole("button", { name: "Follow", exact: true }).click();
  await expect(fan.getByRole("button", { name: "Unfollow" })).toBeVisible();

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, demoEmail("mael_voyage"), DEMO_PASSWORD);
  const bell = creator.getByRole("link", { name: "Notifications" });
  await expect(bell.getByTestId("unread-count")).toBeVisible();
  await bell.click();
  await expect(creator).toHaveURL(/\/notifications$/);
  const news = creator.getByTestId("notifications").getByRole("link", { name: new RegExp(`@${handle}\\) now follows you`) });
  await expect(news).toBeVisible();
  await expect(bell.getByTestId("unread-count")).toHaveCount(0);
  await snap(creator, "notifications");

  await news.click();
  await expect(creator).toHaveURL(new RegExp(`/@${handle}$`));
});

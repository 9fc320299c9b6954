// Journey: a fan finds a small creator and follows them; the count moves and stays after a reload.
import { test, expect } from "@playwright/test";
import { hydrated, signUpFan, snap, uniqueHandle } from "./helpers";

test("a fan follows and unfollows a creator", async ({ page }) => {
  await signUpFan(page, uniqueHandle("fred"), "a fan's long passphrase");
  await page.goto("/@julien_velo");
  await hydrated(page);
  const count = page.getByTestId("follower-count");
  const before = Number(await count.textContent());

  await page.getByRole("button", { name: "Follow", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unfollow" })).toBeVisible();
  await expect(count).toHaveText(String(before + 1));
  await snap(page, "profile-following");

  await page.reload();
  await hydrated(page);
  await expect(count).toHaveText(String(before + 1));
  await page.getByRole("button", { name: "Unfollow" }).click();
  await expect(page.getByRole("button", { name: "Follow", exact: true })).toBeVisible();
  await expect(count).toHaveText(String(before));
});

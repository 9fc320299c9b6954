// A creator in Paris schedules an event at 20:00 on her clock; a fan in New York reads 14:00 on
// his, each with the zone named, and the database keeps one instant.
import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, demoEmail, hydrated, logIn } from "./helpers";

test("times are typed and read on each person's own clock", async ({ browser }) => {
  const paris = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1280, height: 900 } });
  const host = await paris.newPage();
  await logIn(host, demoEmail("camille_cuisine"), DEMO_PASSWORD);
  await host.goto("/live/new");
  await hydrated(host);
  await expect(host.getByText("Dans votre fuseau horaire : Paris.")).toBeVisible();
  const title = `Dîner du dimanche ${Date.now().toString(36)}`;
  await host.getByLabel("Titre").fill(title);
  await host.getByLabel("Début", { exact: true }).fill("2099-01-10T20:00");
  await host.getByRole("button", { name: "Programmer le live" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const id = host.url().match(/\/live\/(\d+)\/studio/)![1];
  await host.goto(`/live/${id}`);
  await expect(host.locator(".event-head")).toContainText("20:00 (Paris)");

  const newYork = await browser.newContext({ locale: "en-US", timezoneId: "America/New_York" });
  const fan = await newYork.newPage();
  await fan.goto(`/live/${id}`);
  await hydrated(fan);
  // The first page is rendered before the browser said where it is (UTC), then moves to its clock.
  await expect(fan.locator(".event-head")).toContainText("14:00 (New York)");
  await fan.reload();
  await expect(fan.locator(".event-head")).toContainText("14:00 (New York)");
  await paris.close();
  await newYork.close();
});

// Journey 6, live video: Sarah turns on her camera in the studio, goes live and broadcasts over
// WHIP to the built-in media server. Three viewers (one on a phone) play her over WHEP and
// decode frames. Nina, who booked a slot, is called backstage, checks her camera, says she is
// ready, and goes on air by herself when Sarah brings her on: every viewer then decodes two
// video streams. Sarah ends the slot: Nina's stream stops and her slot is charged. The camera is
// Chromium's fake one; each person has their own browser.
import { test, expect, Page } from "@playwright/test";
import { enterRoom, hydrated, personPage, snap } from "./helpers";

/** Frames the `seat` screen of `page` has decoded so far, from its connection's statistics. */
async function framesDecoded(page: Page, seat: "host" | "guest"): Promise<number> {
  return page.evaluate(async (seat) => {
    const video = document.querySelector(`[data-testid=screen-${seat}] video`) as HTMLVideoElement & { rtc?: RTCPeerConnection };
    if (!video?.rtc) return 0;
    let frames = 0;
    (await video.rtc.getStats()).forEach((r: any) => {
      if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded ?? 0;
    });
    return frames;
  }, seat);
}

/** Sums `fields` over the RTP statistics of `kind` (`inbound-rtp`, `outbound-rtp`) of the video
 *  element `selector`'s connection. */
async function rtpStats(page: Page, selector: string, kind: string, fields: string[]): Promise<number[]> {
  return page.evaluate(async ({ selector, kind, fields }) => {
    const video = document.querySelector(selector) as HTMLVideoElement & { rtc?: RTCPeerConnection };
    const sums = fields.map(() => 0);
    if (!video?.rtc) return sums;
    (await video.rtc.getStats()).forEach((r: any) => {
      if (r.type === kind && r.kind === "video") fields.forEach((f, i) => (sums[i] += r[f] ?? 0));
    });
    return sums;
  }, { selector, kind, fields });
}

/** Waits until `page` decodes `seat`'s video, and keeps decoding it. */
async function decodes(page: Page, seat: "host" | "guest") {
  await expect.poll(() => framesDecoded(page, seat), { timeout: 20_000 }).toBeGreaterThan(10);
  const before = await framesDecoded(page, seat);
  await expect.poll(() => framesDecoded(page, seat), { timeout: 10_000 }).toBeGreaterThan(before + 10);
}

test("the host broadcasts, viewers watch, and a fan goes on stage next to her", async ({ browser }) => {
  test.setTimeout(150_000);
  const host = await personPage(browser, "sarah_tech");
  await host.goto("/live/new");
  await hydrated(host);
  await host.getByLabel("Title").fill(`Direct vidéo ${Date.now().toString(36)}`);
  await host.getByLabel("Starts at").fill(new Date(Date.now() + 3_600_000).toISOString().slice(0, 16));
  await host.getByLabel("Fans may cancel until (hours before the start)").fill("0");
  await host.getByLabel("Length of a slot (seconds)").fill("600");
  await host.getByRole("button", { name: "Schedule the event" }).click();
  await expect(host).toHaveURL(/\/live\/\d+\/studio$/);
  const eventPath = host.url().replace(/^https?:\/\/[^/]+/, "").replace(/\/studio$/, "");
  await enterRoom(host, `${eventPath}/studio`);

  // OBS's settings are there for whoever prefers an encoder.
  await host.getByText("Broadcast from OBS or another encoder").click();
  await expect(host.getByTestId("whip-url")).toHaveValue(/\/stream\/\d+\/host\/whip$/);
  await expect(host.getByTestId("stream-key")).toHaveValue(/^[0-9a-f]{48}$/);

  // Nina books a slot before the start.
  const nina = await personPage(browser, "nina");
  await enterRoom(nina, eventPath);
  await nina.getByRole("button", { name: /^Book a slot/ }).click();
  await expect(nina.getByTestId("my-slot")).toContainText("Booked");

  // Sarah turns her camera on, goes live and broadcasts.
  await host.getByTestId("camera-toggle").click();
  await expect(host.getByTestId("desk-host").locator("video")).toBeVisible();
  await host.getByRole("button", { name: "Go live" }).click();
  await expect(host.getByRole("button", { name: "End the event" })).toBeVisible();
  await host.getByTestId("broadcast").click();
  await expect(host.getByTestId("publish-host")).toContainText("Live", { timeout: 15_000 });

  // Three viewers, one on a phone, play her.
  const viewers = [
    await personPage(browser),
    await personPage(browser, undefined, 390),
    await personPage(browser, "tom"),
  ];
  for (const viewer of viewers) await enterRoom(viewer, eventPath);
  for (const viewer of viewers) {
    await expect(viewer.getByTestId("link-host")).toContainText("Live", { timeout: 15_000 });
    await decodes(viewer, "host");
  }
  await snap(viewers[1], "video-phone-host");

  // What the browsers add to the server's transit (measured by the load tool), for the
  // glass-to-glass estimate: encoding at the host, and at a viewer the jitter buffer and decoding.
  const [encodeSecs, encoded] = await rtpStats(host, "[data-testid=desk-host] video", "outbound-rtp", ["totalEncodeTime", "framesEncoded"]);
  const [bufferSecs, emitted, decodeSecs, decoded] = await rtpStats(viewers[0], "[data-testid=screen-host] video", "inbound-rtp", ["jitterBufferDelay", "jitterBufferEmittedCount", "totalDecodeTime", "framesDecoded"]);
  const ms = (secs: number, n: number) => (n > 0 ? (1000 * secs) / n : NaN).toFixed(1);
  console.log(`browser latency: encode ${ms(encodeSecs, encoded)} ms/frame, jitter buffer ${ms(bufferSecs, emitted)} ms, decode ${ms(decodeSecs, decoded)} ms/frame`);

  // Sarah calls Nina backstage; Nina checks her camera and says she is ready.
  const line = host.getByTestId("queue-line").filter({ hasText: "@nina" });
  await line.getByRole("button", { name: "Call backstage" }).click();
  await expect(nina.getByTestId("backstage")).toBeVisible({ timeout: 10_000 });
  await nina.getByTestId("backstage").getByTestId("camera-toggle").click();
  await expect(nina.getByTestId("desk-guest").locator("video")).toBeVisible();
  await nina.getByRole("button", { name: "I'm ready" }).click();
  await expect(line).toContainText("Ready", { timeout: 10_000 });
  await snap(nina, "video-backstage");

  // On stage, Nina goes on air by herself; everyone decodes both streams.
  await line.getByRole("button", { name: "Bring on stage" }).click();
  await expect(nina.getByTestId("publish-guest")).toContainText("Live", { timeout: 15_000 });
  for (const viewer of viewers) {
    await expect(viewer.getByTestId("screen-guest")).toBeVisible({ timeout: 10_000 });
    await decodes(viewer, "guest");
    await decodes(viewer, "host");
  }
  await decodes(host, "guest");
  await snap(viewers[0], "video-stage-duo");
  await snap(viewers[1], "video-stage-phone");
  await snap(host, "video-studio-duo");

  // Sarah ends the slot: Nina's stream stops everywhere and the slot is charged.
  await line.getByRole("button", { name: "End the slot" }).click();
  await expect(line).toContainText("Done");
  for (const viewer of viewers) await expect(viewer.getByTestId("screen-guest")).toBeHidden({ timeout: 10_000 });
  await expect(nina.getByTestId("backstage")).toBeHidden({ timeout: 10_000 });
  await expect(host.getByTestId("slots-earned")).not.toContainText("€0.00");
  // The host's stream goes on.
  await decodes(viewers[0], "host");

  // A viewer's connection drops (the server forgets the session and stops answering): the page
  // notices, says so, and reconnects by itself.
  const dropped = await viewers[0].evaluate(async () => {
    const video = document.querySelector("[data-testid=screen-host] video") as HTMLVideoElement & { session?: string };
    return (await fetch(video.session!, { method: "DELETE" })).status;
  });
  expect(dropped).toBe(200);
  await expect(viewers[0].getByTestId("link-host")).toContainText("Reconnecting", { timeout: 30_000 });
  await expect(viewers[0].getByTestId("link-host")).toContainText("Live", { timeout: 30_000 });
  await decodes(viewers[0], "host");
});

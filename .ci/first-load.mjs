// First load on a phone (issue 22, "Fast on a phone"): a benchmark run by hand, not a test.
//
// For each server given on the command line it opens, in headless Chromium on a slow 4G link
// (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency) with the CPU slowed down 4 times, the home
// page, a creator's page, their shop, one product of it, a live event (its room and video
// player) and the creator search. Each page is visited twice: COLD (a new browser profile,
// empty cache) then WARM (the same URL again right after, the HTTP cache in use). For each
// visit it prints the time until the page is interactive (from just before the navigation
// until hydration set <body data-hydrated="true">), first contentful paint, DOMContentLoaded
// and load, the JS+WASM bytes on the wire before interactive (the budget: 250 KB), and
// the bytes by resource type: on the wire (compressed, headers included; 0 for a cache hit)
// and decoded (raw, cache hits included: what the page used). 1 KB = 1,000 bytes. Each visit
// waits for hydration, then for load and for the network to be quiet (10 s at most: a live
// room never is). The handle, product and event are found in the server's demo data at run
// time. WARM depends on the caching headers: a file sent with only Last-Modified is fresh, by
// Chromium's heuristic, for a tenth of its age, so a build made minutes ago is re-downloaded.
//
// Run: `bash .ci/first-load.sh` starts one release server per build with demo data and runs
// this script against them all. Against servers already running (each started like `make run`:
// `tremplin migrate && tremplin demo-data`, then `tremplin serve` with TREMPLIN_DATA_DIR,
// TREMPLIN_LISTEN and TREMPLIN_SITE_ROOT set):
//   node .ci/first-load.mjs before=http://127.0.0.1:3301 after=http://127.0.0.1:3302
// Measure side by side in one run and compare the servers, not lone absolute times.

import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const CPU_SLOWDOWN = 4;
const TIMEOUT = 300_000; // a cold visit downloads megabytes at 200 KB/s
const TYPES = ["document", "css", "js", "wasm", "images", "other"];

const servers = process.argv.slice(2).map((arg) => {
  const [, name, url] = arg.match(/^(?:([^=]+)=)?(.+)$/);
  return { name: name ?? url, url: url.replace(/\/$/, "") };
});
if (servers.length === 0) {
  console.error("usage: node .ci/first-load.mjs [NAME=]URL...  (e.g. before=http://127.0.0.1:3301)");
  process.exit(2);
}

// --- Finding the pages in the demo data ---------------------------------------------------

async function html(base, path) {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.text();
}

async function findPages(base) {
  const notes = [];
  // The creator whose shop has the most products, among those linked from / and /discover.
  const handles = new Set();
  for (const path of ["/", "/discover"]) {
    for (const [, h] of (await html(base, path)).matchAll(/href="\/@([\w.-]+)"/g)) handles.add(h);
  }
  let handle, products = [];
  for (const h of [...handles].slice(0, 30)) {
    const shop = await html(base, `/@${h}/shop`).catch(() => "");
    const ids = [...new Set([...shop.matchAll(new RegExp(`href="/@${h}/shop/(\\d+)"`, "g"))].map((m) => m[1]))];
    if (ids.length > products.length) [handle, products] = [h, ids];
  }
  if (!handle) throw new Error("no creator linked from / or /discover has a shop with products");
  const product = products[0];
  // An event live now, from /live: each event is a card with a state badge and a link.
  const cards = (await html(base, "/live")).split('class="card event-card').slice(1);
  const link = (card) => card.match(/href="(\/live\/\d+)"/)?.[1];
  let live = cards.find((c) => /badge event-live/.test(c) && link(c));
  if (!live) {
    live = cards.find(link);
    notes.push(`NO EVENT IS LIVE in the demo data: measuring the first event listed, ${live ? link(live) : "none"}`);
  }
  const pages = [
    ["home", "/"],
    ["creator page", `/@${handle}`],
    ["shop", `/@${handle}/shop`],
    ["product", `/@${handle}/shop/${product}`],
    ["live event", live && link(live)],
    ["creator search", "/creators"],
  ].filter(([, path]) => path);
  return { pages, notes };
}

// --- One visit ------------------------------------------------------------------------------

function typeOf({ type, mimeType, url }) {
  const path = url.split(/[?#]/)[0];
  if (mimeType === "application/wasm" || path.endsWith(".wasm")) return "wasm";
  if (type === "Document") return "document";
  if (type === "Stylesheet" || mimeType === "text/css") return "css";
  if (type === "Script" || /javascript/.test(mimeType)) return "js";
  if (type === "Image" || mimeType.startsWith("image/")) return "images";
  return "other";
}

// Counts what goes through the network, per request, from the DevTools protocol's events.
function recorder(cdp) {
  let requests = new Map();
  const get = (id) => requests.get(id) ?? requests.set(id, { wire: 0, raw: 0, cached: false }).get(id);
  cdp.on("Network.responseReceived", ({ requestId, type, response }) => {
    const r = get(requestId);
    r.kind = typeOf({ type, mimeType: response.mimeType, url: response.url });
    r.cached ||= !!(response.fromDiskCache || response.fromMemoryCache || response.fromPrefetchCache);
  });
  cdp.on("Network.requestServedFromCache", ({ requestId }) => (get(requestId).cached = true));
  cdp.on("Network.dataReceived", ({ requestId, dataLength, encodedDataLength }) => {
    const r = get(requestId);
    r.raw += dataLength;
    r.wire += encodedDataLength; // until loadingFinished gives the total
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    get(requestId).wire = encodedDataLength;
  });
  return {
    reset: () => (requests = new Map()),
    totals() {
      const t = Object.fromEntries(TYPES.map((k) => [k, { wire: 0, raw: 0 }]));
      let count = 0, cached = 0;
      for (const r of requests.values()) {
        if (!r.kind) continue; // no response (yet), e.g. a WebSocket
        count++;
        if (r.cached) cached++;
        t[r.kind].wire += r.cached ? 0 : r.wire;
        t[r.kind].raw += r.raw;
      }
      return { ...t, count, cached };
    },
  };
}

async function visit(page, rec, url) {
  rec.reset();
  const start = performance.now();
  await page.goto(url, { waitUntil: "commit", timeout: TIMEOUT });
  await page.waitForFunction(() => document.body?.dataset.hydrated === "true", null, { timeout: TIMEOUT, polling: 50 });
  const interactive = performance.now() - start;
  const before = rec.totals();
  await page.waitForLoadState("load", { timeout: TIMEOUT });
  await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => {}); // a live room never idles
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { fcp: fcp?.startTime, dcl: nav?.domContentLoadedEventEnd, load: nav?.loadEventEnd };
  });
  return { interactive, ...timing, jsWasmBefore: before.js.wire + before.wasm.wire, bytes: rec.totals() };
}

// Each page gets its own browser profile, so a cold visit starts with an empty cache. A profile
// on disk, not an incognito context: that keeps its HTTP cache in memory, where Chromium never
// stores a response of megabytes (the WASM), which a phone's disk cache does.
async function measurePage(url) {
  const profile = mkdtempSync(join(os.tmpdir(), "first-load-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 412, height: 915 },
    isMobile: true,
    hasTouch: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  const rec = recorder(cdp);
  chromiumVersion ??= (await cdp.send("Browser.getVersion")).product.replace(/^.*?\//, "Chromium ");
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  try {
    const cold = await visit(page, rec, url);
    const warm = await visit(page, rec, url);
    return { cold, warm, errors };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// --- Output ---------------------------------------------------------------------------------

const kb = (b) => (b / 1000).toLocaleString("en-US", { maximumFractionDigits: b < 10_000 ? 1 : 0 });
const ms = (t) => (t == null || t === 0 ? "–" : Math.round(t).toLocaleString("en-US"));
const both = ({ wire, raw }) => (wire === 0 && raw === 0 ? "0" : `${kb(wire)} / ${kb(raw)}`);

function table(rows) {
  const head = ["page", "visit", "interactive ms", "FCP ms", "DCL ms", "load ms", "JS+WASM before interactive KB",
    ...TYPES.map((t) => `${t} KB`), "total KB", "requests (cached)"];
  const lines = [head, head.map(() => "---")];
  for (const { name, path, result, failed } of rows) {
    if (failed) lines.push([`${name} \`${path}\``, `FAILED: ${failed}`]);
    else for (const v of ["cold", "warm"]) {
      const r = result[v], b = r.bytes;
      const total = TYPES.reduce((s, t) => ({ wire: s.wire + b[t].wire, raw: s.raw + b[t].raw }), { wire: 0, raw: 0 });
      lines.push([v === "cold" ? `${name} \`${path}\`` : "", v.toUpperCase(), ms(r.interactive), ms(r.fcp), ms(r.dcl),
        ms(r.load), kb(r.jsWasmBefore), ...TYPES.map((t) => both(b[t])), both(total), `${b.count} (${b.cached})`]);
    }
  }
  return lines.map((l) => `| ${l.join(" | ")} |`).join("\n");
}

const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.+)/)?.[1] ?? os.cpus()[0]?.model;
let chromiumVersion;
const results = [];
for (const { name, url } of servers) {
  const { pages, notes } = await findPages(url);
  const rows = [];
  for (const [label, path] of pages) {
    process.stderr.write(`${name}: ${path}\n`);
    try {
      rows.push({ name: label, path, result: await measurePage(url + path) });
    } catch (e) {
      rows.push({ name: label, path, failed: e.message.split("\n")[0] });
    }
  }
  results.push({ name, url, notes, rows });
}

console.log(`# First load on a phone: slow 4G (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency), CPU ${CPU_SLOWDOWN}x slower\n`);
console.log(`Machine: ${os.cpus().length} cores, ${cpu}; ${chromiumVersion ?? "Chromium"}; ${new Date().toISOString().slice(0, 10)}.`);
console.log("Bytes: on the wire (compressed, 0 when served from the HTTP cache) / decoded (cache hits included), " +
  "in KB of 1,000 bytes. Times in ms from navigation start; interactive = hydrated. COLD: new profile, empty " +
  "cache; WARM: the same URL again right after. Viewport 412x915, mobile.");
for (const { name, url, notes, rows } of results) {
  console.log(`\n## ${name} (${url})\n`);
  for (const n of notes) console.log(`**${n}**\n`);
  console.log(table(rows));
  const errors = rows.flatMap((r) => [...new Set(r.result?.errors)].map((e) => `- ${r.path}: ${e}`));
  if (errors.length) console.log(`\nErrors in the browser:\n${errors.join("\n")}`);
}

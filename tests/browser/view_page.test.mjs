// Browser test of /stream/view: headless Chromium (Debian's) driven by playwright-core opens the
// page of a `ptzgrab serve` whose source is a live HLS stream that this test makes itself
// (ffmpeg's hls muxer, real time, served by scripts/test-servers/http_server.py).
// Checks: the snapshot image loads, the video plays, the cached/forced switch changes the next
// snapshot request, the frame age shows a number; saves a screenshot under the build folder.
// A second source, a live RTSP stream without HLS (scripts/test-servers/rtsp_server.py), shows the
// server's MJPEG restream in an <img>, which must paint at least two different frames.
//
// usage: node tests/browser/view_page.test.mjs --ptzgrab PATH [--port P] [--build-dir DIR]
//   or the environment: PTZGRAB_BIN, PTZGRAB_TEST_PORT, PTZGRAB_BUILD_DIR, CHROMIUM (default /usr/bin/chromium)
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromiumBin, freePort, httpOk, launchBrowser, start, stop, waitFor } from "./harness.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: argv } = parseArgs({
  options: { ptzgrab: { type: "string" }, port: { type: "string" }, "build-dir": { type: "string" } },
  strict: false,
});
const ptzgrabBin = argv.ptzgrab || process.env.PTZGRAB_BIN || path.join(repoRoot, "build/cmd/ptzgrab");
const buildDir = path.resolve(argv["build-dir"] || process.env.PTZGRAB_BUILD_DIR || path.join(repoRoot, "build"));

const sourceName = "hls-test";
const startupTimeoutMs = 20_000;  // ffmpeg's first segments, the servers' READY
const snapshotTimeoutMs = 30_000; // the first grab of a live HLS source
const playTimeoutMs = 45_000;     // hls.js loads 3 segments, then the clock must pass 1 s
const modeTimeoutMs = 20_000;     // the next snapshot request comes within one refresh (3 s) + a grab

/// A live HLS stream from lavfi in real time: 1 s segments, a window of 6, old ones deleted.
function startHlsSource(dir) {
  return start("ffmpeg (HLS source)", "ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
    "-t", "600", // never outlives a hung run by much
    "-c:v", "libx264", "-profile:v", "main", "-preset", "veryfast", "-tune", "zerolatency",
    "-pix_fmt", "yuv420p", "-b:v", "600k", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
    "-f", "hls", "-hls_time", "1", "-hls_list_size", "6", "-hls_flags", "delete_segments",
    "-hls_segment_filename", path.join(dir, "live_%05d.ts"),
    path.join(dir, "live.m3u8"),
  ]);
}

function segmentCount(playlist) {
  try {
    return fs.readFileSync(playlist, "utf8").split("\n").filter((l) => l.endsWith(".ts")).length;
  } catch {
    return 0;
  }
}

async function startStaticServer(dir, port) {
  const server = start("http_server.py", "/usr/bin/python3", [
    path.join(repoRoot, "scripts/test-servers/http_server.py"), "--port", String(port), "--dir", dir,
  ]);
  await waitFor("http_server.py READY", () => server.output.text.includes("READY"), startupTimeoutMs, [server]);
  return server;
}

/// Opens the view page and checks that it and every asset it loads (CSS, scripts) answered 2xx;
/// the page's load event comes after its scripts, so all of them have answered by then.
async function openViewPage(page, url) {
  const failed = [];
  page.on("response", (response) => {
    if (response.url().includes("/assets/") && response.status() >= 400) {
      failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    }
  });
  const response = await page.goto(url);
  assert.equal(response.status(), 200, `GET ${new URL(url).pathname}`);
  assert.deepEqual(failed, [], "every asset of the page loads");
  return response;
}

/// Everything the browser part checks, on a page of a running server.
async function checkViewPage(page, baseUrl, screenshotPath) {
  const snapshotRequests = [];
  const pageErrors = [];
  page.on("request", (request) => {
    if (request.url().includes("/stream/snapshot")) snapshotRequests.push(request.url());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // The page works under its own Content-Security-Policy: Chromium reports each blocked load here.
  const policyViolations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
  });

  const viewResponse = await openViewPage(page, `${baseUrl}/stream/view?source=${sourceName}`);
  assert.match(viewResponse.headers()["content-security-policy"] || "", /script-src 'self'/,
               "the view page is served with a Content-Security-Policy");

  await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0, null,
                             { timeout: snapshotTimeoutMs });
  const firstSnapshot = new URL(snapshotRequests[0]);
  assert.equal(firstSnapshot.searchParams.get("source"), sourceName);
  assert.equal(firstSnapshot.searchParams.get("force_refresh"), null, "the page starts in cached mode");

  await page.waitForFunction(() => {
    const age = document.getElementById("frame-age").textContent;
    return /^\d+(\.\d+)? (s|min|h)$/.test(age.trim());
  }, null, { timeout: modeTimeoutMs });
  const cacheState = (await page.textContent("#cache-state")).trim();
  assert.match(cacheState, /^(hit|miss|stale|refreshing|live)$/, "#cache-state shows X-Cache");

  await page.waitForFunction(() => document.getElementById("live").currentTime > 1.0, null,
                             { timeout: playTimeoutMs });

  await switchMode(page, snapshotRequests, "#mode-forced", "1");
  await switchMode(page, snapshotRequests, "#mode-cached", null);

  await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0);
  fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });

  // On a phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 390 px phone screen`);
  await page.screenshot({ path: screenshotPath.replace(/\.png$/, "-phone.png"), fullPage: true });
  assert.deepEqual(pageErrors, [], "no script errors on the page");
  assert.deepEqual(policyViolations, [], "nothing the page needs is blocked by its Content-Security-Policy");
}

/// Clicks a mode button and checks that the next snapshot request has `force_refresh` as expected.
/// The click follows the end of a snapshot request, so no request is in flight (the next one
/// would be a full refresh interval away) and "the next request" is the one the click caused.
async function switchMode(page, snapshotRequests, buttonSelector, expectedForce) {
  await page.waitForEvent("requestfinished", {
    predicate: (request) => request.url().includes("/stream/snapshot"),
    timeout: modeTimeoutMs,
  });
  const before = snapshotRequests.length;
  await page.click(buttonSelector);
  assert.equal(await page.getAttribute(buttonSelector, "aria-pressed"), "true");
  await waitFor(`a snapshot request after ${buttonSelector}`, () => snapshotRequests.length > before, modeTimeoutMs);
  const next = new URL(snapshotRequests[before]);
  assert.equal(next.searchParams.get("force_refresh"), expectedForce,
               `the first snapshot request after clicking ${buttonSelector}: ${next.pathname}${next.search}`);
}

/// With --token, the page is opened with ?token= and its script passes the token on to its requests
/// as a Bearer header: the snapshot loads, and no request URL of the page's own carries the token.
async function checkViewPageWithToken(page, baseUrl, token) {
  const snapshotRequests = [];
  const pageErrors = [];
  page.on("request", (request) => {
    if (request.url().includes("/stream/snapshot")) snapshotRequests.push(request);
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const policyViolations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
  });

  const response = await openViewPage(page, `${baseUrl}/stream/view?source=${sourceName}&token=${token}`);
  assert.ok(!(await response.text()).includes(token), "the server does not write the token into the page");
  await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0, null,
                             { timeout: snapshotTimeoutMs });
  const first = snapshotRequests[0];
  assert.equal(await first.headerValue("authorization"), `Bearer ${token}`);
  assert.ok(!first.url().includes(token), "the snapshot URL does not carry the token");
  assert.deepEqual(pageErrors, [], "no script errors on the page");
  assert.deepEqual(policyViolations, [], "nothing the page needs is blocked by its Content-Security-Policy");
}

/// A live RTSP test pattern (colour bars scrolling 4 px a frame) on `port`, started once it says READY.
async function startRtspSource(port) {
  const server = start("rtsp_server.py", "/usr/bin/python3", [
    path.join(repoRoot, "scripts/test-servers/rtsp_server.py"), "--port", String(port),
  ]);
  await waitFor("rtsp_server.py READY", () => server.output.text.includes("READY"), startupTimeoutMs, [server]);
  return server;
}

/// The <img> of the MJPEG live panel paints frames that change: its pixels, drawn onto a canvas
/// (same origin, so readable), differ between two moments while the stream runs.
async function checkMjpegPanel(page, baseUrl, name) {
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  const policyViolations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
  });
  await openViewPage(page, `${baseUrl}/stream/view?source=${name}`);
  assert.equal(await page.locator("#live").count(), 0, "no video player for a source without HLS");
  const src = await page.getAttribute("#live-mjpeg", "src", { timeout: snapshotTimeoutMs });
  assert.match(src || "", /^\/stream\/mjpeg\?source=/);
  await page.waitForFunction(() => document.getElementById("live-mjpeg").naturalWidth > 0, null,
                             { timeout: snapshotTimeoutMs });
  const pixels = () => page.evaluate(() => {
    const img = document.getElementById("live-mjpeg");
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 36;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data).join(",");
  });
  const first = await pixels();
  let changed = false;
  await waitFor("the MJPEG <img> to paint a different frame", async () => {
    changed = (await pixels()) !== first;
    return changed;
  }, playTimeoutMs);
  assert.ok(changed);
  assert.deepEqual(pageErrors, [], "no script errors on the page");
  assert.deepEqual(policyViolations, [], "nothing the page needs is blocked by its Content-Security-Policy");
}

/// Runs `check(page, baseUrl)` against a `ptzgrab serve` of the HLS test source, in a fresh browser.
async function withServeAndBrowser(tmp, hlsUrl, extraArgs, check, sources = undefined) {
  const dir = fs.mkdtempSync(path.join(tmp, "serve-"));
  const config = path.join(dir, "config.json");
  fs.writeFileSync(config, JSON.stringify({
    sources: sources || [{ name: sourceName, url: hlsUrl, hls_url: hlsUrl, max_age_s: 5, timeout_s: 15 }],
  }, null, 2));
  const port = Number(argv.port || process.env.PTZGRAB_TEST_PORT) || await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let serve, browser;
  try {
    serve = start("ptzgrab serve", ptzgrabBin, [
      "serve", "--config", config, "--port", String(port), "--static-dir", path.join(dir, "static"), ...extraArgs,
    ], { cwd: repoRoot });
    await waitFor("ptzgrab serve /healthz", () => httpOk(`${baseUrl}/healthz`), startupTimeoutMs, [serve]);
    browser = await launchBrowser(path.join(dir, "chromium-profile"));
    const page = browser.pages()[0] || await browser.newPage();
    await check(page, baseUrl);
  } catch (error) {
    if (serve && serve.output.text) console.error(`--- ptzgrab serve output ---\n${serve.output.text}`);
    throw error;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stop(serve);
  }
}

test("browser: /stream/view against a live HLS source", async (t) => {
  assert.ok(fs.existsSync(ptzgrabBin), `no ptzgrab binary at ${ptzgrabBin}`);
  assert.ok(fs.existsSync(chromiumBin), `no Chromium at ${chromiumBin} (scripts/install-browser-deps.sh)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ptzgrab-browser-"));
  const hlsDir = path.join(tmp, "hls");
  fs.mkdirSync(hlsDir);
  let ffmpeg, staticServer, rtsp;
  try {
    ffmpeg = startHlsSource(hlsDir);
    const playlist = path.join(hlsDir, "live.m3u8");
    await waitFor("3 HLS segments", () => segmentCount(playlist) >= 3, startupTimeoutMs, [ffmpeg]);
    const hlsPort = await freePort();
    staticServer = await startStaticServer(hlsDir, hlsPort);
    const hlsUrl = `http://127.0.0.1:${hlsPort}/live.m3u8`;

    await t.test("shows the snapshot, plays the stream, switches cached/forced, fits a phone", async (st) => {
      const screenshot = path.join(buildDir, "browser", "view_page.png");
      await withServeAndBrowser(tmp, hlsUrl, [], (page, baseUrl) => checkViewPage(page, baseUrl, screenshot));
      st.diagnostic(`screenshot: ${screenshot}`);
    });
    // The page's own assets load without the token (a <script src> cannot send it, and the page
    // never writes it into its HTML); everything the script asks for carries it.
    await t.test("behind --token, the page passes ?token= on to its requests", async () => {
      const token = "browser-test-token";
      await withServeAndBrowser(tmp, hlsUrl, ["--token", token],
                                (page, baseUrl) => checkViewPageWithToken(page, baseUrl, token));
    });
    await t.test("a live source without HLS shows the MJPEG restream, whose <img> paints new frames", async () => {
      const rtspPort = await freePort();
      rtsp = await startRtspSource(rtspPort);
      const sources = [{ name: "rtsp-live", url: `rtsp://127.0.0.1:${rtspPort}/stream`, live: "always", timeout_s: 15 }];
      await withServeAndBrowser(tmp, hlsUrl, [], (page, baseUrl) => checkMjpegPanel(page, baseUrl, "rtsp-live"), sources);
    });
  } catch (error) {
    for (const child of [staticServer, ffmpeg, rtsp]) {
      if (child && child.output.text) console.error(`--- ${child.output.name} output ---\n${child.output.text}`);
    }
    throw error;
  } finally {
    await stop(staticServer);
    await stop(ffmpeg);
    await stop(rtsp);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

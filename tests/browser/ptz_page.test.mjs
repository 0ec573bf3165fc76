// Browser test of the view page's camera controls: headless Chromium (playwright-core) on the page
// of a `ptzgrab serve` whose source is the loopback ONVIF test camera (scripts/test-servers/onvif_camera.py),
// behind --token. Holding the pad moves the camera (re-sent ContinuousMoves, then a Stop on release),
// a preset saved from the page is gone to from the page, home returns, a click on the picture
// centers there; each is checked through GET /ptz/status and the camera's request log, and the
// snapshot the page shows changes with the camera.
//
// usage: node tests/browser/ptz_page.test.mjs --ptzgrab PATH [--build-dir DIR]
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromiumBin, freePort, launchBrowser, start, stop, waitFor } from "./harness.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: argv } = parseArgs({
  options: { ptzgrab: { type: "string" }, "build-dir": { type: "string" } },
  strict: false,
});
const ptzgrabBin = argv.ptzgrab || process.env.PTZGRAB_BIN || path.join(repoRoot, "build/cmd/ptzgrab");
const buildDir = path.resolve(argv["build-dir"] || process.env.PTZGRAB_BUILD_DIR || path.join(repoRoot, "build"));
const token = "ptz-browser-token";
const cameraPassword = "ptz-browser-pass";
const startupTimeoutMs = 20_000;
const actionTimeoutMs = 30_000;  // a move, its settle and the frame after it

/// A detailed, non-repeating 1920x1080 picture for the camera to crop (as tests/support/onvif_camera.cpp makes).
function makeBaseImage(file) {
  const r = spawnSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=1",
                                 "-frames:v", "1", "-q:v", "2", file], { timeout: 30_000 });
  assert.equal(r.status, 0, `ffmpeg could not make the base image: ${r.stderr}`);
}

async function ptzStatus(baseUrl) {
  const res = await fetch(`${baseUrl}/ptz/status?source=cam`, {
    headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 200);
  return (await res.json()).position;
}

function cameraLog(file) {
  try { return fs.readFileSync(file, "utf8").split("\n").filter(Boolean); } catch { return []; }
}

/// The pixels of the page's snapshot, small, for telling two pictures apart.
function snapshotPixels(page) {
  return page.evaluate(() => {
    const img = document.getElementById("snapshot");
    const canvas = document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 36;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data).join(",");
  });
}

/// Clicks `selector`, waits for the POST it causes to answer (then=snapshot) and for the snapshot to change.
async function clickAndWaitForFrame(page, selector, route) {
  const before = await snapshotPixels(page);
  const answered = page.waitForResponse((r) => r.url().includes(route) && r.request().method() === "POST",
                                        { timeout: actionTimeoutMs });
  await page.click(selector);
  const response = await answered;
  assert.equal(response.status(), 200, `${route} answered ${response.status()}`);
  assert.equal(response.headers()["content-type"], "image/jpeg");
  assert.equal(response.headers()["x-ptz-settled"], "true");
  assert.equal(new URL(response.url()).searchParams.get("then"), "snapshot");
  await page.waitForFunction((old) => {
    const img = document.getElementById("snapshot");
    return img.complete && img.naturalWidth > 0 && img.dataset.shown !== old;
  }, null, { timeout: 5000 }).catch(() => {});
  await waitFor(`the snapshot to change after ${selector}`, async () => (await snapshotPixels(page)) !== before, 10_000);
}

async function checkCameraControls(page, baseUrl, logFile) {
  const pageErrors = [];
  const policyViolations = [];
  const ptzRequests = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) policyViolations.push(m.text()); });
  page.on("request", (r) => { if (r.url().includes("/ptz/")) ptzRequests.push(r); });
  // Moves in flight at once: the held pad keeps one, so a slow camera never gets a pile to replay.
  let movesInFlight = 0, mostMovesInFlight = 0;
  const isMove = (r) => r.url().includes("/ptz/move");
  page.on("request", (r) => { if (isMove(r)) mostMovesInFlight = Math.max(mostMovesInFlight, ++movesInFlight); });
  page.on("response", (res) => { if (isMove(res.request())) --movesInFlight; });  // fetch resolves here
  page.on("requestfailed", (r) => { if (isMove(r)) --movesInFlight; });

  const response = await page.goto(`${baseUrl}/stream/view?source=cam&token=${token}`);
  assert.equal(response.status(), 200);
  await page.waitForSelector("#ptz-presets li", { timeout: actionTimeoutMs });
  await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0, null, { timeout: actionTimeoutMs });
  for (const r of ptzRequests) {
    assert.equal(await r.headerValue("authorization"), `Bearer ${token}`, `${r.url()} carries the token`);
    assert.ok(!r.url().includes(token), "no /ptz/ URL carries the token");
  }

  // Hold "right" for 1.3 s: the move is sent, re-sent while held, and a stop follows the release.
  const start = await ptzStatus(baseUrl);
  const box = await page.locator("#ptz-right").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const sentBefore = ptzRequests.length;
  mostMovesInFlight = movesInFlight;
  await page.mouse.down();
  await page.waitForTimeout(1300);
  await page.mouse.up();
  await waitFor("the stop after the release", () => ptzRequests.slice(sentBefore).some((r) => r.url().includes("/ptz/stop")),
                5000);
  const moves = ptzRequests.slice(sentBefore).filter((r) => r.url().includes("/ptz/move"));
  assert.ok(moves.length >= 2, `the held button re-sends its move (${moves.length} sent)`);
  assert.equal(mostMovesInFlight, 1, "the held button keeps one move in flight, never more");
  for (const m of moves) {
    const q = new URL(m.url()).searchParams;
    assert.equal(m.method(), "POST");
    assert.equal(q.get("mode"), "continuous");
    assert.equal(q.get("duration"), "1", "every move carries the dead-man timeout");
    assert.ok(Number(q.get("pan")) > 0);
  }
  await page.waitForTimeout(500);
  const held = await ptzStatus(baseUrl);
  assert.ok(held.pan > start.pan + 0.2, `holding right panned the camera (${start.pan} -> ${held.pan})`);
  const log = cameraLog(logFile).join("\n");
  assert.match(log, / ContinuousMove auth=wsse status=200/);
  assert.match(log, / Stop auth=wsse status=200/);

  // Save the position as a preset from the page (the prompt answered), then go home and back to it.
  page.once("dialog", (dialog) => dialog.accept("Gate"));
  await page.click("#ptz-save");
  const gate = page.locator("#ptz-presets li button.ptz-goto", { hasText: "Gate" });
  await gate.waitFor({ timeout: actionTimeoutMs });

  await clickAndWaitForFrame(page, "#ptz-home", "/ptz/home");
  const home = await ptzStatus(baseUrl);
  assert.ok(Math.abs(home.pan) < 0.02 && Math.abs(home.tilt) < 0.02, `home: ${JSON.stringify(home)}`);

  const gateSelector = `#ptz-presets li:has(button.ptz-goto:text-is("Gate")) button.ptz-goto`;
  await clickAndWaitForFrame(page, gateSelector, "/ptz/goto");
  const back = await ptzStatus(baseUrl);
  assert.ok(Math.abs(back.pan - held.pan) < 0.02, `the preset is where the pad left the camera (${held.pan} vs ${back.pan})`);

  // A click near the right edge of the picture centers there: the camera pans right.
  await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0, null, { timeout: actionTimeoutMs });
  const img = await page.locator("#snapshot").boundingBox();
  const beforeCenter = await ptzStatus(baseUrl);
  const answered = page.waitForResponse((r) => r.url().includes("/ptz/move") && r.request().method() === "POST",
                                        { timeout: actionTimeoutMs });
  await page.mouse.click(img.x + img.width * 0.9, img.y + img.height / 2);
  const centered = await answered;
  assert.equal(centered.status(), 200);
  assert.equal(new URL(centered.url()).searchParams.get("mode"), "center");
  const after = await ptzStatus(baseUrl);
  assert.ok(after.pan > beforeCenter.pan + 0.05, `center panned right (${beforeCenter.pan} -> ${after.pan})`);

  // Remove the preset from the page.
  page.once("dialog", (dialog) => dialog.accept());
  await page.click(`#ptz-presets li:has(button.ptz-goto:text-is("Gate")) button.ptz-remove`);
  await waitFor("the preset to leave the list", async () => (await gate.count()) === 0, actionTimeoutMs);

  fs.mkdirSync(path.join(buildDir, "browser"), { recursive: true });
  await page.screenshot({ path: path.join(buildDir, "browser", "ptz_page.png"), fullPage: true });
  assert.deepEqual(pageErrors, [], "no script errors on the page");
  assert.deepEqual(policyViolations, [], "nothing the page needs is blocked by its Content-Security-Policy");
  const shown = await page.content();
  assert.ok(!shown.includes(cameraPassword), "the camera's password is not in the page");
}

test("browser: the view page's camera controls move the loopback ONVIF camera", async () => {
  assert.ok(fs.existsSync(ptzgrabBin), `no ptzgrab binary at ${ptzgrabBin}`);
  assert.ok(fs.existsSync(chromiumBin), `no Chromium at ${chromiumBin} (scripts/install-browser-deps.sh)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ptzgrab-ptz-browser-"));
  let camera, serve, browser;
  try {
    const base = path.join(tmp, "base.jpg");
    makeBaseImage(base);
    const [httpPort, rtspPort, servePort] = [await freePort(), await freePort(), await freePort()];
    const logFile = path.join(tmp, "camera.log");
    camera = start("onvif_camera.py", "/usr/bin/python3", [
      path.join(repoRoot, "scripts/test-servers/onvif_camera.py"), "--port", String(httpPort), "--rtsp-port",
      String(rtspPort), "--base-image", base, "--user", "admin", "--password", cameraPassword, "--log", logFile,
    ]);
    await waitFor("onvif_camera.py READY", () => camera.output.text.includes("READY"), startupTimeoutMs, [camera]);
    const config = path.join(tmp, "config.json");
    fs.writeFileSync(config, JSON.stringify({ sources: [{
      name: "cam", url: `rtsp://127.0.0.1:${rtspPort}/stream`, live: "off", timeout_s: 10,
      onvif: { url: `http://127.0.0.1:${httpPort}/onvif/device_service`, user: "admin", password: cameraPassword },
    }] }));
    const baseUrl = `http://127.0.0.1:${servePort}`;
    serve = start("ptzgrab serve", ptzgrabBin, ["serve", "--config", config, "--port", String(servePort),
                                                "--static-dir", path.join(tmp, "static"), "--token", token],
                  { cwd: repoRoot });
    await waitFor("ptzgrab serve /healthz", async () => {
      try { return (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).ok; } catch { return false; }
    }, startupTimeoutMs, [serve]);
    browser = await launchBrowser(path.join(tmp, "profile"), { width: 1280, height: 1000 });
    const page = browser.pages()[0] || await browser.newPage();
    await checkCameraControls(page, baseUrl, logFile);
  } catch (error) {
    for (const child of [serve, camera]) {
      if (child && child.output.text) console.error(`--- ${child.output.name} output ---\n${child.output.text}`);
    }
    throw error;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stop(serve);
    await stop(camera);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// Independent cross-check of the loopback ONVIF test camera (scripts/test-servers/onvif_camera.py):
// the npm `onvif` client (agsh, 0.8.3, a devDependency) connects to it, reads the device information,
// saves a preset, lists it, moves away, goes back to it and polls GetStatus until IDLE. A second camera
// started with --digest-only proves the HTTP Digest path; a third has no GetServices and a clock an hour
// ahead. The cameras' request logs must show the calls authenticated (auth=wsse / auth=digest), never auth=bad.
//
// usage: node tests/onvif/onvif_camera.test.mjs   (from the source tree; needs node_modules/onvif)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import onvif from "onvif";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cameraScript = path.join(repoRoot, "scripts/test-servers/onvif_camera.py");
const startupTimeoutMs = 20_000; // GStreamer pipeline up and the warm-up RTSP client served
const settleTimeoutMs = 15_000;  // a move at the default speed (1 unit/s) takes at most ~2 s
const user = "admin";
const password = "cam-secret-7";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function makeBaseImage(dir) {
  const file = path.join(dir, "base.jpg");
  execFileSync("ffmpeg", ["-v", "error", "-y",
    "-f", "lavfi", "-i", "nullsrc=s=160x90,geq=lum='random(1)*255':cb='random(2)*255':cr='random(3)*255',scale=1920:1080:flags=neighbor",
    "-f", "lavfi", "-i", "nullsrc=s=1920x1080,geq=lum='X*255/W':cb='Y*255/H':cr=128",
    "-filter_complex", "[0][1]blend=all_mode=average,format=yuvj420p", "-frames:v", "1", "-q:v", "2", file],
  { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
  return file;
}

/// Starts the camera in its own process group (it dies with this test) and waits for its READY line.
async function startCamera(dir, baseImage, extraArgs = []) {
  const port = await freePort();
  const rtspPort = await freePort();
  const log = path.join(dir, `requests-${port}.log`);
  const child = spawn("/usr/bin/setpriv", ["--pdeathsig", "KILL", "--", "/usr/bin/python3", cameraScript,
    "--port", String(port), "--rtsp-port", String(rtspPort), "--base-image", baseImage,
    "--user", user, "--password", password, "--log", log, ...extraArgs],
  { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (c) => { output += c; });
  child.stderr.on("data", (c) => { output = (output + c).slice(-20_000); });
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + startupTimeoutMs;
  while (!output.includes("READY")) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopCamera(child);
      throw new Error("camera did not start: " + output);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, log };
}

async function stopCamera(child) {
  if (child.exitCode === null && child.signalCode === null) {
    try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
    await child.exited;
    clearTimeout(timer);
  }
}

async function connect(port) {
  const cam = new onvif.Cam({ hostname: "127.0.0.1", port, username: user, password,
    path: "/onvif/device_service", timeout: 10_000, autoconnect: false });
  await promisify(cam.connect.bind(cam))();
  return cam;
}

/// GetStatus until both axes are IDLE; returns the last status.
async function waitIdle(cam) {
  const deadline = Date.now() + settleTimeoutMs;
  for (;;) {
    const status = await promisify(cam.getStatus.bind(cam))({});
    const ms = status.moveStatus || {};
    if (ms.panTilt === "IDLE" && ms.zoom === "IDLE") return status;
    if (Date.now() > deadline) throw new Error("camera still moving: " + JSON.stringify(status));
    await new Promise((r) => setTimeout(r, 200));
  }
}

function near(actual, expected, what) {
  assert.ok(Math.abs(Number(actual) - expected) < 0.01, `${what}: ${actual} is not ${expected}`);
}

let dir;
let baseImage;
test.before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ptzgrab-onvif-node-"));
  baseImage = makeBaseImage(dir);
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("npm onvif connects with WS-Security, saves a preset, lists it and goes back to it", async () => {
  const camera = await startCamera(dir, baseImage);
  try {
    const cam = await connect(camera.port);
    assert.equal(cam.activeSource.profileToken, "profile_1");
    assert.ok(cam.activeSource.ptz, "the profile has a PTZ configuration");
    const info = await promisify(cam.getDeviceInformation.bind(cam))();
    assert.equal(info.manufacturer, "ptzgrab");

    await promisify(cam.absoluteMove.bind(cam))({ x: 0.3, y: -0.2, zoom: 0.4 });
    const there = await waitIdle(cam);
    near(there.position.x, 0.3, "pan");
    near(there.position.y, -0.2, "tilt");
    near(there.position.zoom, 0.4, "zoom");

    const reply = await promisify(cam.setPreset.bind(cam))({ presetName: "node-preset" });
    const token = reply[0].setPresetResponse[0].presetToken[0];
    assert.match(String(token), /^\S+$/);
    const presets = await promisify(cam.getPresets.bind(cam))({});
    assert.equal(String(presets["node-preset"]?.$?.token), String(token));

    await promisify(cam.gotoHomePosition.bind(cam))({});
    near((await waitIdle(cam)).position.x, 0, "pan at home");
    await promisify(cam.gotoPreset.bind(cam))({ preset: token });
    const back = await waitIdle(cam);
    near(back.position.x, 0.3, "pan at the preset");
    near(back.position.y, -0.2, "tilt at the preset");
    near(back.position.zoom, 0.4, "zoom at the preset");

    const lines = fs.readFileSync(camera.log, "utf8").trim().split("\n");
    assert.ok(lines.some((l) => / ptz GotoPreset auth=wsse status=200$/.test(l)), lines.join("\n"));
    assert.ok(!lines.some((l) => /auth=bad/.test(l)), lines.join("\n"));
  } finally {
    await stopCamera(camera.child);
  }
});

test("npm onvif answers the Digest challenge of a --digest-only camera", async () => {
  const camera = await startCamera(dir, baseImage, ["--digest-only"]);
  try {
    const cam = await connect(camera.port);
    const info = await promisify(cam.getDeviceInformation.bind(cam))();
    assert.equal(info.model, "Loopback PTZ Test Camera");
    const lines = fs.readFileSync(camera.log, "utf8").trim().split("\n");
    assert.ok(lines.some((l) => / device GetDeviceInformation auth=none status=401$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => / device GetDeviceInformation auth=digest status=200$/.test(l)), lines.join("\n"));
  } finally {
    await stopCamera(camera.child);
  }
});

test("npm onvif falls back to GetCapabilities and signs with the device clock of a skewed camera", async () => {
  const camera = await startCamera(dir, baseImage, ["--no-get-services", "--clock-offset", "3600"]);
  try {
    const cam = await connect(camera.port);
    const status = await waitIdle(cam);
    near(status.position.x, 0, "pan");
    const lines = fs.readFileSync(camera.log, "utf8").trim().split("\n");
    assert.ok(lines.some((l) => / device GetServices auth=wsse status=500$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => / device GetCapabilities auth=wsse status=200$/.test(l)), lines.join("\n"));
    assert.ok(!lines.some((l) => /auth=bad/.test(l)), lines.join("\n"));
  } finally {
    await stopCamera(camera.child);
  }
});

// The cross-read: ptzgrab and the npm client share one camera's presets, each reading the other's by
// token, and each goes to the other's preset. PTZGRAB_BIN names the built binary (ctest sets it).
const ptzgrabBin = process.env.PTZGRAB_BIN;

function ptzgrab(port, ...args) {
  const out = execFileSync(ptzgrabBin, ["ptz", "--onvif", `http://127.0.0.1:${port}/onvif/device_service`,
    "--user", user, "--json", ...args],
  { env: { ...process.env, PTZGRAB_ONVIF_PASSWORD: password }, timeout: 60_000, encoding: "utf8" });
  assert.ok(!out.includes(password), "no password in ptzgrab's output");
  return JSON.parse(out);
}

test("ptzgrab and npm onvif read each other's presets on the same camera, by token", { skip: !ptzgrabBin && "PTZGRAB_BIN not set" }, async () => {
  const camera = await startCamera(dir, baseImage);
  try {
    // ptzgrab moves and saves; npm onvif finds that preset under the same token and goes to it.
    const cam = await connect(camera.port);
    ptzgrab(camera.port, "move", "--mode", "absolute", "--pan", "-0.5", "--tilt", "0.4", "--zoom", "0.2");
    await waitIdle(cam);
    const saved = ptzgrab(camera.port, "set-preset", "saved-by-ptzgrab");
    const seen = await promisify(cam.getPresets.bind(cam))({});
    assert.equal(String(seen["saved-by-ptzgrab"]?.$?.token), String(saved.token), JSON.stringify(seen));

    // npm onvif moves and saves; ptzgrab lists that preset under the same token and goes to it.
    await promisify(cam.absoluteMove.bind(cam))({ x: 0.6, y: -0.3, zoom: 0.5 });
    await waitIdle(cam);
    const reply = await promisify(cam.setPreset.bind(cam))({ presetName: "saved-by-npm" });
    const npmToken = String(reply[0].setPresetResponse[0].presetToken[0]);
    const listed = ptzgrab(camera.port, "presets");
    const presets = Array.isArray(listed) ? listed : listed.presets;
    const mine = presets.find((p) => p.name === "saved-by-npm");
    assert.ok(mine, JSON.stringify(listed));
    assert.equal(String(mine.token), npmToken);

    ptzgrab(camera.port, "goto", npmToken);
    await promisify(cam.gotoPreset.bind(cam))({ preset: String(saved.token) });
    const atPtzgrabs = await waitIdle(cam);
    near(atPtzgrabs.position.x, -0.5, "pan at ptzgrab's preset");
    near(atPtzgrabs.position.y, 0.4, "tilt at ptzgrab's preset");
    ptzgrab(camera.port, "goto", "saved-by-npm");
    const atNpms = await waitIdle(cam);
    near(atNpms.position.x, 0.6, "pan at npm's preset");
    near(atNpms.position.zoom, 0.5, "zoom at npm's preset");
    const status = ptzgrab(camera.port, "status");  // ptzgrab reads the same position npm does
    near(status.position.pan, 0.6, "pan read by ptzgrab");
    near(status.position.tilt, -0.3, "tilt read by ptzgrab");
  } finally {
    await stopCamera(camera.child);
  }
});

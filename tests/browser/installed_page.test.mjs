// The operator's install, checked as an operator meets it: `cmake --install` into a temporary
// prefix lays out the binary, the assets, the man page, the example config and the systemd units;
// the installed `ptzgrab serve`, run from an unrelated folder with no --assets-dir, finds its
// assets under its own prefix; headless Chromium loads /stream/view with every asset it asks for,
// and the demo clip plays from the installed copy.
//
// usage: node tests/browser/installed_page.test.mjs --build-dir DIR [--man ON|OFF]
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromiumBin, freePort, httpOk, launchBrowser, start, stop, waitFor } from "./harness.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: argv } = parseArgs({
  options: { "build-dir": { type: "string" }, man: { type: "string" } },
  strict: false,
});
const buildDir = path.resolve(argv["build-dir"] || process.env.PTZGRAB_BUILD_DIR || path.join(repoRoot, "build"));
const withManPage = (argv.man || "ON").toUpperCase() === "ON";
const startupTimeoutMs = 20_000;
const pageTimeoutMs = 45_000;  // the first grab of the demo, hls.js loading the demo clip

/// Runs a command to its end (at most 2 min); its output, or a failed assertion with its output.
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 120_000, ...options });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

function checkLayout(prefix) {
  const expected = [
    "bin/ptzgrab",
    "share/ptzgrab/assets/view.js",
    "share/ptzgrab/assets/view.css",
    "share/ptzgrab/assets/vendor/hls.min.js",
    "share/ptzgrab/assets/demo/index.m3u8",
    "share/doc/ptzgrab/examples/cameras.example.yaml",
    "lib/systemd/system/ptzgrab.service",
    "lib/systemd/system/ptzgrab-snapshot@.service",
    "lib/systemd/system/ptzgrab-snapshot@.timer",
  ];
  if (withManPage) expected.push("share/man/man1/ptzgrab.1");
  const missing = expected.filter((file) => !fs.existsSync(path.join(prefix, file)));
  assert.deepEqual(missing, [], "cmake --install lays out every file");
  fs.accessSync(path.join(prefix, "bin/ptzgrab"), fs.constants.X_OK);

  const unit = fs.readFileSync(path.join(prefix, "lib/systemd/system/ptzgrab.service"), "utf8");
  assert.match(unit, new RegExp(`^ExecStart=${prefix}/bin/ptzgrab serve`, "m"), "the unit runs the installed binary");
  for (const setting of ["DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=ptzgrab",
                         "ConfigurationDirectory=ptzgrab", "Restart=on-failure"]) {
    assert.match(unit, new RegExp(`^${setting}$`, "m"), `the unit sets ${setting}`);
  }
  assert.match(unit, /^LoadCredential=token:/m, "the token comes from a file, as a credential");

  if (withManPage) {
    const page = fs.readFileSync(path.join(prefix, "share/man/man1/ptzgrab.1"), "utf8");
    assert.match(page, /^\.TH PTZGRAB "1"/m);
    assert.match(page, /check-config/, "the man page has the subcommands from the real --help");
    assert.ok(!page.includes(repoRoot) && !page.includes(buildDir), "the man page names no path of the build machine");
  }
}

/// systemd's own checker on the installed units, where this machine has it.
function verifyUnits(prefix) {
  const analyze = "/usr/bin/systemd-analyze";
  if (!fs.existsSync(analyze)) return "systemd-analyze not installed: units not verified";
  const units = ["ptzgrab.service", "ptzgrab-snapshot@.service", "ptzgrab-snapshot@.timer"]
    .map((unit) => path.join(prefix, "lib/systemd/system", unit));
  // The units' Documentation=man:ptzgrab(1) is looked up on MANPATH; the trailing ':' keeps the system's.
  const env = { ...process.env, MANPATH: `${path.join(prefix, "share/man")}:`, SYSTEMD_LOG_LEVEL: "warning" };
  const result = spawnSync(analyze, ["verify", ...units], { encoding: "utf8", timeout: 60_000, env });
  const complaints = (result.stdout + result.stderr).split("\n")
    .filter((line) => line.trim() && (withManPage || !/ptzgrab\(1\)|man:ptzgrab/.test(line)));
  assert.ok(result.status === 0 || (!withManPage && complaints.length === 0),
            `systemd-analyze verify: exit ${result.status}\n${result.stdout}${result.stderr}`);
  assert.deepEqual(complaints, [], "systemd-analyze verify has nothing to say");
  return "units verified";
}

/// The snapshot timer's command, as systemd would run it for camera "gate": the unit's ExecStart
/// with its specifiers (%i, %S, %%) and environment filled in, run without a shell: one JPEG, named
/// by camera and time, must appear in the state folder.
function runSnapshotUnitCommand(prefix, stateDir) {
  const unit = fs.readFileSync(path.join(prefix, "lib/systemd/system/ptzgrab-snapshot@.service"), "utf8");
  const execStart = unit.match(/^ExecStart=((?:.*\\\n)*.*)$/m)[1].replace(/\\\n\s*/g, " ");
  const env = { PTZGRAB_SNAPSHOT_URL: "lavfi:testsrc2=size=320x240:rate=5", PTZGRAB_SNAPSHOT_OPTS: "--width 160" };
  const words = execStart.trim().split(/\s+/)
    .flatMap((word) => {
      const whole = word.match(/^\$(\w+)$/);  // $VAR: split into words, as systemd does
      if (whole) return (env[whole[1]] || "").split(/\s+/).filter(Boolean);
      return [word.replace(/\$\{(\w+)\}/g, (_, name) => env[name])];
    })
    .map((word) => word.replace(/%%|%i|%S/g, (spec) => ({ "%%": "%", "%i": "gate", "%S": stateDir })[spec]));
  fs.mkdirSync(path.join(stateDir, "ptzgrab-snapshots"), { recursive: true });
  run(words[0], words.slice(1));
  const written = fs.readdirSync(path.join(stateDir, "ptzgrab-snapshots"));
  assert.equal(written.length, 1, `one snapshot written (${written})`);
  assert.match(written[0], /^gate-\d{8}-\d{6}\.jpg$/, "named by camera and time");
  const jpeg = fs.readFileSync(path.join(stateDir, "ptzgrab-snapshots", written[0]));
  assert.equal(jpeg.readUInt16BE(0), 0xffd8, "a JPEG");
}

test("an installed ptzgrab serves its page with every asset from its own prefix", { timeout: 240_000 }, async () => {
  assert.ok(fs.existsSync(chromiumBin), `no Chromium at ${chromiumBin} (scripts/install-browser-deps.sh)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ptzgrab-install-"));
  let serve;
  let browser;
  try {
    const prefix = path.join(tmp, "prefix");
    run("cmake", ["--install", buildDir, "--prefix", prefix]);
    checkLayout(prefix);
    console.log(verifyUnits(prefix));
    runSnapshotUnitCommand(prefix, path.join(tmp, "state"));

    const installed = path.join(prefix, "bin/ptzgrab");
    const help = run(installed, ["serve", "--help"]);
    assert.ok(!help.includes(repoRoot), "--help names no path of the build machine");
    assert.match(help, /share\/ptzgrab\/assets/, "--help says where the assets are looked for");
    // The example config an operator starts from is valid as shipped.
    run(installed, ["check-config", path.join(prefix, "share/doc/ptzgrab/examples/cameras.example.yaml")]);

    // A file only the installed copy has: served means the prefix's folder is the one in use.
    const marker = "installed copy " + process.pid;
    fs.writeFileSync(path.join(prefix, "share/ptzgrab/assets/installed-marker.txt"), marker);

    const elsewhere = path.join(tmp, "elsewhere");
    fs.mkdirSync(elsewhere);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    serve = start("installed ptzgrab serve", installed,
                  ["serve", "--port", String(port), "--static-dir", path.join(tmp, "static")], { cwd: elsewhere });
    await waitFor("the installed server", () => httpOk(`${baseUrl}/healthz`), startupTimeoutMs, [serve]);
    assert.ok(!/warning: no files in the assets folder/.test(serve.output.text), serve.output.text);
    const markerResponse = await fetch(`${baseUrl}/assets/installed-marker.txt`, { signal: AbortSignal.timeout(5000) });
    assert.equal(markerResponse.status, 200, "the installed assets folder is the one served");
    assert.equal(await markerResponse.text(), marker);

    browser = await launchBrowser(path.join(tmp, "chromium-profile"));
    const page = browser.pages()[0] || await browser.newPage();
    const assetAnswers = new Map();
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith("/assets/")) assetAnswers.set(url.pathname, response.status());
    });
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const view = await page.goto(`${baseUrl}/stream/view`);
    assert.equal(view.status(), 200);
    await page.waitForFunction(() => document.getElementById("snapshot").naturalWidth > 0, null, { timeout: pageTimeoutMs });
    // The demo clip is HLS from the installed assets/demo/, played by the installed hls.js.
    await page.waitForFunction(() => document.getElementById("live").currentTime > 1.0, null, { timeout: pageTimeoutMs });

    for (const asset of ["/assets/view.js", "/assets/view.css", "/assets/vendor/hls.min.js", "/assets/demo/index.m3u8"]) {
      assert.ok(assetAnswers.has(asset), `the page asked for ${asset} (asked: ${[...assetAnswers.keys()].join(", ")})`);
    }
    assert.ok([...assetAnswers.keys()].some((p) => p.startsWith("/assets/demo/") && p.endsWith(".ts")), "a demo segment was loaded");
    const failed = [...assetAnswers].filter(([, status]) => status >= 400).map(([p, status]) => `${status} ${p}`);
    assert.deepEqual(failed, [], "every asset the page asked for was served");
    assert.deepEqual(pageErrors, [], "no script errors on the page");
  } catch (error) {
    if (serve) console.error(`--- ${serve.output.name} output ---\n${serve.output.text}`);
    throw error;
  } finally {
    if (browser) await browser.close();
    await stop(serve);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// What every browser test needs: children that die with the test, free loopback ports, bounded
// waits, and a headless Chromium (Debian's, driven by playwright-core). One copy for all of them.
import { spawn } from "node:child_process";
import net from "node:net";
import { chromium } from "playwright-core";

export const chromiumBin = process.env.CHROMIUM || "/usr/bin/chromium";

/// A started child in its own process group that also dies if this test dies (SIGKILL from ctest).
export function start(name, command, args, options = {}) {
  const child = spawn("/usr/bin/setpriv", ["--pdeathsig", "KILL", "--", command, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...options,
  });
  const output = { name, text: "" };
  const keep = (chunk) => {
    output.text = (output.text + chunk.toString()).slice(-20_000); // bounded: only for diagnostics
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.output = output;
  return child;
}

/// SIGTERM to the child's process group, SIGKILL after `graceMs`; resolves once it is reaped.
export async function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal) => {
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  };
  signalGroup("SIGTERM");
  const killer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(killer);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// Polls `check` every 200 ms until it is true; throws after `timeoutMs`, or at once when one of
/// `children` has exited (with its output).
export async function waitFor(what, check, timeoutMs, children = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${child.output.name} exited while waiting for ${what}:\n${child.output.text}`);
      }
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/// Whether `url` answers 2xx within 2 s.
export async function httpOk(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/// A fresh headless Chromium with its profile in `userDataDir`.
export async function launchBrowser(userDataDir, viewport = { width: 1280, height: 800 }) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumBin,
    headless: true,
    chromiumSandbox: false,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport,
  });
}

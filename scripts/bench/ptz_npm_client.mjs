// The baseline of scripts/bench/ptz.sh: the npm `onvif` client (agsh 0.8.3, a test-only devDependency)
// against the same loopback test camera as ptzgrab. Prints one JSON object on stdout.
//
//   node ptz_npm_client.mjs connect-status PORT USER PASS         a new client: connect, one GetStatus (cold)
//   node ptz_npm_client.mjs roundtrips PORT USER PASS N TOKEN_A TOKEN_B
//                                 one connected client: N GetStatus, then N GotoPreset alternating A and B
//   node ptz_npm_client.mjs goto-then-wait PORT USER PASS TOKEN DELAY_MS
//                                 GotoPreset, then the fixed delay other tools wait before they grab
// Every call has a timeout (the client's, 10 s); a failure exits 1 with the reason on stderr.
import { promisify } from "node:util";
import onvif from "onvif";

const [mode, port, user, password, ...rest] = process.argv.slice(2);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const now = () => process.hrtime.bigint();

async function connect() {
  const cam = new onvif.Cam({ hostname: "127.0.0.1", port: Number(port), username: user, password,
    path: "/onvif/device_service", timeout: 10_000, autoconnect: false });
  await promisify(cam.connect.bind(cam))();
  return cam;
}

async function main() {
  if (mode === "connect-status") {
    const start = now();
    const cam = await connect();
    await promisify(cam.getStatus.bind(cam))({});
    return { connect_status_ms: ms(start) };
  }
  if (mode === "roundtrips") {
    const [n, tokenA, tokenB] = [Number(rest[0]), rest[1], rest[2]];
    const cam = await connect();
    const status = [], goto = [];
    for (let i = 0; i < n; i++) {
      const start = now();
      await promisify(cam.getStatus.bind(cam))({});
      status.push(ms(start));
    }
    for (let i = 0; i < n; i++) {
      const start = now();
      await promisify(cam.gotoPreset.bind(cam))({ preset: i % 2 ? tokenB : tokenA });
      goto.push(ms(start));
    }
    return { status_ms: status, goto_ms: goto };
  }
  if (mode === "goto-then-wait") {
    const [token, delay] = [rest[0], Number(rest[1])];
    const cam = await connect();
    const start = now();
    await promisify(cam.gotoPreset.bind(cam))({ preset: token });
    await new Promise((r) => setTimeout(r, delay));
    return { goto_then_wait_ms: ms(start) };
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then((result) => { console.log(JSON.stringify(result)); process.exit(0); },
  (err) => { console.error(`ptz_npm_client: ${err?.message ?? err}`); process.exit(1); });

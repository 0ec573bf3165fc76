#!/usr/bin/python3
"""ptzgrab's side of scripts/bench/ptz.sh: round trips of `ptzgrab serve`'s /ptz/ routes on one
kept-alive loopback connection (standard library only). Prints one JSON object on stdout.

  ptz_probe.py roundtrips BASE SOURCE N TOKEN_A TOKEN_B
      N GET /ptz/status, then N POST /ptz/goto alternating presets A and B

Every request has a timeout; a non-2xx answer exits 1 with the reason on stderr.
"""
import http.client
import json
import sys
import time
from urllib.parse import quote, urlsplit

TIMEOUT_S = 30


def main():
    mode, base, source, n, token_a, token_b = sys.argv[1:7]
    if mode != "roundtrips":
        sys.exit(f"ptz_probe: unknown mode {mode}")
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT_S)

    def call(method, path):
        start = time.perf_counter()
        conn.request(method, path)
        res = conn.getresponse()
        body = res.read()
        elapsed = (time.perf_counter() - start) * 1000
        if res.status // 100 != 2:
            sys.exit(f"ptz_probe: {method} {path}: {res.status} {body[:200]!r}")
        return elapsed

    q = quote(source)
    status = [call("GET", f"/ptz/status?source={q}") for _ in range(int(n))]
    goto = [call("POST", f"/ptz/goto?source={q}&preset={quote(token_b if i % 2 else token_a)}")
            for i in range(int(n))]
    print(json.dumps({"status_ms": status, "goto_ms": goto}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Measuring tools for scripts/bench/live.sh (standard library only, loopback HTTP only).

  live_probe.py get URL [OUT]                 one GET; prints "ms status" and the frame headers; exit 1 unless 200
  live_probe.py sample N SPAN_S LABEL=URL...  N GETs per URL, interleaved in random order over SPAN_S seconds;
                                              prints one line per label: p50/p99 latency, p50/p99 frame age
  live_probe.py cpu SECONDS PID...            CPU of each process tree (the process, its live descendants and
                                              its reaped children) over SECONDS, as % of one core
  live_probe.py rss PID                       VmRSS of the process and of each descendant
  live_probe.py children PID [NAME]           pids of the live descendants (named NAME) of PID
  live_probe.py viewers N SECONDS URL         N clients read a multipart/x-mixed-replace stream for SECONDS;
                                              prints parts per viewer (min median max), the frames the stream
                                              produced meanwhile (the span of X-Frame-Sequence seen) and the
                                              worst viewer's % of the frames produced since its first one

Every HTTP read has a timeout; a failed request makes the command exit non-zero with the reason.
"""

import os
import random
import selectors
import socket
import statistics
import sys
import time
from email.utils import parsedate_to_datetime
from datetime import datetime
from urllib.parse import urlsplit

TIMEOUT_S = 30
CLK_TCK = os.sysconf("SC_CLK_TCK")


def die(message):
    print(f"live_probe: {message}", file=sys.stderr)
    sys.exit(1)


def request_bytes(url):
    u = urlsplit(url)
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    return u.hostname, u.port or 80, (f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port or 80}\r\n"
                                      "Connection: close\r\n\r\n").encode()


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


def fetch(url):
    """One GET on a new connection: (latency_ms, status, headers, body, arrived_wall)."""
    host, port, req = request_bytes(url)
    start = time.perf_counter()
    with socket.create_connection((host, port), timeout=TIMEOUT_S) as s:
        s.sendall(req)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    elapsed_ms = (time.perf_counter() - start) * 1000
    arrived = time.time()
    data = b"".join(chunks)
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise OSError(f"no HTTP answer from {url}")
    status, headers = parse_head(head)
    return elapsed_ms, status, headers, body, arrived


def frame_age_ms(headers, arrived_wall):
    """The frame's age as the server states it; else from its grab time; None when neither is given."""
    if "x-frame-age-ms" in headers:
        try:
            return float(headers["x-frame-age-ms"])
        except ValueError:
            pass
    grabbed = headers.get("x-frame-grabbed-at")
    if grabbed:
        try:
            t = datetime.fromisoformat(grabbed.replace("Z", "+00:00")).timestamp()
        except ValueError:
            try:
                t = parsedate_to_datetime(grabbed).timestamp()
            except (TypeError, ValueError):
                return None
        return max(0.0, (arrived_wall - t) * 1000)
    return None


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:.{digits}f}"


def cmd_get(url, out=None):
    try:
        ms, status, headers, body, _ = fetch(url)
    except OSError as e:
        die(f"GET {url}: {e}")
    if out:
        with open(out, "wb") as f:
            f.write(body)
    keep = ("x-cache", "x-frame-age-ms", "x-frame-sequence", "x-source-status", "content-type")
    print(f"{ms:.1f} {status} " + " ".join(f"{k}={headers[k]}" for k in keep if k in headers))
    sys.exit(0 if status == 200 else 1)


def cmd_sample(n, span_s, targets):
    """Requests each target n times; the order is shuffled and the pauses random, so every target sees
    the same load and the requests fall at random points of the keyframe interval."""
    labelled = [t.split("=", 1) for t in targets]
    order = [i for i in range(len(labelled)) for _ in range(n)]
    random.shuffle(order)
    mean_gap = span_s / max(1, len(order))
    latencies = {i: [] for i in range(len(labelled))}
    ages = {i: [] for i in range(len(labelled))}
    caches = {i: {} for i in range(len(labelled))}
    for i in order:
        label, url = labelled[i]
        try:
            ms, status, headers, body, arrived = fetch(url)
        except OSError as e:
            die(f"{label}: GET {url}: {e}")
        if status != 200 or not body.startswith(b"\xff\xd8"):
            die(f"{label}: GET {url}: status {status}, {len(body)} bytes, not a JPEG")
        latencies[i].append(ms)
        age = frame_age_ms(headers, arrived)
        if age is not None:
            ages[i].append(age)
        c = headers.get("x-cache", "-")
        caches[i][c] = caches[i].get(c, 0) + 1
        time.sleep(random.uniform(0, 2 * mean_gap))
    for i, (label, _) in enumerate(labelled):
        cache = ",".join(f"{k}:{v}" for k, v in sorted(caches[i].items()))
        print(f"{label} {fmt(percentile(latencies[i], 50))} {fmt(percentile(latencies[i], 99))} "
              f"{fmt(percentile(ages[i], 50), 0)} {fmt(percentile(ages[i], 99), 0)} {len(latencies[i])} {cache}")


def read_stat(pid):
    """(ppid, own ticks, reaped children's ticks, comm) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid is 4, utime 14, stime 15, cutime 16, cstime 17
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]), comm


def all_stats():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = read_stat(int(name))
            if st:
                out[int(name)] = st
    return out


def descendants(root, stats):
    kids, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, st in stats.items():
            if st[0] == parent:
                kids.append(pid)
                frontier.append(pid)
    return kids


def tree_ticks(root, stats):
    """CPU ticks of a tree: the root's own and reaped children's, plus each live descendant's own.
    (A descendant reaped by a live descendant shows in that one's cutime.)"""
    if root not in stats:
        return None
    total = stats[root][1] + stats[root][2]
    for pid in descendants(root, stats):
        total += stats[pid][1] + stats[pid][2]
    return total


def cmd_cpu(seconds, pids):
    before = all_stats()
    start = time.monotonic()
    time.sleep(seconds)
    after = all_stats()
    wall = time.monotonic() - start
    for pid in pids:
        a, b = tree_ticks(pid, before), tree_ticks(pid, after)
        if a is None or b is None:
            die(f"process {pid} ended during the CPU window")
        print(f"{pid} {100 * (b - a) / CLK_TCK / wall:.2f}")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cmd_rss(pid):
    stats = all_stats()
    if pid not in stats:
        die(f"process {pid} is gone")
    for p in [pid] + descendants(pid, stats):
        kb = rss_kb(p)
        if kb is not None:
            print(f"{p} {stats[p][3]} {kb}")


def cmd_children(pid, name=None):
    stats = all_stats()
    for p in descendants(pid, stats):
        if name is None or stats[p][3] == name:
            print(p)


class Viewer:
    """One multipart reader: counts parts by their Content-Length and notes X-Frame-Sequence."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.head_done = False
        self.status = 0
        self.need = None  # body bytes still to skip in the current part
        self.parts = 0
        self.sequences = set()
        self.error = None

    def feed(self, data):
        self.buf += data
        while True:
            if not self.head_done:
                head, sep, rest = self.buf.partition(b"\r\n\r\n")
                if not sep:
                    return
                self.status, _ = parse_head(head)
                self.head_done = True
                self.buf = rest
                if self.status != 200:
                    self.error = f"status {self.status}"
                    return
            elif self.need is not None:
                if len(self.buf) < self.need:
                    self.need -= len(self.buf)
                    self.buf = b""
                    return
                self.buf = self.buf[self.need:]
                self.need = None
                self.parts += 1
            else:
                start = self.buf.find(b"--")
                if start < 0:
                    self.buf = self.buf[-1:]
                    return
                end = self.buf.find(b"\r\n\r\n", start)
                if end < 0:
                    return
                _, headers = parse_head(b"X 0 part\r\n" + self.buf[self.buf.find(b"\r\n", start) + 2:end])
                self.buf = self.buf[end + 4:]
                if "content-length" not in headers:
                    self.error = "a part without Content-Length"
                    return
                self.need = int(headers["content-length"])
                if headers.get("x-frame-sequence", "").isdigit():
                    self.sequences.add(int(headers["x-frame-sequence"]))


def cmd_viewers(n, seconds, url):
    host, port, req = request_bytes(url)
    sel = selectors.DefaultSelector()
    viewers = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=TIMEOUT_S)
        s.sendall(req)
        s.setblocking(False)
        v = Viewer(s)
        viewers.append(v)
        sel.register(s, selectors.EVENT_READ, v)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            v = key.data
            try:
                data = v.sock.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError as e:
                data, v.error = b"", str(e)
            if not data:
                v.error = v.error or "closed by the server"
                sel.unregister(v.sock)
                continue
            v.feed(data)
            if v.error:
                sel.unregister(v.sock)
    for v in viewers:
        v.sock.close()
    failed = [v.error for v in viewers if v.error]
    if failed:
        die(f"{len(failed)} of {n} viewers failed: {failed[0]}")
    parts = [v.parts for v in viewers]
    seqs = set().union(*(v.sequences for v in viewers))
    span = max(seqs) - min(seqs) + 1 if seqs else "n/a"
    # Each viewer against the frames produced from its first one to the end of the window.
    worst = (f"{min(100 * len(v.sequences) / (max(seqs) - min(v.sequences) + 1) for v in viewers):.0f}"
             if seqs and all(v.sequences for v in viewers) else "n/a")
    print(f"{min(parts)} {statistics.median(parts):.0f} {max(parts)} {span} {worst}")


def main(argv):
    if len(argv) < 2:
        die("usage: see the top of this file")
    cmd, args = argv[1], argv[2:]
    if cmd == "get":
        cmd_get(*args)
    elif cmd == "sample":
        cmd_sample(int(args[0]), float(args[1]), args[2:])
    elif cmd == "cpu":
        cmd_cpu(float(args[0]), [int(p) for p in args[1:]])
    elif cmd == "rss":
        cmd_rss(int(args[0]))
    elif cmd == "children":
        cmd_children(int(args[0]), *args[1:])
    elif cmd == "viewers":
        cmd_viewers(int(args[0]), float(args[1]), args[2])
    else:
        die(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)

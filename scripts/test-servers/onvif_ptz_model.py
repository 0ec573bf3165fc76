"""Position, motion and presets of the loopback ONVIF test camera (onvif_camera.py), and the crop of the
base image that a position shows."""

import time
import threading


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


class Camera:
    """Position, motion and presets.  lock protects every field below it."""

    AXES = ("pan", "tilt", "zoom")

    def __init__(self, a, width, height):
        self.a, self.W, self.H = a, width, height
        self.lock = threading.Lock()
        self.pos = {"pan": 0.0, "tilt": 0.0, "zoom": 0.0}
        self.target = dict(self.pos)      # absolute targets (when velocity is None)
        self.rate = {k: 1.0 for k in self.AXES}  # fraction of top speed toward target
        self.velocity = {k: None for k in self.AXES}  # continuous move velocity, or None
        self.deadline = None                       # continuous move stops here (monotonic)
        self.last = time.monotonic()
        self.home = (0.0, 0.0, 0.0)
        self.presets = {}   # token -> [name, (pan, tilt, zoom)]
        self.next_token = 1
        for i in range(a.unnamed_presets):
            cols = 16
            p = -0.9 + 1.8 * (i % cols) / (cols - 1)
            t = 0.8 - 1.6 * ((i // cols) % 16) / 15
            self._add_preset("", (round(p, 3), round(t, 3), 0.0))

    def _add_preset(self, name, position):
        token = str(self.next_token)
        self.next_token += 1
        self.presets[token] = [name, position]
        return token

    # -- motion ------------------------------------------------------------------------------------
    def _advance(self):
        now = time.monotonic()
        dt, self.last = now - self.last, now
        top = self.a.speed
        if self.deadline is not None and now >= self.deadline:
            dt_left = max(0.0, dt - (now - self.deadline))
            self._step(dt_left, top)
            self.velocity = {k: None for k in self.AXES}
            self.target = dict(self.pos)
            self.deadline = None
            return
        self._step(dt, top)

    def _step(self, dt, top):
        for k in self.AXES:
            lo = 0.0 if k == "zoom" else -1.0
            v = self.velocity[k]
            if v is not None:
                self.pos[k] = clamp(self.pos[k] + v * top * dt, lo, 1.0)
                self.target[k] = self.pos[k]
            else:
                d = self.target[k] - self.pos[k]
                step = self.rate[k] * top * dt
                self.pos[k] = self.target[k] if abs(d) <= step else self.pos[k] + (step if d > 0 else -step)

    def _axis_moving(self, k):
        v = self.velocity[k]
        if v is not None:
            lo = 0.0 if k == "zoom" else -1.0
            return v != 0 and not (self.pos[k] <= lo and v < 0) and not (self.pos[k] >= 1.0 and v > 0)
        return abs(self.target[k] - self.pos[k]) > 1e-9

    def snapshot(self):
        """(pan, tilt, zoom, pantilt_moving, zoom_moving)"""
        with self.lock:
            self._advance()
            pt = self._axis_moving("pan") or self._axis_moving("tilt")
            return (self.pos["pan"], self.pos["tilt"], self.pos["zoom"], pt, self._axis_moving("zoom"))

    def crop(self):
        """(left, top, right, bottom) pixels cut from the base image, even numbers."""
        p, t, z, _, _ = self.snapshot()
        cw = (self.W / 2) / (1 + 3 * z)
        ch = cw * self.H / self.W
        cx = self.W / 2 + p * (self.W - cw) / 2
        cy = self.H / 2 - t * (self.H - ch) / 2
        even = lambda v: int(round(v / 2)) * 2  # noqa: E731
        left, top = even(cx - cw / 2), even(cy - ch / 2)
        w, h = even(cw), even(ch)
        left, top = clamp(left, 0, self.W - w), clamp(top, 0, self.H - h)
        return left, top, self.W - left - w, self.H - top - h

    def move_to(self, target, rates):
        """Absolute move: target {axis: value}, rates {axis: fraction of top speed}."""
        with self.lock:
            self._advance()
            for k, v in target.items():
                lo = 0.0 if k == "zoom" else -1.0
                self.velocity[k] = None
                self.target[k] = clamp(v, lo, 1.0)
                self.rate[k] = clamp(rates.get(k, 1.0), 0.01, 1.0) if rates.get(k, 1.0) > 0 else 1.0
            if all(self.velocity[k] is None for k in self.AXES):
                self.deadline = None

    def move_by(self, delta, fov, rates):
        with self.lock:
            self._advance()
            base = {k: (self.target[k] if self.velocity[k] is None else self.pos[k]) for k in self.AXES}
        if fov:
            cw = (self.W / 2) / (1 + 3 * base["zoom"])
            ch = cw * self.H / self.W
            delta = dict(delta)
            if "pan" in delta:
                delta["pan"] *= cw / (self.W - cw)
            if "tilt" in delta:
                delta["tilt"] *= ch / (self.H - ch)
        self.move_to({k: base[k] + d for k, d in delta.items()}, rates)

    def continuous(self, velocity, timeout_s):
        with self.lock:
            self._advance()
            for k, v in velocity.items():
                self.velocity[k] = clamp(v, -1.0, 1.0)
            self.deadline = time.monotonic() + timeout_s

    def stop(self, pantilt, zoom):
        with self.lock:
            self._advance()
            axes = (["pan", "tilt"] if pantilt else []) + (["zoom"] if zoom else [])
            for k in axes:
                self.velocity[k] = None
                self.target[k] = self.pos[k]
            if all(self.velocity[k] is None for k in self.AXES):
                self.deadline = None

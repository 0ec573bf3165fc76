#!/usr/bin/python3
"""Loopback ONVIF PTZ test camera for ptzgrab tests and benchmarks.

One process serves
  - SOAP 1.2 device, media and PTZ services on http://127.0.0.1:PORT/onvif/{device,media,ptz}_service
    (threaded http.server), and
  - rtsp://127.0.0.1:RTSP_PORT/stream (GStreamer gst-rtsp-server): 640x360, 10 fps, H.264, a keyframe
    every second, showing a crop of --base-image that follows the camera's pan, tilt and zoom.

Geometry (W x H = base image size): zoom z in [0,1] -> crop width cw = (W/2) / (1 + 3z),
ch = cw * H / W; pan p in [-1,1] -> cx = W/2 + p (W - cw) / 2; tilt t -> cy = H/2 - t (H - ch) / 2.
The position moves toward its target at --speed units per second (times the request's speed), so
MoveStatus goes MOVING, then IDLE.

Auth: WS-Security UsernameToken PasswordDigest with Created within +-5 minutes of the camera clock
(real time + --clock-offset) and no replayed nonce; or, with --digest-only, HTTP Digest (MD5, qop=auth)
only.  GetSystemDateAndTime needs no credentials.

Request log (--log): one line per request
    <unix time> <service> <Operation> auth=<wsse|digest|none|bad> status=<http>

The HTTP port opens only once the stream runs, so "both ports listen" means ready.  SIGTERM or SIGINT
ends it cleanly.  Requires Debian's python3-gi, gir1.2-gst-rtsp-server-1.0 and GStreamer base/good/ugly
plugins; run with /usr/bin/python3.
"""

import argparse
import base64
import hashlib
import http.server
import os
import re
import secrets
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from xml.sax.saxutils import escape

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rtsp_server import warm_up  # noqa: E402

NS = {
    "env": "http://www.w3.org/2003/05/soap-envelope",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
    "ter": "http://www.onvif.org/ver10/error",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
}
SPACE = "http://www.onvif.org/ver10/tptz/"
PT_POSITION = SPACE + "PanTiltSpaces/PositionGenericSpace"
Z_POSITION = SPACE + "ZoomSpaces/PositionGenericSpace"
PT_TRANSLATION = SPACE + "PanTiltSpaces/TranslationGenericSpace"
PT_FOV = SPACE + "PanTiltSpaces/TranslationSpaceFov"
Z_TRANSLATION = SPACE + "ZoomSpaces/TranslationGenericSpace"
PT_VELOCITY = SPACE + "PanTiltSpaces/VelocityGenericSpace"
Z_VELOCITY = SPACE + "ZoomSpaces/VelocityGenericSpace"
PT_SPEED = SPACE + "PanTiltSpaces/GenericSpeedSpace"
Z_SPEED = SPACE + "ZoomSpaces/ZoomGenericSpeedSpace"

PROFILE = "profile_1"
VIDEO_SOURCE = "video_source_1"
PTZ_CONFIG = "ptz_config_1"
PTZ_NODE = "ptz_node_1"
CLOCK_WINDOW_S = 300
DEFAULT_TIMEOUT_S = 10.0
STREAM_W, STREAM_H, FPS = 640, 360, 10


class Fault(Exception):
    """A SOAP fault: env:Sender or env:Receiver, ter: subcodes, one-line reason."""

    def __init__(self, code, subcodes, reason):
        super().__init__(reason)
        self.code, self.subcodes, self.reason = code, subcodes, reason


def bad_arg(reason, sub=None):
    return Fault("Sender", ["InvalidArgVal"] + ([sub] if sub else []), reason)


def not_supported(reason):
    return Fault("Receiver", ["ActionNotSupported"], reason)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Loopback ONVIF PTZ test camera")
    p.add_argument("--port", type=int, required=True, help="HTTP (SOAP) port")
    p.add_argument("--rtsp-port", type=int, required=True, help="RTSP port")
    p.add_argument("--base-image", required=True, help="JPEG the picture is cropped from")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--log", default=None, help="request log file (one line per request)")
    p.add_argument("--clock-offset", type=float, default=0.0, help="camera clock = real time + SECONDS")
    p.add_argument("--digest-only", action="store_true", help="refuse WS-Security; HTTP Digest only")
    p.add_argument("--no-relative", action="store_true", help="no RelativeMove spaces; RelativeMove faults")
    p.add_argument("--no-get-services", action="store_true", help="GetServices faults")
    p.add_argument("--unnamed-presets", type=int, default=0, metavar="N", help="N presets with empty names")
    p.add_argument("--move-status", choices=["normal", "absent", "stuck"], default="normal")
    p.add_argument("--fault-status", type=int, choices=[400, 401, 500], default=None,
                   help="HTTP status of every SOAP fault (default: 400 Sender, 500 Receiver)")
    p.add_argument("--speed", type=float, default=1.0, help="top pan/tilt/zoom speed, units per second")
    a = p.parse_args(argv)
    if a.speed <= 0:
        p.error("--speed must be positive")
    if not 0 <= a.unnamed_presets <= 1000:
        p.error("--unnamed-presets must be in 0..1000")
    return a


def jpeg_size(path):
    """(width, height) from the JPEG's first SOF marker."""
    with open(path, "rb") as f:
        data = f.read()
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    raise ValueError("no SOF marker in " + path)


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def parse_duration(text):
    """xs:duration like PT1S, PT0.5S, PT1M30S -> seconds."""
    m = re.fullmatch(r"\s*P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?\s*", text or "")
    if not m:
        raise bad_arg("bad duration: " + (text or ""))
    d, h, mi, s = m.groups()
    return int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


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


class Auth:
    """WS-Security and HTTP Digest checks.  lock protects the nonce sets."""

    def __init__(self, a):
        self.a = a
        self.lock = threading.Lock()
        self.seen_nonces = {}   # wsse nonce -> monotonic time seen
        self.digest_nonces = set()
        self.realm = "ptzgrab test camera"

    def camera_now(self):
        return time.time() + self.a.clock_offset

    def check_wsse(self, envelope):
        """'wsse' when valid, 'none' without a token; raises Fault for a bad one."""
        token = envelope.find(".//{%s}Security/{%s}UsernameToken" % (NS["wsse"], NS["wsse"]))
        if token is None:
            return "none"
        fields = {el.tag.split("}")[-1]: (el.text or "").strip() for el in token}
        user, digest = fields.get("Username", ""), fields.get("Password", "")
        nonce_b64, created = fields.get("Nonce", ""), fields.get("Created", "")
        try:
            nonce = base64.b64decode(nonce_b64, validate=True)
            when = datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
        except (ValueError, TypeError):
            raise Fault("Sender", ["NotAuthorized"], "Sender not authorized: malformed UsernameToken")
        if abs(when - self.camera_now()) > CLOCK_WINDOW_S:
            raise Fault("Sender", ["NotAuthorized"],
                        "Sender not authorized: Created is outside +-5 minutes of the device clock")
        expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + self.a.password.encode())
                                    .digest()).decode()
        if user != self.a.user or not secrets.compare_digest(expected, digest):
            raise Fault("Sender", ["NotAuthorized"], "Sender not authorized: bad user name or password")
        with self.lock:
            now = time.monotonic()
            for n in [n for n, t in self.seen_nonces.items() if now - t > 2 * CLOCK_WINDOW_S]:
                del self.seen_nonces[n]
            if nonce_b64 in self.seen_nonces:
                raise Fault("Sender", ["NotAuthorized"], "Sender not authorized: replayed nonce")
            self.seen_nonces[nonce_b64] = now
        return "wsse"

    def challenge(self):
        nonce = secrets.token_hex(16)
        with self.lock:
            self.digest_nonces.add(nonce)
        return 'Digest realm="%s", qop="auth", nonce="%s", algorithm=MD5' % (self.realm, nonce)

    def check_digest(self, header, method):
        """'digest' when valid, 'none' without one, 'bad' otherwise."""
        if not header or not header.startswith("Digest "):
            return "none"
        f = dict((k, v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', header[7:]))
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        with self.lock:
            known = f.get("nonce") in self.digest_nonces
        if not known or f.get("username") != self.a.user or f.get("realm") != self.realm:
            return "bad"
        ha1 = md5("%s:%s:%s" % (self.a.user, self.realm, self.a.password))
        ha2 = md5("%s:%s" % (method, f.get("uri", "")))
        if f.get("qop"):
            expected = md5(":".join([ha1, f["nonce"], f.get("nc", ""), f.get("cnonce", ""), f["qop"], ha2]))
        else:
            expected = md5("%s:%s:%s" % (ha1, f["nonce"], ha2))
        return "digest" if secrets.compare_digest(expected, f.get("response", "")) else "bad"


# -- SOAP replies ----------------------------------------------------------------------------------
def envelope(body):
    ns = " ".join('xmlns:%s="%s"' % (k, NS[k]) for k in ("env", "tds", "trt", "tptz", "tt", "ter"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope %s><env:Body>%s</env:Body></env:Envelope>'
            % (ns, body))


def fault_xml(f):
    sub = ""
    for code in reversed(f.subcodes):
        sub = "<env:Subcode><env:Value>ter:%s</env:Value>%s</env:Subcode>" % (code, sub)
    return envelope("<env:Fault><env:Code><env:Value>env:%s</env:Value>%s</env:Code>"
                    '<env:Reason><env:Text xml:lang="en">%s</env:Text></env:Reason></env:Fault>'
                    % (f.code, sub, escape(f.reason)))


def child(el, local, ns="tt"):
    if el is None:
        return None
    for c in el:
        if c.tag == "{%s}%s" % (NS[ns], local) or c.tag.split("}")[-1] == local:
            return c
    return None


def text_of(el, local, ns=None):
    c = child(el, local, ns or "tt")
    return None if c is None else (c.text or "").strip()


def vector(el):
    """{axis: value} and the spaces from a PTZVector/PTZSpeed element (PanTilt x/y, Zoom x)."""
    out, spaces = {}, {}
    pt, z = child(el, "PanTilt"), child(el, "Zoom")
    try:
        if pt is not None:
            if pt.get("x") is not None:
                out["pan"] = float(pt.get("x"))
            if pt.get("y") is not None:
                out["tilt"] = float(pt.get("y"))
            spaces["pantilt"] = pt.get("space")
        if z is not None and z.get("x") is not None:
            out["zoom"] = float(z.get("x"))
            spaces["zoom"] = z.get("space")
    except ValueError:
        raise bad_arg("a vector component is not a number")
    return out, spaces


def speed_rates(el):
    if el is None:
        return {}
    v, _ = vector(el)
    return {k: abs(x) for k, x in v.items()}


def position_xml(p, t, z, tag="tt:Position"):
    return ('<%s><tt:PanTilt x="%.6f" y="%.6f" space="%s"/><tt:Zoom x="%.6f" space="%s"/></%s>'
            % (tag, p, t, PT_POSITION, z, Z_POSITION, tag))


def range_xml(uri, x=(-1, 1), y=None):
    r = "<tt:URI>%s</tt:URI><tt:XRange><tt:Min>%g</tt:Min><tt:Max>%g</tt:Max></tt:XRange>" % (uri, x[0], x[1])
    if y:
        r += "<tt:YRange><tt:Min>%g</tt:Min><tt:Max>%g</tt:Max></tt:YRange>" % y
    return r


class Services:
    """Operation handlers: each takes the request element and returns the body XML or raises Fault."""

    def __init__(self, a, cam, auth):
        self.a, self.cam, self.auth = a, cam, auth

    def handlers(self):
        d, m, p = NS["tds"], NS["trt"], NS["tptz"]
        return {
            (d, "GetSystemDateAndTime"): self.get_system_date_and_time,
            (d, "GetDeviceInformation"): self.get_device_information,
            (d, "GetServices"): self.get_services,
            (d, "GetCapabilities"): self.get_capabilities,
            (m, "GetProfiles"): self.get_profiles,
            (m, "GetProfile"): self.get_profile,
            (m, "GetVideoSources"): self.get_video_sources,
            (m, "GetStreamUri"): self.get_stream_uri,
            (p, "GetNodes"): self.get_nodes,
            (p, "GetNode"): self.get_node,
            (p, "GetConfigurations"): self.get_configurations,
            (p, "GetConfiguration"): self.get_configuration,
            (p, "GetConfigurationOptions"): self.get_configuration_options,
            (p, "GetStatus"): self.get_status,
            (p, "ContinuousMove"): self.continuous_move,
            (p, "RelativeMove"): self.relative_move,
            (p, "AbsoluteMove"): self.absolute_move,
            (p, "Stop"): self.stop,
            (p, "GetPresets"): self.get_presets,
            (p, "SetPreset"): self.set_preset,
            (p, "RemovePreset"): self.remove_preset,
            (p, "GotoPreset"): self.goto_preset,
            (p, "GotoHomePosition"): self.goto_home,
            (p, "SetHomePosition"): self.set_home,
        }

    # -- device --
    def get_system_date_and_time(self, req, host):
        t = datetime.fromtimestamp(self.auth.camera_now(), timezone.utc)
        return ("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
                "<tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
                "<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>"
                "<tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>"
                "<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date>"
                "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
                % (t.hour, t.minute, t.second, t.year, t.month, t.day))

    def get_device_information(self, req, host):
        return ("<tds:GetDeviceInformationResponse><tds:Manufacturer>ptzgrab</tds:Manufacturer>"
                "<tds:Model>Loopback PTZ Test Camera</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
                "<tds:SerialNumber>PTZGRAB-0001</tds:SerialNumber><tds:HardwareId>loopback</tds:HardwareId>"
                "</tds:GetDeviceInformationResponse>")

    def get_services(self, req, host):
        if self.a.no_get_services:
            raise not_supported("GetServices is not implemented on this device")
        rows = [(NS["tds"], "device"), (NS["trt"], "media"), (NS["tptz"], "ptz")]
        return "<tds:GetServicesResponse>%s</tds:GetServicesResponse>" % "".join(
            "<tds:Service><tds:Namespace>%s</tds:Namespace><tds:XAddr>http://%s/onvif/%s_service</tds:XAddr>"
            "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
            % (ns, host, name) for ns, name in rows)

    def get_capabilities(self, req, host):
        return ("<tds:GetCapabilitiesResponse><tds:Capabilities>"
                "<tt:Device><tt:XAddr>http://{h}/onvif/device_service</tt:XAddr></tt:Device>"
                "<tt:Media><tt:XAddr>http://{h}/onvif/media_service</tt:XAddr><tt:StreamingCapabilities>"
                "<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP>"
                "<tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>"
                "<tt:PTZ><tt:XAddr>http://{h}/onvif/ptz_service</tt:XAddr></tt:PTZ>"
                "</tds:Capabilities></tds:GetCapabilitiesResponse>").format(h=host)

    # -- media --
    def ptz_configuration_xml(self, tag="tt:PTZConfiguration"):
        rel = "" if self.a.no_relative else (
            "<tt:DefaultRelativePanTiltTranslationSpace>%s</tt:DefaultRelativePanTiltTranslationSpace>"
            "<tt:DefaultRelativeZoomTranslationSpace>%s</tt:DefaultRelativeZoomTranslationSpace>"
            % (PT_TRANSLATION, Z_TRANSLATION))
        return ('<%s token="%s"><tt:Name>PTZ</tt:Name><tt:UseCount>1</tt:UseCount>'
                "<tt:NodeToken>%s</tt:NodeToken>"
                "<tt:DefaultAbsolutePantTiltPositionSpace>%s</tt:DefaultAbsolutePantTiltPositionSpace>"
                "<tt:DefaultAbsoluteZoomPositionSpace>%s</tt:DefaultAbsoluteZoomPositionSpace>%s"
                "<tt:DefaultContinuousPanTiltVelocitySpace>%s</tt:DefaultContinuousPanTiltVelocitySpace>"
                "<tt:DefaultContinuousZoomVelocitySpace>%s</tt:DefaultContinuousZoomVelocitySpace>"
                '<tt:DefaultPTZSpeed><tt:PanTilt x="1" y="1" space="%s"/><tt:Zoom x="1" space="%s"/>'
                "</tt:DefaultPTZSpeed><tt:DefaultPTZTimeout>PT10S</tt:DefaultPTZTimeout>"
                "<tt:PanTiltLimits><tt:Range>%s</tt:Range></tt:PanTiltLimits>"
                "<tt:ZoomLimits><tt:Range>%s</tt:Range></tt:ZoomLimits></%s>"
                % (tag, PTZ_CONFIG, PTZ_NODE, PT_POSITION, Z_POSITION, rel, PT_VELOCITY, Z_VELOCITY,
                   PT_SPEED, Z_SPEED, range_xml(PT_POSITION, y=(-1, 1)), range_xml(Z_POSITION, (0, 1)), tag))

    def profile_xml(self, tag):
        return ('<%s token="%s" fixed="true"><tt:Name>Main</tt:Name>'
                '<tt:VideoSourceConfiguration token="vsc_1"><tt:Name>VideoSource</tt:Name>'
                "<tt:UseCount>1</tt:UseCount><tt:SourceToken>%s</tt:SourceToken>"
                '<tt:Bounds x="0" y="0" width="%d" height="%d"/></tt:VideoSourceConfiguration>'
                '<tt:VideoEncoderConfiguration token="vec_1"><tt:Name>H264</tt:Name><tt:UseCount>1</tt:UseCount>'
                "<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>%d</tt:Width><tt:Height>%d</tt:Height>"
                "</tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>%d"
                "</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>300"
                "</tt:BitrateLimit></tt:RateControl><tt:H264><tt:GovLength>%d</tt:GovLength>"
                "<tt:H264Profile>Baseline</tt:H264Profile></tt:H264><tt:SessionTimeout>PT60S</tt:SessionTimeout>"
                "</tt:VideoEncoderConfiguration>%s</%s>"
                % (tag, PROFILE, VIDEO_SOURCE, STREAM_W, STREAM_H, STREAM_W, STREAM_H, FPS, FPS,
                   self.ptz_configuration_xml(), tag))

    def check_profile(self, req):
        token = text_of(req, "ProfileToken", "trt") or text_of(req, "ProfileToken", "tptz")
        if token != PROFILE:
            raise bad_arg("no profile %r" % token, "NoProfile")

    def get_profiles(self, req, host):
        return "<trt:GetProfilesResponse>%s</trt:GetProfilesResponse>" % self.profile_xml("trt:Profiles")

    def get_profile(self, req, host):
        self.check_profile(req)
        return "<trt:GetProfileResponse>%s</trt:GetProfileResponse>" % self.profile_xml("trt:Profile")

    def get_video_sources(self, req, host):
        return ('<trt:GetVideoSourcesResponse><trt:VideoSources token="%s"><tt:Framerate>%d</tt:Framerate>'
                "<tt:Resolution><tt:Width>%d</tt:Width><tt:Height>%d</tt:Height></tt:Resolution>"
                "</trt:VideoSources></trt:GetVideoSourcesResponse>" % (VIDEO_SOURCE, FPS, STREAM_W, STREAM_H))

    def get_stream_uri(self, req, host):
        self.check_profile(req)
        return ("<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://127.0.0.1:%d/stream</tt:Uri>"
                "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false"
                "</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>"
                % self.a.rtsp_port)

    # -- PTZ --
    def node_xml(self, tag):
        rel = "" if self.a.no_relative else (
            "<tt:RelativePanTiltTranslationSpace>%s</tt:RelativePanTiltTranslationSpace>"
            "<tt:RelativePanTiltTranslationSpace>%s</tt:RelativePanTiltTranslationSpace>"
            "<tt:RelativeZoomTranslationSpace>%s</tt:RelativeZoomTranslationSpace>"
            % (range_xml(PT_TRANSLATION, (-2, 2), (-2, 2)), range_xml(PT_FOV, y=(-1, 1)),
               range_xml(Z_TRANSLATION, (-1, 1))))
        return ('<%s token="%s" FixedHomePosition="false" GeoMove="false"><tt:Name>PTZ Node</tt:Name>'
                "<tt:SupportedPTZSpaces>"
                "<tt:AbsolutePanTiltPositionSpace>%s</tt:AbsolutePanTiltPositionSpace>"
                "<tt:AbsoluteZoomPositionSpace>%s</tt:AbsoluteZoomPositionSpace>%s"
                "<tt:ContinuousPanTiltVelocitySpace>%s</tt:ContinuousPanTiltVelocitySpace>"
                "<tt:ContinuousZoomVelocitySpace>%s</tt:ContinuousZoomVelocitySpace>"
                "<tt:PanTiltSpeedSpace>%s</tt:PanTiltSpeedSpace><tt:ZoomSpeedSpace>%s</tt:ZoomSpeedSpace>"
                "</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>%d</tt:MaximumNumberOfPresets>"
                "<tt:HomeSupported>true</tt:HomeSupported></%s>"
                % (tag, PTZ_NODE, range_xml(PT_POSITION, y=(-1, 1)), range_xml(Z_POSITION, (0, 1)), rel,
                   range_xml(PT_VELOCITY, y=(-1, 1)), range_xml(Z_VELOCITY), range_xml(PT_SPEED, (0, 1)),
                   range_xml(Z_SPEED, (0, 1)), max(300, self.a.unnamed_presets + 50), tag))

    def get_nodes(self, req, host):
        return "<tptz:GetNodesResponse>%s</tptz:GetNodesResponse>" % self.node_xml("tptz:PTZNode")

    def get_node(self, req, host):
        if text_of(req, "NodeToken", "tptz") != PTZ_NODE:
            raise bad_arg("no such PTZ node", "NoEntity")
        return "<tptz:GetNodeResponse>%s</tptz:GetNodeResponse>" % self.node_xml("tptz:PTZNode")

    def get_configurations(self, req, host):
        return ("<tptz:GetConfigurationsResponse>%s</tptz:GetConfigurationsResponse>"
                % self.ptz_configuration_xml("tptz:PTZConfiguration"))

    def get_configuration(self, req, host):
        if text_of(req, "PTZConfigurationToken", "tptz") != PTZ_CONFIG:
            raise bad_arg("no such PTZ configuration", "NoConfig")
        return ("<tptz:GetConfigurationResponse>%s</tptz:GetConfigurationResponse>"
                % self.ptz_configuration_xml("tptz:PTZConfiguration"))

    def get_configuration_options(self, req, host):
        if text_of(req, "ConfigurationToken", "tptz") != PTZ_CONFIG:
            raise bad_arg("no such PTZ configuration", "NoConfig")
        node = self.node_xml("x")
        spaces = node[node.index("<tt:SupportedPTZSpaces>"):node.index("</tt:SupportedPTZSpaces>")]
        spaces = spaces.replace("<tt:SupportedPTZSpaces>", "")
        return ("<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>%s</tt:Spaces>"
                "<tt:PTZTimeout><tt:Min>PT1S</tt:Min><tt:Max>PT60S</tt:Max></tt:PTZTimeout>"
                "</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>" % spaces)

    def get_status(self, req, host):
        self.check_profile(req)
        p, t, z, pt_moving, z_moving = self.cam.snapshot()
        status = ""
        if self.a.move_status == "stuck":
            pt_moving = z_moving = True
        if self.a.move_status != "absent":
            status = ("<tt:MoveStatus><tt:PanTilt>%s</tt:PanTilt><tt:Zoom>%s</tt:Zoom></tt:MoveStatus>"
                      % ("MOVING" if pt_moving else "IDLE", "MOVING" if z_moving else "IDLE"))
        utc = datetime.fromtimestamp(self.auth.camera_now(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ("<tptz:GetStatusResponse><tptz:PTZStatus>%s%s<tt:UtcTime>%s</tt:UtcTime></tptz:PTZStatus>"
                "</tptz:GetStatusResponse>" % (position_xml(p, t, z), status, utc))

    def continuous_move(self, req, host):
        self.check_profile(req)
        velocity, _ = vector(child(req, "Velocity", "tptz"))
        timeout = text_of(req, "Timeout", "tptz")
        seconds = parse_duration(timeout) if timeout else DEFAULT_TIMEOUT_S
        self.cam.continuous(velocity, min(seconds, 60.0))
        return "<tptz:ContinuousMoveResponse/>"

    def relative_move(self, req, host):
        self.check_profile(req)
        if self.a.no_relative:
            raise not_supported("RelativeMove is not supported by this device")
        delta, spaces = vector(child(req, "Translation", "tptz"))
        fov = spaces.get("pantilt") == PT_FOV
        for k in ("pantilt", "zoom"):
            if spaces.get(k) not in (None, PT_TRANSLATION, PT_FOV, Z_TRANSLATION):
                raise bad_arg("unsupported space " + spaces[k], "SpaceNotSupported")
        self.cam.move_by(delta, fov, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:RelativeMoveResponse/>"

    def absolute_move(self, req, host):
        self.check_profile(req)
        target, spaces = vector(child(req, "Position", "tptz"))
        for k in ("pantilt", "zoom"):
            if spaces.get(k) not in (None, PT_POSITION, Z_POSITION):
                raise bad_arg("unsupported space " + spaces[k], "SpaceNotSupported")
        for k, v in target.items():
            if not (0.0 if k == "zoom" else -1.0) <= v <= 1.0:
                raise bad_arg("%s %g is out of range" % (k, v), "InvalidPosition")
        self.cam.move_to(target, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:AbsoluteMoveResponse/>"

    def stop(self, req, host):
        self.check_profile(req)
        flag = lambda name: (text_of(req, name, "tptz") or "true").lower() in ("true", "1")  # noqa: E731
        self.cam.stop(flag("PanTilt"), flag("Zoom"))
        return "<tptz:StopResponse/>"

    def get_presets(self, req, host):
        self.check_profile(req)
        with self.cam.lock:
            rows = list(self.cam.presets.items())
        return "<tptz:GetPresetsResponse>%s</tptz:GetPresetsResponse>" % "".join(
            '<tptz:Preset token="%s"><tt:Name>%s</tt:Name>%s</tptz:Preset>'
            % (tok, escape(name), position_xml(*pos, tag="tt:PTZPosition")) for tok, (name, pos) in rows)

    def set_preset(self, req, host):
        self.check_profile(req)
        name = text_of(req, "PresetName", "tptz") or ""
        token = text_of(req, "PresetToken", "tptz")
        p, t, z, _, _ = self.cam.snapshot()
        with self.cam.lock:
            if name and any(n == name and tok != token for tok, (n, _) in self.cam.presets.items()):
                raise bad_arg("a preset named %r exists" % name, "PresetExist")
            if token:
                if token not in self.cam.presets:
                    raise bad_arg("no preset %r" % token, "NoToken")
                self.cam.presets[token] = [name or self.cam.presets[token][0], (p, t, z)]
            else:
                token = self.cam._add_preset(name, (p, t, z))
        return "<tptz:SetPresetResponse><tptz:PresetToken>%s</tptz:PresetToken></tptz:SetPresetResponse>" % token

    def preset_position(self, req):
        token = text_of(req, "PresetToken", "tptz")
        with self.cam.lock:
            if token not in self.cam.presets:
                raise bad_arg("no preset %r" % token, "NoEntity")
            return token, self.cam.presets[token][1]

    def remove_preset(self, req, host):
        self.check_profile(req)
        token, _ = self.preset_position(req)
        with self.cam.lock:
            self.cam.presets.pop(token, None)
        return "<tptz:RemovePresetResponse/>"

    def goto_preset(self, req, host):
        self.check_profile(req)
        _, (p, t, z) = self.preset_position(req)
        self.cam.move_to({"pan": p, "tilt": t, "zoom": z}, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:GotoPresetResponse/>"

    def goto_home(self, req, host):
        self.check_profile(req)
        p, t, z = self.cam.home
        self.cam.move_to({"pan": p, "tilt": t, "zoom": z}, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:GotoHomePositionResponse/>"

    def set_home(self, req, host):
        self.check_profile(req)
        p, t, z, _, _ = self.cam.snapshot()
        self.cam.home = (p, t, z)
        return "<tptz:SetHomePositionResponse/>"


class RequestLog:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", buffering=1) if path else None

    def write(self, service, operation, auth, status):
        if self.file is None:
            return
        with self.lock:
            self.file.write("%.3f %s %s auth=%s status=%d\n" % (time.time(), service, operation, auth, status))


def make_handler(a, services, auth, log):
    handlers = services.handlers()
    paths = {"/onvif/device_service": "device", "/onvif/media_service": "media", "/onvif/ptz_service": "ptz"}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ptzgrab-onvif-camera/1.0"

        def log_message(self, fmt, *args):  # the request log replaces stderr chatter
            pass

        def reply(self, status, body, extra=()):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.reply(405, "")

        def do_POST(self):
            service = paths.get(self.path.split("?")[0], "unknown")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, 1 << 20))
            operation, auth_state = "-", "none"
            try:
                try:
                    root = ET.fromstring(raw)
                    body = root.find("{%s}Body" % NS["env"])
                    req = body[0] if body is not None and len(body) else None
                except ET.ParseError:
                    root = req = None
                if req is not None:
                    ns, operation = req.tag[1:].split("}") if req.tag.startswith("{") else ("", req.tag)
                public = req is not None and (ns, operation) == (NS["tds"], "GetSystemDateAndTime")
                if a.digest_only:
                    # Before the body is judged: HTTP clients probe a Digest challenge with an empty body.
                    auth_state = auth.check_digest(self.headers.get("Authorization"), "POST")
                    if auth_state != "digest" and not public:
                        log.write(service, operation, auth_state, 401)
                        return self.reply(401, fault_xml(Fault("Sender", ["NotAuthorized"],
                                          "Sender not authorized: HTTP Digest required")),
                                          [("WWW-Authenticate", auth.challenge())])
                if root is None:
                    raise bad_arg("the request is not well-formed XML", "WellFormed")
                if req is None:
                    raise bad_arg("no SOAP 1.2 Body element")
                if not a.digest_only:
                    try:
                        auth_state = auth.check_wsse(root)
                    except Fault:
                        auth_state = "bad"
                        if not public:  # GetSystemDateAndTime answers whatever the token says
                            raise
                    if auth_state != "wsse" and not public:
                        raise Fault("Sender", ["NotAuthorized"], "Sender not authorized: no WS-Security token")
                handler = handlers.get((ns, operation))
                if handler is None:
                    raise not_supported("%s is not implemented" % operation)
                out = envelope(handler(req, self.headers.get("Host") or "127.0.0.1:%d" % a.port))
                status = 200
            except Fault as f:
                out = fault_xml(f)
                status = a.fault_status or (400 if f.code == "Sender" else 500)
            log.write(service, operation, auth_state, status)
            self.reply(status, out)

    return Handler


def build_launch(a):
    return ("( filesrc location={img} ! jpegdec ! videoconvert ! imagefreeze is-live=true "
            "! video/x-raw,framerate={fps}/1 ! videocrop name=crop ! videoscale "
            "! video/x-raw,width={w},height={h},pixel-aspect-ratio=1/1 ! videoconvert ! video/x-raw,format=I420 "
            "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate=600 threads=2 "
            "sliced-threads=false ! rtph264pay name=pay0 pt=96 config-interval=-1 )").format(
                img=a.base_image.replace(" ", "\\ "), fps=FPS, w=STREAM_W, h=STREAM_H)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    width, height = jpeg_size(a.base_image)
    Gst.init(None)
    cam, auth, log = Camera(a, width, height), Auth(a), RequestLog(a.log)

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.rtsp_port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(build_launch(a))
    factory.set_shared(True)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
    factory.set_publish_clock_mode(GstRtspServer.RTSPPublishClockMode.CLOCK_AND_OFFSET)
    base = 30000 + 2 * secrets.randbelow(15000 - 256)
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range("127.0.0.1", "127.0.0.1", base, base + 511, 0)
    factory.set_address_pool(pool)
    server.get_mount_points().add_factory("/stream", factory)

    loop = GLib.MainLoop()
    source_id = server.attach(None)
    if not source_id:
        print("onvif_camera: cannot listen on RTSP port %d" % a.rtsp_port, file=sys.stderr, flush=True)
        return 1
    url = "rtsp://127.0.0.1:%d/stream" % server.get_bound_port()
    state = {"rc": 0, "media": None, "crop": None, "httpd": None}

    def update_crop():
        media = state["media"]
        if media is not None:
            crop = media.get_element().get_by_name("crop")
            values = cam.crop()
            if crop is not None and values != state["crop"]:
                for name, v in zip(("left", "top", "right", "bottom"), values):
                    crop.set_property(name, v)
                state["crop"] = values
        return GLib.SOURCE_CONTINUE

    def start_http():
        try:
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", a.port),
                                                    make_handler(a, Services(a, cam, auth), auth, log))
        except OSError as e:
            print("onvif_camera: cannot listen on HTTP port %d: %s" % (a.port, e), file=sys.stderr, flush=True)
            state["rc"] = 1
            loop.quit()
            return GLib.SOURCE_REMOVE
        httpd.daemon_threads = True
        state["httpd"] = httpd
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        print("READY http://127.0.0.1:%d/onvif/device_service %s" % (a.port, url), flush=True)
        return GLib.SOURCE_REMOVE

    def fail(error):
        print("onvif_camera: cannot start stream: %s" % error, file=sys.stderr, flush=True)
        state["rc"] = 1
        loop.quit()
        return GLib.SOURCE_REMOVE

    def start_media():
        try:
            res, rurl = GstRtsp.RTSPUrl.parse(url)
            media = factory.construct(rurl) if res == GstRtsp.RTSPResult.OK else None
            if media is None or not media.prepare(None):
                raise RuntimeError("media did not prepare")
            state["media"] = media
            GLib.idle_add(lambda: update_crop() and GLib.SOURCE_REMOVE)  # once now, then every 100 ms
            warm_up("127.0.0.1", server.get_bound_port(), url, None, None)
            GLib.idle_add(start_http)
        except Exception as e:  # reported on stderr, exit status 1
            GLib.idle_add(fail, str(e) or e.__class__.__name__)

    def on_signal(*_args):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, on_signal)
    GLib.timeout_add(1000 // FPS, update_crop)
    threading.Thread(target=start_media, daemon=True).start()
    loop.run()
    if state["httpd"] is not None:
        state["httpd"].shutdown()
        state["httpd"].server_close()
    if state["media"] is not None:
        state["media"].unprepare()
    GLib.source_remove(source_id)
    return state["rc"]


if __name__ == "__main__":
    sys.exit(main())

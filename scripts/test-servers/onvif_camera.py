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

Modules beside it: onvif_soap.py (namespaces, faults, auth checks), onvif_services.py (the SOAP
operations), onvif_ptz_model.py (position, motion, presets, crop).

The HTTP port opens only once the stream runs, so "both ports listen" means ready.  SIGTERM or SIGINT
ends it cleanly.  Requires Debian's python3-gi, gir1.2-gst-rtsp-server-1.0 and GStreamer base/good/ugly
plugins; run with /usr/bin/python3.
"""

import argparse
import http.server
import os
import secrets
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onvif_ptz_model import Camera  # noqa: E402
from onvif_services import Services  # noqa: E402
from onvif_soap import FPS, NS, STREAM_H, STREAM_W, Auth, Fault, bad_arg, fault_xml, envelope, not_supported  # noqa: E402
from rtsp_server import warm_up  # noqa: E402


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
                    auth_state = auth.check_digest(self.headers.get("Authorization"), "POST", self.path)
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

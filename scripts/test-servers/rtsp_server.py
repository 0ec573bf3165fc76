#!/usr/bin/python3
"""Loopback RTSP test server for ptzgrab tests and benchmarks.

Serves a live H.264 (or --codec h265) test pattern (videotestsrc -> x264enc -> rtph264pay) with
GStreamer's gst-rtsp-server.  Prints exactly one line

    READY rtsp://127.0.0.1:PORT/path

to stdout once the server is listening and the stream is running, then runs
until SIGTERM or SIGINT.  Optional --user/--password require RTSP Basic auth.

Behaves like an IP camera: by default the encoder runs continuously from
startup, so a client joins at an arbitrary point of the GOP and must wait for
the next keyframe, and clients never disturb each other (PLAY's
"Range: npt=0-" does not restart the pipeline).  --on-demand restores
gst-rtsp-server's default (pipeline built for the first client, torn down
after the last one, so every lone client starts at a fresh IDR).

Requires Debian packages: python3-gi gir1.2-gst-rtsp-server-1.0
gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
(run with /usr/bin/python3 so Debian's gi module is found).
"""

import argparse
import base64
import ipaddress
import random
import re
import signal
import socket
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(description="Loopback RTSP test-pattern server")
    p.add_argument("--port", type=int, required=True, help="TCP port to listen on (1-65535)")
    p.add_argument("--bind", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    p.add_argument("--path", default="/stream", help="mount path (default /stream)")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--gop-seconds", type=float, default=1.0,
                   help="keyframe interval in seconds (key-int-max = fps * gop)")
    p.add_argument("--bitrate-kbps", type=int, default=300)
    p.add_argument("--pattern", default="smpte", choices=["smpte", "ball"],
                   help="smpte (default): colour bars scrolling 4 px/frame; ball: moving ball on black")
    p.add_argument("--codec", default="h264", choices=["h264", "h265"],
                   help="h264 (x264enc, default) or h265 (x265enc, gstreamer1.0-plugins-bad)")
    p.add_argument("--intra-refresh", action="store_true",
                   help="h264 only: periodic intra refresh instead of keyframes (one IDR at start, "
                        "then none for --gop-seconds), like cameras whose stream has no keyframes")
    p.add_argument("--on-demand", action="store_true",
                   help="run the encoder only while clients are connected (default: always on)")
    p.add_argument("--user", default=None, help="require RTSP Basic auth with this user")
    p.add_argument("--password", default=None, help="password for --user")
    a = p.parse_args(argv)

    if not 1 <= a.port <= 65535:
        p.error("--port must be in 1..65535")
    try:
        if not ipaddress.ip_address(a.bind).is_loopback:
            p.error("--bind must be a loopback address")
    except ValueError:
        p.error("--bind must be a literal loopback IP address")
    if not a.path.startswith("/"):
        a.path = "/" + a.path
    if a.width <= 0 or a.height <= 0 or a.fps <= 0 or a.gop_seconds <= 0 or a.bitrate_kbps <= 0:
        p.error("width/height/fps/gop-seconds/bitrate-kbps must be positive")
    if a.intra_refresh and a.codec != "h264":
        p.error("--intra-refresh needs --codec h264")
    if (a.user is None) != (a.password is None):
        p.error("--user and --password must be given together")
    return a


def build_launch(a):
    # sliced-threads=false: tune=zerolatency turns on x264 sliced threads
    # (2 slices per frame here); rtph264pay config-interval=-1 then inserts
    # SPS/PPS before *each* IDR slice and FFmpeg's H.264 parser splits every
    # keyframe into two half-concealed frames ("concealing ... errors in I
    # frame").  One slice per frame keeps keyframes intact; frame threads
    # (threads=2) add at most one frame of encoder latency.
    gop = max(1, int(round(a.fps * a.gop_seconds)))
    if a.pattern == "smpte":
        src = "videotestsrc is-live=true pattern=smpte horizontal-speed=4"
    else:
        src = "videotestsrc is-live=true pattern=ball motion=wavy"
    caps = "video/x-raw,format=I420,width={w},height={h},framerate={fps}/1".format(
        w=a.width, h=a.height, fps=a.fps)
    if a.codec == "h265":
        # x265's zerolatency tune has no B-frames; repeat-headers puts VPS/SPS/PPS before
        # every keyframe, so a client joining mid-stream can decode from its first IDR.
        enc = ("x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={br} "
               "option-string=repeat-headers=1 ! video/x-h265,profile=main "
               "! rtph265pay name=pay0 pt=96 config-interval=-1").format(gop=gop, br=a.bitrate_kbps)
    else:
        refresh = " intra-refresh=true" if a.intra_refresh else ""
        enc = ("x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} "
               "bitrate={br} threads=2 sliced-threads=false{refresh} "
               "! rtph264pay name=pay0 pt=96 config-interval=-1").format(
                   gop=gop, br=a.bitrate_kbps, refresh=refresh)
    return "( {src} ! {caps} ! {enc} )".format(src=src, caps=caps, enc=enc)


def warm_up(host, port, url, user, password, timeout=10.0):
    """Play the stream once over RTSP/TCP so the shared pipeline is running.

    Minimal RTSP client: DESCRIBE, SETUP (interleaved TCP), PLAY, wait for
    the first RTP packet, TEARDOWN.  Raises on any failure.
    """
    auth = ""
    if user is not None:
        cred = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        auth = "Authorization: Basic %s\r\n" % cred
    sock = socket.create_connection((host, port), timeout=timeout)
    buf = b""
    cseq = 0

    def request(method, target, extra=""):
        nonlocal buf, cseq
        cseq += 1
        sock.sendall(("%s %s RTSP/1.0\r\nCSeq: %d\r\n%s%s\r\n"
                      % (method, target, cseq, auth, extra)).encode())
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed during %s" % method)
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        head = head.decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 200 " not in status + " ":
            raise RuntimeError("%s failed: %s" % (method, status))
        headers = {}
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", "0"))
        while len(buf) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed during %s body" % method)
            buf += chunk
        body, buf = buf[:length], buf[length:]
        return headers, body.decode("latin-1")

    try:
        headers, sdp = request("DESCRIBE", url, "Accept: application/sdp\r\n")
        base = headers.get("content-base", url)
        m = re.search(r"^a=control:(\S+)", sdp.split("m=", 1)[-1], re.M)
        control = m.group(1) if m else ""
        if re.match(r"rtsp://", control):
            track = control
        else:
            track = base.rstrip("/") + ("/" + control if control and control != "*" else "")
        headers, _ = request("SETUP", track,
                             "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
        session = headers.get("session", "").split(";", 1)[0]
        sess_hdr = "Session: %s\r\n" % session
        request("PLAY", base, sess_hdr)
        while not buf.startswith(b"$"):  # wait for the first interleaved packet
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("no media data after PLAY")
            buf += chunk
        cseq += 1
        sock.sendall(("TEARDOWN %s RTSP/1.0\r\nCSeq: %d\r\n%s%s\r\n"
                      % (base, cseq, auth, sess_hdr)).encode())
    finally:
        sock.close()


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address(a.bind)
    server.set_service(str(a.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(build_launch(a))
    factory.set_shared(True)
    # Unicast only (no multicast).
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
    # RTP/RTCP UDP sockets (UDP transport) would otherwise bind 0.0.0.0 and
    # [::]; a unicast pool on the bind address keeps them on loopback.  A
    # random window lets parallel test servers coexist (busy ports are
    # skipped by gst-rtsp-server).
    base = 30000 + 2 * random.randrange(15000 - 256)
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range(a.bind, a.bind, base, base + 511, 0)
    factory.set_address_pool(pool)
    # Makes the media report "not seekable", so the "Range: npt=0.000-" that
    # FFmpeg sends with PLAY no longer triggers a flushing seek that restarts
    # the shared live pipeline (fresh IDR, frame 0) for every client joining.
    factory.set_publish_clock_mode(GstRtspServer.RTSPPublishClockMode.CLOCK_AND_OFFSET)

    if a.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        perms.add_permission_for_role("user", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(perms)

    server.get_mount_points().add_factory(a.path, factory)

    loop = GLib.MainLoop()
    try:
        source_id = server.attach(None)
    except GLib.Error as e:
        print("rtsp_server: cannot listen on %s:%d: %s" % (a.bind, a.port, e.message),
              file=sys.stderr, flush=True)
        return 1
    if source_id == 0:
        print("rtsp_server: cannot listen on %s:%d" % (a.bind, a.port), file=sys.stderr, flush=True)
        return 1

    state = {"rc": 0, "media": None}

    def on_signal(*_args):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, on_signal)

    host = a.bind if ":" not in a.bind else "[%s]" % a.bind
    port = server.get_bound_port()
    url = "rtsp://%s:%d%s" % (host, port, a.path)

    def announce(error):
        if error is None:
            print("READY " + url, flush=True)
        else:
            print("rtsp_server: cannot start stream: %s" % error, file=sys.stderr, flush=True)
            state["rc"] = 1
            loop.quit()
        return GLib.SOURCE_REMOVE

    def start_media():
        # Helper thread: prepare() and the warm-up client block, while the
        # main loop (default main context) services the server and the bus.
        # The shared factory caches the media (key = port + path), so every
        # client attaches to this one pipeline; holding our own prepare()
        # reference keeps it PLAYING after the last client leaves.
        try:
            res, rurl = GstRtsp.RTSPUrl.parse(url)
            media = factory.construct(rurl) if res == GstRtsp.RTSPResult.OK else None
            if media is None or not media.prepare(None):
                raise RuntimeError("media did not prepare")
            state["media"] = media
            warm_up(a.bind, port, url, a.user, a.password)
            error = None
        except Exception as e:  # reported on stderr, exit status 1
            error = str(e) or e.__class__.__name__
        GLib.idle_add(announce, error)

    if a.on_demand:
        announce(None)
    else:
        threading.Thread(target=start_media, daemon=True).start()
    loop.run()
    if state["media"] is not None:
        state["media"].unprepare()
    GLib.source_remove(source_id)
    return state["rc"]


if __name__ == "__main__":
    sys.exit(main())

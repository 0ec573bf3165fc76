#!/usr/bin/python3
"""Loopback RTSP test server for ptzgrab tests and benchmarks.

Serves a live H.264 test pattern (videotestsrc -> x264enc -> rtph264pay) with
GStreamer's gst-rtsp-server.  Prints exactly one line

    READY rtsp://127.0.0.1:PORT/path

to stdout once the server is attached and listening, then runs until SIGTERM
or SIGINT.  Optional --user/--password require RTSP Basic authentication.

Requires Debian packages: python3-gi gir1.2-gst-rtsp-server-1.0
gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
(Must be run with /usr/bin/python3 so Debian's gi module is found.)
"""

import argparse
import ipaddress
import signal
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
    p.add_argument("--pattern", default="smpte", choices=["ball", "smpte"],
                   help="smpte (default): colour bars scrolling 4 px/frame; ball: moving ball on black")
    p.add_argument("--on-demand", action="store_true",
                   help="start the encoder only while a client is connected (the first client "
                        "then always starts at a fresh IDR).  Default: the pipeline runs "
                        "continuously from startup, like a real camera, so clients join mid-GOP")
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
    if (a.user is None) != (a.password is None):
        p.error("--user and --password must be given together")
    return a


def build_launch(a):
    # sliced-threads=false: tune=zerolatency turns on x264 sliced threads, which
    # makes every frame 2 slices; rtph264pay (config-interval=-1) then inserts
    # SPS/PPS before *each* IDR slice, and FFmpeg's H.264 parser splits the IDR
    # into two half-concealed frames ("concealing ... errors in I frame").  One
    # slice per frame keeps every keyframe intact.  Frame threads (threads=2)
    # add at most one frame of encoder latency.
    gop = max(1, int(round(a.fps * a.gop_seconds)))
    if a.pattern == "smpte":
        src = "videotestsrc is-live=true pattern=smpte horizontal-speed=4"
    else:
        src = "videotestsrc is-live=true pattern=ball motion=wavy"
    return (
        "( {src} "
        "! video/x-raw,format=I420,width={w},height={h},framerate={fps}/1 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} "
        "bitrate={br} threads=2 sliced-threads=false "
        "! rtph264pay name=pay0 pt=96 config-interval=-1 )"
    ).format(src=src, w=a.width, h=a.height, fps=a.fps, gop=gop, br=a.bitrate_kbps)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address(a.bind)
    server.set_service(str(a.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(build_launch(a))
    factory.set_shared(True)
    # Only the loopback-capable transports; no multicast.
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)

    if a.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_role_empty("user")
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

    def on_signal(*_args):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, on_signal)

    host = a.bind if ":" not in a.bind else "[%s]" % a.bind
    url = "rtsp://%s:%d%s" % (host, server.get_bound_port(), a.path)
    keep = []  # holds the always-on media so it is never unprepared

    def announce(ok):
        if ok:
            print("READY " + url, flush=True)
        else:
            print("rtsp_server: failed to start the media pipeline", file=sys.stderr, flush=True)
            loop.quit()
        return GLib.SOURCE_REMOVE

    def start_media():
        # Runs in a helper thread: prepare() blocks until preroll, and the
        # pipeline's bus is serviced by the main loop (default main context).
        # The media is cached by the shared factory (key = port + path), so
        # clients attach to this running pipeline; our prepare() reference
        # keeps it from being unprepared when the last client leaves.
        res, rurl = GstRtsp.RTSPUrl.parse(url)
        media = factory.construct(rurl) if res == GstRtsp.RTSPResult.OK else None
        ok = media is not None and media.prepare(None)
        if ok:
            media.set_pipeline_state(Gst.State.PLAYING)
            keep.append(media)
        GLib.idle_add(announce, ok)

    if a.on_demand:
        announce(True)
    else:
        threading.Thread(target=start_media, daemon=True).start()
    loop.run()
    for media in keep:
        media.unprepare()
    GLib.source_remove(source_id)
    return 0 if (keep or a.on_demand) else 1


if __name__ == "__main__":
    sys.exit(main())

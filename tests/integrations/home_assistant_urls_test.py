#!/usr/bin/env python3
"""The README's Home Assistant section, tried as far as this machine can without Home Assistant:
every URL its tables give (Generic Camera's still image, MJPEG IP Camera's MJPEG and still image,
the `&width=640` and `&fps=5` variants) is fetched as those integrations fetch it, with the token
in the URL and the host name the README uses (`ptzgrab.lan`, let in by --allow-host as the README
says), from a `ptzgrab serve` whose camera "gate" is a live RTSP stream on loopback.

usage: home_assistant_urls_test.py PTZGRAB README RTSP_SERVER
"""
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

from harness import STARTUP_TIMEOUT_S, Scene, check, free_port, http_get, summary, wait_until

MJPEG_TIMEOUT_S = 30  # the on_demand stream's start, then two frames


def readme_urls(readme_text):
    section = readme_text.split("### Home Assistant", 1)[1].split("\n### ", 1)[0]
    return list(dict.fromkeys(re.findall(r"`(http://ptzgrab\.lan:8080/[^`\s]+)`", section)))  # once each


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker, or None."""
    i = 2
    while i + 9 < len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    return None


def local(url, port):
    """The README's URL sent to this test's server, with the Host header Home Assistant would send."""
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=f"127.0.0.1:{port}").geturl(), {"Host": f"ptzgrab.lan:{port}"}


def mjpeg_parts(url, headers, wanted, timeout_s):
    """The first `wanted` parts of a multipart/x-mixed-replace answer: (content type, [JPEG bytes])."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}", headers=headers)
        response = connection.getresponse()
        content_type = response.getheader("Content-Type", "")
        if response.status != 200:
            return f"{response.status} {content_type}", []
        frames, buffer, deadline = [], b"", time.monotonic() + timeout_s
        while len(frames) < wanted and time.monotonic() < deadline:
            chunk = response.read1(65536)
            if not chunk:
                break
            buffer += chunk
            while True:
                head = re.search(rb"Content-Length: (\d+)\r\n(?:[^\r\n]*\r\n)*\r\n", buffer)
                if not head or len(buffer) < head.end() + int(head.group(1)):
                    break
                frames.append(buffer[head.end():head.end() + int(head.group(1))])
                buffer = buffer[head.end() + int(head.group(1)):]
        return content_type, frames
    finally:
        connection.close()


def main():
    ptzgrab, readme_path, rtsp_server = sys.argv[1], sys.argv[2], sys.argv[3]
    readme = open(readme_path, encoding="utf-8").read()
    urls = readme_urls(readme)
    check(any("/stream/snapshot" in u for u in urls) and any("/stream/mjpeg" in u for u in urls),
          f"the README gives a still image URL and an MJPEG URL ({urls})")
    with Scene("ptzgrab-home-assistant-") as scene:
        rtsp_port = free_port()
        scene.start("rtsp", ["/usr/bin/python3", rtsp_server, "--port", str(rtsp_port), "--width", "1280", "--height", "720"])
        wait_until("the RTSP camera", lambda: "READY" in scene.log("rtsp"), STARTUP_TIMEOUT_S, scene.children)

        token = os.urandom(16).hex()  # hex, as the README says: nothing to percent-encode
        token_file = scene.path("token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        config = scene.path("cameras.yaml")
        with open(config, "w") as f:
            json.dump([{"name": "gate", "url": f"rtsp://127.0.0.1:{rtsp_port}/stream"}], f)
        port = free_port()
        scene.start("serve", [ptzgrab, "serve", "--port", str(port), "--config", config, "--token-file", token_file,
                              "--allow-host", "ptzgrab.lan", "--static-dir", scene.path("static")])
        wait_until("ptzgrab serve", lambda: http_get(f"http://127.0.0.1:{port}/healthz"), STARTUP_TIMEOUT_S, scene.children)

        for readme_url in urls:
            url, headers = local(readme_url.replace("token=T", f"token={token}"), port)
            if "/stream/mjpeg" in url:
                content_type, frames = mjpeg_parts(url, headers, 2, MJPEG_TIMEOUT_S)
                check(content_type.startswith("multipart/x-mixed-replace"), f"{readme_url}: {content_type}")
                check(len(frames) == 2 and all(f.startswith(b"\xff\xd8") and jpeg_size(f) for f in frames),
                      f"{readme_url}: two JPEG parts ({len(frames)})")
                fps = url + "&fps=5"
                content_type, frames = mjpeg_parts(fps, headers, 3, MJPEG_TIMEOUT_S)
                check(len(frames) == 3, f"{readme_url}&fps=5: three JPEG parts ({len(frames)})")
            else:
                still = http_get(url, timeout=30, headers=headers)
                check(isinstance(still, bytes) and still.startswith(b"\xff\xd8") and jpeg_size(still) == (1280, 720),
                      f"{readme_url}: a 1280x720 JPEG ({jpeg_size(still) if isinstance(still, bytes) else still[:80]})")
                small = http_get(url + "&width=640", timeout=30, headers=headers)
                check(isinstance(small, bytes) and jpeg_size(small) == (640, 360), f"{readme_url}&width=640: 640x360")
        without_token = local(urls[0].replace("&token=T", ""), port)
        try:
            http_get(without_token[0], headers=without_token[1])
            check(False, "the still image URL without the token is refused")
        except OSError as refused:
            check("401" in str(refused), f"the still image URL without the token is refused ({refused})")
        check(token not in scene.log("serve"), "the token in the URLs appears nowhere in ptzgrab's log")
    return summary()


if __name__ == "__main__":
    sys.exit(main())

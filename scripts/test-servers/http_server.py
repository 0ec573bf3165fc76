#!/usr/bin/python3
"""Static HTTP server for tests and benchmarks: loopback only, CORS open (the view page
plays HLS from another port), no caching. Prints READY <url> once listening."""
import argparse
import functools
import http.server
import signal
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=args.dir)
    server = http.server.ThreadingHTTPServer((args.bind, args.port), handler)
    server.daemon_threads = True
    server.verbose = args.verbose
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"READY http://{args.bind}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

"""What the integration tests share: children that die with the test, free loopback ports,
bounded waits, plain HTTP, and checks that report each result and count failures."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

STARTUP_TIMEOUT_S = 20
failures = []


def check(condition, what):
    print(("ok      " if condition else "FAILED  ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, log_path, **kwargs):
    """A child that dies with this test (SIGKILL from ctest included), in its own process group."""
    with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", *args], stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True, **kwargs)


def stop(child):
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=10)


def http_get(url, token=None, timeout=5, headers=None):
    """The body as text (bytes if it is not UTF-8, a JPEG); raises on a non-2xx answer."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    try:
        return body.decode()
    except UnicodeDecodeError:
        return body


def wait_until(what, probe, timeout_s, children=()):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for child in children:
            if child.poll() is not None:
                raise SystemExit(f"{child.args[3]} exited while waiting for {what}")
        try:
            value = probe()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"timed out after {timeout_s} s waiting for {what}")




class Scene:
    """A temp folder and the children started in it, each logging to NAME.log there. Leaving the
    `with` block stops the children (last first) and removes the folder, whatever happened."""

    def __init__(self, prefix):
        self.work = tempfile.mkdtemp(prefix=prefix)
        self.children = []

    def __enter__(self):
        return self

    def __exit__(self, *unused):
        for child in reversed(self.children):
            stop(child)
        shutil.rmtree(self.work, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.work, name)

    def start(self, name, args):
        child = start(args, self.path(name + ".log"))
        self.children.append(child)
        return child

    def log(self, name):
        with open(self.path(name + ".log"), encoding="utf-8", errors="replace") as f:
            return f.read()


def summary():
    """Prints the count of failed checks; the exit code."""
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0

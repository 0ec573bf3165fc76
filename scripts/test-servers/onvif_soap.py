"""SOAP 1.2 pieces of the loopback ONVIF test camera (onvif_camera.py): namespaces, space URIs,
faults, reading request elements by namespace URI and local name, and the WS-Security / HTTP Digest checks."""

import base64
import hashlib
import re
import secrets
import threading
import time
from datetime import datetime
from xml.sax.saxutils import escape

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


def parse_duration(text):
    """xs:duration like PT1S, PT0.5S, PT1M30S -> seconds."""
    m = re.fullmatch(r"\s*P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?\s*", text or "")
    if not m:
        raise bad_arg("bad duration: " + (text or ""))
    d, h, mi, s = m.groups()
    return int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)



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

    def check_digest(self, header, method, path):
        """'digest' when valid, 'none' without one, 'bad' otherwise."""
        if not header or not header.startswith("Digest "):
            return "none"
        f = dict((k, v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', header[7:]))
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
        with self.lock:
            known = f.get("nonce") in self.digest_nonces
        if (not known or f.get("username") != self.a.user or f.get("realm") != self.realm
                or f.get("uri") != path):
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



#!/usr/bin/python3
"""One SOAP 1.2 call to the test camera, for ptz_camera_tests (the camera's own tests, before any client).

usage: soap_call.py URL BODY_XML [--unsigned] [--replay] [--created-offset SECONDS]
Signs with a WS-Security UsernameToken PasswordDigest from $ONVIF_USER / $ONVIF_PASSWORD (never argv).
--replay sends the same signed envelope twice and reports the second answer.
Prints the HTTP status on the first line, then the reply body.
"""
import argparse
import base64
import datetime
import hashlib
import os
import sys
import urllib.error
import urllib.request

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"


def security_header(user, password, offset):
    nonce = os.urandom(16)
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    created = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()
    return ('<w:Security xmlns:w="%s" xmlns:u="%s"><w:UsernameToken><w:Username>%s</w:Username>'
            '<w:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0'
            '#PasswordDigest">%s</w:Password><w:Nonce>%s</w:Nonce><u:Created>%s</u:Created>'
            "</w:UsernameToken></w:Security>" % (WSSE, WSU, user, digest, base64.b64encode(nonce).decode(), created))


def post(url, data):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/soap+xml; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("body")
    p.add_argument("--unsigned", action="store_true")
    p.add_argument("--replay", action="store_true")
    p.add_argument("--created-offset", type=float, default=0.0)
    a = p.parse_args()
    header = "" if a.unsigned else security_header(os.environ["ONVIF_USER"], os.environ["ONVIF_PASSWORD"],
                                                   a.created_offset)
    data = ('<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Header>%s</e:Header>'
            "<e:Body>%s</e:Body></e:Envelope>" % (header, a.body)).encode()
    status, reply = post(a.url, data)
    if a.replay:
        status, reply = post(a.url, data)
    print(status)
    print(reply)


if __name__ == "__main__":
    sys.exit(main())

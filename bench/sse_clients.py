#!/usr/bin/env python3
"""Opens COUNT Server-Sent Events streams on a running SiteSync as one signed-in account and
reports the server's memory before and after, and how long one event takes to reach them all.

Usage: sse_clients.py PORT COUNT SERVER_PID EMAIL PASSWORD PSQL_HOST
"""
import html
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

port, count, pid, email, password, pg_host = (
    int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
base = f"http://127.0.0.1:{port}"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 256), hard))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("no such process")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
page = opener.open(f"{base}/signin").read().decode()
token = html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
try:
    opener.open(f"{base}/signin", form)
except urllib.error.HTTPError as answer:
    if answer.code != 303:
        raise
cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
account = subprocess.run(
    ["psql", "-X", "-A", "-t", "-h", pg_host, "-U", "sitesync", "-d", "sitesync", "-c",
     f"SELECT id FROM accounts WHERE email = '{email}'"],
    check=True, capture_output=True, text=True).stdout.strip()

# One stream first, so the listener is started and the baseline holds everything but streams.
request = (f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
           "Accept: text/event-stream\r\n\r\n").encode()


def open_stream():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    got = b""
    while b": connected" not in got:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit(f"stream refused: {got[:200]!r}")
        got += chunk
    return s


first = open_stream()
time.sleep(1)
before = rss_kib(pid)
streams = [first]
start = time.time()
for _ in range(count - 1):
    streams.append(open_stream())
opened = time.time() - start
time.sleep(2)
after = rss_kib(pid)

payload = '{"name":"bell","accounts":["%s"]}' % account
sent = time.time()
subprocess.run(["psql", "-X", "-q", "-A", "-t", "-o", "/dev/null", "-h", pg_host, "-U", "sitesync", "-d", "sitesync", "-c",
                f"SELECT pg_notify('sitesync_live', '{payload}')"], check=True)
for s in streams:
    s.settimeout(10)
    got = b""
    while b"event: bell" not in got:
        got += s.recv(4096)
fanout = time.time() - sent

print(f"| streams open | {count} |")
print(f"| opening them all (s) | {opened:.2f} |")
print(f"| app memory with 1 stream (MiB) | {before / 1024:.1f} |")
print(f"| app memory with {count} streams (MiB) | {after / 1024:.1f} |")
print(f"| cost of the streams (MiB) | {(after - before) / 1024:.1f} |")
print(f"| per stream (KiB) | {(after - before) / max(count - 1, 1):.1f} |")
print(f"| one event to every stream (s, psql start included) | {fanout:.2f} |")
for s in streams:
    s.close()

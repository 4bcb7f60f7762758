"""HTTP clients of the soak test (one keep-alive connection each, their own cookies and their own
loopback address), and the database and process helpers it needs."""
import html
import http.client
import itertools
import os
import re
import subprocess
import time
import urllib.parse
import uuid

_port = None
_pg_host = None
# Every client gets a loopback address of its own, as people behind different addresses do;
# the per-address limits (sign-in, public reports) then apply to each as they would.
_addresses = (f"127.0.{a}.{b}" for a, b in itertools.product(range(1, 255), range(2, 255)))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MOVE_TO = re.compile(r'name="to" value="([a-z_]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PG_BIN = "/usr/lib/postgresql/15/bin"


def configure(port, pg_host):
    global _port, _pg_host
    _port, _pg_host = port, pg_host


def psql(sql, check=True, timeout=60):
    """One statement through the private cluster's socket; the trimmed text of its answer
    (empty when check is off and it failed, e.g. while the server is stopped)."""
    try:
        done = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-h", _pg_host, "-U", "sitesync",
                               "-d", "sitesync", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        if check:
            raise
        return ""
    if done.returncode != 0:
        if check:
            raise SystemExit(f"psql failed: {done.stderr.strip()}\n{sql}")
        return ""
    return done.stdout.strip()


def pg_ctl(data_dir, verb):
    """Stops or starts the private cluster as SiteSync itself does (src/db/cluster): as the
    postgres account when run as root, with the same socket options and log."""
    pg = os.path.join(data_dir, "pg")
    args = [f"{PG_BIN}/pg_ctl", verb, "-D", pg, "-w", "-t", "60"]
    if verb == "stop":
        args += ["-m", "fast"]
    else:
        args += ["-l", os.path.join(pg, "server.log"), "-o",
                 f"-c listen_addresses='' -c unix_socket_directories='{pg}' "
                 "-c unix_socket_permissions=0700 -c random_page_cost=1.1 -p 5432"]
    user = "postgres" if os.geteuid() == 0 else None
    subprocess.run(args, check=True, capture_output=True, cwd=pg, user=user,
                   env={**os.environ, "HOME": pg})


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def visible_text(body):
    """What a person reads on a page: its text without the head, scripts or tags."""
    text = re.sub(r"(?is)<(head|script|style|nav|header)\b.*?</\1>", " ", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


class Page:
    def __init__(self, status, body):
        self.status = status
        self.body = body
        found = CSRF.search(body)
        self.csrf = html.unescape(found.group(1)) if found else ""

    def moves(self):
        version = VERSION.search(self.body)
        return MOVE_TO.findall(self.body), (version.group(1) if version else None)


class Client:
    """A browser of one person: cookies, one connection at a time, every answer recorded as
    (seconds since start, page, kind, status, milliseconds, had Retry-After)."""

    def __init__(self, name, records, lock, started):
        self.name, self.records, self.lock, self.started = name, records, lock, started
        self.cookies = {}
        self.conn = None
        self.address = next(_addresses)
        self.credentials = None

    def new_address(self):
        self.address = next(_addresses)
        self.close()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _request(self, method, path, label, kind, body=None, content_type=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        t0 = time.monotonic()
        status, answer, text = 0, None, ""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", _port, timeout=30,
                                                       source_address=(self.address, 0))
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                text = answer.read().decode("utf-8", "replace")
                status = answer.status
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A keep-alive connection the server closed while idle is retried once on a
                # fresh one, as browsers do; a request that was sent and then cut is not.
                self.close()
                if attempt == 2 or not isinstance(e, http.client.RemoteDisconnected) or method != "GET":
                    break
            except (OSError, http.client.HTTPException):
                self.close()
                break
        ms = (time.monotonic() - t0) * 1000
        headers_out = {}
        if answer is not None:
            for k, v in answer.getheaders():
                headers_out[k.lower()] = v
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    value = rest.split(";", 1)[0]
                    if "max-age=0" in v.lower() or not value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
            if headers_out.get("connection", "").lower() == "close":
                self.close()
        with self.lock:
            self.records.append((t0 - self.started, label, kind, status, ms, "retry-after" in headers_out))
        return status, headers_out, text

    def get(self, label, path):
        status, headers, text = self._request("GET", path, label, "read")
        if status == 303 and headers.get("location", "").startswith("/signin") and self.credentials:
            # The session ended (a restart of the database must not do that, but recover).
            self.sign_in(*self.credentials)
            status, headers, text = self._request("GET", path, label, "read")
        return Page(status, text)

    def follow(self, location):
        if location.startswith("/"):
            self._request("GET", location, "page after a write", "read")

    def post(self, label, path, fields, multipart=False):
        if multipart:
            boundary = uuid.uuid4().hex
            parts = []
            for k, v in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n')
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            path = f"{path}?csrf_token={urllib.parse.quote(fields.get('csrf_token', ''))}"
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        status, headers, _ = self._request("POST", path, label, "write", body, content_type)
        return status, headers

    def sign_in(self, email, password):
        self.credentials = (email, password)
        for _ in range(30):
            page = self.get("sign-in form", "/signin")
            status, headers = self.post("sign in", "/signin",
                                        {"csrf_token": page.csrf, "email": email, "password": password})
            if status == 303 and not headers.get("location", "").startswith("/signin"):
                return
            time.sleep(1)
        raise SystemExit(f"{self.name}: could not sign in as {email}")

#!/usr/bin/env python3
"""The load of `bench/soak`: signed-in clients of several roles and organizations reading the
main pages and writing at a bounded rate against a running SiteSync, for MINUTES; with
--faults, the database's connections are terminated and PostgreSQL is stopped and started
under it. Every response is recorded; at the end the pass criteria are checked and the summary
printed (and appended to DIR/soak.txt by bench/soak). Exit 1 when a criterion failed.

Usage: soak_clients.py PORT DIR SERVER_PID MINUTES POOL_SIZE SEED_PASSWORD [--faults]
Environment: SOAK_WRITE_SCALE (multiplies the write rate, default 1), SOAK_THINK_MS (pause
between one client's requests, default 40).
"""
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "soak.d"))
import soak_http  # noqa: E402
import soak_report  # noqa: E402
from soak_http import Client, psql  # noqa: E402

args = [a for a in sys.argv[1:] if a != "--faults"]
faults = "--faults" in sys.argv[1:]
port, data_dir, server_pid, minutes, pool_size, seed_password = (
    int(args[0]), args[1], int(args[2]), float(args[3]), int(args[4]), args[5])
pg_host = os.path.join(data_dir, "pg")
duration = minutes * 60
think = float(os.environ.get("SOAK_THINK_MS", "40")) / 1000
scale = float(os.environ.get("SOAK_WRITE_SCALE", "1"))
run_id = "S%06x" % random.randrange(16 ** 6)
soak_http.configure(port, pg_host)

DEMO = {
    "owner": ("owner@demo.sitesync.test", "harbour-lift-owner-2026"),
    "manager": ("manager@demo.sitesync.test", "harbour-lift-manager-2026"),
    "technician": ("tech@demo.sitesync.test", "harbour-lift-tech-2026"),
    "readonly": ("viewer@demo.sitesync.test", "harbour-lift-viewer-2026"),
    "tenant": ("tenant@demo.sitesync.test", "harbour-lift-tenant-2026"),
}
PARTNER_PASSWORD = "harbour-partner-owner-2026"


# ---- what the clients work on, read from the database once ------------------------------
def org(slug):
    row = psql(f"SELECT id, schema_name FROM organizations WHERE slug = '{slug}'")
    if not row:
        raise SystemExit(f"organization {slug} is missing")
    oid, schema = row.split("|")
    sites = psql(f"SELECT id FROM {schema}.sites WHERE deleted_at IS NULL ORDER BY name LIMIT 20").split()
    tokens = psql(f"SELECT report_token FROM {schema}.sites WHERE deleted_at IS NULL "
                  "ORDER BY name LIMIT 10").split()
    return {"slug": slug, "id": oid, "schema": schema, "sites": sites, "report_tokens": tokens}


small = psql("SELECT slug FROM organizations WHERE slug LIKE 'bench\\_s%' ORDER BY slug LIMIT 2").split()
orgs = {slug: org(slug) for slug in ["demo", "coastal", "summit", "bench_large_1", *small]}
for o in orgs.values():
    o["work_orders"] = psql(f"SELECT id FROM {o['schema']}.work_orders ORDER BY created_at DESC LIMIT 20").split()
tech_work = psql(
    f"SELECT w.id FROM {orgs['demo']['schema']}.work_orders w "
    f"JOIN {orgs['demo']['schema']}.contractors c ON c.id = w.assigned_contractor_id "
    "JOIN accounts a ON a.id = c.account_id "
    f"WHERE a.email = '{DEMO['technician'][0]}' AND w.status IN ('scheduled', 'in_progress', 'on_hold') "
    "LIMIT 10", check=False).split()
# Purchases need stock that lasts the run: a few listings (sold with pickup) get plenty.
buyer_ids = ",".join(f"'{orgs[s]['id']}'" for s in ["demo", "coastal", "summit", "bench_large_1"])
listings = psql(
    "UPDATE marketplace_listings SET quantity_available = 1000000, expires_at = now() + interval '30 days' "
    "WHERE id IN (SELECT id FROM marketplace_listings WHERE status = 'active' AND local_pickup "
    f"AND seller_org_id NOT IN ({buyer_ids}) ORDER BY created_at DESC LIMIT 6) RETURNING id").split()
# The run's time on the database's clock: purchases since then are the run's.
db_start = psql("SELECT now()")

# ---- the work of each role -----------------------------------------------------------------
stop = threading.Event()
records = []          # (t, label, kind, status, ms, retry_after)
writes = []           # dicts: kind, token, outcome, status, org, extra
lock = threading.Lock()
started = time.monotonic()
seq = [0]


def token(kind):
    with lock:
        seq[0] += 1
        return f"{run_id}-{kind}-{seq[0]}"


def wrote(kind, tok, status, org_slug, extra=None, ok_codes=(303,)):
    outcome = "ok" if status in ok_codes else ("unknown" if status == 0 else "refused")
    with lock:
        writes.append({"kind": kind, "token": tok, "outcome": outcome, "status": status,
                       "org": org_slug, "extra": extra})
    return outcome == "ok"


def staff_pages(slug, role):
    pages = [("dashboard", f"/o/{slug}"), ("site list", f"/o/{slug}/sites"),
             ("lift list", f"/o/{slug}/elevators"), ("forum", "/forum"),
             ("marketplace", "/marketplace"), ("jobs", "/jobs")]
    if role == "technician":
        pages.append(("my work orders", f"/o/{slug}/work-orders/mine"))
    else:
        pages.append(("work-order board", f"/o/{slug}/work-orders"))
    if role in ("owner", "manager"):
        pages.append(("fault reports", f"/o/{slug}/service-requests"))
    return pages


class Worker:
    """One signed-in person (or an anonymous reporter) reading and, when due, writing."""

    def __init__(self, name, email, password, slug, role, write_every, actions):
        self.name, self.slug, self.role = name, slug, role
        self.email, self.password = email, password
        self.write_every = write_every / scale if write_every else None
        self.actions = actions
        self.client = Client(name, records, lock, started)
        self.open_orders = []   # the work orders this worker created and still moves
        self.pages = staff_pages(slug, role) if slug and role != "tenant" else []

    def run(self):
        if self.email:
            self.client.sign_in(self.email, self.password)
        next_write = time.monotonic() + random.uniform(0, self.write_every or 1)
        while not stop.is_set():
            if self.write_every and time.monotonic() >= next_write:
                next_write += self.write_every * random.uniform(0.5, 1.5)
                getattr(self, random.choice(self.actions))()
            else:
                self.read()
            time.sleep(think * random.uniform(0.5, 1.5))

    def read(self):
        if self.role == "tenant":
            self.client.get("tenant portal", f"/o/{self.slug}/portal")
        elif self.role == "public":
            o = random.choice(list(orgs.values())[:1] + [orgs[s] for s in small])
            self.client.get("public report form", f"/report/{o['slug']}/{random.choice(o['report_tokens'])}")
        elif self.pages:
            known = self.open_orders or orgs[self.slug]["work_orders"]
            if known and random.random() < 0.15:
                self.client.get("work-order detail", f"/o/{self.slug}/work-orders/{random.choice(known)}")
            else:
                label, path = random.choice(self.pages)
                self.client.get(label, path)
        else:
            label, path = random.choice([("forum", "/forum"), ("marketplace", "/marketplace"), ("jobs", "/jobs")])
            self.client.get(label, path)

    # Each write carries a token of its own, so that afterwards the database can be asked
    # whether exactly the acknowledged ones are there.
    def create(self):
        if len(self.open_orders) >= 8:
            return self.move(cancel_oldest=True)
        o = orgs[self.slug]
        page = self.client.get("new work-order form", f"/o/{self.slug}/work-orders/new")
        tok = token("wo")
        status, headers = self.client.post("create work order", f"/o/{self.slug}/work-orders", {
            "csrf_token": page.csrf, "site_id": random.choice(o["sites"]), "work_type": "breakdown",
            "priority": "high", "title": f"Soak {tok}: doors slow to close",
            "description": "Raised by the soak test."})
        if wrote("create work order", tok, status, self.slug):
            location = headers.get("location", "")
            self.open_orders.append(location.rstrip("/").split("/")[-1])
            self.client.follow(location)

    def move(self, cancel_oldest=False):
        if not self.open_orders:
            return self.create()
        order = self.open_orders[0] if cancel_oldest else random.choice(self.open_orders)
        page = self.client.get("work-order detail", f"/o/{self.slug}/work-orders/{order}")
        moves, version = page.moves()
        if page.status != 200 or version is None:
            return
        if cancel_oldest or not ({"in_progress", "on_hold"} & set(moves)):
            target = "cancelled"
        else:
            target = "in_progress" if "in_progress" in moves else "on_hold"
        if target not in moves:
            self.open_orders.remove(order)
            return
        tok = token("move")
        status, headers = self.client.post("move work order", f"/o/{self.slug}/work-orders/{order}/move", {
            "csrf_token": page.csrf, "to": target, "version": version, "reason": f"Soak {tok}"})
        if wrote("move work order", tok, status, self.slug, extra=target) and target == "cancelled":
            self.open_orders.remove(order)
        if status == 303:
            self.client.follow(headers.get("location", ""))

    def comment(self):
        known = self.open_orders or (tech_work if self.role == "technician" else orgs[self.slug]["work_orders"])
        if not known:
            return
        order = random.choice(known)
        page = self.client.get("work-order detail", f"/o/{self.slug}/work-orders/{order}")
        if page.status != 200:
            return
        tok = token("comment")
        status, headers = self.client.post("comment on work order",
                                           f"/o/{self.slug}/work-orders/{order}/comments", {
                                               "csrf_token": page.csrf, "body": f"Soak {tok}: checked on site."})
        if wrote("comment on work order", tok, status, self.slug):
            self.client.follow(headers.get("location", ""))

    def portal_request(self):
        page = self.client.get("tenant portal", f"/o/{self.slug}/portal")
        tok = token("portal")
        status, headers = self.client.post("tenant portal request", f"/o/{self.slug}/portal/requests", {
            "csrf_token": page.csrf, "request_type": "issue_report", "subject": f"Soak {tok}",
            "description": "The lift stops short of floor 3."})
        if wrote("tenant portal request", tok, status, self.slug):
            self.client.follow(headers.get("location", ""))

    def public_report(self):
        o = random.choice([orgs["demo"]] + [orgs[s] for s in small])
        path = f"/report/{o['slug']}/{random.choice(o['report_tokens'])}"
        # A new address now and then: the form limits reports per address, as it should.
        self.client.new_address()
        page = self.client.get("public report form", path)
        tok = token("report")
        status, _ = self.client.post("public fault report", path, {
            "csrf_token": page.csrf, "request_type": "issue_report", "subject": f"Soak {tok}",
            "description": "Noise from the machine room.", "website": ""}, multipart=True)
        wrote("public fault report", tok, status, o["slug"], ok_codes=(200,))

    def buy(self):
        if not listings:
            return
        listing = random.choice(listings)
        page = self.client.get("marketplace listing", f"/marketplace/listings/{listing}")
        tok = token("buy")
        status, headers = self.client.post("marketplace purchase", f"/marketplace/listings/{listing}/buy", {
            "csrf_token": page.csrf, "organization": self.slug, "quantity": "1", "delivery": "pickup"})
        location = headers.get("location", "")
        if wrote("marketplace purchase", tok, status, self.slug, extra=location.rstrip("/").split("/")[-1]):
            self.client.follow(location)


ORG_WORK = ["create", "move", "move", "comment", "comment"]
workers = [
    Worker("demo owner", *DEMO["owner"], "demo", "owner", 1.2, ORG_WORK),
    Worker("demo manager", *DEMO["manager"], "demo", "manager", 1.5, ORG_WORK + ["buy"]),
    Worker("demo manager (2nd tab)", *DEMO["manager"], "demo", "manager", None, []),
    Worker("demo technician", *DEMO["technician"], "demo", "technician", 6 if tech_work else None, ["comment"]),
    Worker("demo read-only", *DEMO["readonly"], "demo", "readonly", None, []),
    Worker("demo tenant", *DEMO["tenant"], "demo", "tenant", 10, ["portal_request"]),
    Worker("bench owner", "bench@bench.sitesync.test", seed_password, "bench_large_1", "owner", 1.5,
           ORG_WORK + ["buy"]),
    Worker("bench owner (2nd tab)", "bench@bench.sitesync.test", seed_password, "bench_large_1", "owner", None, []),
    *[Worker(f"{s} owner", f"owner.{s}@bench.sitesync.test", seed_password, s, "owner", 3, ORG_WORK)
      for s in small],
    Worker("coastal owner", "owner@coastal.sitesync.test", PARTNER_PASSWORD, "coastal", "owner", 8, ["buy"]),
    Worker("summit owner", "owner@summit.sitesync.test", PARTNER_PASSWORD, "summit", "owner", 8, ["buy"]),
    Worker("public reporter", None, None, None, "public", 15, ["public_report"]),
]
# The partner organizations come for the platform: their own dashboard is all they have.
for w in workers:
    if w.slug in ("coastal", "summit"):
        w.pages = [("forum", "/forum"), ("marketplace", "/marketplace"), ("jobs", "/jobs"),
                   ("dashboard", f"/o/{w.slug}")]

# ---- samplers and faults ----------------------------------------------------------------------
samples = []      # (t, rss_kib, PostgreSQL connections of the app or None)
over_pool = []    # (t, the app's backends) whenever there were more than the pool's size
terminated = set()  # backends the fault ended: they linger in pg_stat_activity while exiting


def sampler():
    while not stop.is_set():
        t = time.monotonic() - started
        # Parallel query workers carry their leader's application_name: they are not
        # connections, and are left out.
        pids = psql("SELECT coalesce(string_agg(pid::text, ' '), '-') FROM pg_stat_activity "
                    "WHERE application_name = 'sitesync serve' AND backend_type = 'client backend'",
                    check=False, timeout=3)
        with lock:
            live = None if not pids else len([p for p in pids.split() if p != "-" and p not in terminated])
            samples.append((t, soak_http.rss_kib(server_pid), live))
        if live is not None and live > pool_size:
            # Which backends they were, to tell a pool over its size from one still closing.
            rows = psql("SELECT pid, backend_type, backend_start::time(0), state, state_change::time(3), "
                        "now()::time(3), left(query, 50) FROM pg_stat_activity "
                        "WHERE application_name = 'sitesync serve' ORDER BY backend_start",
                        check=False, timeout=3)
            with lock:
                over_pool.append((t, rows))
        stop.wait(5)


fault_log = []   # dicts: name, start, db_back, recovered (seconds since start)


def run_faults():
    prober = Client("prober", [], lock, started)
    prober.sign_in(*DEMO["manager"])

    def recovered_after(since):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if prober.get("probe", "/o/demo").status == 200:
                return time.monotonic() - started
            time.sleep(0.1)
        return None

    if stop.wait(duration * 0.3):
        return
    t = time.monotonic() - started
    killed = [line.split("|")[0] for line in psql(
        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'sitesync serve'", check=False).splitlines()]
    with lock:
        terminated.update(killed)
    fault_log.append({"name": f"every app connection terminated ({len(killed)})", "start": t,
                      "db_back": time.monotonic() - started})
    fault_log[-1]["recovered"] = recovered_after(fault_log[-1]["db_back"])
    if stop.wait(max(0, duration * 0.6 - (time.monotonic() - started))):
        return
    t = time.monotonic() - started
    soak_http.pg_ctl(data_dir, "stop")
    # What the health check says while the database is down, asked as monitoring asks it
    # (without a session) and on the side, so that its wait does not lengthen the outage.
    health = []
    asker = threading.Thread(target=lambda: (time.sleep(3), health.append(
        Client("monitor", [], lock, started).get("probe", "/healthz"))))
    asker.start()
    time.sleep(10)
    soak_http.pg_ctl(data_dir, "start")
    asker.join()
    fault_log.append({"name": "PostgreSQL stopped for 10 s", "start": t,
                      "db_back": time.monotonic() - started,
                      "healthz": f"{health[0].status} {soak_http.visible_text(health[0].body)[:160]}"})
    fault_log[-1]["recovered"] = recovered_after(fault_log[-1]["db_back"])


threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
threads.append(threading.Thread(target=sampler, daemon=True))
if faults:
    threads.append(threading.Thread(target=run_faults, daemon=True))
print(f"soak {run_id}: {len(workers)} clients for {minutes:g} min{' with faults' if faults else ''}; "
      f"{len(listings)} listings to buy from, {len(tech_work)} work orders assigned to the technician",
      flush=True)
for th in threads:
    th.start()
while time.monotonic() - started < duration:
    time.sleep(1)
    elapsed = time.monotonic() - started
    if int(elapsed) % 60 == 0:
        with lock:
            print(f"  {elapsed / 60:.0f} min: {len(records)} requests, {len(writes)} writes, "
                  f"RSS {samples[-1][1] / 1024 if samples else 0:.1f} MiB", flush=True)
stop.set()
for th in threads:
    th.join(timeout=40)
with lock:
    samples.append((time.monotonic() - started, soak_http.rss_kib(server_pid), None))

found = soak_report.tokens_in_database(run_id, orgs.values())
purchases = soak_report.purchases_since(db_start)
ok = soak_report.report(
    run_id=run_id, minutes=minutes, faults=faults, records=records, writes=writes, samples=samples,
    fault_log=fault_log, pool_size=pool_size, over_pool=over_pool, found=found, purchases=purchases,
    out=os.path.join(data_dir, "soak-summary.txt"))
with open(os.path.join(data_dir, "soak-writes.json"), "w") as f:
    json.dump({"writes": writes, "faults": fault_log, "samples": samples, "over_pool": over_pool}, f)
sys.exit(0 if ok else 1)

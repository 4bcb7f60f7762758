"""What the soak test checks at the end, and the summary it prints."""
import re
from collections import Counter, defaultdict

from soak_http import psql

# A 5xx or an unanswered request within this long after a fault ended is the fault's.
GRACE_S = 5.0
SLOW_MS = 5000.0


def tokens_in_database(run_id, orgs):
    """How many times each of the run's tokens is in the database: work-order titles, comments,
    the reasons of status changes (in the audit log) and fault reports (subjects)."""
    found = Counter()
    pattern = re.compile(re.escape(run_id) + r"-[a-z]+-\d+")
    for o in orgs:
        s = o["schema"]
        like = f"'%{run_id}-%'"
        text = psql(
            f"SELECT title FROM {s}.work_orders WHERE title LIKE {like} "
            f"UNION ALL SELECT body FROM {s}.work_order_comments WHERE body LIKE {like} "
            f"UNION ALL SELECT event_data->>'reason' FROM {s}.audit_events "
            f"WHERE entity_type = 'work_order' AND event_data->>'reason' LIKE {like} "
            f"UNION ALL SELECT subject FROM {s}.service_requests WHERE subject LIKE {like}")
        for line in text.splitlines():
            for tok in pattern.findall(line):
                found[tok] += 1
    return found


def purchases_since(db_start):
    ids = psql(f"SELECT id FROM marketplace_transactions WHERE created_at >= '{db_start}'")
    return set(ids.split())


def percentile(sorted_ms, p):
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))]


def report(run_id, minutes, faults, records, writes, samples, fault_log, pool_size, over_pool, found, purchases,
           out):
    lines, failures = [], []
    say = lines.append
    windows = [(f["start"], (f["recovered"] or f["db_back"]) + GRACE_S) for f in fault_log]

    def in_fault(r):
        # A request in flight when a fault began is the fault's too.
        start, end = r[0], r[0] + r[4] / 1000
        return any(start <= b and a <= end for a, b in windows)

    # ---- requests -------------------------------------------------------------------------
    by_label = defaultdict(list)
    for r in records:
        by_label[(r[2], r[1])].append(r)
    say(f"Soak test {run_id}: {minutes:g} min{', with faults' if faults else ''}; "
        f"{len(records)} requests ({len(records) / (minutes * 60):.1f}/s)")
    say("")
    say("| kind | page | requests | errors (5xx / none) | 4xx | p50 ms | p99 ms | max ms |")
    say("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (kind, label), rs in sorted(by_label.items()):
        ms = sorted(r[4] for r in rs)
        errors = sum(1 for r in rs if r[3] >= 500 or r[3] == 0)
        client = sum(1 for r in rs if 400 <= r[3] < 500)
        say(f"| {kind} | {label} | {len(rs)} | {errors} | {client} | {percentile(ms, 50):.1f} | "
            f"{percentile(ms, 99):.1f} | {ms[-1]:.1f} |")
    all_ms = sorted(r[4] for r in records)
    say(f"| all | | {len(records)} | {sum(1 for r in records if r[3] >= 500 or r[3] == 0)} | "
        f"{sum(1 for r in records if 400 <= r[3] < 500)} | {percentile(all_ms, 50):.1f} | "
        f"{percentile(all_ms, 99):.1f} | {all_ms[-1] if all_ms else 0:.1f} |")
    statuses = Counter(r[3] for r in records)
    say("")
    say("Statuses: " + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items())))

    bad = [r for r in records if r[3] >= 500 or r[3] == 0]
    outside = [r for r in bad if not in_fault(r)]
    if outside:
        failures.append(f"{len(outside)} errors (5xx or no answer) outside any fault, first at "
                        f"{outside[0][0]:.1f} s: {outside[0][1]} {outside[0][3]}")
    if faults:
        wrong = [r for r in bad if in_fault(r) and not (r[3] == 503 and r[5])]
        if wrong:
            kinds = Counter(str(r[3] or "no answer") + (" with Retry-After" if r[5] else "") for r in wrong)
            failures.append(f"{len(wrong)} errors during faults were not 503 with Retry-After: "
                            + ", ".join(f"{k}: {n}" for k, n in kinds.items()))
    slow = [r for r in records if r[4] > SLOW_MS and not in_fault(r)]
    if slow:
        failures.append(f"{len(slow)} requests over 5 s (slowest {max(r[4] for r in slow):.0f} ms, "
                        f"{max(slow, key=lambda r: r[4])[1]})")

    # ---- faults ---------------------------------------------------------------------------
    if faults:
        say("")
        say("| fault | at s | database back at s | service back at s | recovery s | requests failed |")
        say("| --- | --- | --- | --- | --- | --- |")
        for f, (a, b) in zip(fault_log, windows):
            failed = sum(1 for r in bad if r[0] <= b and a <= r[0] + r[4] / 1000)
            rec = f"{f['recovered'] - f['db_back']:.2f}" if f["recovered"] is not None else "not within 60 s"
            say(f"| {f['name']} | {f['start']:.1f} | {f['db_back']:.1f} | "
                f"{f['recovered'] if f['recovered'] is None else round(f['recovered'], 1)} | {rec} | {failed} |")
            if f.get("healthz"):
                say(f"|   /healthz while it was down: {f['healthz']} | | | | | |")
            if f["recovered"] is None or f["recovered"] - f["db_back"] > 5:
                failures.append(f"{f['name']}: service not back within 5 s of the database")
        if len(fault_log) < 2:
            failures.append(f"only {len(fault_log)} of 2 faults were run")

    # ---- memory and connections -------------------------------------------------------------
    rss = [(t, k) for t, k, _ in samples if k]
    from_t = 300.0 if minutes >= 10 else minutes * 30.0
    base = next((k for t, k in rss if t >= from_t), None)
    start_rss, end_rss = (rss[0][1], rss[-1][1]) if rss else (0, 0)
    say("")
    growth = (end_rss - base) / base * 100 if base else 0.0
    since = "5 min" if minutes >= 10 else f"the midpoint ({from_t / 60:.1f} min; run shorter than 10 min)"
    say(f"App RSS: start {start_rss / 1024:.1f} MiB, at {since} {(base or 0) / 1024:.1f} MiB, "
        f"end {end_rss / 1024:.1f} MiB, max {max((k for _, k in rss), default=0) / 1024:.1f} MiB; "
        f"growth after {since}: {growth:+.1f} %")
    if base is None:
        failures.append("no memory sample after the measuring point")
    elif growth >= 10:
        failures.append(f"RSS grew {growth:.1f} % after {since}")
    conns = [(t, c) for t, _, c in samples if c is not None]
    top = max(conns, key=lambda s: s[1], default=(0, 0))
    say(f"PostgreSQL connections of the app: max {top[1]} (at {top[0]:.0f} s), pool size {pool_size}, "
        f"{len(conns)} samples every 5 s")
    over = [(t, c) for t, c in conns if c > pool_size]
    for t, rows in over_pool[:3]:
        say(f"  at {t:.0f} s, listed right after: {len(rows.splitlines())} "
            "(pid | type | started | state | state since | now | query):")
        for row in rows.splitlines():
            say(f"    {row}")
    if over:
        failures.append(f"{len(over)} samples with more PostgreSQL connections than the pool's {pool_size}: "
                        + ", ".join(f"{c} at {t:.0f} s" for t, c in over[:5]))

    # ---- writes -----------------------------------------------------------------------------
    say("")
    say("| write | acknowledged | found | refused | refused but found | no answer (found) |")
    say("| --- | --- | --- | --- | --- | --- |")
    kinds = sorted({w["kind"] for w in writes})
    doubled = []
    for kind in kinds:
        ws = [w for w in writes if w["kind"] == kind]
        acked = [w for w in ws if w["outcome"] == "ok"]
        refused = [w for w in ws if w["outcome"] == "refused"]
        unknown = [w for w in ws if w["outcome"] == "unknown"]
        if kind == "marketplace purchase":
            have = lambda w: w["outcome"] == "ok" and w["extra"] in purchases  # noqa: E731
            found_acked = sum(1 for w in acked if have(w))
            extra = len(purchases) - found_acked
            refused_found = max(0, extra - len(unknown))
            unknown_found = min(extra, len(unknown))
        else:
            found_acked = sum(1 for w in acked if found[w["token"]] >= 1)
            refused_found = sum(1 for w in refused if found[w["token"]] >= 1)
            unknown_found = sum(1 for w in unknown if found[w["token"]] >= 1)
            doubled += [w for w in ws if found[w["token"]] > 1]
        if found_acked < len(acked):
            failures.append(f"{kind}: {len(acked) - found_acked} acknowledged writes are not in the database")
        if refused_found:
            failures.append(f"{kind}: {refused_found} writes answered as failed are in the database")
        say(f"| {kind} | {len(acked)} | {found_acked} | {len(refused)} | {refused_found} | "
            f"{len(unknown)} ({unknown_found}) |")
        refused_codes = Counter(w["status"] for w in refused)
        if refused_codes:
            say(f"|   refused as | " + ", ".join(f"{c}: {n}" for c, n in sorted(refused_codes.items()))
                + " | | | | |")
    if doubled:
        failures.append(f"{len(doubled)} writes are in the database more than once")
    acked_total = sum(1 for w in writes if w["outcome"] == "ok")
    say(f"Writes acknowledged {acked_total} of {len(writes)}; "
        f"{len(writes) / (minutes * 60):.2f} writes/s attempted")

    say("")
    if failures:
        say("FAIL:")
        for f in failures:
            say(f"  - {f}")
    else:
        say("PASS: no 5xx" + (" outside faults" if faults else "") + ", none over 5 s, RSS within 10 %, "
            "connections within the pool, every acknowledged write found and no refused one")
    text = "\n".join(lines)
    print(text, flush=True)
    with open(out, "w") as f:
        f.write(text + "\n")
    return not failures

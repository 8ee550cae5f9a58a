#!/usr/bin/env python3
"""The analysts' review queue and the audit log at a bank's volume (a benchmark, not a test; bench/queue_volume.sh).

  queue_volume.py grow sqlite DB_FILE [TARGET]
  queue_volume.py grow postgres CONNINFO [TARGET]
      Grows a freshly seeded database (the first start's 93,769 payments) to about TARGET payments (default 1,000,000)
      with copies of the seeded history, each 90 days earlier, then scores them as an issuer's would be: 50,000 held
      for review nobody has labelled (risk 40-99, a tenth held by a rule), 20,000 declined, the rest approved; 10,000
      open reports (half on held payments, a "this was me" in four), 20,000 decided ones, and 500,000 audit entries.
  queue_volume.py assign sqlite DB_FILE EMAIL | assign postgres CONNINFO EMAIL
      Assigns 300 of the held payments to the account EMAIL (the "assigned to me" filter has something to show).
  queue_volume.py time BASE_URL EMAIL PASSWORD [ROUNDS]
      Signs in as that staff member (enrolling two-step sign-in from the page, as a person would), then times each
      review-queue page (first page, a page deep in the queue from its Next link, each filter, a decided-at-volume count)
      and the audit log's pages: the median and the slowest of ROUNDS (default 7) GETs, after one warm-up each.
"""
import base64
import calendar
import hashlib
import hmac
import html
import os
import re
import statistics
import struct
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_setup import Session  # noqa: E402  (the load benchmark's browser: cookies, antiforgery)

HELD = 50_000
OPEN_REPORTS = 10_000
DECIDED_REPORTS = 20_000
AUDIT = 500_000

# One statement list per provider; {copies} is filled in. Copies of the seeded history, each 90 days earlier, as
# card holders' payments (not labelled), then scored. Triggers run as for any payment (hourly totals, card counts).
SQLITE = """
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {copies})
INSERT INTO Transactions (CardId, TerminalId, Amount, TimestampUtc, Source, Label, RowVersion)
SELECT t.CardId, t.TerminalId, t.Amount, strftime('%Y-%m-%d %H:%M:%S', t.TimestampUtc, '-' || (90 * k.n) || ' days'), 'CardHolder', 'Unknown', lower(hex(randomblob(16)))
FROM k JOIN Transactions t ON t.Source = 'Simulated' ORDER BY k.n DESC, t.Id;
UPDATE Transactions SET Decision = 'Approved', RiskScore = abs(random()) % 40, ModelVersion = 'bench' WHERE Source = 'CardHolder';
UPDATE Transactions SET Decision = 'Review', RiskScore = 40 + abs(random()) % 60,
  RuleId = CASE WHEN abs(random()) % 10 = 0 THEN 1 ELSE NULL END
  WHERE Id IN (SELECT Id FROM Transactions WHERE Source = 'CardHolder' ORDER BY random() LIMIT {held});
UPDATE Transactions SET Decision = 'Declined', RiskScore = 80 + abs(random()) % 20
  WHERE Id IN (SELECT Id FROM Transactions WHERE Source = 'CardHolder' AND Decision = 'Approved' ORDER BY random() LIMIT 20000);
INSERT INTO FraudReports (TransactionId, Kind, Reason, Status, CreatedUtc, RowVersion, CardId)
SELECT Id, CASE WHEN abs(random()) % 4 = 0 THEN 'ThisWasMe' ELSE 'NotMe' END, 'bench report', 'Open',
  strftime('%Y-%m-%d %H:%M:%S', TimestampUtc, '+1 hours'), lower(hex(randomblob(16))), CardId
FROM (SELECT * FROM (SELECT * FROM Transactions WHERE Decision = 'Review' ORDER BY random() LIMIT {open_half})
      UNION ALL SELECT * FROM (SELECT * FROM Transactions WHERE Decision = 'Approved' AND Source = 'CardHolder' ORDER BY random() LIMIT {open_half}));
INSERT INTO FraudReports (TransactionId, Kind, Reason, Status, CreatedUtc, DecidedUtc, DecidedBy, RowVersion, CardId)
SELECT Id, 'NotMe', 'bench report', CASE WHEN abs(random()) % 2 = 0 THEN 'Confirmed' ELSE 'Rejected' END,
  strftime('%Y-%m-%d %H:%M:%S', TimestampUtc, '+1 hours'), strftime('%Y-%m-%d %H:%M:%S', TimestampUtc, '+2 hours'), 'bench', lower(hex(randomblob(16))), CardId
FROM (SELECT * FROM Transactions WHERE Decision = 'Approved' AND Source = 'CardHolder' AND Id NOT IN (SELECT TransactionId FROM FraudReports) ORDER BY random() LIMIT {decided});
WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < {audit})
INSERT INTO AuditEntries (Action, ActorId, After, Before, TargetId, TargetType, TimestampUtc)
SELECT CASE n % 3 WHEN 0 THEN 'review.decide' WHEN 1 THEN 'review.assign' ELSE 'review.release' END, 'bench-analyst-' || (n % 40),
  '{{"Label":"Legitimate"}}', NULL, CAST(n * 7 AS TEXT), 'transaction', strftime('%Y-%m-%d %H:%M:%S', '2026-09-01', '+' || (n * 15) || ' seconds')
FROM a;
"""

POSTGRES = """
\\set ON_ERROR_STOP on
INSERT INTO "Transactions" ("CardId", "TerminalId", "Amount", "TimestampUtc", "Source", "Label", "RowVersion")
SELECT t."CardId", t."TerminalId", t."Amount", t."TimestampUtc" - make_interval(days => 90 * k.n), 'CardHolder', 'Unknown', gen_random_uuid()
FROM generate_series({copies}, 1, -1) AS k(n) CROSS JOIN LATERAL (SELECT * FROM "Transactions" WHERE "Source" = 'Simulated' ORDER BY "Id") t;
UPDATE "Transactions" SET "Decision" = 'Approved', "RiskScore" = floor(random() * 40), "ModelVersion" = 'bench' WHERE "Source" = 'CardHolder';
UPDATE "Transactions" SET "Decision" = 'Review', "RiskScore" = 40 + floor(random() * 60),
  "RuleId" = CASE WHEN random() < 0.1 THEN 1 ELSE NULL END
  WHERE "Id" IN (SELECT "Id" FROM "Transactions" WHERE "Source" = 'CardHolder' ORDER BY random() LIMIT {held});
UPDATE "Transactions" SET "Decision" = 'Declined', "RiskScore" = 80 + floor(random() * 20)
  WHERE "Id" IN (SELECT "Id" FROM "Transactions" WHERE "Source" = 'CardHolder' AND "Decision" = 'Approved' ORDER BY random() LIMIT 20000);
INSERT INTO "FraudReports" ("TransactionId", "Kind", "Reason", "Status", "CreatedUtc", "RowVersion", "CardId")
SELECT "Id", CASE WHEN random() < 0.25 THEN 'ThisWasMe' ELSE 'NotMe' END, 'bench report', 'Open', "TimestampUtc" + interval '1 hour', gen_random_uuid(), "CardId"
FROM ((SELECT * FROM "Transactions" WHERE "Decision" = 'Review' ORDER BY random() LIMIT {open_half})
      UNION ALL (SELECT * FROM "Transactions" WHERE "Decision" = 'Approved' AND "Source" = 'CardHolder' ORDER BY random() LIMIT {open_half})) t;
INSERT INTO "FraudReports" ("TransactionId", "Kind", "Reason", "Status", "CreatedUtc", "DecidedUtc", "DecidedBy", "RowVersion", "CardId")
SELECT "Id", 'NotMe', 'bench report', CASE WHEN random() < 0.5 THEN 'Confirmed' ELSE 'Rejected' END,
  "TimestampUtc" + interval '1 hour', "TimestampUtc" + interval '2 hours', 'bench', gen_random_uuid(), "CardId"
FROM (SELECT * FROM "Transactions" t WHERE "Decision" = 'Approved' AND "Source" = 'CardHolder'
      AND NOT EXISTS (SELECT 1 FROM "FraudReports" r WHERE r."TransactionId" = t."Id") ORDER BY random() LIMIT {decided}) t;
INSERT INTO "AuditEntries" ("Action", "ActorId", "After", "Before", "TargetId", "TargetType", "TimestampUtc")
SELECT CASE n % 3 WHEN 0 THEN 'review.decide' WHEN 1 THEN 'review.assign' ELSE 'review.release' END, 'bench-analyst-' || (n % 40),
  '{{"Label":"Legitimate"}}', NULL, (n * 7)::text, 'transaction', timestamptz '2026-09-01 00:00:00+00' + make_interval(secs => n * 15)
FROM generate_series(1, {audit}) AS a(n);
ANALYZE;
"""


def grow(provider, target, total):
    seeded = 93_769
    copies = max(1, round(total / seeded) - 1)
    values = dict(copies=copies, held=HELD, open_half=OPEN_REPORTS // 2, decided=DECIDED_REPORTS, audit=AUDIT)
    started = time.monotonic()
    if provider == "sqlite":
        import sqlite3
        db = sqlite3.connect(target, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN")
        for statement in (SQLITE.format(**values)).split(";\n"):
            if statement.strip():
                db.execute(statement)
                print(f"  {time.monotonic() - started:6.1f} s  {statement.strip().splitlines()[0][:90]}", file=sys.stderr)
        if any(column[1] == "Risk" for column in db.execute("PRAGMA table_info(FraudReports)")):
            # Reports keep their payment's risk (the queue's order) since the ReportRisk migration.
            db.execute("UPDATE FraudReports SET Risk = COALESCE((SELECT RiskScore FROM Transactions t WHERE t.Id = FraudReports.TransactionId), -1)")
        db.execute("COMMIT")
        count = db.execute("SELECT count(*) FROM Transactions").fetchone()[0]
        db.close()
    else:
        subprocess.run(["psql", "-q", target], input=POSTGRES.format(**values), text=True, check=True)
        has_risk = subprocess.run(["psql", "-tA", target, "-c",
                                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 'FraudReports' AND column_name = 'Risk'"],
                                  capture_output=True, text=True, check=True).stdout.strip() == "1"
        if has_risk:
            subprocess.run(["psql", "-q", target, "-c", 'UPDATE "FraudReports" r SET "Risk" = COALESCE(t."RiskScore", -1) FROM "Transactions" t '
                            'WHERE t."Id" = r."TransactionId"; ANALYZE "FraudReports";'], check=True)
        count = subprocess.run(["psql", "-tA", target, "-c", 'SELECT count(*) FROM "Transactions"'],
                               capture_output=True, text=True, check=True).stdout.strip()
    print(f"grown to {count} payments in {time.monotonic() - started:.0f} s")


def assign(provider, target, email):
    if provider == "sqlite":
        sql = (f"INSERT OR IGNORE INTO ReviewAssignments (TransactionId, AssigneeId, AssignedUtc) SELECT t.Id, u.Id, t.TimestampUtc "
               f"FROM Transactions t, AspNetUsers u WHERE u.Email = '{email}' AND t.Decision = 'Review' AND t.Label = 'Unknown' LIMIT 300;")
        subprocess.run(["sqlite3", target, sql], check=True)
    else:
        sql = (f'INSERT INTO "ReviewAssignments" ("TransactionId", "AssigneeId", "AssignedUtc") SELECT t."Id", u."Id", t."TimestampUtc" '
               f'FROM "Transactions" t, "AspNetUsers" u WHERE u."Email" = \'{email}\' AND t."Decision" = \'Review\' AND t."Label" = \'Unknown\' '
               f'LIMIT 300 ON CONFLICT DO NOTHING;')
        subprocess.run(["psql", "-q", target, "-c", sql], check=True)


def totp(key, at=None):
    secret = base64.b32decode(key.replace(" ", "").upper() + "=" * (-len(key.replace(" ", "")) % 8))
    step = int((at or time.time()) // 30)
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(base, email, password):
    url = urllib.parse.urlparse(base)
    session = Session(url.hostname, url.port)
    status, location, _ = session.form("/Account/Login", {"Email": email, "Password": password})
    if status != 302:
        raise SystemExit(f"sign-in answered {status}")
    if location.startswith("/Account/Mfa/SignIn"):
        raise SystemExit("this account already has two-step sign-in; use a new one (create-admin)")
    status, _, page = session.request("GET", "/Account/Mfa")
    key = re.search(r'data-testid="mfa-key">([^<]+)<', page)
    if not key:
        raise SystemExit(f"no enrolment key on /Account/Mfa ({status})")
    status, _, _ = session.form("/Account/Mfa/Enable", {"Form.Code": totp(html.unescape(key.group(1)))}, "/Account/Mfa")
    if status != 200:
        raise SystemExit(f"enrolment answered {status}")
    return session


def timed(session, path, rounds):
    status, _, text = session.request("GET", path)  # warm-up (compiled queries, caches)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        session.request("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return text, statistics.median(times), max(times)


def time_pages(base, email, password, rounds):
    session = sign_in(base, email, password)
    pages = [
        ("queue, first page", "/Review"),
        ("queue, held only", "/Review?Kind=held"),
        ("queue, held by a rule", "/Review?Kind=held-rule"),
        ("queue, held by the model", "/Review?Kind=held-model"),
        ("queue, not me", "/Review?Kind=not-me"),
        ("queue, this was me", "/Review?Kind=this-was-me"),
        ("queue, risk 90-99", "/Review?MinRisk=90&MaxRisk=99"),
        ("queue, risk 40-45", "/Review?MinRisk=40&MaxRisk=45"),
        ("queue, waiting over a week", "/Review?Age=7d"),
        ("queue, card ending 1234", "/Review?Search=1234"),  # no card: the seed's 500 end in 0000-0499
        ("queue, card ending 0042", "/Review?Search=0042"),  # one card, 2,000 payments
        ("queue, merchant 'cafe'", "/Review?Search=cafe"),
        ("queue, assigned to me", "/Review?Assigned=me"),
        ("queue, assigned to no one", "/Review?Assigned=unassigned"),
        ("audit log, newest page", "/AdminAudit"),
        ("audit log, one action", "/AdminAudit?Operation=review.decide"),
    ]
    print(f"{'page':32} {'median ms':>10} {'max ms':>8}")
    first = None
    for name, path in pages:
        text, median, slowest = timed(session, path, rounds)
        if first is None:
            first = text
        print(f"{name:32} {median:10.1f} {slowest:8.1f}", flush=True)
    # Deep in the queue: Next from an item in its middle (risk 69 of 40-99, a time in the middle of the history), the
    # cursor written as the page writes it (QueueCursor: "qa:risk+1:ticks:id", base64url).
    ticks = (calendar.timegm((2026, 6, 1, 0, 0, 0)) + 62_135_596_800) * 10_000_000
    cursor = base64.urlsafe_b64encode(f"qa:70:{ticks}:500000".encode()).decode().rstrip("=")
    _, median, slowest = timed(session, f"/Review?Cursor={cursor}", rounds)
    print(f"{'queue, Next from a deep item':32} {median:10.1f} {slowest:8.1f}")
    status, _, text = session.request("GET", "/AdminAudit")
    older = re.findall(r'href="(/AdminAudit\?[^"]*Cursor=[^"]+)"', html.unescape(text))
    if older:
        _, median, slowest = timed(session, html.unescape(older[-1]), rounds)
        print(f"{'audit log, Older from newest':32} {median:10.1f} {slowest:8.1f}")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "grow":
        grow(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000)
    elif len(sys.argv) == 5 and sys.argv[1] == "assign":
        assign(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and sys.argv[1] == "time":
        time_pages(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 7)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

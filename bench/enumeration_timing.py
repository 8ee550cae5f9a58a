#!/usr/bin/env python3
"""Account enumeration by timing (a benchmark, not a test): do the anonymous forms that take an e-mail address answer
an address with an account as fast as one without?

  enumeration_timing.py BASE_URL DATA_DIR [N] [CASES]

BASE_URL is a running app (bench/enumeration_timing.sh starts one as load.sh does: Production, SQLite with durable
commits, rate limits raised through configuration, as one client plays every visitor); DATA_DIR is its data directory
(confirmation links are read from its mail/ folder, and one account is locked by an administrator's lock written
straight into its SQLite database, as the staff page would). N requests of each case (default 200), in rounds whose
case order is shuffled, each from a new browser (its own cookies, a fresh antiforgery token from the form's GET); only
the POST is timed, on a kept-alive connection. CASES: any of register,signin,reset,forgot (default all).

Cases: register a new address, an address with a confirmed account, one registered but never confirmed, one locked by
an administrator; sign in with an unknown address and with a known one and a wrong password (each address used 4
times, below the lockout of 5, so neither path turns into "locked"); a reset link's form with a made-up token, and
forgot password, for an unknown and a known address. Prints median, p10 and p90 per case (ms), and for each case against its group's first the difference of
medians with a 95% bootstrap interval and a Mann-Whitney U test (normal approximation, two-sided).
"""
import math
import os
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_setup import PASSWORD, TOKEN, Session, confirm, confirmation_link  # noqa: E402
import html  # noqa: E402

DETAILS = {"FullName": "Timing Bench", "PhoneNumber": "+44 20 7946 0000", "DateOfBirth": "1980-01-01",
           "AddressLine1": "1 Bench Street", "AddressLine2": "", "City": "London", "Postcode": "NW1 6XE",
           "Country": "United Kingdom"}
WRONG = "Not the password 123 quartz"
TRIES_PER_ADDRESS = 4


class Bench:
    def __init__(self, base, data_dir, seed):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.data_dir = data_dir
        self.rng = random.Random(seed)
        self.run = self.rng.randrange(10**9)
        self.counter = 0

    def address(self, kind):
        self.counter += 1
        return f"{kind}{self.counter}-{self.run}@timing.test"

    def session(self):
        return Session(self.host, self.port)

    def timed_post(self, path, fields, page=None):
        """GET the form (cookies, token) untimed, then time the POST alone; returns (seconds, status, location)."""
        s = self.session()
        status, _, text = s.request("GET", page or path)
        match = TOKEN.search(text)
        if status != 200 or not match:
            raise SystemExit(f"enumeration_timing: GET {path} gave {status} without a form")
        form = dict(fields, __RequestVerificationToken=html.unescape(match.group(1)))
        start = time.perf_counter()
        status, location, _ = s.request("POST", path, form)
        elapsed = time.perf_counter() - start
        s.conn.close()
        return elapsed, status, location

    def register(self, email, password=PASSWORD):
        return self.timed_post("/Account/Register", dict(DETAILS, Email=email, Password=password, ConfirmPassword=password, SensitiveDataConsent="true"))

    def confirmed_account(self):
        email = self.address("known")
        _, status, _ = self.register(email)
        if status != 302:
            raise SystemExit(f"enumeration_timing: setup registration gave {status}")
        confirm(self.session(), confirmation_link(os.path.join(self.data_dir, "mail"), email, time.time() + 30))
        return email

    def lock_by_administrator(self, email):
        # AdminLock: the lockout end DateTimeOffset.MaxValue, as EF stores it in SQLite.
        with sqlite3.connect(os.path.join(self.data_dir, "fraudweb.db")) as db:
            changed = db.execute("UPDATE AspNetUsers SET LockoutEnd = '9999-12-31 23:59:59.9999999+00:00' WHERE NormalizedEmail = ?",
                                 (email.upper(),)).rowcount
        if changed != 1:
            raise SystemExit(f"enumeration_timing: could not lock {email}")


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def mann_whitney(a, b):
    """Two-sided p-value of the Mann-Whitney U test (normal approximation with tie correction)."""
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    r1 = sum(r for r, (_, g) in zip(ranks, pooled) if g == 0)
    u = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (u - n1 * n2 / 2) / sigma if sigma else 0.0
    return math.erfc(abs(z) / math.sqrt(2))


def bootstrap_median_difference(a, b, rng, rounds=2000):
    diffs = sorted(statistics.median(rng.choices(b, k=len(b))) - statistics.median(rng.choices(a, k=len(a)))
                   for _ in range(rounds))
    return diffs[int(0.025 * rounds)], diffs[int(0.975 * rounds) - 1]


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    base, data_dir = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    groups = sys.argv[4].split(",") if len(sys.argv) > 4 else ["register", "signin", "reset", "forgot"]
    bench = Bench(base, data_dir, seed=20261205)
    rng = bench.rng

    print(f"setup: accounts for {n} requests per case", file=sys.stderr)
    per_address = TRIES_PER_ADDRESS
    # Enough for n timed sign-ins and 3 warm-up ones, each address tried at most per_address times; one more to lock.
    known = [bench.confirmed_account() for _ in range(math.ceil((n + 3) / per_address) + 1)]
    locked = known.pop()
    bench.lock_by_administrator(locked)
    unconfirmed = []
    if "register" in groups:
        for _ in range(8):
            email = bench.address("pending")
            bench.register(email)
            unconfirmed.append(email)

    cases = {}
    signin_known = [a for a in known for _ in range(per_address)]
    signin_unknown = [a for a in (bench.address("nobody") for _ in range(len(known))) for _ in range(per_address)]
    if "register" in groups:
        cases["register: new address"] = lambda i: bench.register(bench.address("new"))
        cases["register: confirmed account"] = lambda i: bench.register(known[i % len(known)])
        # A different password each time: the same one within two minutes is a repeated click (nothing is done).
        cases["register: unconfirmed account"] = lambda i: bench.register(unconfirmed[i % len(unconfirmed)], f"{PASSWORD} {i}")
        cases["register: locked by administrator"] = lambda i: bench.register(locked)
    if "signin" in groups:
        cases["sign-in: unknown address"] = lambda i: bench.timed_post("/Account/Login", {"Email": signin_unknown[i], "Password": WRONG})
        cases["sign-in: known, wrong password"] = lambda i: bench.timed_post("/Account/Login", {"Email": signin_known[i], "Password": WRONG})
    if "reset" in groups:
        # A reset link's form sent with a made-up token: refused alike, but only a known address had its token checked.
        bad = "Q2ZESjhBTm90QVRva2Vu"
        form = lambda email: {"Email": email, "Token": bad, "Password": "Fresh passphrase 42 river", "ConfirmPassword": "Fresh passphrase 42 river"}
        cases["reset: unknown address"] = lambda i: bench.timed_post("/Account/ResetPassword", form(bench.address("nobody")), f"/Account/ResetPassword?token={bad}")
        cases["reset: known address"] = lambda i: bench.timed_post("/Account/ResetPassword", form(known[i % len(known)]), f"/Account/ResetPassword?token={bad}")
    if "forgot" in groups:
        cases["forgot: unknown address"] = lambda i: bench.timed_post("/Account/ForgotPassword", {"Email": bench.address("nobody")})
        cases["forgot: known address"] = lambda i: bench.timed_post("/Account/ForgotPassword", {"Email": known[i % len(known)]})

    # Warm-up: every path JIT-compiled and its queries prepared before anything is counted.
    for case, send in cases.items():
        for k in range(3):
            send(n + k)
    times = {case: [] for case in cases}
    expected = {"register": ("302", "/Account/RegisterConfirmation"), "sign-in": ("200", ""), "reset": ("200", ""),
                "forgot": ("302", "/Account/ForgotPasswordConfirmation")}
    for i in range(n):
        order = list(cases)
        rng.shuffle(order)
        for case in order:
            elapsed, status, location = cases[case](i)
            want_status, want_location = expected[case.split(":")[0]]
            if str(status) != want_status or want_location not in location:
                raise SystemExit(f"enumeration_timing: {case} answered {status} {location} (expected {want_status} {want_location})")
            times[case].append(elapsed * 1000)
        if (i + 1) % 50 == 0:
            print(f"  {i + 1}/{n} rounds", file=sys.stderr)

    print(f"Enumeration timing: {n} interleaved requests per case, POST only, ms (client side, loopback)")
    print(f"{'case':36} {'median':>8} {'p10':>8} {'p90':>8}   {'vs first of group: median diff [95% bootstrap]':48} {'Mann-Whitney p':>14}")
    first = {}
    for case, values in times.items():
        group = case.split(":")[0]
        line = f"{case:36} {statistics.median(values):8.2f} {percentile(values, 0.1):8.2f} {percentile(values, 0.9):8.2f}"
        if group in first:
            ref = times[first[group]]
            lo, hi = bootstrap_median_difference(ref, values, rng)
            diff = statistics.median(values) - statistics.median(ref)
            line += f"   {diff:+8.2f} [{lo:+7.2f}, {hi:+7.2f}]{'':22} {mann_whitney(ref, values):14.3g}"
        else:
            first[group] = case
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

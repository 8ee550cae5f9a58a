#!/usr/bin/env python3
"""Load-benchmark helpers for bench/load.sh (a benchmark, not a test).

  load_setup.py holders BASE_URL DATA_DIR COUNT OUT_DIR
      Registers COUNT card holders through the real forms (register, confirm from the mailed link, sign in, add a
      card, create an API key on /ApiKeys, one first payment), then writes wrk Lua scripts that rotate over them:
      pay.lua (payment form POST, a new SubmissionKey each), api_pay.lua (POST /api/v1/payments with the holder's key, a unique Idempotency-Key
      per request), profile.lua, form.lua and result.lua (the first payment's result page) (GETs). Requests carry
      X-Forwarded-Proto: https, as the TLS proxy in front of the app would send (loopback is a trusted proxy by default).
  load_setup.py check DATA_DIR OUT_DIR ACKNOWLEDGED [API_ACKNOWLEDGED]
      Checks the database after the runs: every acknowledged payment stored (ACKNOWLEDGED form payments answered 302
      plus API_ACKNOWLEDGED API payments answered 201, and every payment id in a stored 201 API answer), and every
      bench card's balance equal to its charged payments.
  load_setup.py floor BASE_URL COUNT OUT_DIR
      Opens COUNT sessions on bench/floor (the platform's floor: an empty MVC action behind cookie authentication and
      antiforgery) and writes floor.lua, which posts the payment form's body to it as pay.lua does to FraudWeb.
"""
import html
import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

TOKEN = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')
API_KEY = re.compile(r'<input\b[^>]*\bdata-testid="new-api-key"[^>]*>')
PASSWORD = "Quartz ledger violet 47 monsoon"


class Session:
    """One browser: its own cookies (Secure __Host- cookies are sent by hand, as the proxy hop is plain HTTP)."""

    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies = {}

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method, path, form=None):
        headers = {"X-Forwarded-Proto": "https", "Cookie": self.cookie_header()}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.headers.get("Location", ""), text

    def form(self, path, fields, page=None):
        """fields: a dict, or (name, value) pairs for a repeated field."""
        status, _, text = self.request("GET", page or path)
        match = TOKEN.search(text)
        if status != 200 or not match:
            raise SystemExit(f"load_setup: GET {page or path} gave {status} without a form")
        pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self.request("POST", path, pairs + [("__RequestVerificationToken", html.unescape(match.group(1)))])


def luhn_visa(rng):
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def confirmation_link(mail_dir, email, deadline):
    while time.time() < deadline:
        for name in os.listdir(mail_dir) if os.path.isdir(mail_dir) else []:
            with open(os.path.join(mail_dir, name), encoding="utf-8") as f:
                message = f.read()
            if f"To: {email}" in message and "Subject: Confirm your FraudWeb account" in message:
                url = html.unescape(re.search(r'href="([^"]+/Account/ConfirmEmail[^"]*)"', message).group(1))
                parsed = urllib.parse.urlsplit(url)
                return parsed.path + "?" + parsed.query
        time.sleep(0.05)
    raise SystemExit(f"load_setup: no confirmation mail for {email}")


def confirm(session, link):
    """Opens the mailed link and presses its button (the link's page only asks; its POST confirms)."""
    status, _, page = session.request("GET", link)
    fields = {}
    for name in ("UserId", "Token"):
        tag = re.search(r'<input[^>]*\bname="%s"[^>]*>' % name, page)
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0)) if tag else None
        if value:
            fields[name] = html.unescape(value.group(1))
    if status != 200 or len(fields) != 2:
        raise SystemExit(f"load_setup: the confirmation link gave {status} without its button")
    status, _, page = session.form("/Account/ConfirmEmail", fields, page=link)
    if status != 200 or 'data-testid="email-confirmed"' not in page:
        raise SystemExit(f"load_setup: confirming gave {status}")


def register(base, data_dir, index, rng):
    url = urllib.parse.urlsplit(base)
    s = Session(url.hostname, url.port)
    email = f"load{index}-{rng.randrange(10**9)}@bench.test"
    status, location, _ = s.form("/Account/Register", {
        "FullName": f"Load Holder {index}", "Email": email, "PhoneNumber": "+44 20 7946 0000", "DateOfBirth": "1980-01-01",
        "AddressLine1": "1 Bench Street", "AddressLine2": "", "City": "London", "Postcode": "NW1 6XE", "Country": "United Kingdom",
        "Password": PASSWORD, "ConfirmPassword": PASSWORD, "SensitiveDataConsent": "true"})
    if status != 302:
        raise SystemExit(f"load_setup: register gave {status}")
    confirm(s, confirmation_link(os.path.join(data_dir, "mail"), email, time.time() + 30))
    status, location, _ = s.form("/Account/Login", {"Email": email, "Password": PASSWORD})
    if status != 302 or "/Profile" not in location:
        raise SystemExit(f"load_setup: sign-in gave {status} {location}")
    expiry_year = str(time.gmtime().tm_year + 3)
    status, _, _ = s.form("/Cards/Add", {"CardNumber": luhn_visa(rng), "CardholderName": f"LOAD HOLDER {index}",
                                         "ExpiryMonth": "12", "ExpiryYear": expiry_year, "CreditLimit": "20000"})
    if status != 302:
        raise SystemExit(f"load_setup: add card gave {status}")
    # One API key, created on the page a holder uses; the answer is the only page that shows it.
    status, _, page = s.form("/ApiKeys/Create", [("Name", f"load bench {index}"), ("Scopes", "payments:read"),
                                                 ("Scopes", "payments:write"), ("LifetimeDays", "30")], page="/ApiKeys")
    tag = API_KEY.search(page) if status == 200 else None
    api_key = re.search(r'\bvalue="([^"]+)"', tag.group(0)) if tag else None
    if not api_key:
        raise SystemExit(f"load_setup: creating an API key gave {status} without a key")
    # A new holder has no recent merchants: each finds one of the seeded 1,000 at random through the form's search
    # by merchant number, so the holders' payments spread over the merchants as before the search existed.
    status, _, page = s.request("GET", f"/Transactions/New?merchantSearch=no.+{rng.randint(1, 1000)}")
    card = re.search(r'<select[^>]*name="CardId"[^>]*>.*?<option[^>]*value="(\d+)"', page, re.S)
    terminals = re.findall(r'<option value="(\d+)"', page.split('name="TerminalId"', 1)[1].split("</select>", 1)[0])
    token = html.unescape(TOKEN.search(page).group(1))
    if not card or not terminals:
        raise SystemExit("load_setup: the payment form has no card or merchant")
    terminal = rng.choice(terminals)
    body = urllib.parse.urlencode({"CardId": card.group(1), "TerminalId": terminal, "Amount": "1.00",
                                   "__RequestVerificationToken": token})
    # The API pays the same merchant the same amount as this holder's form payments.
    api_body = json.dumps({"cardId": int(card.group(1)), "terminalId": int(terminal), "amount": "1.00"}, separators=(",", ":"))
    # One payment now, so the result page has something to show.
    # With the page's one-time key, as a browser sends it (a form without one is refused); pay.lua sends a new one each.
    form_key = re.search(r'name="SubmissionKey" value="([0-9a-f]{32})"', page).group(1)
    status, result, _ = s.request("POST", "/Transactions/New", dict(urllib.parse.parse_qsl(body), SubmissionKey=form_key))
    if status != 302 or "/Transactions/Details/" not in result:
        raise SystemExit(f"load_setup: the first payment gave {status} {result}")
    return {"cookie": s.cookie_header(), "body": body, "card": int(card.group(1)), "result": urllib.parse.urlsplit(result).path,
            "key": html.unescape(api_key.group(1)), "api_body": api_body}


def lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_table(holders, fields):
    return "local holders = {\n" + "".join(
        "  {" + ", ".join(f"{name}={lua_string(h[name])}" for name in fields) + "},\n" for h in holders) + "}\n"


# The wrk script's shared part: counts answers by status, and prints them at the end (STATUS ok=… refused=… other=…).
LUA_COMMON = """
local i = 0
local sent = 0
local f = assert(io.open("/dev/urandom", "rb"))
local run = f:read(8):gsub(".", function(c) return string.format("%%02x", c:byte()) end)
f:close()
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; refused = 0; other = 0; reason = ""; other_status = 0 end
function response(status, headers, body)
  if status == %(ok)d then ok = ok + 1
  elseif %(refused)s then
    refused = refused + 1
    if reason == "" and body then reason = string.match(body, %(reason)s) or "" end
  else
    other = other + 1
    if other_status == 0 then other_status = status end
  end
end
function done(summary, latency, requests)
  local o, r, x, why, st = 0, 0, 0, "", 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); r = r + t:get("refused"); x = x + t:get("other")
    if why == "" then why = t:get("reason") end
    if st == 0 then st = t:get("other_status") end
  end
  io.write(string.format("STATUS ok=%%d refused=%%d other=%%d\\n", o, r, x))
  if why ~= "" then io.write("REFUSED " .. why .. "\\n") end
  if st ~= 0 then io.write("OTHER status " .. st .. "\\n") end
end
"""

LUA_REQUEST = """
request = function()
  i = i %% #holders + 1
  local h = holders[i]
  return wrk.format(%(method)s, %(path)s, {["Cookie"] = h.cookie, ["X-Forwarded-Proto"] = "https"%(extra)s}%(body)s)
end
"""


def write_lua(out_dir, holders):
    # LUA_COMMON runs once in each thread's Lua state: 8 random bytes name the thread, so Idempotency-Keys (thread
    # name + counter) are unique across threads, across the 4- and 64-connection runs and across repeated wrk runs.
    common = lua_table(holders, ("cookie", "body", "result", "key", "api_body")) + LUA_COMMON
    request = LUA_REQUEST
    api_request = """
request = function()
  i = i % #holders + 1
  sent = sent + 1
  local h = holders[i]
  return wrk.format("POST", "/api/v1/payments", {["Authorization"] = "Bearer " .. h.key, ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. run .. "-" .. sent, ["X-Forwarded-Proto"] = "https"}, h.api_body)
end
"""
    # The form's page carries a one-time SubmissionKey (a double click pays once); a browser sends a new one with every
    # page, so each request here sends its own (thread name + counter, 32 hex digits), and the key's cost is measured.
    pay_request = """
request = function()
  i = i % #holders + 1
  sent = sent + 1
  local h = holders[i]
  return wrk.format("POST", "/Transactions/New", {["Cookie"] = h.cookie, ["X-Forwarded-Proto"] = "https",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, h.body .. "&SubmissionKey=" .. run .. string.format("%016x", sent))
end
"""
    # The form answers a refused payment with the form again (200) and its validation summary; the API with a problem.
    form_status = {"refused": "status == 200", "reason": '"validation%-summary%-errors.-<li>(.-)</li>"'}
    with open(os.path.join(out_dir, "pay.lua"), "w", encoding="utf-8") as f:
        f.write(common % dict(form_status, ok=302) + pay_request)
    scripts = {
        "profile.lua": (200, '"GET"', '"/Profile"', "", ""),
        "form.lua": (200, '"GET"', '"/Transactions/New"', "", ""),
        "result.lua": (200, '"GET"', "h.result", "", ""),
    }
    for name, (ok, method, path, extra, body) in scripts.items():
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(common % dict(form_status, ok=ok) + request % {"method": method, "path": path, "extra": extra, "body": body})
    with open(os.path.join(out_dir, "api_pay.lua"), "w", encoding="utf-8") as f:
        f.write(common % {"ok": 201, "refused": "status == 422 or status == 409", "reason": """'"detail":"(.-)"'"""} + api_request)
    with open(os.path.join(out_dir, "cards.json"), "w", encoding="utf-8") as f:
        json.dump([h["card"] for h in holders], f)


def database(data_dir):
    """A query function over the app's database: SQLite's file, or PostgreSQL (PG: a connection string) via psql."""
    pg = os.environ.get("PG", "")
    if not pg:
        db = sqlite3.connect(f"file:{os.path.join(data_dir, 'fraudweb.db')}?mode=ro", uri=True)
        return lambda sql: db.execute(sql.replace('"', "")).fetchall()
    parts = dict(p.split("=", 1) for p in pg.split(";") if p)
    dsn = f"host={parts['Host']} port={parts['Port']} user={parts['Username']} dbname={parts.get('Database', 'postgres')}"
    def run(sql):
        out = subprocess.run(["psql", dsn, "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
        return [tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("\t")) for line in out.splitlines() if line]
    return run


def check(data_dir, out_dir, acknowledged, api_acknowledged=0):
    cards = json.load(open(os.path.join(out_dir, "cards.json"), encoding="utf-8"))
    query = database(data_dir)
    ids = ",".join(str(int(c)) for c in cards)
    stored = query(f'SELECT COUNT(*) FROM "Transactions" WHERE "CardId" IN ({ids})')[0][0]
    # Approved payments are charged at once; nothing else is charged while no analyst acts. Money is in minor units.
    rows = query('SELECT c."Id", c."Balance", COALESCE(SUM(CASE WHEN t."Decision" = \'Approved\' THEN t."Amount" END), 0) '
                 f'FROM "Cards" c LEFT JOIN "Transactions" t ON t."CardId" = c."Id" WHERE c."Id" IN ({ids}) GROUP BY c."Id"')
    wrong = [(card, balance, charged) for card, balance, charged in rows if balance != charged]
    # Every API payment answered 201 has its Idempotency-Key committed with it (same transaction): the payment each
    # key names must be stored, on a bench card.
    answered = [payment for (payment,) in query('SELECT "PaymentId" FROM "IdempotencyRecords" WHERE "PaymentId" IS NOT NULL')]
    known = {row[0] for row in query(f'SELECT "Id" FROM "Transactions" WHERE "CardId" IN ({ids})')}
    unknown = [payment for payment in answered if payment not in known]
    # Each holder's one set-up payment (register()) is stored on a bench card too and was acknowledged then: counted
    # in, or up to one lost payment per holder would pass unseen.
    total = acknowledged + api_acknowledged + len(cards)
    print(f"database: {stored} bench payments stored, {total} acknowledged by the app ({acknowledged} form 302 + "
          f"{api_acknowledged} API 201 + {len(cards)} at set-up); {len(answered) - len(unknown)}/{len(answered)} stored API answers (201) name a stored "
          f"payment; {len(rows) - len(wrong)}/{len(rows)} card balances equal their charged payments")
    if stored < total or unknown or len(answered) < api_acknowledged or wrong:
        print(f"database check FAILED: missing {max(0, total - stored)}, API answers naming no stored payment {unknown[:5]}, "
              f"API answers stored {len(answered)} < acknowledged {api_acknowledged}: {len(answered) < api_acknowledged}, "
              f"wrong balances {wrong[:5]}")
        return 1
    return 0


def floor(base, count, out_dir):
    """Sessions on bench/floor (its cookies and form token, as FraudWeb's sign-in gives) and floor.lua posting to it."""
    url = urllib.parse.urlsplit(base)
    sessions = []
    for i in range(count):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        conn.request("GET", f"/session/{i}")
        response = conn.getresponse()
        token = response.read().decode()
        if response.status != 200:
            raise SystemExit(f"floor: /session/{i} answered {response.status}")
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        conn.close()
        # The same form fields and amount as pay.lua sends FraudWeb.
        body = urllib.parse.urlencode({"CardId": 1 + i, "TerminalId": 1 + i, "Amount": "1.00", "__RequestVerificationToken": token})
        sessions.append({"cookie": "; ".join(cookies), "body": body})
    with open(os.path.join(out_dir, "floor.lua"), "w", encoding="utf-8") as f:
        f.write(lua_table(sessions, ("cookie", "body")) + LUA_COMMON % {"ok": 302, "refused": "false", "reason": '""'}
                + LUA_REQUEST % {"method": '"POST"', "path": '"/Transactions/New"',
                                 "extra": ', ["Content-Type"] = "application/x-www-form-urlencoded"', "body": ", h.body"})
    print(f"{count} sessions on the floor app")
    return 0


def main():
    if sys.argv[1] == "holders":
        base, data_dir, count, out_dir = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
        rng = random.Random(20261130)
        holders = [register(base, data_dir, i, rng) for i in range(count)]
        write_lua(out_dir, holders)
        print(f"{count} card holders registered, confirmed, signed in, each with a card and an API key")
        return 0
    if sys.argv[1] == "floor":
        return floor(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    if sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:6]))
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""demo_data.py — load szfin's demo data through the HTTP API (stdlib only).

Usage: demo_data.py URL DATA_DIR
Creates, with the admin token from DATA_DIR/admin.token:
  tokens  central bank, three operator banks, merchants, a regulator and an
          auditor, written to DATA_DIR/demo/<name>.token (mode 0600);
  accounts the central bank's issuance account (1), each bank's reserve
          (11, 12, 13), 300 wallets (100000-100299, bank = 1 + i % 3),
          9 merchant accounts (200001-200009, three per bank);
  history issuance to the banks, wallet top-ups, payments to merchants,
          person-to-person payments, and pending holds posted or voided;
  currency the two-tier digital currency (make_currency): two banks and a
          payment institution registered and issued against reserves,
          wallets of classes 1-4 (800001-800004) on bank accounts, a
          sub-wallet (800012), merchant wallets (810001 grocer, 810002 gym,
          owned by the merchant-200001 / merchant-200004 tokens), payments,
          a hard wallet (830001) with three offline payments synced (signed
          by `szfin currency sign-offline`, skipped if the binary is not
          found), an escrow with a delivered and confirmed session (841001)
          and a grocery subsidy with a grant and a spend (842001); bank 1's
          deposit rate (0.35%), a 10% reserve ratio and an interest payment;
          a government agency (820001) and the treasury (820002), a subsidy
          disbursement of four lines (880810: three paid, one refused line in
          its report), a tax collection with its receipt (880820), a
          judicial freeze of 1,000.00 in wallet 800003 and a holder's daily
          limit of 3,000.00 on wallet 800002;
  risk    the default AML rule set (share/risk/default.json) activated first,
          so every transfer above is judged; a planted structuring run: six
          transfers of 49,800.00 CNY from account 300001 to 300002 (two
          alerts) and a seventh that is interdicted; a 2,000,000.00 CNY
          large-value transfer (300003 -> 300004); a risk analyst and a
          compliance officer of bank 1, and a case (950001) opened on the
          first structuring alert and escalated.
  green   (make_green) the cn-2024.1 factor set active, carbon accounts of
          enterprises 600001 and 600004 for 2023, operator 1's pricing
          policy, a priced carbon-linked loan (890030) and its PCAF position;
  credit  (make_credit) two enterprises with a year of tax and headcount
          feeds, a patent and an innovation score each.
Everything goes through the public API with the roles a real deployment
would use: the central bank issues, each operator moves only its customers'
money. Ids are fixed, so running it twice changes nothing (idempotent).
"""
import datetime
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

BANKS = {1: "Pengcheng Bank", 2: "Qianhai Digital Bank", 3: "Nanshan Payments"}
WALLETS = 300
MERCHANTS = 9


class Api:
    def __init__(self, url, token):
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
        self.token = token

    def call(self, method, path, body=None, ok_codes=()):
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read()
        doc = json.loads(text) if text else None
        if resp.status >= 300 and not (isinstance(doc, dict) and doc.get("code") in ok_codes):
            raise SystemExit(f"demo: {method} {path} -> {resp.status} {doc}")
        return doc


def write_token(data_dir, name, token):
    os.makedirs(os.path.join(data_dir, "demo"), mode=0o700, exist_ok=True)
    path = os.path.join(data_dir, "demo", name + ".token")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")


def make_tokens(admin, data_dir):
    specs = [("central-bank", {"role": "central_bank", "name": "PBoC Shenzhen (demo)"}),
             ("regulator", {"role": "regulator", "name": "Shenzhen FSB (demo)"}),
             ("auditor", {"role": "auditor", "name": "Auditor (demo)"}),
             ("risk-analyst-1", {"role": "risk_analyst", "tenant_id": "1", "name": "AML analyst, bank 1"}),
             ("compliance-officer-1", {"role": "compliance_officer", "tenant_id": "1",
                                       "name": "Compliance, bank 1 (demo)"}),
             ("credit-analyst-1", {"role": "credit_analyst", "tenant_id": "1", "name": "Credit desk, bank 1"}),
             ("green-desk-1", {"role": "green_desk", "tenant_id": "1", "name": "Green desk, bank 1"})]
    for t, name in BANKS.items():
        specs.append((f"operator-{t}", {"role": "operator", "tenant_id": str(t), "name": name}))
    for m in range(MERCHANTS):
        specs.append((f"merchant-{200001 + m}", {"role": "merchant", "tenant_id": str(1 + m % 3),
                                                 "owner_id": str(600001 + m), "name": f"Merchant {m + 1}"}))
    tokens = {}
    for name, body in specs:
        tokens[name] = admin.call("POST", "/v1/tokens", body)["token"]
        write_token(data_dir, name, tokens[name])
    return tokens


def make_accounts(url, tokens):
    cb = Api(url, tokens["central-bank"])
    cb.call("POST", "/v1/accounts", {"id": "1", "currency": "CNY", "kind": "reserve", "owner_id": "1"})
    for t in BANKS:
        op = Api(url, tokens[f"operator-{t}"])
        op.call("POST", "/v1/accounts", {"id": str(10 + t), "currency": "CNY", "kind": "reserve",
                                         "owner_id": str(10 + t), "flags": ["debits_must_not_exceed_credits"]})
    for i in range(WALLETS):
        t = 1 + i % 3
        Api(url, tokens[f"operator-{t}"]).call("POST", "/v1/accounts", {
            "id": str(100000 + i), "currency": "CNY", "kind": "wallet", "owner_id": str(500000 + i),
            "flags": ["debits_must_not_exceed_credits"]})
    for m in range(MERCHANTS):
        t = 1 + m % 3
        Api(url, tokens[f"operator-{t}"]).call("POST", "/v1/accounts", {
            "id": str(200001 + m), "currency": "CNY", "kind": "merchant", "owner_id": str(600001 + m),
            "flags": ["debits_must_not_exceed_credits"]})


def batch(api, transfers):
    for start in range(0, len(transfers), 500):
        api.call("POST", "/v1/transfers/batch", {"transfers": transfers[start:start + 500]})


def make_history(url, tokens):
    rnd = random.Random(2024)
    next_id = [1000000]

    def tid():
        next_id[0] += 1
        return str(next_id[0])

    cb = Api(url, tokens["central-bank"])
    batch(cb, [{"id": tid(), "debit_account_id": "1", "credit_account_id": str(10 + t),
                "amount": "10000000.00", "currency": "CNY", "code": 1} for t in BANKS])
    ops = {t: Api(url, tokens[f"operator-{t}"]) for t in BANKS}
    for t in BANKS:  # top-ups from each bank's reserve to its wallets
        batch(ops[t], [{"id": tid(), "debit_account_id": str(10 + t), "credit_account_id": str(100000 + i),
                        "amount": f"{rnd.randint(500, 5000)}.00", "currency": "CNY", "code": 2}
                       for i in range(WALLETS) if 1 + i % 3 == t])
    for t in BANKS:  # payments to merchants and person-to-person
        items = []
        mine = [i for i in range(WALLETS) if 1 + i % 3 == t]
        for _ in range(400):
            i = rnd.choice(mine)
            if rnd.random() < 0.6:
                to = str(200001 + rnd.randrange(MERCHANTS))
            else:
                to = str(100000 + rnd.randrange(WALLETS))
            if to == str(100000 + i):
                continue
            items.append({"id": tid(), "debit_account_id": str(100000 + i), "credit_account_id": to,
                          "amount": f"{rnd.randint(1, 120)}.{rnd.randint(0, 99):02d}", "currency": "CNY",
                          "code": 3})
        batch(ops[t], items)
    # holds: pending payments, some posted, some voided
    for k in range(30):
        t = 1 + k % 3
        i = [w for w in range(WALLETS) if 1 + w % 3 == t][k]
        pending = tid()
        ops[t].call("POST", "/v1/transfers", {"id": pending, "debit_account_id": str(100000 + i),
                                              "credit_account_id": str(200001 + k % MERCHANTS),
                                              "amount": "88.00", "currency": "CNY", "code": 4,
                                              "pending": True, "timeout_s": 86400})
        if k % 3 == 0:
            ops[t].call("POST", f"/v1/transfers/{pending}/post", {"id": tid(), "amount": "66.00"})
        elif k % 3 == 1:
            ops[t].call("POST", f"/v1/transfers/{pending}/void", {"id": tid()})


DEVICE_SEED = "5a" * 32  # demo only: a real device never shows its seed


def make_currency(url, tokens):
    cb = Api(url, tokens["central-bank"])
    op = Api(url, tokens["operator-1"])
    for t, kind in ((1, "bank"), (2, "bank"), (3, "payment_institution")):
        cb.call("POST", "/v1/operators", {"id": str(880000 + t), "tenant_id": str(t), "type": kind, "name": BANKS[t]})
        cb.call("POST", f"/v1/operators/{t}/reserve", {"id": str(880010 + t), "amount": "5000000.00"})
        cb.call("POST", f"/v1/operators/{t}/issue", {"id": str(880020 + t), "amount": "2000000.00"})
    # the customers' bank accounts (plain ledger accounts of operator 1), funded from its reserve account 11
    for k in range(1, 5):
        op.call("POST", "/v1/accounts", {"id": str(870000 + k), "currency": "CNY", "kind": "bank_deposit",
                                         "owner_id": str(700000 + k), "flags": ["debits_must_not_exceed_credits"]})
        op.call("POST", "/v1/transfers", {"id": str(880100 + k), "debit_account_id": "11",
                                          "credit_account_id": str(870000 + k), "amount": "50000.00",
                                          "currency": "CNY", "code": 5})
    wallets = [("800001", 1, "corporate", {"limits": {"balance": "2000000.00", "payment": "200000.00"}}),
               ("800002", 2, "personal", {"auto_topup": True}), ("800003", 3, "personal", {}),
               ("800004", 4, "personal", {})]
    for k, (wid, cls, kind, extra) in enumerate(wallets):
        body = {"id": wid, "owner_id": str(700001 + k), "type": kind, "class": cls,
                "bank_account_id": str(870001 + k)}
        body.update(extra)
        op.call("POST", "/v1/wallets", body)
        op.call("POST", f"/v1/wallets/{wid}/topup", {"id": str(880200 + k), "amount": ("40000.00", "8000.00",
                                                                                       "5000.00", "3000.00")[k]})
    op.call("POST", "/v1/wallets", {"id": "810001", "owner_id": "600001", "type": "merchant", "class": 2, "mcc": 5411})
    op.call("POST", "/v1/wallets", {"id": "810002", "owner_id": "600004", "type": "merchant", "class": 2, "mcc": 7997})
    op.call("POST", "/v1/wallets", {"id": "800012", "parent_id": "800002",
                                    "limits": {"balance": "500.00", "payment": "100.00", "daily": "200.00"}})
    op.call("POST", "/v1/wallets/800012/sub-fund", {"id": "880300", "amount": "300.00"})
    for k, (payer, payee, amount) in enumerate((("800004", "810001", "88.50"), ("800003", "810001", "120.00"),
                                                ("800002", "800004", "500.00"), ("800012", "810001", "45.00"),
                                                ("800001", "810002", "1999.00"), ("800002", "810001", "8000.00"))):
        op.call("POST", f"/v1/wallets/{payer}/payments", {"id": str(880400 + k), "payee_id": payee, "amount": amount})
    # hard wallet: registered, loaded, three offline payments at the grocer
    szfin = os.environ.get("SZFIN_BIN") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build",
                                                        "release", "szfin")
    if os.access(szfin, os.X_OK):
        key = json.loads(subprocess.run([szfin, "currency", "keygen", "--seed", DEVICE_SEED], capture_output=True,
                                        text=True, check=True).stdout)
        op.call("POST", "/v1/devices", {"id": "830001", "wallet_id": "800003", "public_key": key["public_key"]})
        op.call("POST", "/v1/devices/830001/load", {"id": "880500", "amount": "600.00", "device_counter": 0})
        msgs = [subprocess.run([szfin, "currency", "sign-offline", "--seed", DEVICE_SEED, "--device", "830001",
                                "--payee", "810001", "--amount", amount, "--counter", str(n + 1)],
                               capture_output=True, text=True, check=True).stdout.strip()
                for n, amount in enumerate(("12.00", "35.50", "8.80"))]
        Api(url, tokens["merchant-200001"]).call("POST", "/v1/devices/830001/sync", {"id": "880501", "messages": msgs})
    # prepaid escrow at the gym: 10 sessions, one delivered and confirmed
    op.call("POST", "/v1/contract-templates", {"id": "840001", "kind": "prepaid_escrow", "name": "gym sessions",
                                               "max_sessions": 50, "auto_confirm_s": 86400,
                                               "max_duration_s": 31622400})
    op.call("POST", "/v1/contracts", {"kind": "prepaid_escrow", "id": "841001", "template_id": "840001",
                                      "consumer_wallet_id": "800003", "merchant_wallet_id": "810002",
                                      "session_amount": "80.00", "sessions": 10})
    Api(url, tokens["merchant-200004"]).call("POST", "/v1/contracts/841001/events",
                                             {"id": "880600", "type": "deliver", "party_id": "810002"})
    op.call("POST", "/v1/contracts/841001/events", {"id": "880601", "type": "confirm", "party_id": "800003"})
    # grocery subsidy from the corporate wallet until 2030-01-01 (China time): a grant and a spend
    cb.call("POST", "/v1/contract-templates", {"id": "840002", "kind": "subsidy", "name": "grocery coupons",
                                               "mcc": [5411], "max_duration_s": 316224000})
    op.call("POST", "/v1/contracts", {"kind": "subsidy", "id": "842001", "template_id": "840002",
                                      "issuer_wallet_id": "800001", "budget": "10000.00",
                                      "expires_at_ns": str(1893427200 * 10**9)})
    op.call("POST", "/v1/contracts/842001/grants", {"id": "880700", "wallet_id": "800004", "amount": "200.00"})
    op.call("POST", "/v1/contracts/842001/spend", {"id": "880701", "wallet_id": "800004", "payee_id": "810001",
                                                   "amount": "50.00"})
    # the 2026 rules: bank 1's demand-deposit rate (0.35% a year from a minute from now: interest accrues
    # from the next China-time day on its real-name wallets) and the reserve ratio the central bank sets
    op.call("POST", "/v1/operators/1/rates", {"id": "880900", "version": 1, "rate_ppm": 3500,
                                              "effective_from_ns": str(time.time_ns() + 60 * 10**9)},
            ok_codes=("exists_with_different_fields",))
    cb.call("POST", "/v1/operators/1/reserve-ratio", {"id": "880901", "ratio_bp": 1000})
    op.call("POST", "/v1/operators/1/interest/pay", {"id": "880902"})
    # fiscal payments: a government agency (class 1, funded from its bank account) and the treasury
    op.call("POST", "/v1/accounts", {"id": "870005", "currency": "CNY", "kind": "bank_deposit", "owner_id": "700005",
                                     "flags": ["debits_must_not_exceed_credits"]})
    op.call("POST", "/v1/transfers", {"id": "880105", "debit_account_id": "11", "credit_account_id": "870005",
                                      "amount": "150000.00", "currency": "CNY", "code": 5})
    op.call("POST", "/v1/wallets", {"id": "820001", "owner_id": "700005", "type": "government", "class": 1,
                                    "bank_account_id": "870005"})
    op.call("POST", "/v1/wallets/820001/topup", {"id": "880800", "amount": "100000.00"})
    op.call("POST", "/v1/wallets", {"id": "820002", "owner_id": "700006", "type": "treasury", "class": 1})
    # a subsidy disbursement: three citizens paid, one line to a wallet that does not exist (its own result)
    op.call("POST", "/v1/fiscal/disbursements", {
        "id": "880810", "payer_id": "820001", "purpose": "subsidy",
        "lines": [{"id": "880811", "payee_id": "800002", "amount": "300.00"},
                  {"id": "880812", "payee_id": "800003", "amount": "300.00"},
                  {"id": "880813", "payee_id": "800004", "amount": "300.00"},
                  {"id": "880814", "payee_id": "899999", "amount": "300.00"}]})
    # a tax collection from the corporate wallet into the treasury, with its receipt
    op.call("POST", "/v1/fiscal/collections", {"id": "880820", "payer_id": "800001", "treasury_id": "820002",
                                               "amount": "1250.00", "kind": "tax", "tax_code": 101,
                                               "period": month_text(1).replace("-", "")})
    # wallet controls: a court's freeze of 1,000.00 in wallet 800003 (the bank executes the order), and a
    # daily limit of 3,000.00 the holder of wallet 800002 set below its class limit
    op.call("POST", "/v1/wallets/800003/controls", {"id": "880830", "authority": "judicial", "state": "amount",
                                                    "reason": "court_order", "amount": "1000.00"})
    op.call("POST", "/v1/wallets/800002/holder-limit", {"id": "880840", "daily": "3000.00"})


def activate_rules(url, tokens):
    rg = Api(url, tokens["regulator"])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "share", "risk", "default.json")
    with open(path, encoding="utf-8") as f:
        rules = json.load(f)
    rg.call("POST", "/v1/risk/rulesets", rules, ok_codes=("risk_version_not_newer",))


def make_risk(url, tokens):
    cb = Api(url, tokens["central-bank"])
    op = Api(url, tokens["operator-1"])
    for a in range(300001, 300005):
        op.call("POST", "/v1/accounts", {"id": str(a), "currency": "CNY", "tenant_id": "1", "owner_id": str(a)})
    cb.call("POST", "/v1/transfers", {"id": "3900001", "debit_account_id": "11", "credit_account_id": "300001",
                                      "amount": "400000.00", "currency": "CNY", "code": 2})
    analyst = Api(url, tokens["risk-analyst-1"])
    refused = analyst.call("GET", "/v1/risk/alerts?kind=refusals")["alerts"]
    for k in range(1, 7 if refused else 8):  # structuring: the 7th is interdicted (once)
        op.call("POST", "/v1/transfers", {"id": str(3900010 + k), "debit_account_id": "300001",
                                          "credit_account_id": "300002", "amount": "49800.00", "currency": "CNY",
                                          "code": 3}, ok_codes=("risk_interdicted",))
    op.call("POST", "/v1/transfers", {"id": "3900100", "debit_account_id": "300003", "credit_account_id": "300004",
                                      "amount": "2000000.00", "currency": "CNY", "code": 3})
    alerts = analyst.call("GET", "/v1/risk/alerts?typology=5")["alerts"]
    if alerts:
        analyst.call("POST", "/v1/risk/cases", {"case_id": "950001", "alert": alerts[-1]["alert"],
                                                "text": "structuring just under 50,000 CNY"},
                     ok_codes=("risk_case_exists",))
        if analyst.call("GET", "/v1/risk/cases/950001")["status"] == "open":
            analyst.call("POST", "/v1/risk/cases/950001/events", {"action": "escalate", "text": "to compliance"})
    # screening: registering account 300004's holder under a listed (made-up) name opens a screening alert once
    screened = [x for x in analyst.call("GET", "/v1/risk/alerts?limit=1000")["alerts"] if x.get("typology") == 0]
    if not screened:
        op.call("POST", "/v1/risk/screen", {"name": "陳志明", "subject": "300004", "event": "3900200"},
                ok_codes=("risk_watchlist_unavailable",))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CST = datetime.timezone(datetime.timedelta(hours=8))


def uscc(body16):
    """A unified social credit code from its first 16 characters: the 17th is
    the GB 11714-1997 check of the organization code (characters 9-16: weights
    3 7 9 10 5 8 4 2, 11 - sum mod 11, 10 is 'X', 11 is '0'), the 18th the
    GB 32100-2015 check of the first 17 (weights 3^i mod 31)."""
    org = sum((int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10) * w
              for ch, w in zip(body16[8:16], (3, 7, 9, 10, 5, 8, 4, 2)))
    body17 = body16 + {10: "X", 11: "0"}.get(11 - org % 11, str(11 - org % 11))
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body17))
    return body17 + USCC_ALPHABET[(31 - total % 31) % 31]


def month_text(k):
    now = datetime.datetime.now(CST)
    m = now.year * 12 + now.month - 1 - k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def make_credit(url, tokens):
    """Credit: two enterprises (owned by merchants 600002 and 600005) with a
    year of tax and headcount feeds, patents and an innovation score, filed by
    the central bank as the platform's data provider."""
    cb = Api(url, tokens["central-bank"])
    base = "/v1/credit/enterprises"
    as_of = (datetime.datetime.now(CST).date() - datetime.timedelta(days=1)).isoformat()
    firms = ((uscc("91440300MA5FC0DE"), "深圳星河芯片科技有限公司", "C3973", "600002", "20000.00", 100),
             (uscc("91440301MA5FC0DE"), "Qianhai Green Logistics Co.", "G5430", "600005", "8000.00", 40))
    for k, (code, name, industry, owner, tax, heads) in enumerate(firms):
        n = 891000 + 100 * k
        cb.call("POST", base, {"id": str(n), "uscc": code, "name": name, "industry": industry, "district": "Nanshan",
                               "registered_capital": "5000000.00", "founded": "2016-03-18", "owner_id": owner})
        cb.call("POST", f"{base}/{code}/feeds/tax", {"id": str(n + 1), "source": "shenzhen-tax", "as_of": as_of,
                                                     "grade": "A", "grade_year": 2023,
                                                     "months": [{"month": month_text(m), "tax_paid": tax}
                                                                for m in range(12, 0, -1)]})
        cb.call("POST", f"{base}/{code}/feeds/headcount", {"id": str(n + 2), "source": "shenzhen-social-security",
                                                           "as_of": as_of,
                                                           "months": [{"month": month_text(m), "headcount": heads + m}
                                                                      for m in range(12, 0, -1)]})
        cb.call("POST", f"{base}/{code}/feeds/ip", {"id": str(n + 3), "source": "cnipa", "as_of": as_of, "items": [
            {"number": f"ZL20181000000{k + 1}.X" if k == 0 else "ZL202020000002.1",
             "kind": "invention" if k == 0 else "utility_model", "granted": "2019-05-01"}]})
        cb.call("POST", f"{base}/{code}/feeds/innovation", {"id": str(n + 4), "source": "szstic", "as_of": as_of,
                                                            "points": 780 - 300 * k})
    make_credit_decisions(url, tokens, firms)


def make_credit_decisions(url, tokens, firms):
    """An active model trained on the shipped synthetic tech-enterprise set
    (with its boosted challenger when szfin-credit-boost was built, else the
    scorecard alone) and a scored decision, with reason codes, for each
    enterprise by Pengcheng Bank under the enterprise's authorization."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    szfin = os.environ.get("SZFIN_BIN") or os.path.join(root, "build", "release", "szfin")
    boost = os.path.join(os.path.dirname(szfin), "szfin-credit-boost")
    data = os.path.join(root, "tests", "data", "credit", "tech_enterprises.csv")
    work = tempfile.mkdtemp(prefix="szfin-demo-credit-")
    model = os.path.join(work, "tech.model")
    train = [boost] if os.access(boost, os.X_OK) else [szfin, "credit"]
    args = train + ["train", data, "--target", "status", "--ignore", "month", "--out", model]
    if subprocess.run(args, capture_output=True).returncode != 0 and train[0] == boost:
        subprocess.run([szfin, "credit"] + args[1:], capture_output=True, check=True)
    env = dict(os.environ, SZFIN_URL=url, SZFIN_TOKEN=tokens["central-bank"])
    for verb in ("register", "activate"):
        subprocess.run([szfin, "credit", "model", verb, "tech-demo.1", model], env=env, capture_output=True,
                       check=True)
    shutil.rmtree(work, ignore_errors=True)
    bank = Api(url, tokens["operator-1"])
    until = (datetime.datetime.now(CST).date() + datetime.timedelta(days=365)).isoformat()
    for k, (code, _, _, owner, _, _) in enumerate(firms):
        n = 891900 + 10 * k
        Api(url, tokens[f"merchant-{int(owner) - 400000}"]).call(
            "POST", f"/v1/credit/enterprises/{code}/authorizations",
            {"id": str(n), "institution": "1", "purpose": "loan_approval", "expires": until})
        bank.call("POST", f"/v1/credit/enterprises/{code}/score", {"id": str(n + 1), "purpose": "loan_approval"})
    # Bank 1's credit desk draws a report on the first enterprise under its consent (in the query log).
    Api(url, tokens["credit-analyst-1"]).call("POST", f"/v1/credit/enterprises/{firms[0][0]}/report",
                                              {"id": "891990", "purpose": "loan_approval"})


def make_green(url, tokens):
    """Green finance: the 2024 factor set activated by the central bank, carbon
    accounts for two merchant enterprises (enterprise id = the merchant's
    owner id), operator 1's pricing policy, a carbon-linked loan priced from
    the carbon score and its PCAF position (financed emissions)."""
    cb = Api(url, tokens["central-bank"])
    bank = Api(url, tokens["operator-1"])
    cb.call("POST", "/v1/green/factors/cn-2024.1/activate", {"id": "890001"})
    for k, (name, mwh, certs) in enumerate((("merchant-200001", "1000", "300"), ("merchant-200004", "2400", "0"))):
        body = {"id": str(890010 + k), "period": 2023, "province": "CN-GD", "electricity_mwh": mwh,
                "value_added": "50000000.00", "industry_intensity_tco2e_per_10k_yuan": "0.20"}
        if certs != "0":
            body["certificates"] = [{"serial": f"GEC-2023-{890010 + k:06d}", "mwh": certs}]
        Api(url, tokens[name]).call("POST", "/v1/green/accounts", body)
    bank.call("POST", "/v1/green/pricing/policies", {"id": "890020", "base_score": 60, "discount_per_point_bp": "1",
                                                     "cap_bp": "15"})
    bank.call("POST", "/v1/green/loans/890030/price", {"id": "890031", "enterprise_id": "600001", "period": 2023,
                                                        "base_rate_percent": "3.00", "score": 78})
    bank.call("POST", "/v1/green/positions", {"id": "890040", "loan_id": "890030", "outstanding": "10000000.00",
                                              "equity": "40000000.00", "debt": "60000000.00",
                                              "emissions_tco2e": "5000", "data_quality": 2})


def main():
    url, data_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(data_dir, "admin.token")) as f:
        admin = Api(url, f.read().strip())
    tokens = make_tokens(admin, data_dir)
    # statistics: the PBoC large-value line for institution transfers (2,000,000 CNY)
    Api(url, tokens["regulator"]).call("POST", "/v1/stats/thresholds",
                                       {"currency": "CNY", "threshold": "2000000.00"})
    activate_rules(url, tokens)
    make_accounts(url, tokens)
    make_history(url, tokens)
    make_currency(url, tokens)
    make_risk(url, tokens)
    make_green(url, tokens)
    make_credit(url, tokens)


if __name__ == "__main__":
    main()

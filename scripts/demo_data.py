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
          person-to-person payments, and pending holds posted or voided.
Everything goes through the public API with the roles a real deployment
would use: the central bank issues, each operator moves only its customers'
money. Ids are fixed, so running it twice changes nothing (idempotent).
"""
import http.client
import json
import os
import random
import sys
import urllib.parse

BANKS = {1: "Pengcheng Bank", 2: "Qianhai Digital Bank", 3: "Nanshan Payments"}
WALLETS = 300
MERCHANTS = 9


class Api:
    def __init__(self, url, token):
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
        self.token = token

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read()
        doc = json.loads(text) if text else None
        if resp.status >= 300:
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
             ("auditor", {"role": "auditor", "name": "Auditor (demo)"})]
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


def main():
    url, data_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(data_dir, "admin.token")) as f:
        admin = Api(url, f.read().strip())
    tokens = make_tokens(admin, data_dir)
    make_accounts(url, tokens)
    make_history(url, tokens)


if __name__ == "__main__":
    main()

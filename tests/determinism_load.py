#!/usr/bin/env python3
"""determinism_load.py — writes one log that exercises every domain, for
tests/determinism.sh.

Usage: determinism_load.py DATA_DIR
Starts the real binary (env SZFIN_BIN) on a loopback port with DATA_DIR as its
data directory and a snapshot every 40 batches, and sends, through the public
API:
  ledger, currency, contract  the demo data of scripts/demo_data.py (accounts,
                              payments, holds posted and voided, operators,
                              reserves, issuance, wallets of every class, a
                              sub-wallet, a hard wallet with offline payments,
                              a prepaid escrow and a subsidy);
  credit                      enterprises with tax, headcount, IP, innovation,
                              negative and cash-flow feeds, consent, a report,
                              a scorecard trained by `szfin credit train`,
                              uploaded in chunks and activated, scores and
                              tech-product scores of several enterprises, an
                              objection and a watch;
  green                       an active factor set, carbon accounts, a
                              pricing policy and a priced loan, ESG, a
                              financed-emissions position.
Every request must succeed (exit 1 otherwise). Python 3 standard library only.
"""
import datetime
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from api_harness import BIN, ROOT, Server  # noqa: E402
import demo_data  # noqa: E402

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CST = datetime.timezone(datetime.timedelta(hours=8))
next_id = [5000000]


def nid():
    next_id[0] += 1
    return str(next_id[0])


def uscc(body17):
    """GB 32100-2015 check character."""
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body17))
    return body17 + ALPHABET[(31 - total % 31) % 31]


def month_text(k):
    now = datetime.datetime.now(CST)
    m = now.year * 12 + now.month - 1 - k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def today(days=0):
    return (datetime.datetime.now(CST).date() + datetime.timedelta(days=days)).isoformat()


def must(s, path, body, token, want=(200, 201)):
    st, doc = s.post(path, body, token)
    if st not in want:
        raise SystemExit(f"determinism_load: POST {path} -> {st} {doc}")
    return doc


def training_csv(path, rows):
    """Synthetic enterprises over the domain's characteristic names."""
    rng = random.Random(7)
    with open(path, "w") as f:
        f.write("status,tax_paid_12m_10k,headcount,negative_records,tax_grade,innovation_points,"
                "cash_inflow_12m_10k,age_years,tax_growth_pct\n")
        for _ in range(rows):
            tax = rng.randint(0, 300)
            heads = rng.randint(5, 400)
            neg = rng.choice([0, 0, 0, 1, 2])
            g = rng.randint(0, 4)
            pts = rng.randint(0, 1000)
            age = rng.randint(0, 300) / 10
            growth = rng.randint(-500, 800) / 10
            logit = 1.2 - 0.9 * neg + 0.008 * tax + 0.002 * heads - 0.4 * g + 0.001 * pts + 0.05 * age
            good = rng.random() < 1 / (1 + 2.718281828 ** -logit)
            f.write(f"{'good' if good else 'bad'},{tax},{heads},{neg},{'ABMCD'[g]},{pts},"
                    f"{tax * rng.randint(3, 40)},{age},{growth}\n")


def cli(args, token, port):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{port}", SZFIN_TOKEN=token)
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, timeout=120)
    if p.returncode != 0:
        raise SystemExit(f"determinism_load: szfin {' '.join(args)}: {p.stderr}{p.stdout}")
    return p.stdout


def load_credit(s, data_dir):
    cb = s.token("central_bank", name="platform")
    bank = s.token("operator", tenant=1, name="credit-bank")
    base = "/v1/credit/enterprises"
    codes = []
    for k in range(6):
        code = uscc(f"914403{k:02d}MA5FD0000"[:17])
        owner = 710000 + k
        codes.append((code, s.token("merchant", tenant=1, owner=owner, name=f"enterprise-{k}")))
        must(s, base, {"id": nid(), "uscc": code, "name": f"Enterprise {k}", "industry": "C3973",
                       "registered_capital": f"{1000000 + 250000 * k}.00", "founded": f"{2010 + k}-03-18",
                       "tags": ["specialised_new", "high_tech"] if k % 2 else [], "owner_id": str(owner)}, cb)
        must(s, f"{base}/{code}/feeds/tax", {
            "id": nid(), "source": "shenzhen-tax", "as_of": today(-1), "grade": "ABMCD"[k % 5], "grade_year": 2023,
            "months": [{"month": month_text(m), "tax_paid": f"{10000 + 1777 * k + 333 * m}.{(7 * m) % 100:02d}"}
                       for m in range(12, 0, -1)]}, cb)
        must(s, f"{base}/{code}/feeds/headcount", {
            "id": nid(), "source": "shenzhen-social-security", "as_of": today(-1),
            "months": [{"month": month_text(m), "headcount": 40 + 7 * k + 3 * (12 - m)} for m in range(12, 0, -1)]},
            cb)
        must(s, f"{base}/{code}/feeds/innovation", {"id": nid(), "source": "szstic", "as_of": today(-1),
                                                    "points": 150 * k + 7}, cb)
        if k % 3 == 0:
            must(s, f"{base}/{code}/feeds/negative", {
                "id": nid(), "source": "court", "as_of": today(-1), "kind": "court_judgment",
                "reference": f"(2023)粤0305民初{k}号", "amount": "150000.00", "conduct_ended": "2023-09-01",
                "summary": "contract dispute"}, cb)
        if k % 2 == 1:
            must(s, f"{base}/{code}/feeds/ip", {"id": nid(), "source": "cnipa", "as_of": today(-1), "items": [
                {"number": f"ZL20181000000{k}.X", "kind": "invention", "granted": "2019-05-01"}]}, cb)
    code0, ent0 = codes[0]
    must(s, "/v1/accounts", {"id": "960001", "currency": "CNY", "owner_id": "710000", "tenant_id": "1"}, cb)
    must(s, "/v1/accounts", {"id": "960002", "currency": "CNY", "owner_id": "424242", "tenant_id": "1"}, cb)
    must(s, "/v1/transfers", {"id": "970001", "debit_account_id": "960002", "credit_account_id": "960001",
                              "amount": "50000.00", "currency": "CNY"}, cb)
    must(s, f"{base}/{code0}/cashflow", {"id": nid(), "from": month_text(0), "to": month_text(0)}, cb)
    for code, ent in codes:
        must(s, f"{base}/{code}/authorizations", {"id": nid(), "institution": "1", "purpose": "loan_approval",
                                                  "expires": today(30)}, ent)
    must(s, f"{base}/{code0}/report", {"id": nid(), "purpose": "loan_approval"}, bank)
    csv_path = os.path.join(data_dir + ".work", "train.csv")
    model_path = os.path.join(data_dir + ".work", "model.txt")
    os.makedirs(os.path.dirname(csv_path), exist_ok=True)
    training_csv(csv_path, 1200)
    cli(["credit", "train", csv_path, "--target", "status", "--good", "good", "--out", model_path], cb, s.port)
    cli(["credit", "model", "register", "det-1", model_path], cb, s.port)
    cli(["credit", "model", "activate", "det-1", model_path], cb, s.port)
    for code, _ in codes:
        must(s, f"{base}/{code}/score", {"id": nid(), "purpose": "loan_approval"}, bank)
        must(s, f"{base}/{code}/score", {"id": nid(), "purpose": "loan_approval", "product": "tech"}, bank)
    must(s, f"{base}/{code0}/watch", {"id": nid()}, bank)
    must(s, f"{base}/{code0}/feeds/tax", {"id": nid(), "source": "shenzhen-tax", "as_of": today(-1),
                                          "months": [{"month": month_text(1), "tax_paid": "10.00"}]}, cb)


def load_green(s):
    cb = s.token("central_bank", name="pboc")
    bank = s.token("operator", tenant=1, name="green-bank")
    must(s, "/v1/green/factors/cn-2024.1/activate", {"id": "1"}, cb)
    for owner in (42, 43, 44):
        ent = s.token("merchant", tenant=1, owner=owner, name=f"green-{owner}")
        must(s, "/v1/green/accounts", {
            "id": str(100 + owner), "period": 2023, "province": "CN-GD", "electricity_mwh": f"{1000 + owner}",
            "certificates": [{"serial": f"GEC-2023-0000{owner}", "mwh": "300"}] if owner == 42 else [],
            "value_added": "50000000.00", "industry_intensity_tco2e_per_10k_yuan": "0.20"}, ent)
    must(s, "/v1/green/pricing/policies", {"id": "300", "base_score": 60, "discount_per_point_bp": "1",
                                           "cap_bp": "15"}, bank)
    must(s, "/v1/green/loans/900/price", {"id": "400", "enterprise_id": "42", "period": 2023,
                                          "base_rate_percent": "3.00", "score": 78}, bank)
    peers = [{"carbon_intensity": "0.10", "green_power_share": "0.9", "injury_rate": "0.1",
              "social_insurance_rate": "1", "independent_directors": "5", "regulatory_penalties": "0"},
             {"carbon_intensity": "0.50", "green_power_share": "0.1", "injury_rate": "0.5",
              "social_insurance_rate": "0.5", "independent_directors": "1", "regulatory_penalties": "3"}]
    must(s, "/v1/green/accounts/44/2023/esg", {"id": "500", "peers": peers, "subject": 0}, bank)
    must(s, "/v1/green/positions", {"id": "600", "loan_id": "900", "outstanding": "10000000.00",
                                    "equity": "40000000.00", "debt": "60000000.00", "emissions_tco2e": "5000",
                                    "data_quality": 2}, bank)


def main():
    data_dir = sys.argv[1]
    os.makedirs(data_dir, exist_ok=True)
    env = {"SZFIN_GREEN_DIR": os.path.join(ROOT, "share", "green"), "SZFIN_SNAPSHOT_EVERY_BATCHES": "40"}
    s = Server(data_dir=data_dir, env=env).start()
    try:
        url = f"http://127.0.0.1:{s.port}"
        admin = demo_data.Api(url, s.admin)
        tokens = demo_data.make_tokens(admin, data_dir)
        demo_data.make_accounts(url, tokens)
        demo_data.make_history(url, tokens)
        demo_data.make_currency(url, tokens)
        load_credit(s, data_dir)
        load_green(s)
    finally:
        s.stop()
    print(f"determinism_load: log written to {data_dir}")


if __name__ == "__main__":
    main()

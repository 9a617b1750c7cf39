#!/usr/bin/env python3
"""test_api_credit.py — the credit domain end to end on the real binary: the
registry (USCC check characters, personal data encrypted at rest and masked),
data feeds, cash flow computed from the enterprise's ledger accounts,
consent (authorization per institution and purpose) and the query log,
reports, scorecard models uploaded in chunks and activated by SHA-256 (by
the CLI), score decisions with reason codes, the tech-enterprise product,
objections, watches and early warnings, revocation, scope of each role, and
a restart that keeps everything. Python 3 standard library only."""
import datetime
import hashlib
import math
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap, uscc  # noqa: E402

CST = datetime.timezone(datetime.timedelta(hours=8))


def resident_id(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


def month_text(k):
    """The month k months before the current month (China Standard Time)."""
    now = datetime.datetime.now(CST)
    m = now.year * 12 + now.month - 1 - k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def today(days=0):
    return (datetime.datetime.now(CST).date() + datetime.timedelta(days=days)).isoformat()


next_id = [1000]


def nid():
    next_id[0] += 1
    return str(next_id[0])


def training_csv(path):
    rng = random.Random(20240601)
    grades = ["A", "B", "M", "C", "D"]
    with open(path, "w") as f:
        f.write("status,tax_paid_12m_10k,headcount,negative_records,tax_grade,innovation_points,"
                "invention_patents,cash_inflow_12m_10k\n")
        for _ in range(1500):
            tax = rng.randint(0, 300)
            heads = rng.randint(5, 400)
            neg = rng.choice([0, 0, 0, 1, 2, 3])
            g = rng.randint(0, 4)
            pts = rng.randint(0, 1000)
            inv = rng.randint(0, 12)
            inflow = tax * rng.randint(3, 40)
            logit = 1.5 - 1.0 * neg + 0.01 * tax + 0.003 * heads - 0.45 * g + 0.0015 * pts + 0.08 * inv
            good = rng.random() < 1 / (1 + 2.718281828 ** -logit)
            f.write(f"{'good' if good else 'bad'},{tax},{heads},{neg},{grades[g]},{pts},{inv},{inflow}\n")


def cli(args, token, port, stdin=None):
    env = dict(os.environ, SZFIN_URL=f"http://127.0.0.1:{port}", SZFIN_TOKEN=token)
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


t = Tap()
s = Server().start()
work = tempfile.mkdtemp(prefix="szfin-credit-")
try:
    A = s.admin
    cb = s.token("central_bank", name="platform")
    bank1 = s.token("operator", tenant=1, name="bank1")
    bank2 = s.token("operator", tenant=2, name="bank2")
    ENT_OWNER = 700001
    ent = s.token("merchant", tenant=1, owner=ENT_OWNER, name="enterprise")
    stranger = s.token("merchant", tenant=1, owner=999, name="other enterprise")
    regulator = s.token("regulator", name="regulator")

    CODE = uscc("91440300MA5FC0DE2")
    CODE2 = uscc("91440301MA5FC0DE2")
    ID_NUMBER = resident_id("11010519491231002")
    PHONE = "13812345678"
    base = "/v1/credit/enterprises"

    # ---- registry --------------------------------------------------------------
    bad = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    st, doc = s.post(base, {"id": nid(), "uscc": bad, "name": "x", "industry": "I6513",
                            "registered_capital": "1.00", "founded": "2015-06-01"}, cb)
    t.ok(st == 400 and doc["code"] == "uscc_bad_check_character" and f"'{CODE[17]}'" in doc.get("detail", ""),
         "a wrong check character is refused and the right one named", doc)
    st, doc = s.post(base, {"id": nid(), "uscc": CODE[:10], "name": "x", "industry": "I6513",
                            "registered_capital": "1.00", "founded": "2015-06-01"}, cb)
    t.eq((st, doc and doc["code"]), (400, "uscc_wrong_length"), "a short code is refused")
    st, doc = s.post(base, {"id": nid(), "uscc": CODE, "name": "x", "industry": "I6513", "registered_capital": "1.00",
                            "founded": "2015-06-01", "legal_representative": {"id_number": "110105194912310020"}}, cb)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "an ID number with a wrong check digit is refused")
    reg = {"id": nid(), "uscc": CODE, "name": "深圳星河芯片科技有限公司", "industry": "C3973", "district": "Nanshan",
           "registered_capital": "5000000.00", "founded": "2016-03-18", "tags": ["specialised_new", "high_tech"],
           "owner_id": str(ENT_OWNER), "legal_representative": {"id_number": ID_NUMBER, "phone": PHONE}}
    st, doc = s.post(base, reg, cb)
    t.eq(st, 201, "register an enterprise")
    rep = doc["legal_representative"] if doc else {}
    t.eq(rep.get("id_number"), ID_NUMBER[:3] + "*" * 11 + ID_NUMBER[-4:], "the ID number is masked")
    t.eq(rep.get("phone"), "138****5678", "the phone is masked")
    st, doc = s.post(base, reg, cb)
    t.eq(st, 200, "registering again with the same id and fields is idempotent")
    st, doc = s.post(base, dict(reg, name="other"), cb)
    t.eq((st, doc and doc["code"]), (409, "exists_with_different_fields"), "same id, other fields: 409")
    st, doc = s.post(base, dict(reg, id=nid()), cb)
    t.eq((st, doc and doc["code"]), (409, "enterprise_exists"), "a code is registered once")
    st, doc = s.post(base, {"id": nid(), "uscc": CODE2, "name": "Second Co", "industry": "I65",
                            "registered_capital": "100000.00", "founded": "2020-01-01"}, cb)
    t.eq(st, 201, "register a second enterprise without personal data")
    st, doc = s.post(base, dict(reg, id=nid(), uscc=uscc("91440302MA5FC0DE2"), industry="Z1"), cb)
    t.eq((st, doc and doc["code"]), (422, "credit_record_invalid"), "an industry code outside GB/T 4754 is refused")
    st, doc = s.post(base, dict(reg, id=nid()), ent)
    t.eq(st, 403, "an enterprise cannot register enterprises")

    st, doc = s.get(f"{base}/{CODE}", ent)
    t.ok(st == 200 and doc["name"] == reg["name"] and doc["tags"] == ["specialised_new", "high_tech"],
         "the enterprise reads its own record", doc)
    st, doc = s.get(f"{base}/{CODE}", stranger)
    t.eq((st, doc and doc["code"]), (404, "enterprise_not_found"), "another enterprise cannot read it")
    st, doc = s.get(f"{base}/{CODE}/personal", A)
    t.eq((st, doc and doc.get("id_number"), doc and doc.get("phone")), (200, ID_NUMBER, PHONE),
         "the admin route decrypts personal data")
    st, doc = s.get(f"{base}/{CODE}/personal", cb)
    t.eq(st, 403, "only the admin may decrypt")
    status, doc, _, _ = s.request("PUT", f"{base}/{CODE}", body={"id": nid(), "name": reg["name"], "industry": "C3973",
                                                                  "registered_capital": "8000000.00",
                                                                  "founded": "2016-03-18",
                                                                  "tags": ["specialised_new", "high_tech"]}, token=cb)
    t.ok(status == 201 and doc["registered_capital"] == "8000000.00" and
         doc["legal_representative"]["phone"] == "138****5678", "an update keeps personal data it does not name", doc)

    # ---- feeds ------------------------------------------------------------------
    tax_id = nid()
    months = [{"month": month_text(k), "tax_paid": "20000.00"} for k in range(12, 0, -1)]
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": tax_id, "source": "shenzhen-tax", "as_of": today(-1),
                                                  "grade": "A", "grade_year": 2023, "months": months}, cb)
    t.ok(st == 201 and doc["record_id"] == tax_id and doc["kind"] == "tax", "a year of tax records", doc)
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": nid(), "source": "x", "as_of": today(-1),
                                                  "months": [{"month": month_text(-1), "tax_paid": "1.00"}]}, cb)
    t.eq((st, doc and doc["code"]), (422, "month_invalid"), "a future month is refused")
    st, doc = s.post(f"{base}/{CODE}/feeds/headcount", {
        "id": nid(), "source": "shenzhen-social-security", "as_of": today(-1),
        "months": [{"month": month_text(k), "headcount": 100 + 5 * (12 - k)} for k in range(12, 0, -1)]}, cb)
    t.eq(st, 201, "social-security headcount")
    st, doc = s.post(f"{base}/{CODE}/feeds/ip", {"id": nid(), "source": "cnipa", "as_of": today(-1), "items": [
        {"number": "ZL201810000001.X", "kind": "invention", "granted": "2019-05-01", "pledged": True},
        {"number": "ZL202020000002.1", "kind": "utility_model", "granted": "2021-01-10"},
        {"number": "ZL202110000003.5", "kind": "invention", "granted": "2022-08-30"}]}, cb)
    t.eq(st, 201, "patents, one pledged")
    st, doc = s.post(f"{base}/{CODE}/feeds/innovation", {"id": nid(), "source": "szstic", "as_of": today(-1),
                                                         "points": 780}, cb)
    t.eq(st, 201, "innovation points")
    neg_id = nid()
    st, doc = s.post(f"{base}/{CODE}/feeds/negative", {
        "id": neg_id, "source": "court", "as_of": today(-1), "kind": "court_judgment",
        "reference": "(2023)粤0305民初1234号", "amount": "150000.00", "conduct_ended": "2023-09-01",
        "summary": "contract dispute"}, cb)
    t.eq(st, 201, "a negative record")
    old = (datetime.datetime.now(CST).date().replace(day=1) - datetime.timedelta(days=5 * 366 + 31)).isoformat()
    st, doc = s.post(f"{base}/{CODE}/feeds/negative", {
        "id": nid(), "source": "court", "as_of": today(-1), "kind": "overdue_debt", "reference": "old",
        "conduct_ended": old}, cb)
    t.eq((st, doc and doc["code"]), (422, "record_expired"), "a record past five-year retention is refused")
    st, doc = s.post(f"{base}/{CODE}/feeds/weather", {"id": nid()}, cb)
    t.eq(st, 404, "an unknown feed kind is 404")

    # ---- request shapes: the one request codec (api/schema.h) ------------------------------
    # The rules every route shares since the credit routes are decoded by their schemas:
    # an empty string is never a value (leave the field out), null is a wrong type, a missing
    # array is missing, an unknown key is refused, and the body is checked before the path.
    base_reg = {"id": nid(), "uscc": uscc("91440303MA5FC0DE2"), "name": "Shape Co", "industry": "I65",
                "registered_capital": "1.00", "founded": "2020-01-01"}
    st, doc = s.post(base, dict(base_reg, district=""), cb)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "an empty optional string is refused, not taken as absent")
    st, doc = s.post(base, dict(base_reg, district=None), cb)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "null is a value of the wrong type, not absence")
    st, doc = s.post(base, dict(base_reg, legal_representative={"id_number": ID_NUMBER, "email": "x"}), cb)
    t.eq((st, doc and doc["code"]), (400, "field_unknown"), "an unknown key inside legal_representative is refused")
    st, doc = s.post(base, dict(base_reg, founded="1969-12-31"), cb)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "a date before 1970 is refused")
    status, doc, _, _ = s.request("PUT", f"{base}/{CODE}", body={"id": nid(), "uscc": CODE, "name": "x", "industry": "I65",
                                                                  "registered_capital": "1.00", "founded": "2016-03-18"},
                                  token=cb)
    t.eq((status, doc and doc["code"]), (400, "field_unknown"), "an update names its code in the path only")
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": nid(), "source": "x", "as_of": today(-1)}, cb)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "a feed without its months is missing them")
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": nid(), "source": "x", "as_of": today(-1), "months": ["2024-01"]}, cb)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "a month row that is not an object is invalid")
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": nid(), "source": "x", "as_of": today(-1), "grade": "A",
                                                  "months": [{"month": month_text(1), "tax_paid": "1.00"}]}, cb)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "a tax grade needs its grade_year")
    st, doc = s.post(f"{base}/{uscc('91440309MA5FC0DE2')}/report", {}, bank1)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "the body is checked before the enterprise of the path")
    st, doc = s.post(f"{base}/{CODE}/authorizations", {"id": nid(), "purpose": "loan_approval",
                                                      "expires": today(30)}, ent)
    t.eq((st, doc and doc["code"]), (400, "field_missing"), "an authorization without its institution is missing it")
    st, doc = s.post(f"{base}/{CODE}/score", {"id": nid(), "purpose": "loan_approval", "product": ""}, bank1)
    t.eq((st, doc and doc["code"]), (400, "field_invalid"), "an empty product is refused, not taken as scorecard")

    # ---- cash flow from the ledger -----------------------------------------------
    for acct, owner in ((910001, ENT_OWNER), (910002, ENT_OWNER), (910003, 424242)):
        st, _ = s.post("/v1/accounts", {"id": str(acct), "currency": "CNY", "owner_id": str(owner),
                                        "tenant_id": "1"}, cb)
        t.eq(st, 201, f"ledger account {acct}")
    flows = [(1, 910003, 910001, "50000.00"), (2, 910001, 910003, "12000.00"), (3, 910001, 910002, "999.00"),
             (4, 910003, 910002, "8000.00")]
    for tid, debit, credit, amount in flows:
        st, _ = s.post("/v1/transfers", {"id": str(920000 + tid), "debit_account_id": str(debit),
                                         "credit_account_id": str(credit), "amount": amount, "currency": "CNY"}, cb)
        t.eq(st, 201, f"transfer {tid}")
    cash_id = nid()
    st, doc = s.post(f"{base}/{CODE}/cashflow", {"id": cash_id, "from": month_text(0), "to": month_text(0)}, cb)
    t.ok(st == 201 and doc["source"] == "ledger", "cash flow computed from the ledger and recorded", doc)

    # ---- consent, reports and the query log ---------------------------------------
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "loan_approval"}, bank1)
    t.eq((st, doc and doc["code"]), (403, "authorization_required"), "no authorization: no report")
    st, doc = s.post(f"{base}/{CODE}/authorizations", {"id": nid(), "institution": "1", "purpose": "loan_approval",
                                                       "expires": today(30)}, stranger)
    t.eq(st, 404, "another enterprise cannot authorize for it")
    auth_id = nid()
    st, doc = s.post(f"{base}/{CODE}/authorizations", {"id": auth_id, "institution": "1",
                                                       "purpose": "loan_approval", "expires": today(30)}, ent)
    t.ok(st == 201 and doc["valid"] and doc["purpose"] == "loan_approval", "the enterprise authorizes bank 1", doc)
    st, doc = s.post(f"{base}/{CODE}/authorizations", {"id": nid(), "institution": "1", "purpose": "loan_approval",
                                                       "expires": today(-1)}, ent)
    t.eq((st, doc and doc["code"]), (422, "expiry_invalid"), "an authorization must end in the future")
    report_id = nid()
    st, doc = s.post(f"{base}/{CODE}/report", {"id": report_id, "purpose": "loan_approval"}, bank1)
    t.eq(st, 201, "bank 1 gets the report")
    if doc and st == 201:
        t.eq(len(doc["tax"]["months"]), 12, "report: 12 months of tax")
        t.eq(doc["tax"]["grade"], "A", "report: tax credit grade")
        t.eq(len(doc["intellectual_property"]), 3, "report: IP items")
        t.eq(doc["innovation_points"]["points"], 780, "report: innovation points")
        t.eq([n["record_id"] for n in doc["negative_records"]], [neg_id], "report: the negative record")
        cash = doc["cash_flow"]
        t.eq((len(cash), cash and cash[0]["inflow"], cash and cash[0]["outflow"]), (1, "58000.00", "12000.00"),
             "report: ledger cash flow (own transfers left out)")
        t.eq(doc["enterprise"]["legal_representative"]["phone"], "138****5678", "report: personal data masked")
        t.eq(doc["sources"]["tax"]["source"], "shenzhen-tax", "report: the source of each feed")
        t.ok(doc["query"]["id"] == report_id and doc["query"]["institution"] == "1" and
             len(doc["query"]["returned"]["content_hash"]) == 32 and not doc["query"]["changed_since_query"],
             "report: the query log entry comes with it", doc.get("query"))
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "guarantee"}, bank1)
    t.eq((st, doc and doc["code"]), (403, "authorization_required"), "another purpose needs its own authorization")
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "loan_approval"}, bank2)
    t.eq((st, doc and doc["code"]), (403, "authorization_required"), "another bank needs its own authorization")
    st, doc = s.get(f"{base}/{CODE}/queries", ent)
    rows = doc["queries"] if doc else []
    t.ok(st == 200 and len(rows) == 1 and rows[0]["institution"] == "1" and rows[0]["purpose"] == "loan_approval"
         and rows[0]["kind"] == "report", "the enterprise sees who queried it", doc)
    st, doc = s.get(f"{base}/{CODE}/queries", bank1)
    t.eq(st, 403, "banks do not read the query log")
    st, doc = s.get(f"{base}/{CODE}/authorizations", bank2)
    t.eq((st, doc and len(doc["authorizations"])), (200, 0), "bank 2 sees none of bank 1's authorizations")

    # ---- models (CLI) and decisions -------------------------------------------------
    csv_path = os.path.join(work, "train.csv")
    model_path = os.path.join(work, "model.txt")
    training_csv(csv_path)
    rc, out, err = cli(["credit", "train", csv_path, "--target", "status", "--good", "good", "--out", model_path],
                       cb, s.port)
    t.ok(rc == 0 and os.path.getsize(model_path) > 3968, "train a model over domain features (several chunks)",
         err + out)
    st, doc = s.post(f"{base}/{CODE}/score", {"id": nid(), "purpose": "loan_approval"}, bank1)
    t.eq((st, doc and doc["code"]), (422, "model_not_active"), "no active model: no score")
    rc, out, err = cli(["credit", "model", "register", "tech-2024.1", model_path, "--json"], cb, s.port)
    t.ok(rc == 0 and '"loading"' in out, "the CLI uploads the model in chunks", err + out)
    rc, out, err = cli(["credit", "model", "register", "tech-2024.1", model_path, "--json"], cb, s.port)
    t.ok(rc == 0, "uploading again is idempotent", err + out)
    st, doc = s.post("/v1/credit/models/tech-2024.1/activate", {"id": nid(), "sha256": "00" * 32}, cb)
    t.eq((st, doc and doc["code"]), (422, "model_digest_mismatch"), "activation checks the SHA-256")
    rc, out, err = cli(["credit", "model", "activate", "tech-2024.1", model_path, "--json"], cb, s.port)
    t.ok(rc == 0 and '"active"' in out, "the CLI activates it", err + out)
    st, doc = s.get("/v1/credit/models", bank1)
    sha = hashlib.sha256(open(model_path, "rb").read()).hexdigest()
    t.ok(st == 200 and doc["active"] == "tech-2024.1" and doc["models"][0]["sha256"] == sha,
         "the active model and its digest are listed", doc)

    score_id = nid()
    st, doc = s.post(f"{base}/{CODE}/score", {"id": score_id, "purpose": "loan_approval"}, bank1)
    t.eq(st, 201, "a scorecard decision")
    if st == 201:
        t.ok(doc["model_version"] == "tech-2024.1" and doc["grade"] in
             ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"] and 300 < doc["score"] < 900,
             "decision: model version, score, grade", doc)
        t.ok(1 <= len(doc["reasons"]) <= 4 and all(r["points_lost"] > 0 for r in doc["reasons"]),
             "decision: up to four reason codes", doc["reasons"])
        t.eq(doc["inputs"]["negative_records"], 1, "decision: inputs recorded")
        t.eq(doc["inputs"]["tax_paid_12m_10k"], 24, "decision: 12 months of tax in 10k yuan")
        # completeness by hand: the characteristics scored whose input is null
        # are the missing ones; completeness = (scored - missing) / scored
        model_names = [ln.split()[1] for ln in open(model_path) if ln.startswith("characteristic ")
                       and ln.split()[3] == "1"]
        expect_missing = sorted(n for n in model_names if doc["inputs"].get(n) is None)
        t.eq(sorted(doc["missing"]), expect_missing, "decision: the missing characteristics are named")
        t.eq(doc["unseen"], [], "decision: no unseen label")
        # the default master scale: grade k holds PDs up to 0.25%, 0.5%, 1%, 2%, 5%, 10%, 20%, 100%
        bounds = [0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 1.0]
        want_grade = str(1 + next(i for i, b in enumerate(bounds) if doc["bad_probability"] <= b + 5e-5))
        t.ok(doc["pd_grade"] == want_grade or doc["pd_grade"] == str(int(want_grade) + 1),
             "decision: PD master-scale grade", (doc["pd_grade"], doc["bad_probability"]))
        want = (len(model_names) - len(expect_missing)) * 10000 // len(model_names) / 10000
        t.ok(abs(doc["completeness"] - want) < 1e-9 and doc["review"] == "automatic",
             "decision: data completeness recorded", (doc["completeness"], want))
    # monitoring: one decision this month; PSI by hand from the model's
    # training bands (PSI = sum (a - e) ln(a / e), shares floored at 1e-4)
    if st == 201:
        score = doc["score"]
        bands = [ln.split() for ln in open(model_path) if ln.startswith("band ")]
        uppers = [float("inf") if b[1] == "max" else int(b[1]) / 1000 for b in bands]
        shares = [int(b[2]) / 1e6 for b in bands]
        hit = next(i for i, u in enumerate(uppers) if score <= u)
        want = sum((max(a, 1e-4) - max(e, 1e-4)) * math.log(max(a, 1e-4) / max(e, 1e-4))
                   for a, e in zip([1.0 if i == hit else 0.0 for i in range(len(shares))], shares))
        st2, mon = s.get("/v1/credit/monitoring", cb)
        t.ok(st2 == 200 and len(mon["months"]) == 1 and mon["months"][0]["decisions"] == 1
             and abs(mon["months"][0]["psi"] - want) < 1e-9 and mon["months"][0]["state"] == "alert",
             "monitoring: score PSI of the month by hand, over 0.25 is an alert", (mon, want))
        t.ok(st2 == 200 and all(v["state"] in ("stable", "warning", "alert")
                                for v in mon["months"][0]["csi"].values()), "monitoring: CSI per characteristic")
        st2, _ = s.get("/v1/credit/monitoring", bank1)
        t.eq(st2, 403, "monitoring is for the platform, regulator and auditor")
        rc, out, err = cli(["credit", "monitor", "--json"], cb, s.port)
        t.ok(rc == 0 and '"psi"' in out, "szfin credit monitor", err + out)
    st, doc = s.get(f"/v1/credit/decisions/{score_id}", regulator)
    t.eq((st, doc and doc["id"]), (200, score_id), "a regulator reads the decision")
    st, doc = s.get(f"/v1/credit/decisions/{score_id}", bank2)
    t.eq(st, 404, "another bank does not see it")
    st, doc = s.post(f"{base}/{CODE}/score", {"id": nid(), "purpose": "loan_approval", "product": "tech"}, bank1)
    tech = doc.get("tech", {}) if doc else {}
    t.ok(st == 201 and 0 <= tech.get("index", -1) <= 100 and tech.get("ip_points") == 14 and
         tech.get("innovation_points") == 23 and tech["credit_limit"]["currency"] == "CNY",
         "tech-enterprise score: index, parts, grade and credit limit", doc)
    rc, out, err = cli(["credit", "decide", CODE, "--purpose", "loan_approval", "--product", "tech", "--json"],
                       bank1, s.port)
    t.ok(rc == 0 and '"tech"' in out, "the CLI asks for a score", err + out)
    rc, out, err = cli(["credit", "enterprise", "get", CODE, "--json"], bank1, s.port)
    t.ok(rc == 0 and CODE in out and ID_NUMBER not in out, "the CLI reads the registry (masked)", err + out)

    # ---- objections ----------------------------------------------------------------
    obj_id = nid()
    st, doc = s.post(f"{base}/{CODE}/objections", {"id": obj_id, "record_id": neg_id,
                                                   "reason": "the judgment was performed in full"}, ent)
    t.ok(st == 201 and doc["state"] == "open" and not doc["overdue"], "the enterprise disputes a record", doc)
    st, doc = s.post(f"{base}/{CODE}/objections", {"id": nid(), "record_id": neg_id, "reason": "again"}, ent)
    t.eq((st, doc and doc["code"]), (409, "objection_open"), "one open objection per record")
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "loan_approval"}, bank1)
    t.ok(st == 201 and doc["negative_records"][0]["disputed"], "the record is marked disputed at once")
    st, doc = s.get("/v1/credit/objections?state=open", cb)
    t.ok(st == 200 and [o["id"] for o in doc["objections"]] == [obj_id], "open objections are listed", doc)
    st, doc = s.get("/v1/credit/objections?state=overdue", regulator)
    t.eq((st, doc and doc["objections"]), (200, []), "none is overdue yet (20 days)")
    status, doc, _, _ = s.request("POST", f"/v1/credit/objections/{obj_id}/resolve",
                                  body={"id": nid(), "outcome": "corrected", "reply": "court confirms performance"},
                                  token=cb)
    t.ok(status == 201 and doc["state"] == "corrected" and doc["reply"] == "court confirms performance",
         "the platform corrects the record with a reply", doc)
    st, doc = s.get(f"/v1/credit/objections/{obj_id}", ent)
    t.eq((st, doc and doc["state"]), (200, "corrected"), "the enterprise reads the reply")
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "loan_approval"}, bank1)
    t.ok(st == 201 and doc["negative_records"] == [], "the corrected record is gone from reports")

    # ---- watch and early warning -------------------------------------------------------
    st, doc = s.post(f"{base}/{CODE}/watch", {"id": nid()}, bank2)
    t.eq((st, doc and doc["code"]), (403, "authorization_required"), "watching needs an authorization")
    st, doc = s.post(f"{base}/{CODE}/watch", {"id": nid()}, bank1)
    t.eq(st, 201, "bank 1 watches the enterprise")
    drop_id = nid()
    st, doc = s.post(f"{base}/{CODE}/feeds/tax", {"id": drop_id, "source": "shenzhen-tax", "as_of": today(-1),
                                                  "months": [{"month": month_text(k), "tax_paid": "5000.00"}
                                                             for k in (3, 2, 1)]}, cb)
    t.eq(st, 201, "a tax feed with a sharp drop")
    st, doc = s.post(f"{base}/{CODE}/feeds/negative", {
        "id": nid(), "source": "court", "as_of": today(-1), "kind": "overdue_debt", "reference": "loan 88",
        "amount": "30000.00", "conduct_ended": today(-10)}, cb)
    t.eq(st, 201, "a new negative record")
    st, doc = s.get("/v1/credit/warnings", bank1)
    kinds = sorted(w["kind"] for w in doc["warnings"]) if doc else []
    t.ok(st == 200 and kinds == ["negative_record", "tax_drop"], "bank 1 sees the warnings", doc)
    tax_warning = [w for w in doc["warnings"] if w["kind"] == "tax_drop"] if doc else []
    t.ok(tax_warning and tax_warning[0]["before"] == "60000.00" and tax_warning[0]["now"] == "15000.00" and
         tax_warning[0]["record_id"] == drop_id, "the tax warning shows the figures and the feed", tax_warning)
    st, doc = s.get("/v1/credit/warnings", bank2)
    t.eq((st, doc and doc["warnings"]), (200, []), "bank 2 without authorization sees none")

    # ---- revocation ---------------------------------------------------------------------
    st, doc = s.post(f"/v1/credit/authorizations/{auth_id}/revoke", {"id": nid()}, stranger)
    t.eq(st, 404, "another enterprise cannot revoke it")
    st, doc = s.post(f"/v1/credit/authorizations/{auth_id}/revoke", {"id": nid()}, ent)
    t.ok(st == 201 and doc["revoked_at_ns"] is not None and not doc["valid"], "the enterprise revokes", doc)
    st, doc = s.post(f"{base}/{CODE}/report", {"id": nid(), "purpose": "loan_approval"}, bank1)
    t.eq((st, doc and doc["code"]), (403, "authorization_required"), "revoked: no more reports")
    st, doc = s.get("/v1/credit/warnings", bank1)
    t.eq((st, doc and doc["warnings"]), (200, []), "revoked: no more warnings for bank 1")
    st, doc = s.get("/v1/credit/purges", regulator)
    t.eq((st, doc and doc["purges"]), (200, []), "the purge log is readable (empty: nothing is 5 years old)")

    # ---- personal data never at rest in clear ---------------------------------------------
    found = []
    for root, _, files in os.walk(s.data_dir):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            if ID_NUMBER.encode() in data or PHONE.encode() in data:
                found.append(name)
    t.eq(found, [], "no log segment or other file holds the ID number or phone in clear")
    t.ok(ID_NUMBER not in s.log_tail(100000) and PHONE not in s.log_tail(100000), "no log line holds them")

    # ---- restart: the state is the same ------------------------------------------------------
    st, before_queries = s.get(f"{base}/{CODE}/queries?limit=1000", A)
    st, before_models = s.get("/v1/credit/models", A)
    rc = s.stop()
    t.eq(rc, 0, "clean shutdown")
    s.start()
    st, after_queries = s.get(f"{base}/{CODE}/queries?limit=1000", A)
    st2, after_models = s.get("/v1/credit/models", A)
    t.ok(st == 200 and after_queries == before_queries and len(after_queries["queries"]) == 6,
         "after restart: the same query log", (before_queries, after_queries))
    t.eq(after_models, before_models, "after restart: the same models")
    st, doc = s.get(f"{base}/{CODE}/personal", A)
    t.eq((st, doc and doc.get("phone")), (200, PHONE), "after restart: personal data still opens")
    st, doc = s.get(f"/v1/credit/decisions/{score_id}", A)
    t.eq((st, doc and doc["model_version"]), (200, "tech-2024.1"), "after restart: the decision is kept")
finally:
    s.stop()
    s.cleanup()
t.done()

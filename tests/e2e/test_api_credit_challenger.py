#!/usr/bin/env python3
"""test_api_credit_challenger.py — champion/challenger through the real server:
szfin-credit-boost trains a scorecard and its boosted challenger (libxgboost,
integer-quantised trees) into one model file; the CLI registers and activates
it; a score decision is decided by the champion scorecard and records the
challenger in shadow (GET /v1/credit/decisions/{id} shows both), across a
restart. The challenger's score and reason codes are recomputed here by an
independent walk of the model file's trees in Python from the decision's
recorded inputs; the champion's score must equal that of the same card
trained by `szfin credit train` without a challenger. Python 3 standard
library only."""
import datetime
import os
import random
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, Server, Tap  # noqa: E402

BOOST = os.path.join(os.path.dirname(BIN), "szfin-credit-boost")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CST = datetime.timezone(datetime.timedelta(hours=8))
next_id = [5000]


def nid():
    next_id[0] += 1
    return str(next_id[0])


def uscc(body17):
    """A valid code from a 17-character body whose 17th is replaced by the
    GB 11714-1997 check of the organization code (characters 9-16, weights
    3 7 9 10 5 8 4 2, 11 - sum mod 11, 10 is 'X', 11 is '0'); the 18th is the
    GB 32100-2015 check of the first 17 (weights 3^i mod 31)."""
    org = sum((int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10) * w
              for ch, w in zip(body17[8:16], (3, 7, 9, 10, 5, 8, 4, 2)))
    body17 = body17[:16] + {10: "X", 11: "0"}.get(11 - org % 11, str(11 - org % 11))
    total = sum(ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body17))
    return body17 + ALPHABET[(31 - total % 31) % 31]


def month_text(k):
    now = datetime.datetime.now(CST)
    m = now.year * 12 + now.month - 1 - k
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def today(days=0):
    return (datetime.datetime.now(CST).date() + datetime.timedelta(days=days)).isoformat()


def training_csv(path):
    rng = random.Random(20240602)
    grades = ["A", "B", "M", "C", "D"]
    with open(path, "w") as f:
        f.write("status,tax_paid_12m_10k,headcount,negative_records,tax_grade,innovation_points\n")
        for _ in range(2000):
            tax = rng.randint(0, 300)
            heads = rng.randint(5, 400)
            neg = rng.choice([0, 0, 0, 1, 2, 3])
            g = rng.randint(0, 4)
            pts = rng.randint(0, 1000)
            logit = 1.5 - 1.0 * neg + 0.01 * tax + 0.003 * heads - 0.45 * g + 0.0015 * pts
            good = rng.random() < 1 / (1 + 2.718281828 ** -logit)
            f.write(f"{'good' if good else 'bad'},{tax},{heads},{neg},{grades[g]},{pts}\n")


def auc(scores, goods):
    """Mann-Whitney: the share of (good, bad) pairs the score orders right, ties half."""
    pairs = [(g, b) for g, gg in zip(scores, goods) if gg for b, bg in zip(scores, goods) if not bg]
    return sum(1.0 if g > b else 0.5 if g == b else 0.0 for g, b in pairs) / len(pairs)


def enterprise(s, cb, owner, body17, tax, heads, negatives):
    """Registers an enterprise with its feeds and an authorization for bank 1."""
    code = uscc(body17)
    tok = s.token("merchant", tenant=1, owner=owner, name=f"ent{owner}")
    st, _ = s.post("/v1/credit/enterprises", {"id": nid(), "uscc": code, "name": f"Co {owner}", "industry": "C3973",
                                              "registered_capital": "800000.00", "founded": "2017-04-02",
                                              "owner_id": str(owner)}, cb)
    ok = st == 201
    st, _ = s.post(f"/v1/credit/enterprises/{code}/feeds/tax", {
        "id": nid(), "source": "tax", "as_of": today(-1), "grade": "M", "grade_year": 2023,
        "months": [{"month": month_text(k), "tax_paid": tax} for k in range(12, 0, -1)]}, cb)
    ok = ok and st == 201
    st, _ = s.post(f"/v1/credit/enterprises/{code}/feeds/headcount", {
        "id": nid(), "source": "ss", "as_of": today(-1),
        "months": [{"month": month_text(k), "headcount": heads} for k in range(6, 0, -1)]}, cb)
    ok = ok and st == 201
    for n in range(negatives):
        st, _ = s.post(f"/v1/credit/enterprises/{code}/feeds/negative", {
            "id": nid(), "source": "court", "as_of": today(-1), "kind": "court_judgment", "reference": f"r{n}",
            "amount": "1000.00", "conduct_ended": "2024-03-01"}, cb)
        ok = ok and st == 201
    st, _ = s.post(f"/v1/credit/enterprises/{code}/authorizations", {
        "id": nid(), "institution": "1", "purpose": "loan_approval", "expires": today(30)}, tok)
    return code if ok and st == 201 else None


def run(args, token=None, port=None):
    env = dict(os.environ)
    if port is not None:
        env.update(SZFIN_URL=f"http://127.0.0.1:{port}", SZFIN_TOKEN=token)
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def read_model(path):
    """The characteristics (name, kind, selected, bins' WoE, label -> bin)
    and the challenger's trees, from the model file's text (model_io.c)."""
    chars, trees, base = [], [], None
    for line in open(path):
        f = line.split()
        if f[0] == "characteristic":
            chars.append({"name": f[1], "kind": f[2], "selected": f[3] == "1", "bins": [], "levels": {}})
        elif f[0] == "bin":
            chars[-1]["bins"].append((f[1], int(f[5])))
        elif f[0] == "level":
            chars[-1]["levels"][urllib.parse.unquote(f[2])] = int(f[1])
        elif f[0] == "challenger":
            base = int(f[2])
        elif f[0] == "tree":
            trees.append([])
        elif f[0] == "split":
            trees[-1].append(("split", int(f[1]), int(f[2]), int(f[3]), int(f[4]), f[5] == "yes", int(f[6])))
        elif f[0] == "leaf":
            trees[-1].append(("leaf", int(f[1])))
    return chars, trees, base


def feature(c, value):
    """The fixed-point feature (boost.h): value x 10,000, or the WoE of the
    label's bin; None when missing."""
    if c["kind"] == "numeric":
        return None if value is None else round(value * 10000)
    kinds = [k for k, _ in c["bins"]]
    if value is None or value.strip() == "":
        return None
    b = c["levels"].get(" ".join(value.split()).lower())
    if b is None:
        b = kinds.index("other")
    return c["bins"][b][1]


def walk(chars, trees, base, inputs):
    x = [feature(c, inputs.get(c["name"])) if c["selected"] else None for c in chars]
    score, contrib = base, [0] * len(chars)
    for tree in trees:
        k = 0
        while tree[k][0] == "split":
            _, ch, thr, yes, no, miss_yes, value = tree[k]
            go = miss_yes if x[ch] is None else x[ch] < thr
            nxt = yes if go else no
            contrib[ch] += tree[nxt][-1] - value
            k = nxt
        score += tree[k][1]
    lost = sorted(((-v, i) for i, v in enumerate(contrib) if v < 0), key=lambda p: (-p[0], p[1]))[:4]
    return score, [(chars[i]["name"], v) for v, i in lost]


t = Tap()
s = Server().start()
work = tempfile.mkdtemp(prefix="szfin-credit-challenger-")
try:
    cb = s.token("central_bank", name="platform")
    bank = s.token("operator", tenant=1, name="bank1")
    OWNER = 710001
    ent = s.token("merchant", tenant=1, owner=OWNER, name="enterprise")
    CODE = uscc("91440300MA5FC1AB1")
    base = "/v1/credit/enterprises"
    st, _ = s.post(base, {"id": nid(), "uscc": CODE, "name": "Challenger Co", "industry": "C3973",
                          "registered_capital": "800000.00", "founded": "2017-04-02", "owner_id": str(OWNER)}, cb)
    t.eq(st, 201, "register an enterprise")
    st, _ = s.post(f"{base}/{CODE}/feeds/tax", {
        "id": nid(), "source": "tax", "as_of": today(-1), "grade": "M", "grade_year": 2023,
        "months": [{"month": month_text(k), "tax_paid": "3500.00"} for k in range(12, 0, -1)]}, cb)
    t.eq(st, 201, "tax feed")
    st, _ = s.post(f"{base}/{CODE}/feeds/headcount", {
        "id": nid(), "source": "ss", "as_of": today(-1),
        "months": [{"month": month_text(k), "headcount": 40} for k in range(6, 0, -1)]}, cb)
    t.eq(st, 201, "headcount feed")
    st, _ = s.post(f"{base}/{CODE}/feeds/negative", {
        "id": nid(), "source": "court", "as_of": today(-1), "kind": "court_judgment", "reference": "r1",
        "amount": "1000.00", "conduct_ended": "2024-03-01"}, cb)
    t.eq(st, 201, "a negative record")
    st, _ = s.post(f"{base}/{CODE}/authorizations", {"id": nid(), "institution": "1", "purpose": "loan_approval",
                                                     "expires": today(30)}, ent)
    t.eq(st, 201, "authorization")

    csv_path = os.path.join(work, "train.csv")
    training_csv(csv_path)
    boosted = os.path.join(work, "boosted.model")
    plain = os.path.join(work, "plain.model")
    rc, out, err = run([BOOST, "train", csv_path, "--target", "status", "--out", boosted, "--rounds", "60"])
    t.ok(rc == 0 and "challenger: 60 integer trees" in out, "szfin-credit-boost trains champion and challenger",
         err + out[-400:])
    rc, out, err = run([BOOST, "--help"])
    t.ok(rc == 0 and "--rounds N" in out, "szfin-credit-boost --help exits 0 with its options", err)
    rc, out, err = run([BOOST, "train", csv_path, "--target", "status", "--depth", "9"])
    t.ok(rc == 2 and "--depth" in err, "an out-of-range challenger option is a usage error", err)
    rc, out, err = run([BIN, "credit", "train", csv_path, "--target", "status", "--out", plain])
    t.eq(rc, 0, "the same card without a challenger")
    head = open(boosted).readline().strip()
    t.eq(head, "szfin-scorecard 4", "a model with a challenger is format 4")
    t.eq(open(plain).readline().strip(), "szfin-scorecard 3", "one without stays format 3")

    rc, out, err = run([BIN, "credit", "model", "register", "champion-1", boosted, "--json"], cb, s.port)
    t.ok(rc == 0, "the CLI uploads the model with its challenger", err + out)
    rc, out, err = run([BIN, "credit", "model", "activate", "champion-1", boosted, "--json"], cb, s.port)
    t.ok(rc == 0 and '"active"' in out, "the CLI registers and activates the model with its challenger", err + out)
    score_id = nid()
    st, doc = s.post(f"{base}/{CODE}/score", {"id": score_id, "purpose": "loan_approval"}, bank)
    t.eq(st, 201, "a decision")
    chars, trees, tree_base = read_model(boosted)
    ch = doc.get("challenger") if doc else None
    t.ok(ch is not None and ch["role"] == "shadow" and ch["kind"] == "boosted_trees",
         "the decision records the challenger in shadow", doc)
    if ch is not None:
        want_score, want_reasons = walk(chars, trees, tree_base, doc["inputs"])
        t.eq(round(ch["score"] * 1000), want_score, "challenger score = base + leaves reached (walked here)")
        t.eq([(r["code"], round(r["points_lost"] * 1000)) for r in ch["reasons"]], want_reasons,
             "challenger reasons = the most negative path contributions (walked here)")
        t.ok(ch["grade"] in ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"] and 0 < ch["bad_probability"] < 1,
             "challenger grade and bad probability", ch)
    # ---- outcomes and the champion/challenger report ----------------------------------
    decisions = [doc] if doc else []
    for owner, body, tax, heads, neg in ((710002, "91440300MA5FC1B20", "200.00", 8, 3),
                                         (710003, "91440300MA5FC1B30", "90000.00", 300, 0),
                                         (710004, "91440300MA5FC1B40", "1500.00", 20, 2)):
        code = enterprise(s, cb, owner, body, tax, heads, neg)
        st, d = s.post(f"{base}/{code}/score", {"id": nid(), "purpose": "loan_approval"}, bank)
        t.ok(code is not None and st == 201 and "challenger" in d, f"decision for enterprise {owner}", d)
        if st == 201:
            decisions.append(d)
    outcomes = ["good", "bad", "good", "bad"][:len(decisions)]
    for d, outcome in zip(decisions, outcomes):
        st, o = s.post(f"/v1/credit/decisions/{d['id']}/outcome", {"id": nid(), "outcome": outcome}, bank)
        t.ok(st == 201 and o["outcome"] == outcome, f"outcome {outcome} recorded by the deciding bank", o)
    first = decisions[0]["id"] if decisions else "1"
    st, o = s.post(f"/v1/credit/decisions/{first}/outcome", {"id": nid(), "outcome": "bad"}, bank)
    t.eq((st, o and o["code"]), (409, "outcome_recorded"), "another outcome for the same decision is refused")
    bank2 = s.token("operator", tenant=2, name="bank2")
    st, o = s.post(f"/v1/credit/decisions/{first}/outcome", {"id": nid(), "outcome": "good"}, bank2)
    t.eq((st, o and o["code"]), (404, "decision_not_found"), "another bank cannot record it")
    st, o = s.post("/v1/credit/decisions/987654321/outcome", {"id": nid(), "outcome": "good"}, bank)
    t.eq((st, o and o["code"]), (404, "decision_not_found"), "an unknown decision")
    st, o = s.post(f"/v1/credit/decisions/{first}/outcome", {"id": nid(), "outcome": "defaulted"}, bank)
    t.eq((st, o and o["code"]), (400, "field_invalid"), "an outcome other than good or bad")
    rc, out, err = run([BIN, "credit", "decide", "--help"])
    t.ok(rc == 0 and out.startswith("usage:") and "--purpose" in out, "szfin credit decide --help exits 0", err)
    rc, out, err = run([BIN, "credit", "challenger", "--modle", "champion-1"], cb, s.port)
    t.ok(rc == 2 and "did you mean --model?" in err, "a misspelt client option suggests the right one", err)
    rc, out, err = run([BIN, "credit", "challenger", "--json"], cb, s.port)
    t.ok(rc == 0 and '"with_outcome"' in out, "szfin credit challenger prints the report", err + out)
    st, rep = s.get("/v1/credit/challenger?model=champion-1", cb)
    t.ok(st == 200 and rep["decisions"] == len(decisions) and rep["with_outcome"] == len(decisions) and
         rep["goods"] == 2 and rep["bads"] == 2, "report: decisions and outcomes counted", rep)
    if st == 200 and len(decisions) == 4:
        goods = [o == "good" for o in outcomes]
        want_champion = auc([d["score"] for d in decisions], goods)
        want_challenger = auc([d["challenger"]["score"] for d in decisions], goods)
        t.ok(abs(rep["champion"]["auc"] - want_champion) < 1e-4 and
             abs(rep["challenger"]["auc"] - want_challenger) < 1e-4 and
             abs(rep["difference"]["auc"] - (want_challenger - want_champion)) < 2e-4,
             "report: AUC of each on the decisions with outcomes (pairs counted here)",
             (rep["champion"], rep["challenger"], want_champion, want_challenger))
        inv = ["AAA", "AA", "A", "BBB"]
        want_appr = [sum(d["grade"] in inv for d in decisions) / 4, sum(d["challenger"]["grade"] in inv for d in decisions) / 4]
        t.ok(abs(rep["champion"]["approval_rate"] - want_appr[0]) < 1e-4 and
             abs(rep["challenger"]["approval_rate"] - want_appr[1]) < 1e-4,
             "report: approval rates (grade BBB or better)", (rep, want_appr))
        agree = sum((d["grade"] in inv) == (d["challenger"]["grade"] in inv) for d in decisions) / 4
        diff = sum(d["challenger"]["score"] - d["score"] for d in decisions) / 4
        t.ok(abs(rep["agreement"] - agree) < 1e-4 and abs(rep["mean_score_difference"] - diff) < 1e-3,
             "report: agreement and mean score difference", (rep["agreement"], agree, rep["mean_score_difference"], diff))
    st, rep = s.get("/v1/credit/challenger", bank)
    t.eq(st, 403, "banks do not read the report")

    # The champion decides exactly as the same card without a challenger.
    rc, out, err = run([BIN, "credit", "model", "register", "plain-1", plain, "--json"], cb, s.port)
    rc, out, err = run([BIN, "credit", "model", "activate", "plain-1", plain, "--json"], cb, s.port)
    t.eq(rc, 0, "activate the plain card")
    st, plain_doc = s.post(f"{base}/{CODE}/score", {"id": nid(), "purpose": "loan_approval"}, bank)
    t.ok(st == 201 and "challenger" not in plain_doc, "no challenger, no shadow score", plain_doc)
    st, rep = s.get("/v1/credit/challenger", cb)
    t.eq(st, 404, "the report of a model without a challenger is 404")
    if doc and plain_doc:
        t.eq((plain_doc["score"], plain_doc["grade"], plain_doc["reasons"]), (doc["score"], doc["grade"], doc["reasons"]),
             "the champion's decision is the plain card's")
    st, before = s.get(f"/v1/credit/decisions/{score_id}", cb)
    t.eq((st, before and before.get("challenger")), (200, ch), "GET shows both champion and challenger")
    rc = s.stop()
    t.eq(rc, 0, "clean shutdown")
    s.start()
    st, after = s.get(f"/v1/credit/decisions/{score_id}", cb)
    t.eq((st, after), (200, before), "after restart: the same decision with its shadow score")
finally:
    s.stop()
    s.cleanup()
t.done()

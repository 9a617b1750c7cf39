#!/usr/bin/env python3
"""test_cli_credit_model.py — the offline `szfin credit train|validate|cv|score`
tools as a model-validation team uses them (issue 13): help prints usage
only, the train report names excluded protected attributes and overrides,
a blank bad characteristic never raises a score, "Radio/TV" scores as
"radio/tv", a negative amount is refused by the scorer, a non-numeric field
names its row, and validate reports per-group AUC and adverse impact.

Data: tests/data/credit/credit_sample.csv (297 rows of R's credit_data)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from api_harness import BIN, ROOT, Tap  # noqa: E402

SAMPLE = os.path.join(ROOT, "tests", "data", "credit", "credit_sample.csv")
t = Tap()
work = tempfile.mkdtemp(prefix="szfin-credit-model-")


def credit(*args):
    p = subprocess.run([BIN, "credit"] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


# --help prints the usage only, on stdout, exit 0 (it printed
# "option needs a value: --help" first).
for cmd in ("train", "validate", "cv"):
    rc, out, err = credit(cmd, "--help")
    t.eq(rc, 0, f"credit {cmd} --help exits 0")
    t.ok(out.startswith("usage:") and err == "", f"credit {cmd} --help prints usage only", err[:80])

# The option table (cli/args.h): a misspelt option gets a suggestion, a bad
# value names its option, --name=VALUE works.
rc, out, err = credit("train", SAMPLE, "--targt", "Status")
t.ok(rc == 2 and "did you mean --target?" in err, "a misspelt option suggests the right one", err[:200])
rc, out, err = credit("cv", SAMPLE, "--target", "Status", "--folds", "many")
t.ok(rc == 2 and "--folds needs a count, not many" in err, "a bad count names its option", err[:200])
rc, out, err = credit("train", SAMPLE, "--target=Status", "--lambda", "ten")
t.ok(rc == 2 and "--lambda needs a number, not ten" in err, "a bad number names its option", err[:200])

model = os.path.join(work, "m.model")
rc, out, err = credit("train", SAMPLE, "--target", "Status", "--out", model)
t.eq(rc, 0, "train on the sample")
t.ok("excluded: Age" in out and "excluded: Marital" in out, "Age and Marital excluded by default", out[-400:])
t.ok("negative coefficients: dropped and refit" in out, "the report says negative coefficients are dropped")
rc, out, err = credit("train", SAMPLE, "--target", "Status", "--allow-protected", "Marital",
                      "--out", os.path.join(work, "m2.model"))
t.ok(rc == 0 and "OVERRIDE: Marital is a protected attribute" in out, "override printed", out[-400:])

# Rows: the first data row of the sample, then the same with a blank Records
# (the worst characteristic of the card), then Home spelt "Rent" and
# full-width "ｒｅｎｔ", then a negative Amount.
with open(SAMPLE) as f:
    header = f.readline().strip()
    first = f.readline().strip()
cols = header.replace('"', "").split(",")
vals = first.split(",")


def row(**change):
    v = list(vals)
    for k, x in change.items():
        v[cols.index(k)] = x
    return ",".join(v)


rows = [row(Records='"yes"'), row(Records=""), row(Home='"rent"'), row(Home='"Rent"'),
        row(Home='" ｒｅｎｔ "'), row(Amount="-500")]
data = os.path.join(work, "rows.csv")
with open(data, "w") as f:
    f.write(header + "\n" + "\n".join(rows) + "\n")
rc, out, err = credit("score", model, data)
head = out.strip().split("\n")[0].split(",")
lines = [x.split(",") for x in out.strip().split("\n")[1:]]
scores = {int(x[0]): float(x[1]) for x in lines}
t.ok(1 in scores and 2 in scores and scores[2] <= scores[1],
     "a blank Records scores no better than Records = yes", str(scores))
t.ok(lines[1][head.index("missing")] == "Records" if len(lines) > 1 else False, "the decision names the missing characteristic",
     str(lines[1:2]))
t.ok(scores.get(3) == scores.get(4) == scores.get(5), "rent, Rent and full-width rent score alike", str(scores))
t.ok(6 not in scores and "row 6: Amount = -500 is outside its declared range" in err,
     "a negative amount is refused, naming the row", err)
t.ok(rc != 0, "score exits non-zero when it refused a row")

bad = os.path.join(work, "bad.csv")
with open(bad, "w") as f:
    f.write(header + "\n" + first + "\n" + row(Amount="lots") + "\n")
rc, out, err = credit("score", model, bad)
t.ok(rc != 0 and "row 2 (line 3): 'lots' in column 'Amount' is not a number" in err,
     "a non-numeric field names its row", err)

rc, out, err = credit("validate", model, SAMPLE, "--sensitive", "Marital,Age")
t.eq(rc, 0, "validate with sensitive columns")
t.ok("fairness by sensitive attribute" in out and "impact ratio" in out and "married" in out,
     "per-group AUC and adverse-impact ratio shown for an excluded column", out[-600:])
t.ok("data completeness" in out, "validate reports data completeness")

rc, out, err = credit("cv", SAMPLE, "--target", "Status", "--iv-min", "99")
t.ok(rc != 0 and "every fold failed" in err, "cv names the fold error when every fold fails", err)
# Calibration: Hosmer-Lemeshow and the PD master scale with a binomial test per grade.
rc, out, err = credit("validate", model, SAMPLE, "--master-scale", "low:0.05,mid:0.2,high:1")
t.ok(rc == 0 and "Hosmer-Lemeshow over the deciles" in out and "PD master scale" in out
     and "\n  low " in out and "\n  high " in out, "validate: HL and the configured master scale", out[-900:])
rc, out, err = credit("validate", model, SAMPLE, "--master-scale", "low:0.5,high:0.2")
t.ok(rc != 0 and "master scale" in err, "a master scale whose PDs do not rise is refused", err)

# Out of time: 12 months of 100 rows each; from 2023-10 on is 3 x 100 = 300
# rows out of time, 900 in time; the month column is never a characteristic.
oot = os.path.join(work, "oot.csv")
with open(oot, "w") as f:
    f.write("y,month,x\n")
    for i in range(1200):
        x = (i * 37) % 1000
        good = (i * 7919) % 1000 < 300 + 600 * x // 1000
        f.write(f"{'good' if good else 'bad'},2023-{1 + i % 12:02d},{x}\n")
rc, out, err = credit("cv", oot, "--target", "y", "--time-column", "month", "--oot-from", "2023-10")
t.ok(rc == 0 and "(900 rows" in out and "the 300 rows from it" in out and "out of time " in out
     and "Hosmer-Lemeshow out of time" in out, "cv: out-of-time split by month", out + err)
folds = out.split("selected\n")[-1].split("AUC mean")[0].strip().split("\n")
t.ok(len(folds) == 5 and all(ln.split()[-1] == "1" for ln in folds),
     "cv: only x is selected (the time column is ignored)", out)
rc, out, err = credit("cv", oot, "--target", "y", "--time-column", "month")
t.ok(rc == 2, "--time-column needs --oot-from", err)
# The tech-enterprise score on the shipped synthetic set: its generative
# model (make_tech_enterprises.py) raises the good odds with the tech-flow
# index, so adding the index to a scorecard without those characteristics
# must rank better.
TECH = os.path.join(ROOT, "tests", "data", "credit", "tech_enterprises.csv")
tech_model = os.path.join(work, "tech.model")
rc, out, err = credit("train", TECH, "--target", "status", "--ignore",
                      "month,invention_patents,ip_total,innovation_points,headcount_growth_pct,tax_growth_pct",
                      "--out", tech_model)
t.eq(rc, 0, "train the scorecard of the tech product")


def auc_of(text):
    return float(text.split("  AUC ")[1].split()[0])


rc1, card, _ = credit("validate", tech_model, TECH)
rc2, tech, err = credit("validate", tech_model, TECH, "--product", "tech")
t.ok(rc1 == 0 and rc2 == 0 and "(tech-enterprise score)" in tech and "PD master scale" in tech
     and "Hosmer-Lemeshow" in tech, "validate --product tech gives the full report", err)
t.ok(rc1 == 0 and rc2 == 0 and auc_of(tech) > auc_of(card) + 0.02,
     "the tech-enterprise score ranks better than the scorecard alone", (auc_of(card), auc_of(tech)))
t.done()

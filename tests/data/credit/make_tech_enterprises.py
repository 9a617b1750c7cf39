#!/usr/bin/env python3
"""Writes tech_enterprises.csv: a labelled synthetic population of small
tech enterprises over the characteristics the credit domain computes
(docs/credit.md), for validating the tech-enterprise score.

Generative story (all draws from Python's random with seed 20240613):
  age_years ~ U(0.5, 20), headcount ~ 5 + Pareto, industry_section in
  C, I, M, F; tax_paid_12m_10k ~ lognormal scaled by headcount; tax_grade
  A/B/M/C/D with A and B likelier for older firms; negative_records ~
  Poisson-ish 0-3; cash_inflow_12m_10k = tax x U(3, 40); invention_patents
  0-8 and ip_total = inventions + 0-6 others; innovation_points 0-1000;
  headcount_growth_pct and tax_growth_pct in -40..60 (one decimal);
  month 2023-01..2023-12 (for out-of-time checks).
  ln odds good = 1.2 + 0.08 age - 0.9 negatives - 0.45 grade index
               + 0.004 tax + 0.035 (tech index - 50)
  where the tech index is the domain's (credit_tech_index_of), so the tech
  score should rank better than the scorecard alone on this set.
About 10% of the tax and headcount figures are left blank (thin files).
Run: python3 tests/data/credit/make_tech_enterprises.py (Debian's python3)."""
import math
import os
import random

rng = random.Random(20240613)
GRADES = ["A", "B", "M", "C", "D"]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tech_enterprises.csv")


def tech_index(inv, ip, pts, hg, tg):
    ip_points = min(30, 6 * inv + 2 * max(0, ip - inv))
    growth = lambda g: 0 if g is None or g <= 0 else min(20, int(math.floor(g)))
    return ip_points + pts * 30 // 1000 + growth(hg) + growth(tg)


with open(out, "w") as f:
    f.write("status,age_years,headcount,headcount_growth_pct,industry_section,tax_paid_12m_10k,"
            "tax_growth_pct,tax_grade,negative_records,cash_inflow_12m_10k,invention_patents,ip_total,"
            "innovation_points,month\n")
    for i in range(3000):
        age = round(rng.uniform(0.5, 20.0), 1)
        heads = 5 + int(rng.paretovariate(1.5) * 10)
        section = rng.choice("CIMF")
        tax = round(math.exp(rng.gauss(1.0, 0.8)) * heads / 10.0, 1)
        g = min(4, max(0, int(rng.gauss(2.2 - age / 10.0, 1.1))))
        neg = min(3, int(rng.expovariate(2.0)))
        inflow = round(tax * rng.uniform(3, 40), 1)
        inv = rng.randint(0, 8) if rng.random() < 0.6 else 0
        ip = inv + rng.randint(0, 6)
        pts = rng.randint(0, 1000)
        hg = round(rng.uniform(-40, 60), 1)
        tg = round(rng.uniform(-40, 60), 1)
        thin = rng.random() < 0.1
        index = tech_index(inv, ip, pts, None if thin else hg, None if thin else tg)
        logit = 1.2 + 0.08 * age - 0.9 * neg - 0.45 * g + 0.004 * min(tax, 500) + 0.035 * (index - 50)
        good = rng.random() < 1.0 / (1.0 + math.exp(-logit))
        cell = (lambda v: "" if thin else f"{v}")
        f.write(f"{'good' if good else 'bad'},{age},{heads},{cell(hg)},{section},{cell(tax)},{cell(tg)},"
                f"{GRADES[g]},{neg},{inflow},{inv},{ip},{pts},2023-{1 + i % 12:02d}\n")

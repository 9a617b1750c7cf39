#!/usr/bin/python3
"""Golden coefficients for tests/unit/test_credit_logit.c (run once, by hand).

Input: credit_sample_design.csv, the WoE design matrix that szfin's trainer
exports (y = 1 good, then one WoE column per selected characteristic).
Output:
  credit_sample_coefficients.csv        lambda = 0: statsmodels Logit, Newton,
                                        tol 1e-14 (maximum likelihood)
  credit_sample_coefficients_ridge.csv  lambda = 10, intercept not penalised:
                                        numpy Newton solve with LAPACK, run to a
                                        step < 1e-15 (statsmodels has no exact
                                        L2 logit: its elastic_net with L1_wt=0
                                        stops ~1e-4 away from the optimum)
Needs Debian's python3-statsmodels; run with /usr/bin/python3.
"""
import sys

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

here = sys.argv[1] if len(sys.argv) > 1 else "tests/data/credit"
d = pd.read_csv(f"{here}/credit_sample_design.csv")
y = d["y"].values.astype(float)
X = sm.add_constant(d.drop(columns=["y"]), prepend=True)
names = ["(intercept)"] + list(X.columns[1:])

fit = sm.Logit(y, X).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
assert fit.mle_retvals["converged"]
with open(f"{here}/credit_sample_coefficients.csv", "w") as f:
    f.write("term,coefficient\n")
    for name, value in zip(names, fit.params.values):
        f.write(f"{name},{value:.17g}\n")

lam = 10.0
Xv = X.values
b = np.zeros(Xv.shape[1])
for _ in range(100):
    p = 1.0 / (1.0 + np.exp(-Xv @ b))
    H = Xv.T @ (Xv * (p * (1.0 - p))[:, None])
    H[np.arange(1, len(b)), np.arange(1, len(b))] += lam
    g = Xv.T @ (y - p)
    g[1:] -= lam * b[1:]
    step = np.linalg.solve(H, g)
    b += step
    if np.abs(step).max() < 1e-15:
        break
p = 1.0 / (1.0 + np.exp(-Xv @ b))
g = Xv.T @ (y - p)
g[1:] -= lam * b[1:]
assert np.abs(g).max() < 1e-10
with open(f"{here}/credit_sample_coefficients_ridge.csv", "w") as f:
    f.write("term,coefficient\n")
    for name, value in zip(names, b):
        f.write(f"{name},{value:.17g}\n")
print(f"statsmodels {statsmodels.__version__}, numpy {np.__version__}: "
      f"log-likelihood {fit.llf:.12f}, {len(names)} coefficients")

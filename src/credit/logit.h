/*
 * logit.h — L2-regularised logistic regression by Newton's method (IRLS).
 *
 * lint-float: offline — the logistic fit is part of training, never of apply.
 *
 * Owns: fitting ln(p/(1-p)) = b0 + sum_j b_j x_j to 0/1 outcomes by
 * maximising  sum_i [y_i ln p_i + (1-y_i) ln(1-p_i)] - lambda/2 sum_{j>=1} b_j^2
 * (the intercept is not penalised; lambda = 0 is the maximum-likelihood fit
 * that statsmodels' Logit computes). Each iteration solves the Newton system
 * by Cholesky; a step that lowers the objective is halved. Converged when no
 * coefficient moves by more than 1e-10 (1 + |b|).
 *
 * Never: allocate per iteration, use threads, or reorder sums: results are
 * bit-identical across runs on one build.
 */
#ifndef SZ_CREDIT_LOGIT_H
#define SZ_CREDIT_LOGIT_H

#include <stdint.h>

typedef struct scorecard_logit_info {
	uint32_t iteration_count;
	double log_likelihood;   /* unpenalised, at the solution */
} scorecard_logit_info;

/* x: row_count rows of feature_count doubles (row-major); y: 0/1 per row.
 * coefficients: feature_count + 1 outputs, the intercept first.
 * Errors: SZ_EINVAL (no rows, y all equal with lambda 0, or a singular
 * system: collinear or constant features), SZ_ELIMIT (not converged within
 * SZ_SCORECARD_NEWTON_ITERATION_COUNT_MAX: separation), SZ_ENOMEM. info may
 * be NULL. */
int scorecard_logit_fit(const double *x, const uint8_t *y, uint32_t row_count,
			uint32_t feature_count, double lambda, double *coefficients,
			scorecard_logit_info *info);

/* Solves A z = b in place for a symmetric positive definite n x n matrix A
 * (row-major, overwritten by its Cholesky factor); b becomes z.
 * SZ_EINVAL when A is not positive definite to working precision. */
int scorecard_cholesky_solve(double *a, double *b, uint32_t n);

#endif

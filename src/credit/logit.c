/*
 * logit.c — Newton/IRLS logistic fit with an optional ridge penalty.
 *
 * lint-float: offline — the logistic fit is part of training, never of apply.
 *
 * The Hessian of the penalised log-likelihood is -(X'WX + lambda I') with
 * W = diag(p(1-p)) and I' the identity without the intercept entry, so each
 * Newton step solves (X'WX + lambda I') d = X'(y - p) - lambda b' by Cholesky.
 * Log-probabilities use softplus so that extreme linear predictors do not
 * produce log(0). All scratch memory is taken once per fit.
 */
#include "credit/logit.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A step is halved at most this often before the fit gives up: 2^-40 of a
 * Newton step is below any meaningful change in a coefficient. */
#define LOGIT_HALVING_COUNT_MAX 40u

/* Relative size of a Cholesky pivot under which the system is singular. */
#define LOGIT_PIVOT_RELATIVE_MIN 1e-12

static double softplus(double t)
{
	return t > 0.0 ? t + log1p(exp(-t)) : log1p(exp(t));
}

static double linear_predictor(const double *row, const double *beta, uint32_t feature_count)
{
	double eta = beta[0];
	for (uint32_t j = 0; j < feature_count; j++)
		eta += beta[j + 1] * row[j];
	return eta;
}

/* Unpenalised log-likelihood. */
static double log_likelihood(const double *x, const uint8_t *y, uint32_t row_count,
			     uint32_t feature_count, const double *beta)
{
	double sum = 0.0;
	for (uint32_t i = 0; i < row_count; i++) {
		double eta = linear_predictor(x + (size_t)i * feature_count, beta, feature_count);
		sum -= y[i] ? softplus(-eta) : softplus(eta);
	}
	return sum;
}

static double penalty(const double *beta, uint32_t feature_count, double lambda)
{
	double sum = 0.0;
	for (uint32_t j = 1; j <= feature_count; j++)
		sum += beta[j] * beta[j];
	return 0.5 * lambda * sum;
}

int scorecard_cholesky_solve(double *a, double *b, uint32_t n)
{
	SZ_ASSERT(a != NULL && b != NULL);
	SZ_ASSERT(n >= 1);
	for (uint32_t j = 0; j < n; j++) {
		double diag = a[(size_t)j * n + j];
		double d = diag;
		for (uint32_t k = 0; k < j; k++)
			d -= a[(size_t)j * n + k] * a[(size_t)j * n + k];
		if (!(d > LOGIT_PIVOT_RELATIVE_MIN * fabs(diag)) || !(d > 0.0))
			return SZ_EINVAL;
		double l = sqrt(d);
		a[(size_t)j * n + j] = l;
		for (uint32_t i = j + 1; i < n; i++) {
			double s = a[(size_t)i * n + j];
			for (uint32_t k = 0; k < j; k++)
				s -= a[(size_t)i * n + k] * a[(size_t)j * n + k];
			a[(size_t)i * n + j] = s / l;
		}
	}
	for (uint32_t i = 0; i < n; i++) { /* L z = b */
		double s = b[i];
		for (uint32_t k = 0; k < i; k++)
			s -= a[(size_t)i * n + k] * b[k];
		b[i] = s / a[(size_t)i * n + i];
	}
	for (uint32_t i = n; i-- > 0;) { /* L' x = z */
		double s = b[i];
		for (uint32_t k = i + 1; k < n; k++)
			s -= a[(size_t)k * n + i] * b[k];
		b[i] = s / a[(size_t)i * n + i];
	}
	return SZ_OK;
}

/* Gradient and negative Hessian of the penalised objective at beta. */
static void newton_system(const double *x, const uint8_t *y, uint32_t row_count,
			  uint32_t feature_count, double lambda, const double *beta,
			  double *hessian, double *gradient)
{
	uint32_t p = feature_count + 1;
	memset(hessian, 0, (size_t)p * p * sizeof(double));
	memset(gradient, 0, p * sizeof(double));
	for (uint32_t i = 0; i < row_count; i++) {
		const double *row = x + (size_t)i * feature_count;
		double eta = linear_predictor(row, beta, feature_count);
		double mu = 1.0 / (1.0 + exp(-eta));
		double w = mu * (1.0 - mu);
		double r = (double)y[i] - mu;
		gradient[0] += r;
		hessian[0] += w;
		for (uint32_t a = 0; a < feature_count; a++) {
			double wa = w * row[a];
			gradient[a + 1] += r * row[a];
			hessian[a + 1] += wa; /* row 0: intercept x feature */
			double *h = hessian + (size_t)(a + 1) * p;
			for (uint32_t b = a; b < feature_count; b++)
				h[b + 1] += wa * row[b];
		}
	}
	for (uint32_t j = 1; j < p; j++) {
		gradient[j] -= lambda * beta[j];
		hessian[(size_t)j * p + j] += lambda;
	}
	for (uint32_t a = 0; a < p; a++) { /* mirror the upper triangle */
		for (uint32_t b = a + 1; b < p; b++)
			hessian[(size_t)b * p + a] = hessian[(size_t)a * p + b];
	}
}

/* Over 70 lines: the Newton iteration with its step control and one
 * cleanup exit for the matrices it owns. */
int scorecard_logit_fit(const double *x, const uint8_t *y, uint32_t row_count,
			uint32_t feature_count, double lambda, double *coefficients,
			scorecard_logit_info *info)
{
	SZ_ASSERT(x != NULL || feature_count == 0 || row_count == 0);
	SZ_ASSERT(y != NULL && coefficients != NULL);
	SZ_ASSERT(lambda >= 0.0 && isfinite(lambda));
	uint32_t p = feature_count + 1;
	uint32_t good = 0;
	for (uint32_t i = 0; i < row_count; i++) {
		SZ_ASSERT(y[i] <= 1);
		good += y[i];
	}
	if (row_count == 0 || good == 0 || good == row_count)
		return SZ_EINVAL;
	int rc = SZ_ENOMEM;
	double *hessian = malloc((size_t)p * p * sizeof(double));
	double *gradient = malloc(p * sizeof(double));
	double *beta = calloc(p, sizeof(double));
	double *trial = malloc(p * sizeof(double));
	if (hessian == NULL || gradient == NULL || beta == NULL || trial == NULL)
		goto fail;
	beta[0] = log((double)good / (double)(row_count - good));
	double objective = log_likelihood(x, y, row_count, feature_count, beta) -
			   penalty(beta, feature_count, lambda);
	uint32_t iteration = 0;
	rc = SZ_ELIMIT;
	while (iteration < SZ_SCORECARD_NEWTON_ITERATION_COUNT_MAX) {
		iteration++;
		newton_system(x, y, row_count, feature_count, lambda, beta, hessian, gradient);
		if (scorecard_cholesky_solve(hessian, gradient, p) != SZ_OK) {
			rc = SZ_EINVAL;
			goto fail;
		}
		double *step = gradient;
		double scale = 1.0;
		double trial_objective = objective;
		uint32_t halving = 0;
		for (;;) {
			for (uint32_t j = 0; j < p; j++)
				trial[j] = beta[j] + scale * step[j];
			trial_objective = log_likelihood(x, y, row_count, feature_count, trial) -
					  penalty(trial, feature_count, lambda);
			if (trial_objective >= objective - 1e-12 * fabs(objective))
				break;
			if (++halving > LOGIT_HALVING_COUNT_MAX)
				goto fail;
			scale *= 0.5;
		}
		bool converged = true;
		for (uint32_t j = 0; j < p; j++) {
			if (fabs(trial[j] - beta[j]) > 1e-10 * (1.0 + fabs(trial[j])))
				converged = false;
			beta[j] = trial[j];
		}
		objective = trial_objective;
		if (converged) {
			rc = SZ_OK;
			break;
		}
	}
	if (rc != SZ_OK)
		goto fail;
	for (uint32_t j = 0; j < p; j++) {
		SZ_ASSERT(isfinite(beta[j]));
		coefficients[j] = beta[j];
	}
	if (info != NULL) {
		info->iteration_count = iteration;
		info->log_likelihood = log_likelihood(x, y, row_count, feature_count, beta);
	}
fail:
	free(hessian);
	free(gradient);
	free(beta);
	free(trial);
	return rc;
}

/*
 * config.c — the versioned limits configuration: the default version 1, the
 * set_limits command, which version is in force at a batch time, and the
 * INI file loader used by the CLI and the API (no rebuild to change limits).
 *
 * A version takes effect at effective_from_ns, which must lie after the
 * batch that records it (so no payment already applied is judged again)
 * and not before the previous version's. A payment is judged by the newest
 * version whose effective_from_ns <= its batch time.
 *
 * File format (share/currency/limits.ini): sections [limits], [class1] ..
 * [class4]; amounts in yuan as decimal strings ("10000" or "2000.50");
 * 0 means no limit; effective_from is ns since the epoch or YYYY-MM-DD
 * (00:00 China time).
 *   [limits]  version, effective_from, offline_payment_max, offline_count_max,
 *             offline_settle_s (optional, default 7 days)
 *   [classN]  balance, payment, daily, annual
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define YUAN(y) ((uint64_t)(y) * 100u)

void currency_limits_default(struct currency_limits_cmd *out)
{
	memset(out, 0, sizeof *out);
	out->id = sz_id_make(0, 1);
	out->version = 1;
	out->effective_from_ns = 0;
	/* class 1: opened in person, no fixed cap (operator-set per wallet) */
	out->classes[1] = (struct currency_class_limits){ YUAN(500000), YUAN(50000), YUAN(100000), 0 };
	out->classes[2] = (struct currency_class_limits){ YUAN(20000), YUAN(5000), YUAN(10000), 0 };
	out->classes[3] = (struct currency_class_limits){ YUAN(10000), YUAN(2000), YUAN(5000), YUAN(50000) };
	out->offline_payment_max_fen = YUAN(500);
	out->offline_count_max = 10;
	out->offline_settle_s = CURRENCY_OFFLINE_SETTLE_S_DEFAULT;
}

const struct currency_limits_cmd *currency_limits_at(const struct currency_state *c, uint64_t t_ns)
{
	SZ_ASSERT(c->limits_count >= 1);
	for (uint32_t i = c->limits_count; i > 0; i--)
		if (c->limits[i - 1].effective_from_ns <= t_ns)
			return &c->limits[i - 1];
	return &c->limits[0];
}

uint32_t currency_limits_count(const struct currency_state *c) { return c->limits_count; }

const struct currency_limits_cmd *currency_limits_version(const struct currency_state *c, uint32_t index)
{
	SZ_ASSERT(index < c->limits_count);
	return &c->limits[index];
}

static bool ordered(uint64_t a, uint64_t b) { return a == 0 || b == 0 || a <= b; }

uint32_t currency_limits_apply(struct currency_state *c, const struct currency_limits_cmd *cmd, uint64_t batch_time_ns)
{
	if (sz_id_is_zero(cmd->id))
		return SZ_R_ID_ZERO;
	const struct currency_limits_cmd *newest = &c->limits[c->limits_count - 1];
	for (uint32_t i = 0; i < c->limits_count; i++)
		if (c->limits[i].version == cmd->version)
			return memcmp(&c->limits[i], cmd, sizeof *cmd) == 0 ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	if (cmd->version <= newest->version)
		return CURRENCY_R_LIMITS_VERSION_INVALID;
	if (cmd->effective_from_ns <= batch_time_ns || cmd->effective_from_ns < newest->effective_from_ns)
		return CURRENCY_R_LIMITS_EFFECTIVE_IN_PAST;
	for (int k = 0; k < 4; k++) {
		const struct currency_class_limits *l = &cmd->classes[k];
		if (!ordered(l->payment_fen, l->daily_fen) || !ordered(l->daily_fen, l->annual_fen) ||
		    !ordered(l->payment_fen, l->annual_fen))
			return CURRENCY_R_LIMITS_INVALID;
	}
	if (cmd->offline_payment_max_fen == 0 || cmd->offline_count_max == 0)
		return CURRENCY_R_LIMITS_INVALID;
	if (c->limits_count == CURRENCY_LIMITS_VERSION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	SZ_JOURNAL_FIELD(c->limits[c->limits_count]);
	SZ_JOURNAL_FIELD(c->limits_count);
	c->limits[c->limits_count++] = *cmd;
	return SZ_R_OK;
}

/* ---- file loader ------------------------------------------------------------ */

struct load_ctx {
	struct currency_limits_cmd *out;
	char *why;
	size_t why_size;
	bool failed;
	bool have_version;
};

/* "123", "123.4", "123.45" yuan -> fen, exactly. */
static int parse_yuan(const char *text, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = text;
	if (*p < '0' || *p > '9')
		return SZ_EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return SZ_EINVAL;
	if (__builtin_mul_overflow(v, 100u, &v))
		return SZ_EINVAL;
	if (*p == '.') {
		p++;
		int digits = 0;
		uint64_t frac = 0;
		for (; *p >= '0' && *p <= '9' && digits < 2; p++, digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
		if (digits == 0)
			return SZ_EINVAL;
		if (digits == 1)
			frac *= 10;
		if (__builtin_add_overflow(v, frac, &v))
			return SZ_EINVAL;
	}
	if (*p != '\0')
		return SZ_EINVAL;
	*out = v;
	return 0;
}

static int parse_u64(const char *text, uint64_t *out)
{
	uint64_t v = 0;
	if (*text == '\0')
		return SZ_EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return SZ_EINVAL;
		if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return SZ_EINVAL;
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_time(const char *text, uint64_t *out)
{
	int y, m, d;
	char tail;
	if (strlen(text) == 10 && sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
		if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
			return SZ_EINVAL;
		int64_t days = days_from_civil(y, m, d);
		int64_t s = days * 86400 - 8 * 3600; /* midnight in China */
		if (s < 0)
			return SZ_EINVAL;
		*out = (uint64_t)s * 1000000000ull;
		return 0;
	}
	return parse_u64(text, out);
}

static int load_handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *x = user;
	struct currency_limits_cmd *o = x->out;
	int rc = SZ_EINVAL;
	uint64_t v = 0;
	if (strcmp(section, "limits") == 0) {
		if (strcmp(name, "version") == 0) {
			rc = parse_u64(value, &o->version);
			x->have_version = rc == 0;
		} else if (strcmp(name, "effective_from") == 0)
			rc = parse_time(value, &o->effective_from_ns);
		else if (strcmp(name, "offline_payment_max") == 0)
			rc = parse_yuan(value, &o->offline_payment_max_fen);
		else if (strcmp(name, "offline_count_max") == 0) {
			rc = parse_u64(value, &v);
			if (rc == 0 && (v == 0 || v > UINT32_MAX))
				rc = SZ_EINVAL;
			o->offline_count_max = (uint32_t)v;
		} else if (strcmp(name, "offline_settle_s") == 0) {
			rc = parse_u64(value, &v);
			if (rc == 0 && v > UINT32_MAX)
				rc = SZ_EINVAL;
			o->offline_settle_s = (uint32_t)v;
		}
	} else if (strncmp(section, "class", 5) == 0 && section[5] >= '1' && section[5] <= '4' && section[6] == '\0') {
		struct currency_class_limits *l = &o->classes[section[5] - '1'];
		if (strcmp(name, "balance") == 0)
			rc = parse_yuan(value, &l->balance_fen);
		else if (strcmp(name, "payment") == 0)
			rc = parse_yuan(value, &l->payment_fen);
		else if (strcmp(name, "daily") == 0)
			rc = parse_yuan(value, &l->daily_fen);
		else if (strcmp(name, "annual") == 0)
			rc = parse_yuan(value, &l->annual_fen);
	}
	if (rc != 0 && !x->failed) {
		snprintf(x->why, x->why_size, "[%s] %s = %s: unknown key or invalid value", section, name, value);
		x->failed = true;
	}
	return rc == 0;
}

int currency_limits_load_file(const char *path, struct currency_limits_cmd *out, char *why, size_t why_size)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(why, why_size, "%s: cannot read", path);
		return SZ_EIO;
	}
	if (st.st_size > (off_t)CURRENCY_LIMITS_FILE_SIZE_MAX) {
		snprintf(why, why_size, "%s: larger than %u bytes", path, CURRENCY_LIMITS_FILE_SIZE_MAX);
		return SZ_ELIMIT;
	}
	memset(out, 0, sizeof *out);
	out->offline_settle_s = CURRENCY_OFFLINE_SETTLE_S_DEFAULT; /* when the file leaves it out */
	struct load_ctx x = { .out = out, .why = why, .why_size = why_size };
	int line = ini_parse(path, load_handler, &x);
	if (line < 0) {
		snprintf(why, why_size, "%s: cannot read", path);
		return SZ_EIO;
	}
	if (line > 0 || x.failed) {
		if (!x.failed)
			snprintf(why, why_size, "%s: line %d: syntax error", path, line);
		return SZ_EINVAL;
	}
	if (!x.have_version || out->offline_payment_max_fen == 0 || out->offline_count_max == 0) {
		snprintf(why, why_size, "%s: [limits] needs version, offline_payment_max and offline_count_max", path);
		return SZ_EINVAL;
	}
	/* The command id of a version is derived from its number: resubmitting
	 * the same file is idempotent. */
	out->id = currency_derive_id(sz_id_make(0, out->version), 0x4c494d54u /* "LIMT" */, 0);
	return 0;
}

/*
 * cli_backtest.c — `szfin risk backtest` and `szfin risk gen`: replay a
 * CSV of transfers against a rule-set file without a server and without
 * changing any live state; generate synthetic traffic with planted,
 * labelled typologies.
 *
 *   szfin risk backtest --rules FILE (--transfers CSV | --data-dir DIR)
 *         [--accounts CSV] [--labels CSV] [--format csv|json] [--out FILE]
 *         [--time-col NAME] [--from-col NAME] [--to-col NAME]
 *         [--amount-col NAME] [--currency-col NAME] [--type-col NAME]
 *         [--cycle-window-h N (0 = off; default 72)] [--cycle-hops-min N]
 *   szfin risk gen --out-dir DIR [--seed N] [--days N] [--people N] [--plants N]
 *
 * Transfers CSV: a header row naming the columns (the flags map them;
 * defaults time, from, to, amount, currency, type), comma-separated, no
 * quoted commas. time: RFC 3339 UTC (2026-01-05T09:30:00Z, fraction
 * allowed) or integer ns since 1970. amount: decimal in the currency's
 * minor units. type: cash, xborder (mapped to the rule set's code ranges),
 * a number (the transfer code itself) or anything else (code 1). Accounts
 * CSV: id,kind (general, reserve, bank_deposit, wallet, merchant, escrow,
 * loan, suspense); accounts not listed are wallets. Labels CSV (from gen):
 * alert_id,typology,main_account,members (';'-separated).
 * Output: the alerts (CSV or JSON) to --out or stdout, then a summary:
 * per-typology counts and, with labels, per-typology recall, share of
 * transfers and accounts flagged, account precision and the targets.
 * The first bad line stops the command with its line number (exit 1).
 * --data-dir DIR replays DIR's log read-only instead (backtest_log.c): the
 * transfers that committed there, with the ledger's account kinds; a
 * damaged or missing log stops the command with the reason (exit 1).
 */
#include "risk/cli_backtest.h"
#include "api/codec.h"
#include "cli/args.h"
#include "core/errors.h"
#include "risk/backtest.h"
#include "risk/gen.h"
#include "risk/http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define BT_LINE_SIZE_MAX 4096u
#define BT_FIELD_COUNT_MAX 64u
#define BT_NAME_SIZE 64u
#define BT_LABEL_TYPOLOGY_MAX 16u
#define BT_LABEL_MEMBERS_MAX 64u
#define BT_ROLE_COUNT 6u

enum { ROLE_TIME, ROLE_FROM, ROLE_TO, ROLE_AMOUNT, ROLE_CURRENCY, ROLE_TYPE };

struct bt_args {
	const char *rules, *transfers, *data_dir, *accounts, *labels, *out, *format;
	const char *col[BT_ROLE_COUNT];
	uint64_t cycle_window_h;
	uint32_t cycle_hops_min;
};

/* ---- account names ------------------------------------------------------------ */

struct names {
	char (*name)[BT_NAME_SIZE];
	uint32_t *slot;                /* index + 1; 0 empty */
	uint16_t *kind;
	uint32_t count, cap, slot_mask;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int names_init(struct names *n)
{
	memset(n, 0, sizeof *n);
	n->cap = 1u << 16;
	n->slot_mask = (1u << 17) - 1;
	n->name = malloc((size_t)n->cap * BT_NAME_SIZE);
	n->kind = malloc((size_t)n->cap * sizeof *n->kind);
	n->slot = calloc((size_t)n->slot_mask + 1, sizeof *n->slot);
	return n->name && n->kind && n->slot ? 0 : SZ_ENOMEM;
}

static void names_free(struct names *n)
{
	free(n->name);
	free(n->kind);
	free(n->slot);
}

static int names_grow(struct names *n)
{
	if (n->cap * 2 > BT_ACCOUNT_COUNT_MAX)
		return SZ_ELIMIT;
	uint32_t cap = n->cap * 2, mask = cap * 2 - 1;
	void *nm = realloc(n->name, (size_t)cap * BT_NAME_SIZE), *nk = realloc(n->kind, (size_t)cap * sizeof *n->kind);
	if (nm) n->name = nm;
	if (nk) n->kind = nk;
	uint32_t *slot = calloc((size_t)mask + 1, sizeof *slot);
	if (!nm || !nk || !slot) {
		free(slot);
		return SZ_ENOMEM;
	}
	for (uint32_t i = 0; i < n->count; i++) {
		uint64_t h = name_hash(n->name[i]) & mask;
		while (slot[h])
			h = (h + 1) & mask;
		slot[h] = i + 1;
	}
	free(n->slot);
	n->slot = slot;
	n->cap = cap;
	n->slot_mask = mask;
	return 0;
}

/* The index of name, added (as a wallet) when new and add is set; -1 if absent. */
static int64_t names_get(struct names *n, const char *name, int add)
{
	uint64_t h = name_hash(name) & n->slot_mask;
	for (; n->slot[h]; h = (h + 1) & n->slot_mask)
		if (strcmp(n->name[n->slot[h] - 1], name) == 0)
			return n->slot[h] - 1;
	if (!add)
		return -1;
	if (n->count == n->cap) {
		if (names_grow(n) != 0)
			return -2;
		return names_get(n, name, add);
	}
	snprintf(n->name[n->count], BT_NAME_SIZE, "%s", name);
	n->kind[n->count] = SZ_KIND_WALLET;
	n->slot[h] = n->count + 1;
	return n->count++;
}

/* ---- CSV lines -------------------------------------------------------------------- */

static uint32_t split(char *line, char **f, uint32_t max)
{
	uint32_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max;) {
		f[n++] = p;
		char *c = strchr(p, ',');
		if (c == NULL)
			break;
		*c = '\0';
		p = c + 1;
	}
	for (uint32_t i = 0; i < n; i++) { /* "quoted" fields lose their quotes */
		size_t len = strlen(f[i]);
		if (len >= 2 && f[i][0] == '"' && f[i][len - 1] == '"') {
			f[i][len - 1] = '\0';
			f[i]++;
		}
	}
	return n;
}

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* RFC 3339 UTC ("Z") or integer ns. 0 or -1. */
static int time_parse(const char *s, uint64_t *out)
{
	char *end;
	if (strchr(s, 'T') == NULL) {
		unsigned long long v = strtoull(s, &end, 10);
		if (end == s || *end != '\0')
			return -1;
		*out = v;
		return 0;
	}
	int y, mo, d, h, mi, sec, used = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || y < 1970 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	uint64_t frac_ns = 0, scale = 100000000;
	const char *p = s + used;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac_ns += (uint64_t)(*p - '0') * scale;
	if (strcmp(p, "Z") != 0)
		return -1;
	int64_t days = days_from_civil(y, mo, d);
	*out = ((uint64_t)days * 86400 + (uint64_t)h * 3600 + (uint64_t)mi * 60 + (uint64_t)sec) * 1000000000ull + frac_ns;
	return 0;
}

static uint16_t kind_parse(const char *s)
{
	static const char *const names[] = { "general", "reserve", "bank_deposit", "wallet",
					     "merchant", "escrow", "loan", "suspense" };
	for (uint16_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcmp(s, names[k]) == 0)
			return k;
	return UINT16_MAX;
}

static int accounts_read(const char *path, struct names *n)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "szfin risk backtest: cannot open %s\n", path);
		return 1;
	}
	char line[BT_LINE_SIZE_MAX], *fl[BT_FIELD_COUNT_MAX];
	uint32_t line_no = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		if (++line_no == 1)
			continue; /* header: id,kind */
		uint32_t k = split(line, fl, BT_FIELD_COUNT_MAX);
		uint16_t kind = k == 2 ? kind_parse(fl[1]) : UINT16_MAX;
		int64_t idx = k == 2 && fl[0][0] && strlen(fl[0]) < BT_NAME_SIZE ? names_get(n, fl[0], 1) : -1;
		if (kind == UINT16_MAX || idx < 0) {
			fprintf(stderr, "szfin risk backtest: %s line %u: expected id,kind (a known account kind)\n", path,
				line_no);
			rc = 1;
		} else {
			n->kind[idx] = kind;
		}
	}
	fclose(f);
	return rc;
}

/* ---- transfers ------------------------------------------------------------------ */

struct bt_input {
	struct bt_transfer *t;
	uint32_t *row;                 /* CSV line of each transfer */
	uint32_t count, cap;
};

static int header_map(char **fl, uint32_t k, const struct bt_args *a, int32_t *col)
{
	for (uint32_t r = 0; r < BT_ROLE_COUNT; r++) {
		col[r] = -1;
		for (uint32_t i = 0; i < k; i++)
			if (strcmp(fl[i], a->col[r]) == 0)
				col[r] = (int32_t)i;
		if (col[r] < 0 && r != ROLE_TYPE && r != ROLE_CURRENCY) {
			fprintf(stderr, "szfin risk backtest: %s: no column named \"%s\" in the header\n", a->transfers,
				a->col[r]);
			return 1;
		}
	}
	return 0;
}

static uint16_t code_of(const struct risk_ruleset *rs, const char *type)
{
	if (strcmp(type, "cash") == 0)
		return rs->cash_code_min;
	if (strcmp(type, "xborder") == 0 || strcmp(type, "cross_border") == 0)
		return rs->xborder_code_min;
	char *end;
	unsigned long v = strtoul(type, &end, 10);
	return end != type && *end == '\0' && v > 0 && v <= UINT16_MAX ? (uint16_t)v : 1;
}

/* One data row into in; a sentence on failure. */
static const char *row_parse(char **fl, uint32_t k, const int32_t *col, const struct risk_ruleset *rs,
			     struct names *n, struct bt_transfer *t)
{
	for (uint32_t r = 0; r < BT_ROLE_COUNT; r++)
		if (col[r] >= (int32_t)k)
			return "fewer fields than the header";
	if (time_parse(fl[col[ROLE_TIME]], &t->time_ns) != 0)
		return "time must be RFC 3339 UTC (2026-01-05T09:30:00Z) or integer ns";
	uint32_t currency = rs->rules[0].currency;
	if (col[ROLE_CURRENCY] >= 0 && sz_currency_parse(fl[col[ROLE_CURRENCY]], &currency) != 0)
		return "currency must be a three-letter code";
	t->currency = currency;
	const char *amount = fl[col[ROLE_AMOUNT]];
	if (sz_amount_parse(amount, strlen(amount), sz_currency_exponent(currency), &t->amount_minor) != 0 ||
	    t->amount_minor == 0)
		return "amount must be a positive decimal in the currency's minor units";
	const char *from = fl[col[ROLE_FROM]], *to = fl[col[ROLE_TO]];
	if (!from[0] || !to[0] || strlen(from) >= BT_NAME_SIZE || strlen(to) >= BT_NAME_SIZE)
		return "from and to must be account ids of 1-63 bytes";
	int64_t p = names_get(n, from, 1), q = names_get(n, to, 1);
	if (p < 0 || q < 0)
		return "too many accounts";
	t->payer = (uint32_t)p;
	t->payee = (uint32_t)q;
	t->code = col[ROLE_TYPE] >= 0 ? code_of(rs, fl[col[ROLE_TYPE]]) : 1;
	return NULL;
}

static int input_push(struct bt_input *in, const struct bt_transfer *t, uint32_t row)
{
	if (in->count == in->cap) {
		uint32_t cap = in->cap ? in->cap * 2 : 65536;
		if (cap > BT_TRANSFER_COUNT_MAX)
			return SZ_ELIMIT;
		void *nt = realloc(in->t, (size_t)cap * sizeof *in->t), *nr = realloc(in->row, (size_t)cap * sizeof *in->row);
		if (nt) in->t = nt;
		if (nr) in->row = nr;
		if (!nt || !nr)
			return SZ_ENOMEM;
		in->cap = cap;
	}
	in->t[in->count] = *t;
	in->row[in->count++] = row;
	return 0;
}

/* Read the transfers (50-odd lines: one loop over the file with its checks). */
static int transfers_read(const struct bt_args *a, const struct risk_ruleset *rs, struct names *n, struct bt_input *in)
{
	FILE *f = fopen(a->transfers, "r");
	if (f == NULL) {
		fprintf(stderr, "szfin risk backtest: cannot open %s\n", a->transfers);
		return 1;
	}
	char line[BT_LINE_SIZE_MAX], *fl[BT_FIELD_COUNT_MAX];
	int32_t col[BT_ROLE_COUNT];
	uint32_t line_no = 0;
	int rc = 0;
	uint64_t last_ns = 0;
	int sorted = 1;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line_no++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fprintf(stderr, "szfin risk backtest: %s line %u: longer than %u bytes\n", a->transfers, line_no,
				BT_LINE_SIZE_MAX - 1);
			rc = 1;
			break;
		}
		uint32_t k = split(line, fl, BT_FIELD_COUNT_MAX);
		if (line_no == 1) {
			rc = header_map(fl, k, a, col);
			continue;
		}
		if (k == 1 && fl[0][0] == '\0')
			continue;
		struct bt_transfer t = { 0 };
		const char *why = row_parse(fl, k, col, rs, n, &t);
		if (why != NULL) {
			fprintf(stderr, "szfin risk backtest: %s line %u: %s\n", a->transfers, line_no, why);
			rc = 1;
		} else if (input_push(in, &t, line_no) != 0) {
			fprintf(stderr, "szfin risk backtest: %s line %u: more than %u transfers\n", a->transfers, line_no,
				BT_TRANSFER_COUNT_MAX);
			rc = 1;
		}
		sorted &= t.time_ns >= last_ns;
		last_ns = t.time_ns;
	}
	fclose(f);
	if (rc == 0 && line_no == 0) {
		fprintf(stderr, "szfin risk backtest: %s is empty (a header row is needed)\n", a->transfers);
		rc = 1;
	}
	if (rc == 0 && !sorted) {
		fprintf(stderr, "szfin risk backtest: %s: rows must be in time order\n", a->transfers);
		rc = 1;
	}
	return rc;
}

/* The transfers that committed in a data directory's log (backtest_log.c),
 * named by their account ids as the API writes them; each transfer's "row"
 * is its ordinal among them (1 = the first). Account kinds come from the
 * ledger's records. */
static int log_transfers_read(const struct bt_args *a, struct names *n, struct bt_input *in)
{
	struct bt_log_transfer *lt = NULL;
	uint32_t count = 0;
	char why[512] = "";
	if (bt_log_read(a->data_dir, &lt, &count, why, sizeof why) != 0) {
		fprintf(stderr, "szfin risk backtest: %s\n", why);
		return 1;
	}
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < count; i++) {
		char p[SZ_ID_TEXT_SIZE], q[SZ_ID_TEXT_SIZE];
		sz_id_format(lt[i].payer, p);
		sz_id_format(lt[i].payee, q);
		int64_t pi = names_get(n, p, 1), qi = names_get(n, q, 1);
		struct bt_transfer t = { .payer = (uint32_t)pi, .payee = (uint32_t)qi, .amount_minor = lt[i].amount_minor,
					 .time_ns = lt[i].time_ns, .currency = lt[i].currency, .code = lt[i].code };
		if (pi < 0 || qi < 0 || input_push(in, &t, i + 1) != 0) {
			fprintf(stderr, "szfin risk backtest: %s: more accounts or transfers than a backtest holds\n",
				a->data_dir);
			rc = 1;
			break;
		}
		n->kind[pi] = lt[i].payer_kind;
		n->kind[qi] = lt[i].payee_kind;
	}
	free(lt);
	if (rc == 0)
		printf("# data directory %s: %u committed transfers replayed from the log\n", a->data_dir, count);
	return rc;
}

/* ---- labels --------------------------------------------------------------------- */

struct bt_labels {
	struct bt_label *items;
	uint32_t *members;
	uint32_t count, member_count;
	char typology[BT_LABEL_TYPOLOGY_MAX][32];
	uint32_t typology_count;
};

static int label_typology(struct bt_labels *l, const char *name)
{
	for (uint32_t i = 0; i < l->typology_count; i++)
		if (strcmp(l->typology[i], name) == 0)
			return (int)i;
	if (l->typology_count == BT_LABEL_TYPOLOGY_MAX || strlen(name) == 0 || strlen(name) >= 32)
		return -1;
	snprintf(l->typology[l->typology_count], 32, "%s", name);
	return (int)l->typology_count++;
}

static int label_line(struct bt_labels *l, char **fl, uint32_t k, struct names *n, uint32_t *cap, uint32_t *mcap)
{
	int ty = k == 4 ? label_typology(l, fl[1]) : -1;
	int64_t main_account = k == 4 ? names_get(n, fl[2], 0) : -1;
	if (ty < 0 || main_account < 0)
		return -1;
	if (l->count == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		void *p = realloc(l->items, (size_t)*cap * sizeof *l->items);
		if (p == NULL)
			return -1;
		l->items = p;
	}
	uint32_t first = l->member_count;
	for (char *m = fl[3]; m && *m && l->member_count - first < BT_LABEL_MEMBERS_MAX;) {
		char *semi = strchr(m, ';');
		if (semi)
			*semi = '\0';
		int64_t idx = names_get(n, m, 0);
		if (idx >= 0) { /* a member that made no transfer cannot be flagged: left out */
			if (l->member_count == *mcap) {
				*mcap = *mcap ? *mcap * 2 : 4096;
				void *p = realloc(l->members, (size_t)*mcap * sizeof *l->members);
				if (p == NULL)
					return -1;
				l->members = p;
			}
			l->members[l->member_count++] = (uint32_t)idx;
		}
		m = semi ? semi + 1 : NULL;
	}
	l->items[l->count++] = (struct bt_label){ (uint32_t)ty, (uint32_t)main_account, l->member_count - first, NULL };
	return 0;
}

static int labels_read(const char *path, struct names *n, struct bt_labels *l)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "szfin risk backtest: cannot open %s\n", path);
		return 1;
	}
	char line[BT_LINE_SIZE_MAX], *fl[BT_FIELD_COUNT_MAX];
	uint32_t line_no = 0, cap = 0, mcap = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		if (++line_no == 1)
			continue;
		uint32_t k = split(line, fl, BT_FIELD_COUNT_MAX);
		if (label_line(l, fl, k, n, &cap, &mcap) != 0) {
			fprintf(stderr, "szfin risk backtest: %s line %u: expected alert_id,typology,main_account,members "
					"(main account among the transfers)\n", path, line_no);
			rc = 1;
		}
	}
	fclose(f);
	uint32_t at = 0;
	for (uint32_t i = 0; rc == 0 && i < l->count; i++) {
		l->items[i].members = l->members + at;
		at += l->items[i].member_count;
	}
	return rc;
}

/* ---- output ---------------------------------------------------------------------- */

struct bt_names_of_typologies {
	char name[RISK_TYPOLOGY_COUNT_MAX][64];
	uint16_t id[RISK_TYPOLOGY_COUNT_MAX];
	uint32_t count;
};

static void typology_names_read(const char *text, size_t size, struct bt_names_of_typologies *t)
{
	t->count = 0;
	json_t *doc = json_loadb(text, size, 0, NULL);
	json_t *arr = doc ? json_object_get(doc, "typologies") : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (t->count == RISK_TYPOLOGY_COUNT_MAX)
			break;
		json_t *id = json_object_get(v, "id"), *name = json_object_get(v, "name");
		t->id[t->count] = (uint16_t)json_integer_value(id);
		snprintf(t->name[t->count++], 64, "%s", json_is_string(name) ? json_string_value(name) : "?");
	}
	json_decref(doc);
}

static const char *typology_name(const struct bt_names_of_typologies *t, uint32_t id)
{
	if (id == BT_TYPOLOGY_CYCLE)
		return "graph cycle";
	for (uint32_t i = 0; i < t->count; i++)
		if (t->id[i] == id)
			return t->name[i];
	return "?";
}

static void alert_csv(FILE *out, uint32_t no, const struct bt_alert *al, const struct names *n,
		      const struct bt_input *in, const struct bt_names_of_typologies *tn)
{
	fprintf(out, "%u,%u,\"%s\",%u,%s,", no, al->typology_id, typology_name(tn, al->typology_id), al->score,
		n->name[al->subject]);
	for (uint32_t m = 0; m < al->member_count; m++)
		fprintf(out, "%s%s", m ? ";" : "", n->name[al->members[m]]);
	fputc(',', out);
	for (uint32_t i = 0; i < al->transfer_count; i++)
		fprintf(out, "%s%u", i ? ";" : "", in->row[al->transfers[i]]);
	fprintf(out, ",%llu.%02llu,%llu\n", (unsigned long long)(al->amount_minor / 100),
		(unsigned long long)(al->amount_minor % 100), (unsigned long long)al->time_ns);
}

static json_t *alert_json(uint32_t no, const struct bt_alert *al, const struct names *n, const struct bt_input *in,
			  const struct bt_names_of_typologies *tn)
{
	json_t *members = json_array(), *rows = json_array();
	for (uint32_t m = 0; m < al->member_count; m++)
		json_array_append_new(members, json_string(n->name[al->members[m]]));
	for (uint32_t i = 0; i < al->transfer_count; i++)
		json_array_append_new(rows, json_integer(in->row[al->transfers[i]]));
	char amount[32];
	snprintf(amount, sizeof amount, "%llu.%02llu", (unsigned long long)(al->amount_minor / 100),
		 (unsigned long long)(al->amount_minor % 100));
	return json_pack("{s:I,s:I,s:s,s:I,s:s,s:o,s:o,s:s,s:I}", "alert", (json_int_t)no, "typology_id",
			 (json_int_t)al->typology_id, "typology", typology_name(tn, al->typology_id), "score",
			 (json_int_t)al->score, "account", n->name[al->subject], "members", members,
			 "transfer_rows", rows, "amount", amount, "time_ns", (json_int_t)al->time_ns);
}

static int alerts_write(const struct bt_args *a, const struct bt_result *r, const struct names *n,
			const struct bt_input *in, const struct bt_names_of_typologies *tn)
{
	FILE *out = a->out ? fopen(a->out, "w") : stdout;
	if (out == NULL) {
		fprintf(stderr, "szfin risk backtest: cannot write %s\n", a->out);
		return 1;
	}
	int json = strcmp(a->format, "json") == 0;
	if (json) {
		json_t *arr = json_array();
		for (uint32_t i = 0; i < r->alert_count; i++)
			json_array_append_new(arr, alert_json(i + 1, &r->alerts[i], n, in, tn));
		json_dumpf(arr, out, JSON_INDENT(1));
		fputc('\n', out);
		json_decref(arr);
	} else {
		fprintf(out, "alert,typology_id,typology,score,account,members,transfer_rows,amount,time_ns\n");
		for (uint32_t i = 0; i < r->alert_count; i++)
			alert_csv(out, i + 1, &r->alerts[i], n, in, tn);
	}
	int bad = ferror(out);
	if (out != stdout)
		bad |= fclose(out) != 0;
	return bad ? 1 : 0;
}

static void summary_print(const struct bt_result *r, const struct bt_names_of_typologies *tn, double seconds)
{
	uint32_t per[RISK_TYPOLOGY_COUNT_MAX + 1] = { 0 };
	for (uint32_t i = 0; i < r->alert_count; i++) {
		uint32_t k = RISK_TYPOLOGY_COUNT_MAX;
		for (uint32_t j = 0; j < tn->count; j++)
			k = tn->id[j] == r->alerts[i].typology_id ? j : k;
		per[k]++;
	}
	printf("# backtest transfers=%u accounts=%u alerts=%u dropped=%llu transfers_per_s=%.0f\n", r->transfer_count,
	       r->account_count, r->alert_count, (unsigned long long)r->alert_dropped_count,
	       seconds > 0 ? r->transfer_count / seconds : 0.0);
	for (uint32_t j = 0; j < tn->count; j++)
		printf("# typology %u %s: %u\n", tn->id[j], tn->name[j], per[j]);
	printf("# typology %u graph cycle: %u\n", BT_TYPOLOGY_CYCLE, per[RISK_TYPOLOGY_COUNT_MAX]);
	printf("# transfers_flagged=%llu share=%.4f accounts_flagged=%llu share=%.4f\n",
	       (unsigned long long)r->transfer_flagged_count,
	       r->transfer_count ? (double)r->transfer_flagged_count / r->transfer_count : 0.0,
	       (unsigned long long)r->account_flagged_count,
	       r->account_count ? (double)r->account_flagged_count / r->account_count : 0.0);
}

static void labels_print(const struct bt_result *r, const struct bt_labels *l)
{
	struct bt_typology_score s[BT_LABEL_TYPOLOGY_MAX];
	uint32_t precision_bp = 0, all_met = 1, planted = 0;
	bt_score(r, l->items, l->count, l->typology_count, s, &precision_bp);
	for (uint32_t i = 0; i < l->typology_count; i++) {
		double recall = s[i].planted ? (double)s[i].caught / s[i].planted : 0.0;
		all_met &= recall >= 0.9;
		planted += s[i].planted;
		printf("# label %s: planted=%u caught=%u recall=%.3f\n", l->typology[i], s[i].planted, s[i].caught, recall);
	}
	double ts = r->transfer_count ? (double)r->transfer_flagged_count / r->transfer_count : 0.0;
	double as = r->account_count ? (double)r->account_flagged_count / r->account_count : 0.0;
	printf("# account_precision=%.3f planted_alerts=%u\n", precision_bp / 10000.0, planted);
	printf("# target recall >= 0.9 for every planted typology: %s\n", all_met ? "MET" : "NOT MET");
	printf("# target <= 1%% of transfers flagged: %s (%.2f%%)\n", ts <= 0.01 ? "MET" : "NOT MET", ts * 100);
	printf("# target <= 3%% of accounts flagged: %s (%.2f%%)\n", as <= 0.03 ? "MET" : "NOT MET", as * 100);
}

/* ---- commands ------------------------------------------------------------------ */

static const struct cli_option backtest_options[] = {
	{ "rules", true, "FILE", "the rule-set file to judge with (docs/risk.md; never activated)" },
	{ "transfers", true, "CSV", "transfers to replay, in time order" },
	{ "data-dir", true, "DIR", "instead: replay DIR's log read-only (the transfers that committed)" },
	{ "accounts", true, "CSV", "id,kind of the accounts (others are wallets)" },
	{ "labels", true, "CSV", "planted alerts (szfin risk gen): recall and the targets" },
	{ "format", true, "csv|json", "alerts output format (default csv)" },
	{ "out", true, "FILE", "write the alerts there (default stdout)" },
	{ "time-col", true, "NAME", "transfers column of the time (default time)" },
	{ "from-col", true, "NAME", "column of the payer (default from)" },
	{ "to-col", true, "NAME", "column of the payee (default to)" },
	{ "amount-col", true, "NAME", "column of the amount (default amount)" },
	{ "currency-col", true, "NAME", "column of the currency (default currency; else the set's)" },
	{ "type-col", true, "NAME", "column of the type: cash, xborder or a code (default type)" },
	{ "cycle-window-h", true, "N", "graph cycle search window in hours (default 72; 0 = off)" },
	{ "cycle-hops-min", true, "N", "shortest cycle reported, 2-6 hops (default 3)" },
};
static const struct cli_spec backtest_spec = CLI_SPEC(
	"risk backtest --rules FILE (--transfers CSV | --data-dir DIR) [--accounts CSV] [--labels CSV]\n"
	"         [--format csv|json] [--out FILE] [--time-col NAME] [--from-col NAME] [--to-col NAME]\n"
	"         [--amount-col NAME] [--currency-col NAME] [--type-col NAME]\n"
	"         [--cycle-window-h N] [--cycle-hops-min N]",
	"Replays transfers (a CSV, or a data directory's log) against a rule-set version without a server\n"
	"and without changing any live state; prints the alerts, per-typology counts and, with labels,\n"
	"recall and the shares flagged against the targets.",
	backtest_options, false);

static int backtest_usage(void)
{
	fprintf(stderr, "usage: szfin %s\n", backtest_spec.usage);
	return 2;
}

static int number_arg(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* 0; -2 when the parse printed help or an error (*status says which); -1
 * for a value or combination the parse cannot judge (after a message). */
static int backtest_args(int argc, char **argv, struct bt_args *a, int *status)
{
	static const char *const col_names[BT_ROLE_COUNT] = { "time-col", "from-col", "to-col",
							      "amount-col", "currency-col", "type-col" };
	static const char *const col_default[BT_ROLE_COUNT] = { "time", "from", "to", "amount", "currency", "type" };
	*a = (struct bt_args){ .format = "csv", .cycle_window_h = 72, .cycle_hops_min = BT_CYCLE_HOPS_MIN_DEFAULT };
	memcpy(a->col, col_default, sizeof a->col);
	struct cli_args ca;
	static char name[] = "risk backtest"; /* messages name the whole command */
	argv[0] = name;
	*status = cli_args_parse(&backtest_spec, argc, argv, &ca);
	if (*status != CLI_ARGS_OK)
		return -2; /* help printed, or the parse's own message */
	a->rules = cli_args_get(&ca, "rules");
	a->transfers = cli_args_get(&ca, "transfers");
	a->data_dir = cli_args_get(&ca, "data-dir");
	a->accounts = cli_args_get(&ca, "accounts");
	a->labels = cli_args_get(&ca, "labels");
	a->out = cli_args_get(&ca, "out");
	const char *format = cli_args_get(&ca, "format"), *w = cli_args_get(&ca, "cycle-window-h");
	const char *hops = cli_args_get(&ca, "cycle-hops-min");
	uint64_t num = 0;
	int bad = ca.positional_count != 0;
	if (format != NULL && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		bad = fprintf(stderr, "szfin risk backtest: --format is csv or json\n");
	else if (format != NULL)
		a->format = format;
	if (w != NULL && number_arg(w, 24 * 366, &num) != 0)
		bad = fprintf(stderr, "szfin risk backtest: --cycle-window-h is 0 to %u hours\n", 24 * 366);
	else if (w != NULL)
		a->cycle_window_h = num;
	if (hops != NULL && (number_arg(hops, 6, &num) != 0 || num < 2))
		bad = fprintf(stderr, "szfin risk backtest: --cycle-hops-min is 2 to 6\n");
	else if (hops != NULL)
		a->cycle_hops_min = (uint32_t)num;
	for (uint32_t r = 0; r < BT_ROLE_COUNT; r++) {
		const char *v = cli_args_get(&ca, col_names[r]);
		if (v != NULL && v[0] == '\0')
			bad = fprintf(stderr, "szfin risk backtest: --%s needs a column name\n", col_names[r]);
		else if (v != NULL)
			a->col[r] = v;
	}
	if (a->rules == NULL || (a->transfers != NULL) == (a->data_dir != NULL))
		bad = 1;
	*status = bad ? CLI_ARGS_ERROR : CLI_ARGS_OK;
	return bad ? -1 : 0;
}

static int rules_load(const char *path, struct risk_ruleset *rs, struct bt_names_of_typologies *tn)
{
	FILE *f = fopen(path, "rb");
	char *text = malloc(1u << 20);
	size_t size = f && text ? fread(text, 1, 1u << 20, f) : 0;
	if (f)
		fclose(f);
	char why[256] = "";
	int rc = f && text && size < (1u << 20) ? risk_ruleset_parse(text, size, rs, why, sizeof why) : SZ_EINVAL;
	if (rc != 0)
		fprintf(stderr, "szfin risk backtest: %s: %s\n", path, f ? (why[0] ? why : "unreadable or too large")
								       : "cannot open");
	else
		typology_names_read(text, size, tn);
	free(text);
	return rc == 0 ? 0 : 1;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load, replay, print; one exit path releasing everything. */
int risk_backtest_main(int argc, char **argv)
{
	struct bt_args a;
	int status = CLI_ARGS_OK;
	int parsed = backtest_args(argc, argv, &a, &status);
	if (parsed == -2)
		return cli_args_exit(status);
	if (parsed != 0)
		return backtest_usage();
	static struct risk_ruleset rs;
	static struct bt_names_of_typologies tn;
	struct names n = { 0 };
	struct bt_input in = { 0 };
	struct bt_labels l = { 0 };
	struct bt_result r = { 0 };
	int rc = rules_load(a.rules, &rs, &tn);
	if (rc == 0 && names_init(&n) != 0)
		return 1;
	if (rc == 0 && a.accounts)
		rc = accounts_read(a.accounts, &n);
	if (rc == 0)
		rc = a.data_dir ? log_transfers_read(&a, &n, &in) : transfers_read(&a, &rs, &n, &in);
	if (rc == 0 && a.labels)
		rc = labels_read(a.labels, &n, &l);
	double t0 = seconds_now();
	struct bt_options o = { .rs = &rs, .cycle_window_ns = a.cycle_window_h * 3600000000000ull,
				.cycle_hops_min = a.cycle_hops_min };
	if (rc == 0 && bt_run(&o, in.t, in.count, n.kind, n.count, &r) != 0) {
		fprintf(stderr, "szfin risk backtest: out of memory or over a limit\n");
		rc = 1;
	}
	double t1 = seconds_now();
	if (rc == 0)
		rc = alerts_write(&a, &r, &n, &in, &tn);
	if (rc == 0)
		summary_print(&r, &tn, t1 - t0);
	if (rc == 0 && a.labels)
		labels_print(&r, &l);
	bt_result_release(&r);
	free(in.t);
	free(in.row);
	free(l.items);
	free(l.members);
	names_free(&n);
	return rc;
}

static FILE *out_file(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "szfin risk gen: cannot write %s\n", path);
	return f;
}

static const struct cli_option gen_options[] = {
	{ "out-dir", true, "DIR", "write transfers.csv, accounts.csv and labels.csv there" },
	{ "seed", true, "N", "generator seed (default 1): same parameters, same bytes" },
	{ "days", true, "N", "days of traffic, 110-366 (default 120)" },
	{ "people", true, "N", "people (wallets), at least 10 x plants (default 4000)" },
	{ "plants", true, "N", "plants of each of the six typologies (default 20)" },
};
static const struct cli_spec gen_spec = CLI_SPEC(
	"risk gen --out-dir DIR [--seed N] [--days 110-366] [--people N] [--plants N]",
	"Writes synthetic payments with planted, labelled typologies (model in src/risk/gen.c).", gen_options, false);

/* --name N into *out (bounded); false after a message. */
static bool gen_number(const struct cli_args *a, const char *name, uint64_t max, uint64_t *out)
{
	const char *v = cli_args_get(a, name);
	if (v == NULL)
		return true;
	if (number_arg(v, max, out) == 0)
		return true;
	fprintf(stderr, "szfin risk gen: --%s must be a whole number up to %llu\n", name, (unsigned long long)max);
	return false;
}

int risk_gen_main(int argc, char **argv)
{
	struct gen_params p;
	gen_params_default(&p);
	struct cli_args a;
	static char name[] = "risk gen";
	argv[0] = name;
	int status = cli_args_parse(&gen_spec, argc, argv, &a);
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	const char *dir = cli_args_get(&a, "out-dir");
	uint64_t seed = p.seed, days = p.days, people = p.people, plants = p.plants_per_typology;
	bool ok = gen_number(&a, "seed", UINT64_MAX, &seed) && gen_number(&a, "days", GEN_DAYS_MAX, &days) &&
		  gen_number(&a, "people", GEN_PEOPLE_MAX, &people) &&
		  gen_number(&a, "plants", GEN_PLANTS_PER_TYPOLOGY_MAX, &plants);
	if (!ok || dir == NULL || a.positional_count != 0) {
		fprintf(stderr, "usage: szfin %s\n", gen_spec.usage);
		return 2;
	}
	p.seed = seed;
	p.days = (uint32_t)days;
	p.people = (uint32_t)people;
	p.plants_per_typology = (uint32_t)plants;
	mkdir(dir, 0755);
	FILE *t = out_file(dir, "transfers.csv"), *ac = out_file(dir, "accounts.csv"), *lb = out_file(dir, "labels.csv");
	struct gen_counts c;
	int rc = t && ac && lb ? gen_run(&p, t, ac, lb, &c) : SZ_EIO;
	int closed = 0;
	closed += t && fclose(t) != 0;
	closed += ac && fclose(ac) != 0;
	closed += lb && fclose(lb) != 0;
	if (rc == SZ_EINVAL)
		fprintf(stderr, "szfin risk gen: parameters out of range (days 110-366, people >= 10 x plants)\n");
	else if (rc != 0 || closed)
		fprintf(stderr, "szfin risk gen: %s\n", rc == SZ_ENOMEM ? "out of memory" : "write failed");
	else
		printf("transfers=%llu accounts=%u planted_alerts=%u seed=%llu\n", (unsigned long long)c.transfer_count,
		       c.account_count, c.plant_count, (unsigned long long)p.seed);
	return rc == 0 && !closed ? 0 : 1;
}

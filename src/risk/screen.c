/*
 * screen.c — watch-list parsing, name normalisation (ICU) and the
 * Jaro-Winkler token score (see screen.h for what the module owns).
 *
 * lint-float: offline — screening runs in the adapter before a command is
 * built (registration, cross-border requests, backtests); only its integer
 * per-mille score ever travels in a command.
 *
 * Watch-list file, format 1 (UTF-8 text, one record per line, LF or CRLF):
 *   line 1:  szfin-watchlist<TAB>1<TAB>LIST_NAME<TAB>VERSION
 *            LIST_NAME: 1..31 bytes of [A-Za-z0-9._-]; VERSION: 1..4294967295
 *   then:    ID<TAB>KIND<TAB>NAME
 *            ID: 1..31 bytes of [A-Za-z0-9._-]; KIND: P (person) or E
 *            (enterprise); NAME: 1..127 bytes of UTF-8 without control
 *            characters. An alias is another line with the same ID.
 *   Blank lines and lines starting with '#' are ignored.
 * A reader checks the header first (SZ_EVERSION for another format number),
 * then each line in order, and stops at the first invalid one, naming it.
 */
#include "risk/screen.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* ---- Jaro-Winkler ---------------------------------------------------------- */

#define JW_PREFIX_MAX 4u
#define JW_PREFIX_SCALE 0.1
#define JW_LEN_MAX SCREEN_KEY_SIZE

double screen_jaro(const char *a, size_t a_len, const char *b, size_t b_len)
{
	SZ_ASSERT(a != NULL && b != NULL);
	if (a_len == 0 && b_len == 0)
		return 1.0;
	if (a_len == 0 || b_len == 0 || a_len > JW_LEN_MAX || b_len > JW_LEN_MAX)
		return 0.0;
	size_t longer = a_len > b_len ? a_len : b_len;
	size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0;
	bool a_match[JW_LEN_MAX] = { false }, b_match[JW_LEN_MAX] = { false };
	size_t matches = 0;
	for (size_t i = 0; i < a_len; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < b_len ? i + window + 1 : b_len;
		for (size_t j = lo; j < hi; j++) {
			if (b_match[j] || a[i] != b[j])
				continue;
			a_match[i] = b_match[j] = true;
			matches++;
			break;
		}
	}
	if (matches == 0)
		return 0.0;
	size_t half_transpositions = 0, k = 0;
	for (size_t i = 0; i < a_len; i++) {
		if (!a_match[i])
			continue;
		while (!b_match[k])
			k++;
		if (a[i] != b[k])
			half_transpositions++;
		k++;
	}
	SZ_ASSERT(k <= b_len);
	double m = (double)matches;
	double t = (double)(half_transpositions / 2);
	return (m / (double)a_len + m / (double)b_len + (m - t) / m) / 3.0;
}

double screen_jaro_winkler(const char *a, size_t a_len, const char *b, size_t b_len)
{
	double j = screen_jaro(a, a_len, b, b_len);
	size_t prefix = 0;
	while (prefix < JW_PREFIX_MAX && prefix < a_len && prefix < b_len && a[prefix] == b[prefix])
		prefix++;
	return j + (double)prefix * JW_PREFIX_SCALE * (1.0 - j);
}

/* ---- token score ------------------------------------------------------------- */

struct tokens {
	uint32_t count;
	char text[SCREEN_TOKEN_COUNT_MAX][SCREEN_KEY_SIZE];
};

static void tokens_split(const char *key, struct tokens *t)
{
	t->count = 0;
	const char *p = key;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n == 0)
			break;
		if (t->count == SCREEN_TOKEN_COUNT_MAX) { /* the rest joins the last token */
			size_t used = strlen(t->text[t->count - 1]);
			snprintf(t->text[t->count - 1] + used, SCREEN_KEY_SIZE - used, "%.*s", (int)n, p);
		} else {
			snprintf(t->text[t->count++], SCREEN_KEY_SIZE, "%.*s", (int)n, p);
		}
		p += n;
	}
}

#define VARIANT_GROUPS_PER_SPELLING 4u

/* Two spellings of one surname in the variant table. */
static bool variant_equal(const struct screen_variants *v, const char *a, const char *b)
{
	if (v == NULL)
		return false;
	uint32_t groups[VARIANT_GROUPS_PER_SPELLING], n = 0;
	for (uint32_t i = 0; i < v->count && n < VARIANT_GROUPS_PER_SPELLING; i++)
		if (strcmp(v->items[i].spelling, a) == 0)
			groups[n++] = v->items[i].group;
	for (uint32_t i = 0; n > 0 && i < v->count; i++)
		if (strcmp(v->items[i].spelling, b) == 0)
			for (uint32_t g = 0; g < n; g++)
				if (groups[g] == v->items[i].group)
					return true;
	return false;
}

/* Greedy pairing: the best remaining pair first; unpaired tokens score 0. */
static double tokens_score(const struct screen_variants *v, const struct tokens *a, const struct tokens *b)
{
	double jw[SCREEN_TOKEN_COUNT_MAX][SCREEN_TOKEN_COUNT_MAX];
	size_t a_len[SCREEN_TOKEN_COUNT_MAX], b_len[SCREEN_TOKEN_COUNT_MAX], total = 0;
	for (uint32_t i = 0; i < a->count; i++)
		total += a_len[i] = strlen(a->text[i]);
	for (uint32_t j = 0; j < b->count; j++)
		total += b_len[j] = strlen(b->text[j]);
	if (total == 0)
		return 0.0;
	for (uint32_t i = 0; i < a->count; i++)
		for (uint32_t j = 0; j < b->count; j++)
			jw[i][j] = variant_equal(v, a->text[i], b->text[j])
					   ? 1.0
					   : screen_jaro_winkler(a->text[i], a_len[i], b->text[j], b_len[j]);
	bool a_used[SCREEN_TOKEN_COUNT_MAX] = { false }, b_used[SCREEN_TOKEN_COUNT_MAX] = { false };
	double sum = 0.0;
	uint32_t pairs = a->count < b->count ? a->count : b->count;
	for (uint32_t p = 0; p < pairs; p++) {
		double best = -1.0;
		uint32_t bi = 0, bj = 0;
		for (uint32_t i = 0; i < a->count; i++)
			for (uint32_t j = 0; j < b->count; j++)
				if (!a_used[i] && !b_used[j] && jw[i][j] > best) {
					best = jw[i][j];
					bi = i;
					bj = j;
				}
		a_used[bi] = b_used[bj] = true;
		sum += best * (double)(a_len[bi] + b_len[bj]);
	}
	return sum / (double)total;
}

/* Every way of joining the longer list's adjacent tokens into `groups`
 * tokens, scored against the shorter list; the best. */
struct merge_search {
	const struct screen_variants *v;
	const struct tokens *from, *other;
	uint32_t groups;
	double best;
};

static void merges_best(struct merge_search *m, uint32_t start, struct tokens *built)
{
	const struct tokens *from = m->from;
	bool last = built->count == m->groups - 1; /* the last group takes the rest */
	for (uint32_t end = last ? from->count : start + 1; end + (m->groups - built->count - 1) <= from->count;
	     end++) {
		char *dst = built->text[built->count];
		dst[0] = '\0';
		for (uint32_t i = start; i < end; i++)
			strncat(dst, from->text[i], SCREEN_KEY_SIZE - 1 - strlen(dst));
		built->count++;
		if (last) {
			double s = tokens_score(m->v, built, m->other);
			m->best = s > m->best ? s : m->best;
		} else {
			merges_best(m, end, built);
		}
		built->count--;
	}
}

uint32_t screen_score_keys(const struct screen_variants *v, const char *key_a, const char *key_b)
{
	SZ_ASSERT(key_a != NULL && key_b != NULL);
	static _Thread_local struct tokens a, b, built;
	tokens_split(key_a, &a);
	tokens_split(key_b, &b);
	if (a.count == 0 || b.count == 0)
		return 0;
	struct merge_search m = { .v = v, .from = a.count >= b.count ? &a : &b, .other = a.count >= b.count ? &b : &a };
	m.best = tokens_score(v, &a, &b);
	for (m.groups = m.other->count; m.groups < m.from->count; m.groups++) {
		built.count = 0;
		merges_best(&m, 0, &built);
	}
	uint32_t score = (uint32_t)(m.best * (double)SCREEN_SCORE_MAX + 0.5);
	SZ_ASSERT(score <= SCREEN_SCORE_MAX);
	return score;
}

uint32_t screen_match(const struct screen_list *list, const struct screen_variants *v, const char *key,
		      uint32_t threshold, struct screen_hit *hits, uint32_t hit_max)
{
	SZ_ASSERT(list != NULL && key != NULL);
	SZ_ASSERT(list->count <= SCREEN_ENTRY_COUNT_MAX);
	uint32_t n = 0;
	for (uint32_t i = 0; i < list->count; i++) {
		uint32_t s = screen_score_keys(v, key, list->entries[i].key);
		if (s < threshold)
			continue;
		uint32_t at = n < hit_max ? n++ : hit_max;
		while (at > 0 && hits[at - 1].score < s) { /* insertion keeps best first */
			if (at < hit_max)
				hits[at] = hits[at - 1];
			at--;
		}
		if (at < hit_max)
			hits[at] = (struct screen_hit){ .entry_index = i, .score = s };
	}
	return n;
}

/* ---- lines ------------------------------------------------------------------- */

struct line_reader {
	const char *p, *end;
	uint32_t line_no;
};

/* Next line without its LF/CR; false at the end. */
static bool line_next(struct line_reader *r, const char **line, size_t *len)
{
	if (r->p >= r->end)
		return false;
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	const char *stop = nl ? nl : r->end;
	*line = r->p;
	*len = (size_t)(stop - r->p);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	r->p = nl ? nl + 1 : r->end;
	r->line_no++;
	return true;
}

static bool word_ok(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Split a line at tabs into at most max fields; returns the field count. */
static uint32_t fields_split(const char *line, size_t len, const char **f, size_t *flen, uint32_t max)
{
	uint32_t n = 0;
	const char *p = line, *end = line + len;
	while (n < max) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		f[n] = p;
		flen[n] = (size_t)((tab ? tab : end) - p);
		n++;
		if (tab == NULL)
			return n;
		p = tab + 1;
	}
	return n + 1; /* too many */
}

static bool utf8_text_ok(const char *s, size_t n)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t need = 0;
	u_strFromUTF8(NULL, 0, &need, s, (int32_t)n, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int header_parse(const char *line, size_t len, struct screen_list *out, char *why, size_t why_size)
{
	const char *f[5];
	size_t fl[5];
	uint32_t n = fields_split(line, len, f, fl, 4);
	if (n != 4 || fl[0] != 15 || memcmp(f[0], "szfin-watchlist", 15) != 0) {
		snprintf(why, why_size, "line 1: expected szfin-watchlist<TAB>1<TAB>LIST<TAB>VERSION");
		return SZ_EINVAL;
	}
	if (fl[1] != 1 || f[1][0] != '0' + SCREEN_FORMAT_VERSION) {
		snprintf(why, why_size, "line 1: watch-list format %.*s is not supported (format 1 is)", (int)fl[1], f[1]);
		return SZ_EVERSION;
	}
	if (!word_ok(f[2], fl[2], SCREEN_ID_SIZE - 1)) {
		snprintf(why, why_size, "line 1: list name must be 1-31 of A-Z a-z 0-9 . _ -");
		return SZ_EINVAL;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < fl[3] && v <= UINT32_MAX; i++)
		v = (f[3][i] >= '0' && f[3][i] <= '9') ? v * 10 + (uint64_t)(f[3][i] - '0') : UINT64_MAX;
	if (fl[3] == 0 || fl[3] > 10 || v == 0 || v > UINT32_MAX) {
		snprintf(why, why_size, "line 1: version must be a whole number 1-4294967295");
		return SZ_EINVAL;
	}
	memcpy(out->list_name, f[2], fl[2]);
	out->list_name[fl[2]] = '\0';
	out->version = (uint32_t)v;
	return 0;
}

static int entry_parse(const char *line, size_t len, uint32_t line_no, struct screen_list *out, char *why,
		       size_t why_size)
{
	const char *f[4];
	size_t fl[4];
	if (fields_split(line, len, f, fl, 3) != 3) {
		snprintf(why, why_size, "line %u: expected ID<TAB>KIND<TAB>NAME", line_no);
		return SZ_EINVAL;
	}
	if (!word_ok(f[0], fl[0], SCREEN_ID_SIZE - 1)) {
		snprintf(why, why_size, "line %u: id must be 1-31 of A-Z a-z 0-9 . _ -", line_no);
		return SZ_EINVAL;
	}
	if (fl[1] != 1 || (f[1][0] != 'P' && f[1][0] != 'E')) {
		snprintf(why, why_size, "line %u: kind must be P (person) or E (enterprise)", line_no);
		return SZ_EINVAL;
	}
	if (fl[2] == 0 || fl[2] >= SCREEN_NAME_SIZE || !utf8_text_ok(f[2], fl[2])) {
		snprintf(why, why_size, "line %u: name must be 1-127 bytes of UTF-8 text", line_no);
		return SZ_EINVAL;
	}
	if (out->count == SCREEN_ENTRY_COUNT_MAX) {
		snprintf(why, why_size, "line %u: more than %u names", line_no, SCREEN_ENTRY_COUNT_MAX);
		return SZ_ELIMIT;
	}
	struct screen_entry *e = &out->entries[out->count++];
	memset(e, 0, sizeof *e);
	memcpy(e->id, f[0], fl[0]);
	e->kind = f[1][0];
	memcpy(e->name, f[2], fl[2]);
	return 0;
}

int screen_list_parse(const char *text, size_t size, struct screen_list *out, char *why, size_t why_size)
{
	SZ_ASSERT(text != NULL || size == 0);
	SZ_ASSERT(out != NULL && why != NULL);
	memset(out->list_name, 0, sizeof out->list_name);
	out->count = 0;
	out->version = 0;
	if (size > SCREEN_FILE_SIZE_MAX) {
		snprintf(why, why_size, "watch list over %u bytes", SCREEN_FILE_SIZE_MAX);
		return SZ_ELIMIT;
	}
	struct line_reader r = { text, text + size, 0 };
	const char *line;
	size_t len;
	bool header = false;
	while (line_next(&r, &line, &len)) {
		int rc = 0;
		if (!header)
			rc = header_parse(line, len, out, why, why_size), header = true;
		else if (len > 0 && line[0] != '#')
			rc = entry_parse(line, len, r.line_no, out, why, why_size);
		if (rc != 0)
			return rc;
	}
	if (!header) {
		snprintf(why, why_size, "empty watch list: line 1 must be the header");
		return SZ_EINVAL;
	}
	return 0;
}

int screen_variants_parse(const char *text, size_t size, struct screen_variants *out, char *why, size_t why_size)
{
	SZ_ASSERT(text != NULL || size == 0);
	SZ_ASSERT(out != NULL && why != NULL);
	out->count = 0;
	struct line_reader r = { text, text + size, 0 };
	const char *line;
	size_t len;
	while (line_next(&r, &line, &len)) {
		if (len == 0 || line[0] == '#')
			continue;
		uint32_t group = r.line_no;
		for (size_t i = 0; i < len;) {
			while (i < len && (line[i] == ' ' || line[i] == '\t'))
				i++;
			size_t s = i;
			while (i < len && line[i] >= 'a' && line[i] <= 'z')
				i++;
			if (i < len && line[i] != ' ' && line[i] != '\t') {
				snprintf(why, why_size, "line %u: variants are lower-case a-z words", r.line_no);
				return SZ_EINVAL;
			}
			if (i == s)
				continue;
			if (i - s >= SCREEN_VARIANT_SIZE || out->count == SCREEN_VARIANT_COUNT_MAX) {
				snprintf(why, why_size, "line %u: word over %u letters or over %u words", r.line_no,
					 SCREEN_VARIANT_SIZE - 1, SCREEN_VARIANT_COUNT_MAX);
				return SZ_ELIMIT;
			}
			struct screen_variant *v = &out->items[out->count++];
			snprintf(v->spelling, sizeof v->spelling, "%.*s", (int)(i - s), line + s);
			v->group = group;
		}
	}
	return 0;
}

/* ---- normalisation --------------------------------------------------------- */

#define SCREEN_TRANSFORM "Traditional-Simplified; Han-Latin/Names; Latin-ASCII; Any-Lower"

struct screen_norm {
	UTransliterator *t;
};

int screen_norm_open(struct screen_norm **out)
{
	SZ_ASSERT(out != NULL);
	*out = NULL;
	struct screen_norm *n = calloc(1, sizeof *n);
	if (n == NULL)
		return SZ_ENOMEM;
	UChar id[80];
	u_uastrcpy(id, SCREEN_TRANSFORM);
	UErrorCode e = U_ZERO_ERROR;
	n->t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	if (U_FAILURE(e)) {
		free(n);
		return SZ_ENOTFOUND;
	}
	*out = n;
	return 0;
}

void screen_norm_free(struct screen_norm *n)
{
	if (n == NULL)
		return;
	utrans_close(n->t);
	free(n);
}

/* ASCII letters and digits kept; everything else separates tokens. */
static int tokens_join(const char *ascii, char *key, size_t key_size)
{
	size_t used = 0;
	key[0] = '\0';
	for (const char *p = ascii; *p != '\0';) {
		char word[SCREEN_KEY_SIZE];
		size_t n = 0;
		while (*p != '\0' && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			p++;
		while (((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) && n + 1 < sizeof word)
			word[n++] = *p++;
		if (n == 0)
			break;
		word[n] = '\0';
		int w = snprintf(key + used, key_size - used, "%s%s", used ? " " : "", word);
		if (w < 0 || (size_t)w >= key_size - used)
			return SZ_ELIMIT;
		used += (size_t)w;
	}
	return 0;
}

int screen_normalize(struct screen_norm *n, const char *name, char *key, size_t key_size)
{
	SZ_ASSERT(n != NULL && name != NULL);
	SZ_ASSERT(key != NULL && key_size > 0);
	UChar buf[SCREEN_KEY_SIZE * 2];
	int32_t len = 0;
	UErrorCode e = U_ZERO_ERROR;
	if (strlen(name) >= SCREEN_NAME_SIZE)
		return SZ_ELIMIT;
	u_strFromUTF8(buf, (int32_t)(sizeof buf / sizeof buf[0]), &len, name, -1, &e);
	if (U_FAILURE(e))
		return SZ_EINVAL;
	int32_t limit = len;
	utrans_transUChars(n->t, buf, &len, (int32_t)(sizeof buf / sizeof buf[0]), 0, &limit, &e);
	if (U_FAILURE(e))
		return SZ_ELIMIT;
	char ascii[SCREEN_KEY_SIZE * 3];
	u_strToUTF8(ascii, (int32_t)sizeof ascii, NULL, buf, len, &e);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING)
		return SZ_ELIMIT;
	for (char *p = ascii; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return tokens_join(ascii, key, key_size);
}

int screen_list_prepare(struct screen_norm *n, struct screen_list *list)
{
	SZ_ASSERT(n != NULL && list != NULL);
	for (uint32_t i = 0; i < list->count; i++) {
		int rc = screen_normalize(n, list->entries[i].name, list->entries[i].key, SCREEN_KEY_SIZE);
		if (rc != 0)
			return rc;
	}
	return 0;
}

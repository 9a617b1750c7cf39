/*
 * screen.h — name screening against watch lists (Latin, simplified and
 * traditional Han, pinyin).
 *
 * Owns: the watch-list file format (format 1, documented in
 * docs/risk-analytics.md and at the top of screen.c) and its parser; the
 * variant table of surname romanizations (share/risk/watchlist-variants.tsv);
 * name normalisation through ICU (Traditional-Simplified; Han-Latin/Names;
 * Latin-ASCII; Any-Lower); the Jaro-Winkler similarity and the
 * order-independent token score built on it.
 *
 * lint-float: offline — screening is never called from apply; its
 * Jaro-Winkler similarities are fractions, only the per-mille score travels.
 *
 * Screening runs OFFLINE of apply (at registration and on cross-border
 * requests, in the adapter): it calls ICU and uses floating point. What
 * enters a command is the integer score (0..SCREEN_SCORE_MAX, per mille).
 * Never: run inside engine apply, or keep state between calls except the
 * list and the transliterator the caller owns.
 */
#ifndef SZ_RISK_SCREEN_H
#define SZ_RISK_SCREEN_H

#include <stddef.h>
#include <stdint.h>

/* A watch-list name or an alias: 40 Han characters or a long Latin name. */
#define SCREEN_NAME_SIZE 128u
/* Normalised (ASCII, lower case, single spaces): Han-Latin gives about six
 * bytes per Han character. */
#define SCREEN_KEY_SIZE 256u
#define SCREEN_ID_SIZE 32u
/* Entries (names and aliases) in one list: a test list holds dozens, a
 * national list a few thousand names. */
#define SCREEN_ENTRY_COUNT_MAX 8192u
/* Tokens compared per name: given and family names with generation names. */
#define SCREEN_TOKEN_COUNT_MAX 8u
#define SCREEN_VARIANT_COUNT_MAX 1024u
#define SCREEN_VARIANT_SIZE 16u
/* A watch-list or variant file read whole. */
#define SCREEN_FILE_SIZE_MAX (4u << 20)
#define SCREEN_SCORE_MAX 1000u
/* Default hit threshold (per mille); chosen on tests/data/risk/screen_pairs.tsv. */
#define SCREEN_THRESHOLD_DEFAULT 900u
#define SCREEN_FORMAT_VERSION 1u

/* Jaro and Jaro-Winkler similarity of two byte strings (0..1); the prefix
 * scale is the standard 0.1 over at most 4 characters. */
double screen_jaro(const char *a, size_t a_len, const char *b, size_t b_len);
double screen_jaro_winkler(const char *a, size_t a_len, const char *b, size_t b_len);

/* One variant group per line; a spelling may sit in several groups (Wong
 * is the Cantonese spelling of both 黄 Huang and 王 Wang). */
struct screen_variant {
	char spelling[SCREEN_VARIANT_SIZE];
	uint32_t group;                /* the line's group number */
};
struct screen_variants {
	uint32_t count;
	struct screen_variant items[SCREEN_VARIANT_COUNT_MAX];
};
/* Parse a variant table (tab- or space-separated lower-case ASCII words,
 * '#' comments). 0 or SZ_EINVAL/SZ_ELIMIT with a sentence in why. */
int screen_variants_parse(const char *text, size_t size, struct screen_variants *out, char *why, size_t why_size);

struct screen_entry {
	char id[SCREEN_ID_SIZE];
	char kind;                     /* 'P' person, 'E' enterprise */
	char name[SCREEN_NAME_SIZE];   /* as listed (UTF-8) */
	char key[SCREEN_KEY_SIZE];     /* normalised, filled by screen_list_prepare */
};
struct screen_list {
	char list_name[SCREEN_ID_SIZE];
	uint32_t version;
	uint32_t count;
	struct screen_entry entries[SCREEN_ENTRY_COUNT_MAX];
};
/* Parse a watch list (format in screen.c). Stops at the first bad line and
 * says which. 0 or SZ_EINVAL / SZ_EVERSION / SZ_ELIMIT. No ICU needed. */
int screen_list_parse(const char *text, size_t size, struct screen_list *out, char *why, size_t why_size);

/* The normaliser: an ICU transliterator. */
struct screen_norm;
int screen_norm_open(struct screen_norm **out);
void screen_norm_free(struct screen_norm *n);
/* UTF-8 name to its key: Han to pinyin (surname readings), traditional to
 * simplified, accents and punctuation dropped, lower case, single spaces.
 * 0, SZ_EINVAL (not UTF-8) or SZ_ELIMIT (too long). */
int screen_normalize(struct screen_norm *n, const char *name, char *key, size_t key_size);
/* Fill every entry's key. */
int screen_list_prepare(struct screen_norm *n, struct screen_list *list);

/* Order-independent token score of two keys, per mille: tokens are paired
 * greedily by Jaro-Winkler (1.0 for two spellings of one variant group;
 * v may be NULL), weighted by length; adjacent tokens of the longer name
 * are also tried joined ("xiao ming" ~ "xiaoming"). */
uint32_t screen_score_keys(const struct screen_variants *v, const char *key_a, const char *key_b);

struct screen_hit {
	uint32_t entry_index;
	uint32_t score;                /* per mille */
};
/* Screen one normalised key against the list: the hits at or above
 * threshold, best first, at most hit_max; returns how many. */
uint32_t screen_match(const struct screen_list *list, const struct screen_variants *v, const char *key,
		      uint32_t threshold, struct screen_hit *hits, uint32_t hit_max);

#endif

/*
 * fuzz_credit_apply.c — libFuzzer harness for the credit domain's command
 * decoders and apply (src/credit/apply.c), through sz_state_apply_batch.
 *
 * Input: a sequence of records, each a 4-byte prefix and a body:
 *   u8  kind     credit kind = SZ_CMD_CREDIT_BASE + kind % 18 (0 and 17
 *                are unknown kinds of the credit range)
 *   u8  flags    bit 0: the batch ends after this command
 *                bit 1: the header's size is 8 bytes short or long (a wrong
 *                       size for the kind)
 *                bit 2: the header's reserved field is not zero
 *                bit 3: fix up digests: a model chunk or activation gets the
 *                       SHA-256 of the artifact that the flagged chunks of
 *                       its version in this input assemble
 *                bit 4: fix up the USCC check character (18th) of the body
 *   u16 time     the batch time step, if this record starts a batch:
 *                (time & 0x3ff) + 1 << min(time >> 10, 47) ns, at most ~4.5
 *                years
 *   body         exactly the kind's body size (zero-padded at the end of
 *                the input)
 * Batch times start at 2024-06-15 10:00 (UTC+8) and only grow.
 * Every batch is applied to two states with every domain registered. A state
 * costs ~65 ms to create and release under ASan (huge reserved mappings), so
 * the two are made once and their credit part is reset between inputs
 * (credit commands touch no other domain and no ledger record); the reset
 * is checked against the digest of a fresh state.
 * Properties: no crash or sanitizer report; every result is a registered
 * code; invariants hold after every batch; both states have the same digest
 * after every batch (determinism); a one-command batch that is rejected and
 * finds no retention or deadline work leaves the credit state's digest
 * unchanged (a rejected command leaves no trace).
 * Seed corpus: fuzz/corpus/fuzz_credit_apply/ (replayed by make test).
 */
#include "core/assert.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/results.h"
#include "credit/domain_internal.h"
#include "credit/uscc.h"
#include "engine/state.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RECORD_COUNT_MAX 48u
#define PREFIX_SIZE 4u
#define START_NS 1718416800000000000ull /* 2024-06-15 10:00 UTC+8 */
#define END_NS 4102444800000000000ull   /* 2100-01-01: batch times stay below */

struct record {
	uint16_t kind;
	uint8_t flags;
	uint16_t time;
	uint32_t body_size;  /* the kind's size (8 for unknown kinds) */
	uint8_t *body;       /* in bodies[] */
};

static struct record records[RECORD_COUNT_MAX];
static uint8_t bodies[RECORD_COUNT_MAX][SZ_COMMAND_SIZE_MAX];
static uint8_t batch[RECORD_COUNT_MAX * SZ_COMMAND_SIZE_MAX];
static uint32_t results_a[RECORD_COUNT_MAX], results_b[RECORD_COUNT_MAX];
static struct sz_state state_a, state_b;

static uint32_t body_size_of(uint16_t kind)
{
	switch (kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER:
	case CREDIT_CMD_ENTERPRISE_UPDATE: return sizeof(struct credit_enterprise_cmd);
	case CREDIT_CMD_FEED_TAX: return sizeof(struct credit_tax_cmd);
	case CREDIT_CMD_FEED_HEADCOUNT: return sizeof(struct credit_headcount_cmd);
	case CREDIT_CMD_FEED_CASHFLOW: return sizeof(struct credit_cashflow_cmd);
	case CREDIT_CMD_FEED_IP: return sizeof(struct credit_ip_cmd);
	case CREDIT_CMD_FEED_INNOVATION: return sizeof(struct credit_innovation_cmd);
	case CREDIT_CMD_FEED_NEGATIVE: return sizeof(struct credit_negative_cmd);
	case CREDIT_CMD_AUTHORIZE: return sizeof(struct credit_authorize_cmd);
	case CREDIT_CMD_AUTHORIZATION_REVOKE: return sizeof(struct credit_revoke_cmd);
	case CREDIT_CMD_QUERY: return sizeof(struct credit_query_cmd);
	case CREDIT_CMD_OBJECTION_FILE: return sizeof(struct credit_objection_cmd);
	case CREDIT_CMD_OBJECTION_RESOLVE: return sizeof(struct credit_resolve_cmd);
	case CREDIT_CMD_MODEL_CHUNK: return sizeof(struct credit_model_chunk_cmd);
	case CREDIT_CMD_MODEL_ACTIVATE: return sizeof(struct credit_model_activate_cmd);
	case CREDIT_CMD_WATCH: return sizeof(struct credit_watch_cmd);
	}
	return 8;
}

/* Offset of the USCC field in a body, or -1. */
static int uscc_offset(uint16_t kind)
{
	switch (kind) {
	case CREDIT_CMD_AUTHORIZATION_REVOKE: return (int)offsetof(struct credit_revoke_cmd, uscc);
	case CREDIT_CMD_OBJECTION_RESOLVE:
	case CREDIT_CMD_MODEL_CHUNK:
	case CREDIT_CMD_MODEL_ACTIVATE: return -1;
	}
	return kind > SZ_CMD_CREDIT_BASE && kind <= CREDIT_CMD_WATCH ? 16 : -1;
}

static void fix_uscc(struct record *r)
{
	int off = uscc_offset(r->kind);
	if (off < 0)
		return;
	char *u = (char *)r->body + off;
	char check;
	if (credit_uscc_check_character(u, &check) == 0)
		u[17] = check;
}

/* The SHA-256 of the artifact that the flagged chunks of each version
 * assemble, written into those chunks and the flagged activations. */
static void fix_models(uint32_t count)
{
	static uint8_t text[CREDIT_MODEL_SIZE_MAX];
	for (uint32_t i = 0; i < count; i++) {
		struct record *r = &records[i];
		if (r->kind != CREDIT_CMD_MODEL_CHUNK || !(r->flags & 8))
			continue;
		struct credit_model_chunk_cmd *first = (struct credit_model_chunk_cmd *)r->body;
		if (first->total_size == 0 || first->total_size > CREDIT_MODEL_SIZE_MAX)
			continue;
		bool done = false; /* an earlier flagged chunk of this version did it */
		for (uint32_t j = 0; j < i && !done; j++)
			done = records[j].kind == CREDIT_CMD_MODEL_CHUNK && (records[j].flags & 8) &&
			       memcmp(((struct credit_model_chunk_cmd *)records[j].body)->version, first->version,
				      CREDIT_VERSION_SIZE) == 0;
		if (done)
			continue;
		memset(text, 0, first->total_size);
		for (uint32_t j = i; j < count; j++) {
			struct credit_model_chunk_cmd *c = (struct credit_model_chunk_cmd *)records[j].body;
			if (records[j].kind != CREDIT_CMD_MODEL_CHUNK || !(records[j].flags & 8) ||
			    memcmp(c->version, first->version, CREDIT_VERSION_SIZE) != 0)
				continue;
			uint64_t at = (uint64_t)c->index * CREDIT_MODEL_CHUNK_SIZE;
			uint32_t n = c->size < CREDIT_MODEL_CHUNK_SIZE ? c->size : CREDIT_MODEL_CHUNK_SIZE;
			if (at < first->total_size)
				memcpy(text + at, c->data, at + n <= first->total_size ? n : first->total_size - at);
		}
		uint8_t sha[32];
		sz_sha256(sha, text, first->total_size);
		for (uint32_t j = i; j < count; j++) {
			struct record *o = &records[j];
			if (!(o->flags & 8) || (o->kind != CREDIT_CMD_MODEL_CHUNK && o->kind != CREDIT_CMD_MODEL_ACTIVATE))
				continue;
			_Static_assert(offsetof(struct credit_model_chunk_cmd, sha256) ==
					       offsetof(struct credit_model_activate_cmd, sha256),
				       "both model commands carry the digest at one offset");
			struct credit_model_activate_cmd *a = (struct credit_model_activate_cmd *)o->body;
			if (memcmp(a->version, first->version, CREDIT_VERSION_SIZE) == 0)
				memcpy(a->sha256, sha, 32);
		}
	}
}

static uint32_t parse(const uint8_t *data, size_t size)
{
	uint32_t count = 0;
	size_t at = 0;
	while (at + PREFIX_SIZE <= size && count < RECORD_COUNT_MAX) {
		struct record *r = &records[count];
		r->kind = (uint16_t)(SZ_CMD_CREDIT_BASE + data[at] % 18);
		r->flags = data[at + 1];
		r->time = (uint16_t)(data[at + 2] | data[at + 3] << 8);
		r->body_size = body_size_of(r->kind);
		r->body = bodies[count];
		at += PREFIX_SIZE;
		size_t n = size - at < r->body_size ? size - at : r->body_size;
		memset(r->body, 0, r->body_size);
		memcpy(r->body, data + at, n);
		at += n;
		if (r->flags & 16)
			fix_uscc(r);
		count++;
	}
	fix_models(count);
	return count;
}

static uint8_t fresh_digest[32];

static void init_state(struct sz_state *s)
{
	SZ_ASSERT(sz_state_init(s) == 0);
	SZ_ASSERT(sz_state_register_domains(s) == 0);
}

/* Back to the state init_state made: empty credit arrays and indexes, no
 * models, batch 0. */
static void reset_state(struct sz_state *s)
{
	struct credit_domain_state *c = NULL;
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CREDIT_BASE)
			c = s->domains[i].state;
	SZ_ASSERT(c != NULL);
#define CLEAR(array, count) \
	memset(c->array, 0, sizeof c->array[0] * (size_t)c->count); \
	c->count = 0;
	CLEAR(enterprises, enterprise_count)
	CLEAR(ips, ip_count)
	CLEAR(negatives, negative_count)
	CLEAR(authorizations, authorization_count)
	CLEAR(queries, query_count)
	CLEAR(decisions, decision_count)
	CLEAR(objections, objection_count)
	CLEAR(warnings, warning_count)
	CLEAR(purges, purge_count)
	CLEAR(watches, watch_count)
	CLEAR(ops, op_count)
#undef CLEAR
	for (uint32_t i = 0; i < c->model_count; i++)
		credit_model_release(&c->models[i]);
	c->model_count = 0;
	struct ledger_index *indexes[] = { &c->enterprise_index, &c->ip_index, &c->op_index };
	for (uint32_t i = 0; i < 3; i++) {
		ledger_index_release(indexes[i]);
		SZ_ASSERT(ledger_index_init(indexes[i], 0) == 0);
	}
	c->next_purge_ns = UINT64_MAX;
	c->next_due_ns = UINT64_MAX;
	s->sequence = 0;
	s->reserved_sequence = 0; /* a reservation of the previous input is not this one's */
	s->batch_time_ns = 0;
	uint8_t digest[32];
	sz_state_digest(s, digest);
	SZ_ASSERT(memcmp(digest, fresh_digest, 32) == 0);
}

static void credit_digest_of(const struct sz_state *s, uint8_t out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CREDIT_BASE)
			s->domains[i].digest(s->domains[i].state, &h);
	crypto_generichash_final(&h, out, 32);
}

static void check(const struct sz_state *s)
{
	char why[256];
	if (sz_state_check_invariants(s, why, sizeof why) != 0) {
		fprintf(stderr, "invariant: %s\n", why);
		SZ_UNREACHABLE();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready, verbose;
	if (!ready) {
		SZ_ASSERT(sz_hash_init() == 0);
		verbose = getenv("FUZZ_CREDIT_VERBOSE") != NULL; /* print every result (seed checks) */
		init_state(&state_a);
		init_state(&state_b);
		sz_state_digest(&state_a, fresh_digest);
		ready = 1;
	}
	uint32_t count = parse(data, size);
	reset_state(&state_a);
	reset_state(&state_b);
	const struct credit_domain_state *credit = credit_state_get(&state_a);
	SZ_ASSERT(credit != NULL);
	uint64_t time_ns = START_NS, sequence = 0;
	for (uint32_t first = 0; first < count;) {
		uint32_t n = 1;
		while (first + n - 1 < count - 1 && !(records[first + n - 1].flags & 1))
			n++;
		uint32_t shift = records[first].time >> 10;
		uint64_t step = ((uint64_t)(records[first].time & 0x3ff) + 1) << (shift < 47 ? shift : 47);
		time_ns = time_ns < END_NS && step < END_NS - time_ns ? time_ns + step : time_ns + 1;
		uint32_t offset = 0;
		for (uint32_t i = first; i < first + n; i++) {
			const struct record *r = &records[i];
			uint32_t body_size = r->body_size;
			if (r->flags & 2)
				body_size = r->body_size + 8 <= SZ_COMMAND_SIZE_MAX - 8 && (r->time & 1) ? r->body_size + 8
												: r->body_size - 8;
			sz_command_header h = {
				.size = (uint32_t)sizeof h + body_size, .kind = r->kind, .reserved = (r->flags & 4) ? 1 : 0,
			};
			memcpy(batch + offset, &h, sizeof h);
			memset(batch + offset + sizeof h, 0, body_size);
			memcpy(batch + offset + sizeof h, r->body, body_size < r->body_size ? body_size : r->body_size);
			offset += h.size;
		}
		uint8_t before[32], after[32];
		bool quiet = n == 1 && time_ns < credit->next_purge_ns && time_ns < credit->next_due_ns;
		if (quiet)
			credit_digest_of(&state_a, before);
		sequence++;
		memset(results_a, 0xff, sizeof results_a);
		memset(results_b, 0xff, sizeof results_b);
		sz_state_apply_batch(&state_a, sequence, time_ns, batch, offset, n, 0, results_a);
		sz_state_apply_batch(&state_b, sequence, time_ns, batch, offset, n, 0, results_b);
		for (uint32_t i = 0; i < n; i++) {
			if (verbose)
				fprintf(stderr, "batch %llu command %u kind +%u: %s\n", (unsigned long long)sequence, i,
					records[first + i].kind - SZ_CMD_CREDIT_BASE, sz_result_name(results_a[i]));
			SZ_ASSERT(results_a[i] == results_b[i]);
			SZ_ASSERT(strcmp(sz_result_name(results_a[i]), "unknown") != 0);
		}
		if (quiet && results_a[0] != SZ_R_OK) {
			credit_digest_of(&state_a, after);
			SZ_ASSERT(memcmp(before, after, 32) == 0);
		}
		check(&state_a);
		uint8_t digest_a[32], digest_b[32];
		sz_state_digest(&state_a, digest_a);
		sz_state_digest(&state_b, digest_b);
		SZ_ASSERT(memcmp(digest_a, digest_b, 32) == 0);
		time_ns = state_a.batch_time_ns;
		first += n;
	}
	return 0;
}

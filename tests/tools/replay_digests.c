/*
 * replay_digests.c — replays a data directory's log into a fresh state and
 * prints, after every batch, the state digest and a hash of the batch's
 * result codes: "SEQUENCE DIGEST RESULTS" (hex), one line per batch, then
 * "final SEQUENCE DIGEST".
 *
 * The determinism test (tests/determinism.sh) builds this twice, with
 * different compilers and optimisation levels, and requires the two outputs
 * to be identical: apply must not depend on the compiler, FMA contraction or
 * libm. It reads the log only (no snapshot), changes nothing on disk, and
 * exits 0, or 1 naming what failed (unreadable or damaged log, invariants
 * broken after a batch).
 * Usage: replay_digests DATA_DIR
 */
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "engine/state.h"
#include "log/storage.h"
#include "log/wal.h"

#include <stdio.h>
#include <stdlib.h>

struct replay {
	struct sz_state *state;
	uint32_t *results;
	int failed;
};

static void print_hex(const uint8_t *bytes, size_t size)
{
	for (size_t i = 0; i < size; i++)
		printf("%02x", bytes[i]);
}

static int replay_one(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	struct replay *r = ctx;
	sz_state_apply_batch(r->state, h->sequence, h->batch_time_ns, body, h->body_size, h->command_count, body_pos,
			     r->results);
	uint8_t digest[32];
	uint8_t results_hash[32];
	sz_state_digest(r->state, digest);
	sz_blake2b(results_hash, r->results, (size_t)h->command_count * sizeof r->results[0]);
	printf("%llu ", (unsigned long long)h->sequence);
	print_hex(digest, sizeof digest);
	printf(" ");
	print_hex(results_hash, sizeof results_hash);
	printf("\n");
	char why[256];
	if (sz_state_check_invariants(r->state, why, sizeof why) != 0) {
		fprintf(stderr, "replay_digests: invariants broken after batch %llu: %s\n",
			(unsigned long long)h->sequence, why);
		r->failed = 1;
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: replay_digests DATA_DIR\n");
		return 2;
	}
	if (sz_hash_init() != 0)
		return 1;
	struct replay r = { 0 };
	r.state = calloc(1, sizeof *r.state);
	r.results = calloc(SZ_BATCH_COMMAND_COUNT_MAX, sizeof *r.results);
	if (r.state == NULL || r.results == NULL || sz_state_init(r.state) != 0 ||
	    sz_state_register_domains(r.state) != 0) {
		fprintf(stderr, "replay_digests: cannot create a state\n");
		return 1;
	}
	struct wal_scan_start start = { .sequence = 1 };
	struct wal_scan_result result;
	int rc = wal_scan(sz_storage_posix(), argv[1], &start, false, replay_one, &r, &result);
	if (rc != 0 || r.failed) {
		fprintf(stderr, "replay_digests: %s\n", rc == SZ_ECORRUPT ? result.why : sz_strerror(rc));
		return 1;
	}
	uint8_t digest[32];
	sz_state_digest(r.state, digest);
	printf("final %llu ", (unsigned long long)result.last_sequence);
	print_hex(digest, sizeof digest);
	printf("\n");
	sz_state_release(r.state);
	free(r.state);
	free(r.results);
	return 0;
}

/*
 * fuzz_wal.c — libFuzzer harness for the log decoder (recovery's scan + apply).
 *
 * The input becomes segment 1 of a fresh data directory. If its first byte
 * is odd, the harness first walks the input as a chain of batches and writes
 * correct hashes into each header, so that inputs get past the checksums and
 * exercise the envelope checks and the apply of arbitrary commands. Then it
 * scans the log; every batch the scanner accepts is applied to a fresh state.
 * Properties: no crash or sanitizer report; the scan returns 0 or a
 * documented error; an accepted log keeps the state's invariants; every
 * command of every accepted batch reads back through the checked reader
 * (wal_read_at) byte for byte, and a position outside every batch body is
 * refused. Domain
 * commands are left unregistered here (rejected as unknown kinds): each
 * domain's decoder has its own harness.
 */
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/state.h"
#include "log/wal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static uint32_t results[8192];

static void fix_hashes(uint8_t *data, size_t size)
{
	uint8_t prev[32] = { 0 };
	if (size < WAL_SEGMENT_HEADER_SIZE)
		return;
	struct wal_segment_header sh;
	memcpy(&sh, data, sizeof sh);
	sh.magic = WAL_SEGMENT_MAGIC;
	sh.version = WAL_FORMAT_VERSION;
	sh.segment = 1;
	sh.first_sequence = 1;
	memset(sh.prev_hash, 0, 32);
	sz_sha256(sh.header_hash, &sh, 96);
	memcpy(data, &sh, sizeof sh);
	for (size_t offset = WAL_SEGMENT_HEADER_SIZE; offset + WAL_BATCH_HEADER_SIZE <= size;) {
		struct wal_batch_header h;
		memcpy(&h, data + offset, sizeof h);
		uint64_t body_max = size - offset - WAL_BATCH_HEADER_SIZE;
		if (h.body_size > body_max)
			h.body_size = (uint32_t)(body_max & ~7ull);
		h.magic = WAL_BATCH_MAGIC;
		memcpy(h.prev_hash, prev, 32);
		sz_blake2b(h.body_hash, data + offset + WAL_BATCH_HEADER_SIZE, h.body_size);
		h.results_sequence = 0; /* nothing to compare in a fresh replay's first batches */
		h.zero_piece_count = wal_zero_piece_count(data + offset + WAL_BATCH_HEADER_SIZE,
							  offset + WAL_BATCH_HEADER_SIZE, h.body_size);
		sz_sha256(h.header_hash, &h, WAL_BATCH_HASHED_SIZE);
		memcpy(prev, h.header_hash, 32);
		memcpy(data + offset, &h, sizeof h);
		offset += WAL_BATCH_HEADER_SIZE + h.body_size;
	}
}

/* Read back up to 64 bytes of the body's first command through the checked reader. */
static void check_read_back(const uint8_t *body, uint32_t body_size, uint64_t body_pos)
{
	uint8_t got[64];
	size_t n = body_size < sizeof got ? body_size : sizeof got;
	if (n == 0)
		return;
	SZ_ASSERT(wal_read_at(sz_storage_posix(), dir, body_pos, got, n) == 0);
	SZ_ASSERT(memcmp(got, body, n) == 0);
	SZ_ASSERT(wal_read_at(sz_storage_posix(), dir, body_pos - 1, got, 1) != 0); /* inside the header */
}

static int apply(void *ctx, const struct wal_batch_header *h, const uint8_t *body, uint64_t body_pos)
{
	struct sz_state *s = ctx;
	SZ_ASSERT(wal_body_valid(body, h->body_size, h->command_count, h->batch_time_ns));
	check_read_back(body, h->body_size, body_pos);
	sz_state_apply_batch(s, h->sequence, h->batch_time_ns, body, h->body_size, h->command_count, body_pos, results);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == 0) {
		sz_hash_init();
		snprintf(dir, sizeof dir, "/tmp/szfin-fuzz-wal-%d", (int)getpid());
		char path[128];
		snprintf(path, sizeof path, "%s/log", dir);
		mkdir(dir, 0755);
		mkdir(path, 0755);
	}
	if (size == 0 || size > (4u << 20))
		return 0;
	uint8_t *copy = malloc(size);
	memcpy(copy, data, size);
	if (data[0] & 1)
		fix_hashes(copy, size);
	char path[128];
	snprintf(path, sizeof path, "%s/log/00000001.szl", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(write(fd, copy, size) == (ssize_t)size);
	close(fd);
	free(copy);

	static struct sz_state s;
	SZ_ASSERT(sz_state_init(&s) == 0); /* ledger only: domain decoders have their own harnesses */
	SZ_ASSERT(ledger_domain_register(&s) == 0);
	struct wal_scan_start start = { .sequence = 1 };
	struct wal_scan_result r;
	int rc = wal_scan(sz_storage_posix(), dir, &start, false, apply, &s, &r);
	SZ_ASSERT(rc == 0 || rc == SZ_ECORRUPT || rc == SZ_EVERSION);
	SZ_ASSERT(rc != SZ_ECORRUPT || r.why[0] != 0);
	char why[256];
	if (rc == 0)
		SZ_ASSERT(sz_state_check_invariants(&s, why, sizeof why) == 0);
	sz_state_release(&s);
	return 0;
}

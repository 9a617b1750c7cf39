/*
 * fuzz_tier_run.c — libFuzzer harness for the disk tier's run file reader
 * (ledger/tier.h: tier_adopt and tier_find).
 *
 * Even first byte: the rest of the input is a run file as found on disk.
 * Odd first byte: the rest is records (48 bytes each, ids made distinct,
 * slot numbers folded into the range), written as a correct run by
 * tier_build; then, if the input asks for it, one byte of the file is
 * flipped at an offset the input chooses.
 * Properties: no crash or sanitizer report; adoption returns 0 or a
 * documented error; a run built and left intact is adopted and finds every
 * record it holds, byte for byte; a run with any byte flipped is never
 * adopted (its file is then removed).
 */
#include "ledger/tier.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RANGE_LO 1000u
#define RANGE_HI 2000u
#define RECORD_COUNT_MAX 600u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void path_of(char *out, size_t size)
{
	snprintf(out, size, "%s/run-%010u-%010u.idx", dir, RANGE_LO, RANGE_HI);
}

static void write_raw(const uint8_t *data, size_t size)
{
	char path[128];
	path_of(path, sizeof path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(write(fd, data, size) == (ssize_t)size);
	close(fd);
}

/* Records from the input, ids distinct (the index is mixed into the id). */
static uint32_t records_from(const uint8_t *data, size_t size, struct tier_record *out)
{
	uint32_t n = (uint32_t)(size / sizeof out[0]);
	if (n > RECORD_COUNT_MAX)
		n = RECORD_COUNT_MAX;
	if (n > RANGE_HI - RANGE_LO)
		n = RANGE_HI - RANGE_LO;
	for (uint32_t i = 0; i < n; i++) {
		memcpy(&out[i], data + (size_t)i * sizeof out[0], sizeof out[0]);
		uint64_t lo;
		memcpy(&lo, out[i].slot, sizeof lo);
		lo = (lo & ~0xffffull) | i;
		memcpy(out[i].slot, &lo, sizeof lo);
		out[i].slot_number = RANGE_LO + (out[i].slot_number % (RANGE_HI - RANGE_LO));
	}
	return n;
}

static void check_built(const uint8_t *data, size_t size)
{
	static struct tier_record records[RECORD_COUNT_MAX];
	uint32_t flip_at = size >= 3 ? (uint32_t)data[1] << 8 | data[2] : 0;
	bool flip = size >= 4 && (data[3] & 1);
	uint32_t n = size > 4 ? records_from(data + 4, size - 4, records) : 0;
	struct tier_job job = { .records = malloc((n + 1u) * sizeof records[0]), .record_count = n,
				.slot_lo = RANGE_LO, .slot_hi = RANGE_HI };
	SZ_ASSERT(job.records != NULL);
	memcpy(job.records, records, (size_t)n * sizeof records[0]);
	SZ_ASSERT(tier_build(dir, &job) == 0);
	uint64_t file_size = 64 + (uint64_t)n * 48 + (uint64_t)job.run.block_count * 8 + 8;
	if (flip) {
		char path[128];
		path_of(path, sizeof path);
		int fd = open(path, O_RDWR);
		uint8_t b = 0;
		off_t at = (off_t)(flip_at % file_size);
		SZ_ASSERT(pread(fd, &b, 1, at) == 1);
		b ^= 0x10;
		SZ_ASSERT(pwrite(fd, &b, 1, at) == 1);
		close(fd);
	}
	job.rc = 1; /* tier_job_free releases the built run */
	struct tier_job *heap = malloc(sizeof *heap);
	*heap = job;
	tier_job_free(heap);
	struct tier t;
	SZ_ASSERT(tier_open(&t, dir, 1000) == 0);
	int rc = tier_adopt(&t, RANGE_LO, RANGE_HI, NULL, NULL);
	SZ_ASSERT(flip ? rc == SZ_ECORRUPT : rc == 0);
	for (uint32_t i = 0; rc == 0 && i < n; i++) {
		struct tier_record r;
		sz_id id;
		memcpy(&id, records[i].slot, sizeof id);
		SZ_ASSERT(tier_find(&t, id, &r, NULL, NULL) == 1);
		SZ_ASSERT(memcmp(&r, &records[i], sizeof r) == 0);
	}
	tier_close(&t);
}

static void check_raw(const uint8_t *data, size_t size)
{
	write_raw(data, size);
	struct tier t;
	SZ_ASSERT(tier_open(&t, dir, 1000) == 0);
	int rc = tier_adopt(&t, RANGE_LO, RANGE_HI, NULL, NULL);
	SZ_ASSERT(rc == 0 || rc == SZ_ECORRUPT || rc == SZ_ENOMEM);
	if (rc == 0 && t.run_count == 1 && size >= 64 + 48) {
		struct tier_record r, first;
		memcpy(&first, data + 64, sizeof first);
		sz_id id;
		memcpy(&id, first.slot, sizeof id);
		SZ_ASSERT(tier_find(&t, id, &r, NULL, NULL) == 1);
		SZ_ASSERT(memcmp(&r, &first, sizeof r) == 0);
	}
	tier_close(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == 0) {
		sz_hash_init();
		snprintf(dir, sizeof dir, "/tmp/szfin-fuzz-tier-XXXXXX");
		SZ_ASSERT(mkdtemp(dir) != NULL);
	}
	if (size == 0)
		return 0;
	if (data[0] & 1)
		check_built(data, size);
	else
		check_raw(data + 1, size - 1);
	char path[128];
	path_of(path, sizeof path);
	unlink(path);
	return 0;
}

/*
 * test_snapshot.c — snapshot files (src/log/snapshot.c, format 3): the byte
 * layout derived by hand from the format comment in snapshot.h, arrays
 * read back straight into place (small, page-aligned, larger than a chunk,
 * large enough to be read on two threads), an older format refused as
 * such, a section reading past the end refused, and, through the engine, a
 * flipped byte anywhere in the newest snapshot refused with recovery
 * falling back to the older snapshot and the log to the same state.
 */
#include "testutil.h"

#include "core/errors.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "log/snapshot.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <xxhash.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	char path[128];
	snprintf(path, sizeof path, "%s/snapshots", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static void snapshot_path(char *out, size_t size, uint64_t sequence)
{
	snprintf(out, size, "%s/snapshots/%020llu.szs", dir, (unsigned long long)sequence);
}

static uint8_t *read_whole(uint64_t sequence, size_t *size)
{
	char path[160];
	snapshot_path(path, sizeof path, sequence);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	uint8_t *data = malloc((size_t)st.st_size);
	assert_non_null(data);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, data, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*size = (size_t)st.st_size;
	return data;
}

/* ---- the byte layout, derived from the format comment ---------------------- */

enum { SMALL_SIZE = 8, ARRAY_SIZE = 20000 };

static int write_small_and_array(void *ctx, struct sz_snap *s)
{
	const uint8_t *array = ctx;
	uint64_t v = 0x1122334455667788ull;
	sz_snap_write(s, &v, sizeof v);
	return sz_snap_write_array(s, array, ARRAY_SIZE);
}

static uint64_t u64_at(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Header page (4096), the u64 at 4096, padding to 8192, the 20,000-byte
 * array at 8192: body 28,192 bytes, one chunk (under 1 MiB), so a 16-byte
 * table and the 64-byte trailer: 28,272 bytes in all. */
static void test_layout_by_hand(void **state)
{
	(void)state;
	static uint8_t array[ARRAY_SIZE];
	for (uint32_t i = 0; i < ARRAY_SIZE; i++)
		array[i] = (uint8_t)(i * 7 + 1);
	struct sz_snapshot_info info = { .sequence = 42, .batch_time_ns = 1000, .next_log_pos = (1ull << 40) | 4096 };
	memset(info.head_hash, 0xab, 32);
	memset(info.state_digest, 0xcd, 32);
	assert_int_equal(sz_snapshot_write(sz_storage_posix(), dir, &info, write_small_and_array, array), 0);
	size_t size;
	uint8_t *f = read_whole(42, &size);
	assert_int_equal(size, 28272);
	assert_memory_equal(f, "SZSNAP01", 8);
	assert_int_equal(f[8], 3); /* version */
	assert_int_equal(u64_at(f + 16), 42);
	assert_int_equal(u64_at(f + 24), 1000);
	assert_int_equal(f[32], 0xab);
	assert_int_equal(f[64], 0xcd);
	assert_int_equal(u64_at(f + 96), (1ull << 40) | 4096);
	for (size_t i = 128; i < 4096; i++)
		assert_int_equal(f[i], 0);
	assert_int_equal(u64_at(f + 4096), 0x1122334455667788ull);
	for (size_t i = 4104; i < 8192; i++)
		assert_int_equal(f[i], 0);
	assert_memory_equal(f + 8192, array, ARRAY_SIZE);
	/* Trailer: body size, chunk count, chunk size, reserved, hash. */
	const uint8_t *t = f + size - 64;
	assert_int_equal(u64_at(t), 28192);
	assert_int_equal(u64_at(t + 8), 1);
	assert_int_equal(u64_at(t + 16), 1u << 20);
	assert_int_equal(u64_at(t + 24), 0);
	/* The chunk sum: XXH3-128 of bytes 0..28191, low then high. */
	XXH128_hash_t x = XXH3_128bits(f, 28192);
	assert_int_equal(u64_at(f + 28192), x.low64);
	assert_int_equal(u64_at(f + 28200), x.high64);
	/* The trailer hash: BLAKE2b-256 of the table and the trailer's first 32 bytes. */
	uint8_t hashed[16 + 32], hash[32];
	memcpy(hashed, f + 28192, 16);
	memcpy(hashed + 16, t, 32);
	crypto_generichash(hash, 32, hashed, sizeof hashed, NULL, 0);
	assert_memory_equal(t + 32, hash, 32);
	free(f);
}

/* ---- arrays read back straight into place ---------------------------------- */

/* Sizes: under the alignment threshold, just over it, over a chunk, and
 * over the size from which the second half is read on another thread. */
static const size_t round_trip_sizes[] = { 100, 16 * 1024, 3 * (1u << 20) + 5, 40u << 20 };
#define ROUND_TRIP_COUNT (sizeof round_trip_sizes / sizeof round_trip_sizes[0])

struct arrays {
	uint8_t *data[ROUND_TRIP_COUNT];
};

static void fill_pattern(uint8_t *p, size_t size, uint32_t seed)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
	for (size_t i = 0; i < size; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, size - i < 8 ? size - i : 8);
	}
}

static int write_arrays(void *ctx, struct sz_snap *s)
{
	struct arrays *a = ctx;
	for (uint32_t i = 0; i < ROUND_TRIP_COUNT; i++) {
		uint64_t n = round_trip_sizes[i];
		sz_snap_write_u64(s, n);
		sz_snap_write_array(s, a->data[i], round_trip_sizes[i]);
	}
	return s->error;
}

static int read_arrays(void *ctx, struct sz_snap *s)
{
	struct arrays *a = ctx;
	for (uint32_t i = 0; i < ROUND_TRIP_COUNT; i++) {
		uint64_t n = 0;
		if (sz_snap_read_u64(s, &n) != 0 || n != round_trip_sizes[i])
			return SZ_ECORRUPT;
		if (sz_snap_read_array(s, a->data[i], round_trip_sizes[i]) != 0)
			return s->error;
	}
	return 0;
}

static void test_arrays_round_trip(void **state)
{
	(void)state;
	struct arrays out, in;
	for (uint32_t i = 0; i < ROUND_TRIP_COUNT; i++) {
		out.data[i] = malloc(round_trip_sizes[i]);
		in.data[i] = calloc(1, round_trip_sizes[i]);
		assert_true(out.data[i] != NULL && in.data[i] != NULL);
		fill_pattern(out.data[i], round_trip_sizes[i], i);
	}
	struct sz_snapshot_info info = { .sequence = 7 }, got;
	assert_int_equal(sz_snapshot_write(sz_storage_posix(), dir, &info, write_arrays, &out), 0);
	char why[256] = "";
	assert_int_equal(sz_snapshot_load(sz_storage_posix(), dir, 7, read_arrays, &in, &got, why, sizeof why), 0);
	assert_int_equal(got.sequence, 7);
	for (uint32_t i = 0; i < ROUND_TRIP_COUNT; i++) {
		assert_memory_equal(in.data[i], out.data[i], round_trip_sizes[i]);
		free(in.data[i]);
		free(out.data[i]);
	}
	char path[160];
	snapshot_path(path, sizeof path, 7);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(got.file_size, (uint64_t)st.st_size);
}

/* A section asking for more than was written is refused, never served zeros. */
static int read_too_much(void *ctx, struct sz_snap *s)
{
	(void)ctx;
	uint8_t buf[64];
	uint64_t v;
	if (sz_snap_read_u64(s, &v) != 0 || v != 0x1122334455667788ull)
		return SZ_EINVAL; /* not what this test expects */
	static uint8_t array[ARRAY_SIZE];
	if (sz_snap_read_array(s, array, ARRAY_SIZE) != 0)
		return SZ_EINVAL;
	return sz_snap_read(s, buf, sizeof buf);
}

static void test_read_past_end_refused(void **state)
{
	(void)state;
	static uint8_t array[ARRAY_SIZE];
	struct sz_snapshot_info info = { .sequence = 9 }, got;
	assert_int_equal(sz_snapshot_write(sz_storage_posix(), dir, &info, write_small_and_array, array), 0);
	char why[256] = "";
	assert_int_equal(sz_snapshot_load(sz_storage_posix(), dir, 9, read_too_much, NULL, &got, why, sizeof why),
			 SZ_ECORRUPT);
	assert_non_null(strstr(why, "00000000000000000009.szs"));
}

static int read_nothing(void *ctx, struct sz_snap *s)
{
	bool *called = ctx;
	*called = true;
	(void)s;
	return 0;
}

/* Version 2 (the previous format: one BLAKE2b stream, 40-byte trailer) is
 * refused as another version; a byte flipped anywhere in a version 3 file
 * is refused before a section sees anything. */
static void test_other_version_and_flips_refused(void **state)
{
	(void)state;
	static uint8_t array[ARRAY_SIZE];
	struct sz_snapshot_info info = { .sequence = 5 }, got;
	assert_int_equal(sz_snapshot_write(sz_storage_posix(), dir, &info, write_small_and_array, array), 0);
	char path[160], why[256];
	snapshot_path(path, sizeof path, 5);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	for (off_t at = 0; at < st.st_size; at += at < 160 || at > st.st_size - 100 ? 1 : 397) {
		uint8_t b, v2 = 2;
		assert_int_equal(pread(fd, &b, 1, at), 1);
		uint8_t flipped = at == 8 ? v2 : (uint8_t)(b ^ 0x10);
		assert_int_equal(pwrite(fd, &flipped, 1, at), 1);
		bool called = false;
		int rc = sz_snapshot_load(sz_storage_posix(), dir, 5, read_nothing, &called, &got, why, sizeof why);
		if (rc == 0 || called)
			fail_msg("a byte changed at offset %lld was not refused", (long long)at);
		assert_int_equal(rc, at >= 8 && at < 12 ? SZ_EVERSION : SZ_ECORRUPT);
		assert_int_equal(pwrite(fd, &b, 1, at), 1);
	}
	close(fd);
	bool called = false;
	assert_int_equal(sz_snapshot_load(sz_storage_posix(), dir, 5, read_nothing, &called, &got, why, sizeof why), 0);
	assert_true(called);
}

/* ---- through the engine --------------------------------------------------------- */

static struct sz_engine *open_engine(void)
{
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("open: %s", why);
	return e;
}

static uint32_t run1(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	uint8_t buf[512];
	uint32_t n = 0, result = 999;
	tu_append(buf, &n, kind, body, size);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	return result;
}

/* Accounts 1 and 2 (batches 1, 2), transfers 1..20 (batches 3..22), a
 * snapshot at 22, transfers 21..30 (batches 23..32), and the snapshot at 32
 * that close writes. With a byte of snapshot 32 flipped, open must load
 * snapshot 22 and replay exactly the 10 batches after it; the state is the
 * same (account 2 credited 1 + 2 + ... + 30 = 465 fen). */
static void test_engine_falls_back_on_any_flip(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	sz_account a = tu_account(1, CNY, 0), b = tu_account(2, CNY, 0);
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &b, sizeof b), SZ_R_OK);
	for (uint64_t i = 1; i <= 30; i++) {
		sz_transfer t = tu_transfer(i, 1, 2, i, 0);
		assert_int_equal(run1(e, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
		if (i == 20)
			assert_int_equal(sz_engine_snapshot(e), 0);
	}
	uint8_t want[32], got[32];
	sz_state_digest(sz_engine_state(e), want);
	assert_int_equal(sz_engine_close(e), 0);
	char path[160];
	snapshot_path(path, sizeof path, 32);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	off_t size = st.st_size;
	/* Every byte of the header's fields and of the trailer, and a spread
	 * through padding, sections and the chunk table. */
	uint32_t tries = 0;
	for (off_t at = 0; at < size; at += at < 128 || at >= size - 96 ? 7 : size / 19, tries++) {
		int fd = open(path, O_RDWR);
		assert_true(fd >= 0);
		uint8_t byte;
		assert_int_equal(pread(fd, &byte, 1, at), 1);
		byte ^= 0x01;
		assert_int_equal(pwrite(fd, &byte, 1, at), 1);
		close(fd);
		e = open_engine();
		struct sz_engine_stats s;
		sz_engine_stats(e, &s);
		if (s.replayed_batches != 10)
			fail_msg("flip at %lld of %lld: %llu batches replayed, not the 10 after snapshot 22", (long long)at,
				 (long long)size, (unsigned long long)s.replayed_batches);
		sz_state_digest(sz_engine_state(e), got);
		assert_memory_equal(got, want, 32);
		const sz_account *credited = ledger_account_get(sz_ledger_const(sz_engine_state(e)), sz_id_make(0, 2));
		assert_int_equal(credited->credits_posted, 465);
		assert_int_equal(sz_engine_close(e), 0); /* writes snapshot 32 afresh */
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, size);
	}
	assert_true(tries > 30);
	/* Intact, it is loaded: nothing replayed. */
	e = open_engine();
	struct sz_engine_stats s;
	sz_engine_stats(e, &s);
	assert_int_equal(s.replayed_batches, 0);
	assert_int_equal(s.snapshot_load_bytes, (uint64_t)size);
	assert_true(s.snapshot_load_ns > 0 && s.snapshot_load_ns <= s.replay_ns);
	assert_int_equal(sz_engine_close(e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrays_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_past_end_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_version_and_flips_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_falls_back_on_any_flip, setup, teardown),
	};
	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}

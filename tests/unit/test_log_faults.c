/*
 * test_log_faults.c — the log never serves damaged data: a flipped byte in
 * log data a snapshot covers is refused at every read and stops the engine
 * when the start-up scrub finds it; a record whose batch fails its
 * checksum is never read (an error and a count instead); a log cut short or
 * missing a segment before the snapshot's position is refused by start and
 * by szfin verify's check; the background scrub reports damage; the data
 * directory is private (0700 directories, 0600 files).
 */
#include "testutil.h"

#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "log/verify.h"
#include "log/wal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

static char dir[64];

/* Bytes of a batch holding one account or transfer command: a 192-byte
 * header and an 8-byte command header + 128-byte record. */
#define BATCH_SIZE_ONE (WAL_BATCH_HEADER_SIZE + 136u)
#define SEGMENT_1 "log/00000001.szl"

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static struct sz_engine *open_engine(void)
{
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("open: %s", why);
	return e;
}

static int open_fails(char *why, size_t why_size)
{
	struct sz_engine *e = NULL;
	struct sz_engine_config cfg = { .data_dir = dir };
	int rc = sz_engine_open(&e, &cfg, why, why_size);
	if (rc == 0)
		sz_engine_close(e);
	return rc;
}

static uint32_t run1(struct sz_engine *e, uint16_t kind, const void *body, uint32_t size)
{
	uint8_t buf[512];
	uint32_t n = 0, result = 999;
	tu_append(buf, &n, kind, body, size);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	return result;
}

/* Accounts 1 and 2 (batches 1, 2), then transfers 1..count of amount
 * 100 * i fen from 1 to 2, one batch each (batches 3 ..). */
static void populate(struct sz_engine *e, uint64_t count)
{
	sz_account a = tu_account(1, CNY, 0), b = tu_account(2, CNY, 0);
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	assert_int_equal(run1(e, SZ_CMD_CREATE_ACCOUNT, &b, sizeof b), SZ_R_OK);
	for (uint64_t i = 1; i <= count; i++) {
		sz_transfer t = tu_transfer(i, 1, 2, 100 * i, 0);
		assert_int_equal(run1(e, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
	}
}

/* Where transfer i's record lies in segment 1: batch 2 + i starts at
 * 128 + (1 + i) * BATCH_SIZE_ONE; its record follows the batch header and
 * the 8-byte command header. */
static uint64_t record_offset(uint64_t i)
{
	return 128 + (1 + i) * BATCH_SIZE_ONE + WAL_BATCH_HEADER_SIZE + 8;
}

static void flip_byte(const char *file, uint64_t offset)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	uint8_t b;
	assert_int_equal(pread(fd, &b, 1, (off_t)offset), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)offset), 1);
	close(fd);
}

static int read_transfer(struct sz_engine *e, uint64_t id, sz_transfer *out)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(e));
	int64_t slot = ledger_slot_find(l, sz_id_make(0, id));
	assert_true(slot >= 0);
	return sz_engine_read_transfer(e, ledger_slot_log_pos(l, (uint32_t)slot), out);
}

/* Up to 20 s: poll (sleeping between polls: the scrub thread may be slow on
 * a loaded machine) until count scrubs finished; the engine may stop. */
static void poll_until_scrubbed_or_stopped(struct sz_engine *e, uint64_t count, struct sz_engine_stats *st)
{
	for (int i = 0; i < 20000; i++) {
		sz_engine_stats(e, st);
		if (st->scrub_count >= count)
			return;
		int rc = sz_engine_poll(e, 1);
		assert_true(rc >= 0 || rc == SZ_EFATAL);
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	fail_msg("scrub did not finish");
}

/* Held-out fault: a byte of transfer 3's amount (300 fen) flips in a batch
 * the snapshot already covers. The server once started from the snapshot
 * and answered the damaged record. Start now checks the snapshot and the
 * chain link at its batch only, and replays the tail; the covered log is
 * checked by the start-up scrub. Until it has run, the damaged record is
 * refused at every read (its batch fails its checksum there), intact ones
 * are served; when it finds the damage the engine stops: nothing more is
 * acknowledged. Offline verify names file and offset. */
static void test_flip_in_snapshot_covered_log_stops_engine(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 5);
	assert_int_equal(sz_engine_close(e), 0); /* writes the snapshot of batch 7 */
	flip_byte(SEGMENT_1, record_offset(3) + offsetof(sz_transfer, amount));
	e = open_engine();
	sz_transfer t;
	assert_int_equal(read_transfer(e, 3, &t), SZ_ECORRUPT); /* never the damaged amount */
	assert_int_equal(read_transfer(e, 4, &t), 0);
	assert_int_equal(t.amount, 400);
	struct sz_engine_stats st;
	poll_until_scrubbed_or_stopped(e, 1, &st);
	assert_false(st.scrub_last_ok);
	assert_int_equal(st.scrub_failed_count, 1);
	assert_true(st.fatal);
	assert_int_equal(sz_engine_poll(e, 0), SZ_EFATAL);
	sz_transfer more = tu_transfer(100, 1, 2, 1, 0);
	uint8_t buf[512];
	uint32_t n = 0, result = 999;
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &more, sizeof more);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), SZ_EFATAL);
	assert_int_equal(result, 999); /* never acknowledged */
	assert_int_equal(sz_engine_close(e), SZ_EFATAL);
	char where[96];
	snprintf(where, sizeof where, "00000001.szl: offset %u: batch body checksum", 128 + 4 * BATCH_SIZE_ONE);
	struct sz_log_check c;
	assert_int_equal(sz_log_check(sz_storage_posix(), dir, false, 0, &c), SZ_ECORRUPT);
	assert_non_null(strstr(c.why, where));
}

/* A flipped byte in a covered batch's header. The reader finds batches of a
 * segment it was not told about by walking their headers, so it cannot step
 * past the damaged one: reads before it are served, reads of that batch and
 * any after it in the segment are refused (never "not found", never another
 * record). Start cannot find the snapshot's batch behind it either, so it
 * checks the whole log and refuses, naming file and offset. */
static void test_flip_in_covered_header_refuses_reads_after_it(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 5);
	assert_int_equal(sz_engine_close(e), 0);
	flip_byte(SEGMENT_1, 128 + 4 * BATCH_SIZE_ONE + 20); /* the header of transfer 3's batch */
	struct wal_reader *r;
	assert_int_equal(wal_reader_open(&r, sz_storage_posix(), dir), 0);
	char why[512], where[96];
	sz_transfer t;
	assert_int_equal(wal_reader_read(r, 1ull << 40 | record_offset(2), &t, sizeof t, why, sizeof why), 0);
	assert_int_equal(t.amount, 200);
	snprintf(where, sizeof where, "00000001.szl: offset %u: batch header checksum", 128 + 4 * BATCH_SIZE_ONE);
	for (uint64_t i = 3; i <= 5; i++) {
		why[0] = 0;
		assert_int_equal(wal_reader_read(r, 1ull << 40 | record_offset(i), &t, sizeof t, why, sizeof why),
				 SZ_ECORRUPT);
		assert_non_null(strstr(why, where));
	}
	assert_int_equal(wal_reader_corrupt_count(r), 3);
	wal_reader_close(r);
	assert_int_equal(open_fails(why, sizeof why), SZ_ECORRUPT);
	assert_non_null(strstr(why, where));
}

/* An intact covered log: the start-up scrub passes and the engine goes on. */
static void test_startup_scrub_passes_on_intact_log(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 5);
	assert_int_equal(sz_engine_close(e), 0);
	e = open_engine();
	struct sz_engine_stats st;
	poll_until_scrubbed_or_stopped(e, 1, &st);
	assert_true(st.scrub_last_ok);
	assert_false(st.fatal);
	assert_int_equal(st.scrub_last_batches, 7); /* accounts 1, 2 and transfers 1..5 */
	sz_transfer t = tu_transfer(6, 1, 2, 600, 0);
	assert_int_equal(run1(e, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
	assert_int_equal(sz_engine_close(e), 0);
}

/* Damage that appears while the server runs: a lookup of the damaged
 * record fails with SZ_ECORRUPT and is counted; never the wrong amount. */
static void test_damaged_record_is_never_served(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 4);
	assert_int_equal(sz_engine_close(e), 0);
	e = open_engine();
	struct sz_engine_stats st;
	poll_until_scrubbed_or_stopped(e, 1, &st); /* the start-up scrub, before the damage appears */
	assert_true(st.scrub_last_ok);
	flip_byte(SEGMENT_1, record_offset(2) + offsetof(sz_transfer, amount));
	sz_transfer t;
	assert_int_equal(read_transfer(e, 1, &t), 0);
	assert_int_equal(t.amount, 100);
	assert_int_equal(read_transfer(e, 2, &t), SZ_ECORRUPT);
	assert_int_equal(read_transfer(e, 2, &t), SZ_ECORRUPT); /* never cached, always refused */
	assert_int_equal(read_transfer(e, 3, &t), 0);
	assert_int_equal(t.amount, 300);
	sz_engine_stats(e, &st);
	assert_int_equal(st.log_read_corrupt_count, 2);
	assert_int_equal(sz_engine_close(e), 0);
}

/* Verified batches are cached: a byte flipped after a record was read (and
 * its batch checked) does not reach the reader through the cache either. */
static void test_checked_batch_is_served_from_cache(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 2);
	sz_transfer t;
	assert_int_equal(read_transfer(e, 1, &t), 0);
	flip_byte(SEGMENT_1, record_offset(1) + offsetof(sz_transfer, amount));
	assert_int_equal(read_transfer(e, 1, &t), 0);
	assert_int_equal(t.amount, 100); /* the bytes checked at the first read */
	assert_int_equal(sz_engine_close(e), 0);
}

/* The log cut short before the snapshot's position: start used to begin
 * at the snapshot, lose the batches after the cut from history and reuse
 * their sequence numbers. Now start and verify refuse. */
static void test_log_cut_short_before_snapshot_refuses(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 8);
	assert_int_equal(sz_engine_close(e), 0); /* snapshot of batch 10 */
	char cmd[256], why[512];
	snprintf(cmd, sizeof cmd, "truncate -s %u %s/" SEGMENT_1, 128 + 6 * BATCH_SIZE_ONE, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(open_fails(why, sizeof why), SZ_ECORRUPT);
	assert_non_null(strstr(why, "log ends at batch 6"));
	assert_non_null(strstr(why, "snapshot covers batch 10"));
	struct sz_log_check c;
	assert_int_equal(sz_log_check(sz_storage_posix(), dir, false, 0, &c), SZ_ECORRUPT);
	assert_non_null(strstr(c.why, "cut short"));
}

static void test_segment_deleted_before_snapshot_refuses(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 3);
	assert_int_equal(sz_engine_close(e), 0);
	char path[256], why[512];
	snprintf(path, sizeof path, "%s/" SEGMENT_1, dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(open_fails(why, sizeof why), SZ_ECORRUPT);
	assert_non_null(strstr(why, "snapshot covers batch 5"));
	struct sz_log_check c; /* it used to say "0 batches, hash chain intact" */
	assert_int_equal(sz_log_check(sz_storage_posix(), dir, false, 0, &c), SZ_ECORRUPT);
	assert_int_equal(sz_log_check(sz_storage_posix(), dir, true, 0, &c), SZ_ECORRUPT);
}

/* Up to 20 s: poll returns at once when nothing is in flight, so sleep
 * between polls (the scrub thread may be slow on a loaded machine). */
static void poll_until_scrubbed(struct sz_engine *e, uint64_t count, struct sz_engine_stats *st)
{
	for (int i = 0; i < 20000; i++) {
		sz_engine_stats(e, st);
		if (st->scrub_count >= count)
			return;
		assert_true(sz_engine_poll(e, 1) >= 0);
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	fail_msg("scrub did not finish");
}

/* The background scrub checks what is durable while the engine runs, and
 * reports damage to data at rest in its stats. */
static void test_scrub_reports_damage(void **state)
{
	(void)state;
	struct sz_engine *e = open_engine();
	populate(e, 4);
	struct sz_engine_stats st;
	assert_int_equal(sz_engine_scrub(e), 0);
	poll_until_scrubbed(e, 1, &st);
	assert_true(st.scrub_last_ok);
	assert_int_equal(st.scrub_last_batches, 6);
	assert_true(st.scrub_last_time_ns > 0);
	flip_byte(SEGMENT_1, record_offset(1) + 3);
	assert_int_equal(sz_engine_scrub(e), 0);
	poll_until_scrubbed(e, 2, &st);
	assert_false(st.scrub_last_ok);
	assert_int_equal(st.scrub_failed_count, 1);
	flip_byte(SEGMENT_1, record_offset(1) + 3); /* repaired before close */
	assert_int_equal(sz_engine_close(e), 0);
}

static unsigned mode_of(const char *sub)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	struct stat s;
	assert_int_equal(stat(path, &s), 0);
	return (unsigned)(s.st_mode & 0777);
}

/* Segments and snapshots hold every account and payment: private. */
static void test_data_directory_is_private(void **state)
{
	(void)state;
	tu_rmdir(dir); /* let the engine create it */
	struct sz_engine *e = open_engine();
	populate(e, 1);
	assert_int_equal(sz_engine_close(e), 0);
	assert_int_equal(mode_of(""), 0700);
	assert_int_equal(mode_of("log"), 0700);
	assert_int_equal(mode_of("snapshots"), 0700);
	assert_int_equal(mode_of(SEGMENT_1), 0600);
	assert_int_equal(mode_of("snapshots/00000000000000000003.szs"), 0600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flip_in_snapshot_covered_log_stops_engine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flip_in_covered_header_refuses_reads_after_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_startup_scrub_passes_on_intact_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_record_is_never_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checked_batch_is_served_from_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_cut_short_before_snapshot_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_deleted_before_snapshot_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scrub_reports_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_directory_is_private, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * scale_bench.c — the engine as its log grows: `make bench SCALE=1` (never in
 * make test; runs only on request).
 *
 * One data directory, 1,000,000 accounts, then uniformly random transfers
 * with new ids in batches of 8190 (two in flight), up to each step of
 * SCALE_STEPS (millions, cumulative: 10, 50, 200 by default). At each step it
 * prints durable transfers/s over the step and over its last 5M, resident
 * memory, log and snapshot size, and recovery time with the snapshot and
 * without it (the whole log replayed), with snapshot load and replay rates.
 * The peers in the same run: the first 5M transfers (the in-memory figure
 * the later ones are held to), and a plain sequential read of the snapshot
 * file (what loading it could approach). Targets from the scale issue print
 * MET or NOT MET. Benchmark code: floating point only for printing figures.
 *
 * usage: scale_bench [--steps 10,50,200] [--dir DIR] [--keep 1] | --open DIR
 * (--keep 1 leaves the data directory, with its snapshot, for profiling an
 * open; --open DIR times one open of such a directory and its start-up scrub)
 */
#include "bench.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "szfin/szfin.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SCALE_ACCOUNT_COUNT 1000000u
#define SCALE_STEP_COUNT_MAX 8u
#define SCALE_WINDOW_TRANSFERS 5000000ull /* first and last window of each step */
#define SCALE_INFLIGHT 2u
#define CMD_SIZE (sizeof(sz_command_header) + sizeof(sz_transfer))

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Bytes of the regular files in dir (one level). */
static uint64_t dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	uint64_t total = 0;
	for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
		char path[1024];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_blocks * 512u; /* allocated: segments are preallocated */
	}
	if (d)
		closedir(d);
	return total;
}

static struct sz_engine *open_engine(const char *dir, double *recovery_s)
{
	struct sz_engine *e;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .snapshot_every_batches = 0 };
	uint64_t t0 = now_ns();
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0) {
		fprintf(stderr, "open %s: %s\n", dir, why);
		exit(1);
	}
	if (recovery_s)
		*recovery_s = (double)(now_ns() - t0) / 1e9;
	return e;
}

/* One batch of transfers with ids from next_id on, between random accounts. */
static void fill_batch(uint8_t *buf, uint64_t next_id)
{
	for (uint32_t i = 0; i < SZ_BATCH_COMMAND_COUNT_MAX; i++) {
		sz_command_header h = { .size = CMD_SIZE, .kind = SZ_CMD_CREATE_TRANSFER };
		uint64_t d = 1 + rnd64() % SCALE_ACCOUNT_COUNT, c = 1 + rnd64() % SCALE_ACCOUNT_COUNT;
		if (c == d)
			c = d % SCALE_ACCOUNT_COUNT + 1;
		sz_transfer t = { .id = sz_id_make(0, next_id + i), .amount = 1 + rnd64() % 10000,
				  .currency = sz_currency_code("CNY"), .debit_account_id = sz_id_make(0, d),
				  .credit_account_id = sz_id_make(0, c) };
		memcpy(buf + i * CMD_SIZE, &h, sizeof h);
		memcpy(buf + i * CMD_SIZE + sizeof h, &t, sizeof t);
	}
}

struct progress {
	uint64_t done_batches;
	uint64_t ok;
};

static void on_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct progress *p = ctx;
	p->done_batches++;
	for (uint32_t i = 0; i < count; i++)
		p->ok += results[i] == SZ_R_OK;
}

/* Commit transfers with ids next_id .. next_id + count - 1 (count a multiple
 * of the batch size); returns durable transfers/s over all and over the last
 * window of them. */
static void commit(struct sz_engine *e, uint64_t next_id, uint64_t count, double *tps_all, double *tps_last)
{
	static uint8_t bufs[SCALE_INFLIGHT + 1][SZ_BATCH_COMMAND_COUNT_MAX * CMD_SIZE];
	struct progress p = { 0 };
	*tps_all = *tps_last = 0;
	if (count == 0)
		return;
	uint64_t batches = count / SZ_BATCH_COMMAND_COUNT_MAX, window_from = 0;
	uint64_t window_batches = SCALE_WINDOW_TRANSFERS / SZ_BATCH_COMMAND_COUNT_MAX;
	uint64_t t0 = now_ns(), tw = t0;
	for (uint64_t b = 0; b < batches; b++) {
		if (b + window_batches == batches) {
			tw = now_ns();
			window_from = p.done_batches;
		}
		uint8_t *buf = bufs[b % (SCALE_INFLIGHT + 1)];
		fill_batch(buf, next_id + b * SZ_BATCH_COMMAND_COUNT_MAX);
		int rc;
		while ((rc = sz_engine_submit(e, buf, SZ_BATCH_COMMAND_COUNT_MAX * (uint32_t)CMD_SIZE,
					      SZ_BATCH_COMMAND_COUNT_MAX, on_done, &p)) == SZ_EBUSY)
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
		SZ_ASSERT(rc == 0);
		sz_engine_flush(e);
		while (p.done_batches + SCALE_INFLIGHT <= b) /* the buffer about to be reused is done */
			SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
	}
	while (p.done_batches < batches)
		SZ_ASSERT(sz_engine_poll(e, -1) >= 0);
	uint64_t t1 = now_ns();
	SZ_ASSERT(p.ok == count);
	*tps_all = (double)count / ((double)(t1 - t0) / 1e9);
	*tps_last = (double)(batches - window_from) * SZ_BATCH_COMMAND_COUNT_MAX / ((double)(t1 - tw) / 1e9);
}

/* MB/s of a plain sequential read of every file in dir. */
static double read_rate_mbs(const char *dir)
{
	DIR *d = opendir(dir);
	static uint8_t buf[1u << 20];
	uint64_t bytes = 0, t0 = now_ns();
	for (struct dirent *de; d && (de = readdir(d)) != NULL;) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		int fd = de->d_name[0] == '.' ? -1 : open(path, O_RDONLY);
		for (ssize_t n; fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0;)
			bytes += (uint64_t)n;
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
	double s = (double)(now_ns() - t0) / 1e9;
	return s > 0 ? (double)bytes / 1e6 / s : 0;
}

static const char *verdict(int met)
{
	return met ? "MET" : "NOT MET";
}

struct step_figures {
	uint64_t transfers;
	double tps_all, tps_last, rss_gib, log_gib, snap_gib;
	double transfer_bytes_ram; /* resident memory the transfers added, per transfer */
	double recovery_snap_s, recovery_full_s, snap_load_mbs, snap_read_mbs, replay_tps;
	double snap_load_s, snap_check_s, full_check_s; /* of the opens: snapshot load, log check before replay */
	double snap_tail_s;  /* of the open with the snapshot: the rest (tail replay, set-up) */
	double scrub_s;      /* after that open: until the start-up scrub of the covered log passed */
};

/* Seconds from now until the engine's start-up scrub (the covered log's
 * check, after an open with a snapshot) finished; it must have passed. */
static double wait_startup_scrub(struct sz_engine *e)
{
	uint64_t t0 = now_ns();
	struct sz_engine_stats st;
	for (;;) {
		sz_engine_stats(e, &st);
		if (st.scrub_count > 0)
			break;
		SZ_ASSERT(sz_engine_poll(e, 1) >= 0);
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	SZ_ASSERT(st.scrub_last_ok && !st.fatal);
	return (double)(now_ns() - t0) / 1e9;
}

/* Close (a snapshot is written), reopen from it, then move it aside and
 * reopen from the log alone; leaves the engine of the last open in *e. */
static void measure_recovery(struct sz_engine **e, const char *dir, struct step_figures *f)
{
	char snaps[600], aside[600];
	snprintf(snaps, sizeof snaps, "%s/snapshots", dir);
	snprintf(aside, sizeof aside, "%s/snapshots-aside", dir);
	SZ_ASSERT(sz_engine_close(*e) == 0);
	f->snap_gib = (double)dir_bytes(snaps) / (1u << 30);
	f->snap_read_mbs = read_rate_mbs(snaps);
	*e = open_engine(dir, &f->recovery_snap_s);
	struct sz_engine_stats st;
	sz_engine_stats(*e, &st);
	/* The load proper (verify every chunk, read the sections), as the engine timed it. */
	f->snap_load_s = (double)st.snapshot_load_ns / 1e9;
	f->snap_check_s = (double)st.log_check_ns / 1e9;
	f->snap_load_mbs = st.snapshot_load_ns ? (double)st.snapshot_load_bytes * 1e3 / (double)st.snapshot_load_ns : 0;
	f->snap_tail_s = f->recovery_snap_s - f->snap_load_s - f->snap_check_s;
	f->scrub_s = wait_startup_scrub(*e);
	SZ_ASSERT(sz_engine_close(*e) == 0);
	SZ_ASSERT(rename(snaps, aside) == 0 && mkdir(snaps, 0700) == 0);
	*e = open_engine(dir, &f->recovery_full_s);
	sz_engine_stats(*e, &st);
	f->full_check_s = (double)st.log_check_ns / 1e9;
	f->replay_tps = (double)f->transfers / f->recovery_full_s;
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", aside);
	SZ_ASSERT(system(cmd) == 0);
}

static void print_step(const struct step_figures *f, double first_window_tps)
{
	printf("%6.1fM  %10.0f  %10.0f  %7.2f  %7.2f  %7.2f  %8.2f  %8.2f  %8.0f  %8.0f  %10.0f\n",
	       (double)f->transfers / 1e6, f->tps_all, f->tps_last, f->rss_gib, f->log_gib, f->snap_gib,
	       f->recovery_snap_s, f->recovery_full_s, f->snap_load_mbs, f->snap_read_mbs, f->replay_tps);
	printf("         last 5M at %.0f%% of the first 5M (in-memory figure %.0f/s)\n",
	       100.0 * f->tps_last / first_window_tps, first_window_tps);
	printf("         open with the snapshot: %.2f s = snapshot verify+load+digest %.2f s + chain link at its batch "
	       "%.3f s + tail replay and set-up %.2f s; then the covered log's check in the background: %.2f s more; "
	       "from the log alone: check and replay %.2f s\n",
	       f->recovery_snap_s, f->snap_load_s, f->snap_check_s, f->snap_tail_s, f->scrub_s, f->recovery_full_s);
	fflush(stdout);
}

static void print_targets(const struct step_figures *f, uint32_t n, double first_window_tps)
{
	const struct step_figures *last = &f[n - 1], *first = &f[0];
	printf("targets (scale issue):\n");
	printf("  throughput at %lluM within 15%% of %lluM: %.0f vs %.0f/s: %s\n",
	       (unsigned long long)((last->transfers + 500000) / 1000000),
	       (unsigned long long)((first->transfers + 500000) / 1000000),
	       last->tps_last, first->tps_last, verdict(last->tps_last >= 0.85 * first->tps_last));
	printf("  uniformly random new ids within 20%% of the in-memory figure: %.0f vs %.0f/s: %s\n", last->tps_last,
	       first_window_tps, verdict(last->tps_last >= 0.8 * first_window_tps));
	printf("  replay at least 3M transfers/s: %.0f/s: %s\n", last->replay_tps, verdict(last->replay_tps >= 3e6));
	printf("  snapshot load at least 1 GB/s: %.0f MB/s (a plain read of the file: %.0f MB/s): %s\n",
	       last->snap_load_mbs, last->snap_read_mbs, verdict(last->snap_load_mbs >= 1000));
	for (uint32_t i = 0; i < n; i++)
		if ((f[i].transfers + 500000) / 1000000 == 50) /* steps are whole batches: 49,996,950 for 50M */
			printf("  recovery of 50M transfers under 5 s: %.2f s with the snapshot, %.2f s from the log: %s\n",
			       f[i].recovery_snap_s, f[i].recovery_full_s, verdict(f[i].recovery_snap_s < 5.0));
	printf("  at most 8 bytes of RAM per transfer beyond the hot window: %.1f bytes per transfer (all retained in RAM): %s\n",
	       last->transfer_bytes_ram, verdict(last->transfer_bytes_ram <= 8));
}

/* --open DIR: one open of a kept directory (for profiling), its parts, the
 * start-up scrub after it; closing writes a snapshot again. */
static int open_only(const char *dir)
{
	double recovery_s;
	struct sz_engine *e = open_engine(dir, &recovery_s);
	struct sz_engine_stats st;
	sz_engine_stats(e, &st);
	printf("open %s: %.2f s (replay_ns %.2f s: snapshot verify+load+digest %.2f s at %.0f MB/s, chain link %.3f s), "
	       "sequence %llu\n", dir, recovery_s, (double)st.replay_ns / 1e9, (double)st.snapshot_load_ns / 1e9,
	       st.snapshot_load_ns ? (double)st.snapshot_load_bytes * 1e3 / (double)st.snapshot_load_ns : 0,
	       (double)st.log_check_ns / 1e9, (unsigned long long)sz_engine_state(e)->sequence);
	if (st.snapshot_load_ns != 0)
		printf("start-up scrub of the covered log: %.2f s after open\n", wait_startup_scrub(e));
	return sz_engine_close(e) == 0 ? 0 : 1;
}

static uint32_t parse_steps(const char *text, uint64_t *steps)
{
	uint32_t n = 0;
	for (char *end; *text && n < SCALE_STEP_COUNT_MAX; text = *end ? end + 1 : end) {
		unsigned long long m = strtoull(text, &end, 10);
		if (end == text || m == 0 || (n > 0 && m * 1000000ull <= steps[n - 1]))
			break;
		steps[n++] = m * 1000000ull / SZ_BATCH_COMMAND_COUNT_MAX * SZ_BATCH_COMMAND_COUNT_MAX;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *steps_text = "10,50,200", *base_dir = "/tmp", *open_dir = NULL;
	bool keep = false;
	for (int i = 1; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "--steps") == 0)
			steps_text = argv[i + 1];
		else if (strcmp(argv[i], "--dir") == 0)
			base_dir = argv[i + 1];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = strcmp(argv[i + 1], "0") != 0;
		else if (strcmp(argv[i], "--open") == 0)
			open_dir = argv[i + 1];
	if (open_dir != NULL)
		return open_only(open_dir);
	uint64_t steps[SCALE_STEP_COUNT_MAX];
	uint32_t n = parse_steps(steps_text, steps);
	if (n == 0) {
		fprintf(stderr, "usage: scale_bench [--steps 10,50,200] [--dir DIR]\n");
		return 2;
	}
	char dir[512];
	snprintf(dir, sizeof dir, "%s/szfin-scale-XXXXXX", base_dir);
	SZ_ASSERT(mkdtemp(dir) != NULL);
	printf("szfin at scale: %u accounts, uniformly random transfers with new ids, batches of %u, durable\n",
	       SCALE_ACCOUNT_COUNT, SZ_BATCH_COMMAND_COUNT_MAX);
	printf("  (replay/s: transfers and the 1M accounts' commands replayed from the log alone, per second)\n");
	printf("  step  transfers/s  last 5M/s  RSS GiB  log GiB  snap GiB  rec.snap s  rec.log s  load MB/s  read MB/s  replay/s\n");
	struct sz_engine *e = open_engine(dir, NULL);
	create_accounts(e, SCALE_ACCOUNT_COUNT);
	long rss_accounts_kib = rss_kib();
	struct step_figures f[SCALE_STEP_COUNT_MAX];
	double first_window_tps = 0, unused;
	uint64_t done = 0;
	for (uint32_t i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof f[i]);
		if (i == 0) { /* the first window alone: the in-memory figure */
			uint64_t window = SCALE_WINDOW_TRANSFERS < steps[0] / 2 ? SCALE_WINDOW_TRANSFERS : steps[0] / 2;
			done = window / SZ_BATCH_COMMAND_COUNT_MAX * SZ_BATCH_COMMAND_COUNT_MAX;
			commit(e, 1, done, &first_window_tps, &unused);
		}
		commit(e, 1 + done, steps[i] - done, &f[i].tps_all, &f[i].tps_last);
		done = steps[i];
		f[i].transfers = done;
		long rss_now_kib = rss_kib();
		f[i].rss_gib = (double)rss_now_kib / (1u << 20);
		f[i].transfer_bytes_ram = (double)(rss_now_kib - rss_accounts_kib) * 1024 / (double)done;
		char log[600];
		snprintf(log, sizeof log, "%s/log", dir);
		f[i].log_gib = (double)dir_bytes(log) / (1u << 30);
		measure_recovery(&e, dir, &f[i]);
		print_step(&f[i], first_window_tps);
	}
	print_targets(f, n, first_window_tps);
	sz_engine_close(e);
	if (keep) {
		printf("data directory kept: %s\n", dir);
		return 0;
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

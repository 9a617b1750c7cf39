/*
 * tier_bench.c — the disk tier against keeping every transfer in RAM, in the
 * same run: uniformly random new transfer ids (each idempotency check is for
 * an id never seen, so every one consults the runs' filters), durable
 * batches of 8190 through the engine with fdatasync, once with no hot window
 * (every transfer in RAM) and once with a small one (most transfers on index
 * runs). Prints transfers/s (min, median, max of the rounds), the ratio
 * against "within 20%", and the RAM each cold transfer still costs against
 * "at most 8 bytes".
 *   tier_bench [--quick] [--transfers N] [--hot-window N] [--dir D]
 * lint-float: offline (figures for printing only; never state, never money)
 */
#include "bench.h"
#include "ledger/ledger.h"

#include <stdlib.h>
#include <unistd.h>

#define ROUND_COUNT 3u
#define ACCOUNT_COUNT 100000u

struct options {
	uint64_t transfer_count;
	uint32_t hot_window;
	const char *base_dir;
};

struct figures {
	double tps;
	uint64_t cold_count;
	uint64_t transfers_bytes; /* ledger_memory: slots + index + tier */
	uint64_t tier_bytes;
	uint64_t released_bytes;
	uint64_t index_bytes;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct sz_engine *open_engine(const char *dir, uint32_t hot_window)
{
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .hot_window_count = hot_window, .populate_off = false };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0) {
		fprintf(stderr, "open %s: %s\n", dir, why);
		exit(1);
	}
	return e;
}

/* count transfers with random 128-bit ids between random accounts. */
static double run_transfers(struct sz_engine *e, uint64_t count, uint64_t seed)
{
	static uint8_t buf[SZ_BATCH_COMMAND_COUNT_MAX * (sizeof(sz_command_header) + sizeof(sz_transfer))];
	static uint32_t results[SZ_BATCH_COMMAND_COUNT_MAX];
	uint64_t t0 = now_ns();
	for (uint64_t done = 0; done < count;) {
		uint32_t n = 0, size = 0;
		for (; n < SZ_BATCH_COMMAND_COUNT_MAX && done + n < count; n++) {
			sz_command_header h = { .size = sizeof h + sizeof(sz_transfer), .kind = SZ_CMD_CREATE_TRANSFER };
			sz_transfer t;
			memset(&t, 0, sizeof t);
			t.id = sz_id_make(splitmix(&seed), splitmix(&seed) | 1);
			uint64_t r = splitmix(&seed);
			uint64_t debit = 1 + r % ACCOUNT_COUNT, credit = 1 + (r / ACCOUNT_COUNT) % ACCOUNT_COUNT;
			if (credit == debit)
				credit = 1 + debit % ACCOUNT_COUNT;
			t.debit_account_id = sz_id_make(0, debit);
			t.credit_account_id = sz_id_make(0, credit);
			t.amount = 1 + r % 1000;
			t.currency = sz_currency_code("CNY");
			memcpy(buf + size, &h, sizeof h);
			memcpy(buf + size + sizeof h, &t, sizeof t);
			size += h.size;
		}
		SZ_ASSERT(sz_engine_execute(e, buf, size, n, results) == 0);
		for (uint32_t i = 0; i < n; i++)
			SZ_ASSERT(results[i] == SZ_R_OK);
		done += n;
	}
	return (double)count / ((double)(now_ns() - t0) / 1e9);
}

static void remove_dir(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* One round: a fresh data directory, accounts, then the transfers. */
static struct figures round_of(const struct options *o, uint32_t hot_window, uint32_t round)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/szfin-tier-bench-XXXXXX", o->base_dir);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	struct sz_engine *e = open_engine(dir, hot_window);
	create_accounts(e, ACCOUNT_COUNT);
	struct figures f = { 0 };
	f.tps = run_transfers(e, o->transfer_count, 0x5eed0000ull + round);
	struct ledger *l = (struct ledger *)sz_ledger_const(sz_engine_state(e));
	if (l->tier != NULL)
		ledger_tier_settle(l);
	struct ledger_memory m;
	ledger_memory(l, &m);
	f.cold_count = l->slot_cold_count;
	f.transfers_bytes = m.transfers_bytes;
	f.tier_bytes = ledger_tier_memory_bytes(l);
	f.released_bytes = ledger_tier_released_bytes(l);
	f.index_bytes = (uint64_t)l->slot_index.capacity * sizeof(uint32_t);
	sz_engine_close(e);
	remove_dir(dir);
	return f;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void parse(int argc, char **argv, struct options *o)
{
	o->transfer_count = 2000000;
	o->hot_window = 65536;
	o->base_dir = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			o->transfer_count = 400000;
		else if (strcmp(argv[i], "--transfers") == 0 && i + 1 < argc)
			o->transfer_count = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--hot-window") == 0 && i + 1 < argc)
			o->hot_window = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			o->base_dir = argv[++i];
	}
}

int main(int argc, char **argv)
{
	struct options o;
	parse(argc, argv, &o);
	double ram[ROUND_COUNT], cold[ROUND_COUNT];
	struct figures last_ram = { 0 }, last_tier = { 0 };
	printf("szfin disk tier (in-process engine, durable batches of %u, uniformly random new ids, %u accounts)\n",
	       SZ_BATCH_COMMAND_COUNT_MAX, ACCOUNT_COUNT);
	printf("  load average at start: ");
	fflush(stdout);
	if (system("cut -d' ' -f1-3 /proc/loadavg") != 0)
		printf("?\n");
	for (uint32_t r = 0; r < ROUND_COUNT; r++) { /* interleaved: both see the same machine */
		last_ram = round_of(&o, 0, r);
		ram[r] = last_ram.tps;
		last_tier = round_of(&o, o.hot_window, r);
		cold[r] = last_tier.tps;
	}
	qsort(ram, ROUND_COUNT, sizeof ram[0], cmp_double);
	qsort(cold, ROUND_COUNT, sizeof cold[0], cmp_double);
	printf("  every transfer in RAM:   %10.0f transfers/s median (min %.0f, max %.0f), %llu transfers\n", ram[1], ram[0],
	       ram[2], (unsigned long long)o.transfer_count);
	printf("  hot window of %-9u: %10.0f transfers/s median (min %.0f, max %.0f), %llu on index runs\n", o.hot_window,
	       cold[1], cold[0], cold[2], (unsigned long long)last_tier.cold_count);
	double ratio = cold[1] / ram[1];
	printf("  throughput with the tier / in RAM: %.3f (target >= 0.80): %s\n", ratio, ratio >= 0.8 ? "MET" : "NOT MET");
	/* RAM of the cold transfers: what the tiered ledger holds for transfers
	 * minus what its hot part alone costs (hot slots and the hot index). */
	uint64_t hot = o.transfer_count - last_tier.cold_count;
	double cold_bytes = (double)last_tier.transfers_bytes - (double)hot * sizeof(struct ledger_slot) -
			    (double)last_tier.index_bytes;
	double per_cold = last_tier.cold_count ? cold_bytes / (double)last_tier.cold_count : 0;
	printf("  RAM per cold transfer: %.2f bytes (filters, fences and block sums %.2f; slot pages kept %.2f; "
	       "target <= 8): %s\n", per_cold, (double)last_tier.tier_bytes / (double)(last_tier.cold_count ? last_tier.cold_count : 1),
	       ((double)last_tier.cold_count * sizeof(struct ledger_slot) - (double)last_tier.released_bytes) /
		       (double)(last_tier.cold_count ? last_tier.cold_count : 1),
	       last_tier.cold_count > 0 && per_cold <= 8.0 ? "MET" : "NOT MET");
	printf("  RAM per transfer kept in RAM (same run): %.2f bytes of slots and index\n",
	       (double)last_ram.transfers_bytes / (double)o.transfer_count);
	printf("tier_ratio=%.3f\ntier_cold_bytes_per_transfer=%.2f\n", ratio, per_cold);
	return 0;
}

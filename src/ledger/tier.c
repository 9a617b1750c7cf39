/*
 * tier.c — run files of cold transfer slots, their filters and the builder
 * thread (see tier.h).
 *
 * A run file: a 64-byte header (magic, version, record size, block size,
 * slot range, record and block counts, its own checksum), the records sorted
 * by id, one checksum per block of SZ_TIER_BLOCK_RECORD_COUNT records, the
 * slot map (for each slot of the range, the index of its record or
 * UINT32_MAX: account history walks by slot number), and a trailer checksum
 * over the header and the block checksums. The slot map is derived from the
 * records, so its chunk checksums live in RAM only. Checksums are the first
 * 8 bytes of BLAKE2b (core/hash.h).
 */
#include "ledger/tier.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_MAGIC "SZTIER1"
#define RUN_VERSION 2u
#define MAP_CHUNK_SLOT_COUNT 1024u   /* slot map entries per checked chunk: one 4 KiB read */
#define MAP_NONE UINT32_MAX          /* a slot of the range not in the run (pinned: it stayed in RAM) */
#define HEADER_SIZE 64u
#define BLOOM_LINE_WORDS 8u
#define BLOOM_LINE_BITS (BLOOM_LINE_WORDS * 64u)

struct run_header {
	char magic[8];
	uint32_t version;
	uint32_t record_size;
	uint32_t block_record_count;
	uint32_t slot_lo, slot_hi;
	uint32_t record_count;
	uint32_t block_count;
	uint8_t zero[20];
	uint64_t check;              /* of the 56 bytes before it */
};
_Static_assert(sizeof(struct run_header) == HEADER_SIZE, "run header is 64 bytes");

static uint64_t sum64(const void *data, size_t size)
{
	SZ_ASSERT(data != NULL || size == 0);
	uint8_t h[SZ_HASH_SIZE];
	sz_blake2b(h, data, size);
	uint64_t v;
	memcpy(&v, h, sizeof v);
	return v;
}

static int id_cmp(sz_id a, sz_id b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static sz_id record_id(const struct tier_record *r)
{
	SZ_ASSERT(r != NULL);
	sz_id id;
	memcpy(&id, r->slot, sizeof id); /* struct ledger_slot begins with its id */
	return id;
}

static int record_cmp(const void *a, const void *b)
{
	return id_cmp(record_id(a), record_id(b));
}

static void run_path(char *out, size_t size, const char *dir, uint32_t lo, uint32_t hi, const char *suffix)
{
	SZ_ASSERT(out != NULL && dir != NULL);
	snprintf(out, size, "%s/run-%010u-%010u.idx%s", dir, lo, hi, suffix);
}

/* ---- the filter ----------------------------------------------------------- */

/* The second hash: from the first (well mixed) and the id's high word, so
 * that no relation between an id's words can make it constant. */
static uint64_t bloom_second(uint64_t h1, sz_id id)
{
	return sz_mix64(h1, id.hi ^ 0x5bd1e9955bd1e995ull);
}

static uint32_t bloom_line(uint32_t line_count, uint64_t h1)
{
	SZ_ASSERT(line_count > 0);
	return (uint32_t)(((unsigned __int128)h1 * line_count) >> 64);
}

static void filter_add(uint64_t *bloom, uint32_t line_count, sz_id id)
{
	uint64_t h1 = sz_mix64(id.lo, id.hi), h2 = bloom_second(h1, id);
	uint64_t *line = &bloom[(size_t)bloom_line(line_count, h1) * BLOOM_LINE_WORDS];
	for (uint32_t k = 0; k < SZ_TIER_BLOOM_PROBE_COUNT; k++) {
		uint32_t bit = (uint32_t)(h2 >> (9 * k)) & (BLOOM_LINE_BITS - 1);
		line[bit / 64] |= 1ull << (bit % 64);
	}
}

static bool filter_test(const uint64_t *bloom, uint32_t line_count, sz_id id)
{
	uint64_t h1 = sz_mix64(id.lo, id.hi), h2 = bloom_second(h1, id);
	const uint64_t *line = &bloom[(size_t)bloom_line(line_count, h1) * BLOOM_LINE_WORDS];
	for (uint32_t k = 0; k < SZ_TIER_BLOOM_PROBE_COUNT; k++) {
		uint32_t bit = (uint32_t)(h2 >> (9 * k)) & (BLOOM_LINE_BITS - 1);
		if (!(line[bit / 64] & (1ull << (bit % 64))))
			return false;
	}
	return true;
}

static void bloom_add(struct tier_run *r, sz_id id)
{
	filter_add(r->bloom, r->bloom_line_count, id);
}

static bool bloom_test(const struct tier_run *r, sz_id id)
{
	return filter_test(r->bloom, r->bloom_line_count, id);
}

static uint32_t lines_for(uint64_t record_count)
{
	uint64_t lines = (record_count * SZ_TIER_BLOOM_BITS_PER_RECORD + BLOOM_LINE_BITS - 1) / BLOOM_LINE_BITS;
	return lines == 0 ? 1 : (uint32_t)lines;
}

static void run_free(struct tier_run *r)
{
	SZ_ASSERT(r != NULL);
	if (r->fd >= 0)
		close(r->fd);
	free(r->bloom);
	free(r->fences);
	free(r->block_sums);
	free(r->map_sums);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

static uint32_t map_chunk_count(const struct tier_run *r)
{
	SZ_ASSERT(r->slot_hi > r->slot_lo);
	return (r->slot_hi - r->slot_lo + MAP_CHUNK_SLOT_COUNT - 1) / MAP_CHUNK_SLOT_COUNT;
}

/* The slot map of sorted records (caller frees) and its chunk checksums. */
static uint32_t *run_map(struct tier_run *r, const struct tier_record *records, uint32_t count)
{
	SZ_ASSERT(r != NULL);
	uint32_t range = r->slot_hi - r->slot_lo, chunks = map_chunk_count(r);
	uint32_t *map = malloc((size_t)range * sizeof *map);
	r->map_sums = calloc(chunks, sizeof r->map_sums[0]);
	if (map == NULL || r->map_sums == NULL) {
		free(map);
		return NULL;
	}
	memset(map, 0xff, (size_t)range * sizeof *map);
	for (uint32_t i = 0; i < count; i++)
		map[records[i].slot_number - r->slot_lo] = i;
	for (uint32_t c = 0; c < chunks; c++) {
		uint32_t first = c * MAP_CHUNK_SLOT_COUNT;
		uint32_t n = range - first < MAP_CHUNK_SLOT_COUNT ? range - first : MAP_CHUNK_SLOT_COUNT;
		r->map_sums[c] = sum64(&map[first], (size_t)n * sizeof *map);
	}
	return map;
}

static uint64_t map_offset(const struct tier_run *r)
{
	return HEADER_SIZE + (uint64_t)r->record_count * sizeof(struct tier_record) +
	       (uint64_t)r->block_count * sizeof(uint64_t);
}

/* The RAM part of a run from its sorted records. */
static int run_index(struct tier_run *r, const struct tier_record *records, uint32_t count)
{
	SZ_ASSERT(r != NULL);
	SZ_ASSERT(count == 0 || records != NULL);
	r->record_count = count;
	r->block_count = (count + SZ_TIER_BLOCK_RECORD_COUNT - 1) / SZ_TIER_BLOCK_RECORD_COUNT;
	r->bloom_line_count = lines_for(count);
	r->bloom = calloc((size_t)r->bloom_line_count * BLOOM_LINE_WORDS, sizeof(uint64_t));
	r->fences = calloc(r->block_count + 1u, sizeof(sz_id));
	r->block_sums = calloc(r->block_count + 1u, sizeof(uint64_t));
	if (!r->bloom || !r->fences || !r->block_sums)
		return SZ_ENOMEM;
	for (uint32_t i = 0; i < count; i++)
		bloom_add(r, record_id(&records[i]));
	for (uint32_t b = 0; b < r->block_count; b++) {
		uint32_t first = b * SZ_TIER_BLOCK_RECORD_COUNT;
		uint32_t n = count - first < SZ_TIER_BLOCK_RECORD_COUNT ? count - first : SZ_TIER_BLOCK_RECORD_COUNT;
		r->fences[b] = record_id(&records[first]);
		r->block_sums[b] = sum64(&records[first], (size_t)n * sizeof records[0]);
	}
	return 0;
}

/* ---- writing -------------------------------------------------------------- */

static int write_all(int fd, const void *data, size_t size)
{
	SZ_ASSERT(fd >= 0);
	const uint8_t *p = data;
	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SZ_EIO;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

static void header_make(struct run_header *h, const struct tier_run *r)
{
	SZ_ASSERT(h != NULL && r != NULL);
	memset(h, 0, sizeof *h);
	memcpy(h->magic, RUN_MAGIC, sizeof RUN_MAGIC);
	h->version = RUN_VERSION;
	h->record_size = sizeof(struct tier_record);
	h->block_record_count = SZ_TIER_BLOCK_RECORD_COUNT;
	h->slot_lo = r->slot_lo;
	h->slot_hi = r->slot_hi;
	h->record_count = r->record_count;
	h->block_count = r->block_count;
	h->check = sum64(h, offsetof(struct run_header, check));
}

static uint64_t trailer_of(const struct run_header *h, const uint64_t *sums, uint32_t block_count)
{
	SZ_ASSERT(h != NULL);
	uint64_t parts[2] = { sum64(h, sizeof *h), sum64(sums, (size_t)block_count * sizeof sums[0]) };
	return sum64(parts, sizeof parts);
}

static int fsync_dir(const char *dir)
{
	SZ_ASSERT(dir != NULL);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return SZ_EIO;
	int rc = fsync(fd) == 0 ? 0 : SZ_EIO;
	close(fd);
	return rc;
}

static int write_file(const char *dir, const struct tier_job *job, const struct tier_run *r, const uint32_t *map)
{
	char tmp[SZ_TIER_PATH_SIZE], final[SZ_TIER_PATH_SIZE];
	run_path(tmp, sizeof tmp, dir, r->slot_lo, r->slot_hi, ".tmp");
	run_path(final, sizeof final, dir, r->slot_lo, r->slot_hi, "");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return SZ_EIO;
	struct run_header h;
	header_make(&h, r);
	uint64_t trailer = trailer_of(&h, r->block_sums, r->block_count);
	int rc = write_all(fd, &h, sizeof h);
	if (rc == 0)
		rc = write_all(fd, job->records, (size_t)job->record_count * sizeof job->records[0]);
	if (rc == 0)
		rc = write_all(fd, r->block_sums, (size_t)r->block_count * sizeof r->block_sums[0]);
	if (rc == 0)
		rc = write_all(fd, map, (size_t)(r->slot_hi - r->slot_lo) * sizeof map[0]);
	if (rc == 0)
		rc = write_all(fd, &trailer, sizeof trailer);
	if (rc == 0 && fsync(fd) != 0)
		rc = SZ_EIO;
	close(fd);
	if (rc == 0 && rename(tmp, final) != 0)
		rc = SZ_EIO;
	if (rc == 0)
		rc = fsync_dir(dir);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int open_run_fd(const char *dir, uint32_t lo, uint32_t hi)
{
	char path[SZ_TIER_PATH_SIZE];
	run_path(path, sizeof path, dir, lo, hi, "");
	return open(path, O_RDONLY | O_CLOEXEC);
}

int tier_build(const char *dir, struct tier_job *job)
{
	SZ_ASSERT(dir != NULL && job != NULL);
	SZ_ASSERT(job->slot_lo < job->slot_hi);
	qsort(job->records, job->record_count, sizeof job->records[0], record_cmp);
	struct tier_run *r = &job->run;
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->slot_lo = job->slot_lo;
	r->slot_hi = job->slot_hi;
	int rc = run_index(r, job->records, job->record_count);
	uint32_t *map = rc == 0 ? run_map(r, job->records, job->record_count) : NULL;
	if (rc == 0 && map == NULL)
		rc = SZ_ENOMEM;
	if (rc == 0)
		rc = write_file(dir, job, r, map);
	free(map);
	if (rc == 0 && (r->fd = open_run_fd(dir, r->slot_lo, r->slot_hi)) < 0)
		rc = SZ_EIO;
	if (rc != 0)
		run_free(r);
	return rc;
}

/* ---- reading back ---------------------------------------------------------- */

static int read_exact(int fd, void *out, size_t size, uint64_t offset)
{
	SZ_ASSERT(fd >= 0);
	uint8_t *p = out;
	while (size > 0) {
		ssize_t n = pread(fd, p, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SZ_EIO;
		if (n == 0)
			return SZ_ECORRUPT; /* shorter than its header says */
		p += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static bool header_valid(const struct run_header *h, uint32_t lo, uint32_t hi, uint64_t file_size)
{
	SZ_ASSERT(h != NULL);
	if (memcmp(h->magic, RUN_MAGIC, sizeof RUN_MAGIC) != 0 || h->version != RUN_VERSION ||
	    h->record_size != sizeof(struct tier_record) || h->block_record_count != SZ_TIER_BLOCK_RECORD_COUNT ||
	    h->check != sum64(h, offsetof(struct run_header, check)))
		return false;
	if (h->slot_lo != lo || h->slot_hi != hi || h->record_count > hi - lo ||
	    h->block_count != (h->record_count + SZ_TIER_BLOCK_RECORD_COUNT - 1) / SZ_TIER_BLOCK_RECORD_COUNT)
		return false;
	uint64_t want = HEADER_SIZE + (uint64_t)h->record_count * sizeof(struct tier_record) +
			(uint64_t)h->block_count * sizeof(uint64_t) + (uint64_t)(hi - lo) * sizeof(uint32_t) +
			sizeof(uint64_t);
	return want == file_size;
}

/* Records strictly increasing by id, slot numbers inside the range. */
static bool records_valid(const struct tier_record *records, uint32_t count, uint32_t lo, uint32_t hi)
{
	SZ_ASSERT(lo < hi);
	for (uint32_t i = 0; i < count; i++) {
		if (records[i].slot_number < lo || records[i].slot_number >= hi)
			return false;
		if (i > 0 && record_cmp(&records[i - 1], &records[i]) >= 0)
			return false;
	}
	return true;
}

struct adopted {
	struct run_header h;
	struct tier_record *records;
	uint64_t *sums;
	uint32_t *map;               /* the file's slot map: must equal the one the records imply */
};

static int adopt_read(int fd, uint32_t lo, uint32_t hi, struct adopted *a)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return SZ_EIO;
	int rc = read_exact(fd, &a->h, sizeof a->h, 0);
	if (rc != 0)
		return rc;
	if (!header_valid(&a->h, lo, hi, (uint64_t)st.st_size))
		return SZ_ECORRUPT;
	a->records = malloc((size_t)a->h.record_count * sizeof a->records[0] + 1);
	a->sums = malloc((size_t)a->h.block_count * sizeof a->sums[0] + 8);
	if (a->records == NULL || a->sums == NULL)
		return SZ_ENOMEM;
	uint64_t records_size = (uint64_t)a->h.record_count * sizeof a->records[0], trailer;
	uint64_t map_size = (uint64_t)(hi - lo) * sizeof(uint32_t);
	a->map = malloc(map_size);
	if (a->map == NULL)
		return SZ_ENOMEM;
	uint64_t map_at = HEADER_SIZE + records_size + a->h.block_count * 8ull;
	if ((rc = read_exact(fd, a->records, records_size, HEADER_SIZE)) != 0 ||
	    (rc = read_exact(fd, a->sums, (size_t)a->h.block_count * 8, HEADER_SIZE + records_size)) != 0 ||
	    (rc = read_exact(fd, a->map, map_size, map_at)) != 0 ||
	    (rc = read_exact(fd, &trailer, sizeof trailer, map_at + map_size)) != 0)
		return rc;
	if (trailer != trailer_of(&a->h, a->sums, a->h.block_count) ||
	    !records_valid(a->records, a->h.record_count, lo, hi))
		return SZ_ECORRUPT;
	return 0;
}

static uint32_t generation_of(const struct tier *t, uint32_t slot)
{
	SZ_ASSERT(t->run_slot_count > 0);
	return slot / t->run_slot_count / SZ_TIER_GENERATION_RUN_COUNT;
}

/* The generation filter a run belongs to, allocated for a full generation. */
static struct tier_generation *generation_for(struct tier *t, uint32_t slot_lo)
{
	uint32_t g = generation_of(t, slot_lo);
	if (g >= t->generation_count) {
		struct tier_generation *grown = realloc(t->generations, (g + 1u) * sizeof *grown);
		if (grown == NULL)
			return NULL;
		memset(&grown[t->generation_count], 0, (g + 1u - t->generation_count) * sizeof *grown);
		t->generations = grown;
		t->generation_count = g + 1u;
	}
	struct tier_generation *gen = &t->generations[g];
	if (gen->bloom == NULL) {
		gen->bloom_line_count = lines_for((uint64_t)t->run_slot_count * SZ_TIER_GENERATION_RUN_COUNT);
		gen->bloom = calloc((size_t)gen->bloom_line_count * BLOOM_LINE_WORDS, sizeof(uint64_t));
		if (gen->bloom == NULL)
			return NULL;
	}
	return gen;
}

static int runs_insert(struct tier *t, const struct tier_run *r, const struct tier_record *records)
{
	SZ_ASSERT(t != NULL && r != NULL);
	if (t->run_count >= SZ_TIER_RUN_COUNT_MAX)
		return SZ_ELIMIT;
	struct tier_generation *gen = generation_for(t, r->slot_lo);
	if (gen == NULL)
		return SZ_ENOMEM;
	for (uint32_t i = 0; i < r->record_count; i++)
		filter_add(gen->bloom, gen->bloom_line_count, record_id(&records[i]));
	struct tier_run *grown = realloc(t->runs, (t->run_count + 1u) * sizeof *grown);
	if (grown == NULL)
		return SZ_ENOMEM;
	t->runs = grown;
	uint32_t at = t->run_count;
	while (at > 0 && t->runs[at - 1].slot_lo > r->slot_lo)
		at--;
	memmove(&t->runs[at + 1], &t->runs[at], (t->run_count - at) * sizeof *grown);
	t->runs[at] = *r;
	t->run_count++;
	t->record_count += r->record_count;
	return 0;
}

/* Check each block against the file's block sums (what lookups will use). */
static int adopt_check(struct tier_run *r, const struct adopted *a,
		       bool (*check)(void *ctx, const struct tier_record *rec), void *ctx)
{
	int rc = run_index(r, a->records, a->h.record_count);
	if (rc != 0)
		return rc;
	for (uint32_t b = 0; b < r->block_count; b++)
		if (r->block_sums[b] != a->sums[b])
			return SZ_ECORRUPT;
	uint32_t *map = run_map(r, a->records, a->h.record_count);
	if (map == NULL)
		return SZ_ENOMEM;
	bool same = memcmp(map, a->map, (size_t)(r->slot_hi - r->slot_lo) * sizeof map[0]) == 0;
	free(map);
	if (!same)
		return SZ_ECORRUPT;
	for (uint32_t i = 0; check != NULL && i < a->h.record_count; i++)
		if (!check(ctx, &a->records[i]))
			return SZ_ECORRUPT;
	return 0;
}

int tier_adopt(struct tier *t, uint32_t slot_lo, uint32_t slot_hi,
	       bool (*check)(void *ctx, const struct tier_record *r), void *ctx)
{
	SZ_ASSERT(t != NULL);
	SZ_ASSERT(slot_lo < slot_hi);
	int fd = open_run_fd(t->dir, slot_lo, slot_hi);
	if (fd < 0)
		return SZ_ENOTFOUND;
	struct adopted a = { .records = NULL, .sums = NULL, .map = NULL };
	struct tier_run r = { .fd = fd, .slot_lo = slot_lo, .slot_hi = slot_hi };
	int rc = adopt_read(fd, slot_lo, slot_hi, &a);
	if (rc == 0)
		rc = adopt_check(&r, &a, check, ctx);
	if (rc == 0)
		rc = runs_insert(t, &r, a.records);
	free(a.records);
	free(a.sums);
	free(a.map);
	if (rc != 0) {
		run_free(&r);
		char path[SZ_TIER_PATH_SIZE];
		run_path(path, sizeof path, t->dir, slot_lo, slot_hi, "");
		if (rc == SZ_ECORRUPT)
			unlink(path); /* never served; the caller rebuilds it */
	}
	return rc;
}

int tier_read_run(const struct tier *t, uint32_t index, bool (*each)(void *ctx, const struct tier_record *r),
		  void *ctx)
{
	SZ_ASSERT(t != NULL && each != NULL);
	SZ_ASSERT(index < t->run_count);
	const struct tier_run *r = &t->runs[index];
	struct adopted a = { .records = NULL, .sums = NULL, .map = NULL };
	int rc = r->fd < 0 ? SZ_ECORRUPT : adopt_read(r->fd, r->slot_lo, r->slot_hi, &a);
	if (rc == 0 && a.h.record_count != r->record_count)
		rc = SZ_ECORRUPT;
	for (uint32_t b = 0; rc == 0 && b < r->block_count; b++) {
		uint32_t first = b * SZ_TIER_BLOCK_RECORD_COUNT;
		uint32_t n = r->record_count - first < SZ_TIER_BLOCK_RECORD_COUNT ? r->record_count - first
										    : SZ_TIER_BLOCK_RECORD_COUNT;
		if (a.sums[b] != r->block_sums[b] || sum64(&a.records[first], (size_t)n * sizeof a.records[0]) != r->block_sums[b])
			rc = SZ_ECORRUPT;
	}
	for (uint32_t i = 0; rc == 0 && i < r->record_count; i++)
		if (!each(ctx, &a.records[i]))
			rc = SZ_ECORRUPT;
	free(a.records);
	free(a.sums);
	free(a.map);
	return rc;
}

int tier_list(const struct tier *t, void (*found)(void *ctx, uint32_t lo, uint32_t hi), void *ctx)
{
	SZ_ASSERT(t != NULL && found != NULL);
	DIR *d = opendir(t->dir);
	if (d == NULL)
		return SZ_EIO;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		unsigned lo, hi;
		char tail[8];
		if (sscanf(e->d_name, "run-%10u-%10u.idx%7s", &lo, &hi, tail) == 2 && lo < hi &&
		    strlen(e->d_name) == strlen("run-0000000000-0000000000.idx"))
			found(ctx, lo, hi);
	}
	closedir(d);
	return 0;
}

/* A run file this tier will never adopt (another run size) or a temporary
 * left by a crash mid-build: removed at open. */
static void remove_strays(const struct tier *t)
{
	SZ_ASSERT(t != NULL && t->run_slot_count > 0);
	DIR *d = opendir(t->dir);
	if (d == NULL)
		return;
	struct dirent *e;
	char path[SZ_TIER_PATH_SIZE];
	while ((e = readdir(d)) != NULL) {
		unsigned lo, hi;
		size_t len = strlen(e->d_name);
		bool tmp = len > 4 && strncmp(e->d_name, "run-", 4) == 0 && strcmp(e->d_name + len - 4, ".tmp") == 0;
		bool other = sscanf(e->d_name, "run-%10u-%10u.idx", &lo, &hi) == 2 && len == strlen("run-0000000000-0000000000.idx") &&
			     (hi <= lo || hi - lo != t->run_slot_count || lo % t->run_slot_count != 0);
		if (!tmp && !other)
			continue;
		snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/* ---- lookups --------------------------------------------------------------- */

/* Runs [*first, *end) of generation g (runs are in slot order). */
static void generation_runs(const struct tier *t, uint32_t g, uint32_t *first, uint32_t *end)
{
	uint64_t lo = (uint64_t)g * t->run_slot_count * SZ_TIER_GENERATION_RUN_COUNT;
	uint64_t hi = lo + (uint64_t)t->run_slot_count * SZ_TIER_GENERATION_RUN_COUNT;
	uint32_t a = 0, b = t->run_count;
	while (a < b) { /* first run with slot_lo >= lo */
		uint32_t mid = a + (b - a) / 2;
		if (t->runs[mid].slot_lo < lo)
			a = mid + 1;
		else
			b = mid;
	}
	*first = a;
	while (a < t->run_count && t->runs[a].slot_lo < hi)
		a++;
	*end = a;
}

bool tier_may_contain(const struct tier *t, sz_id id)
{
	SZ_ASSERT(t != NULL);
	for (uint32_t g = 0; g < t->generation_count; g++) {
		const struct tier_generation *gen = &t->generations[g];
		if (gen->bloom == NULL || !filter_test(gen->bloom, gen->bloom_line_count, id))
			continue;
		uint32_t first, end;
		generation_runs(t, g, &first, &end);
		for (uint32_t i = first; i < end; i++)
			if (t->runs[i].record_count > 0 && bloom_test(&t->runs[i], id))
				return true;
	}
	return false;
}

/* The block of r that would hold id, or -1 (id before the first fence). */
static int64_t block_of(const struct tier_run *r, sz_id id)
{
	SZ_ASSERT(r->block_count > 0);
	uint32_t lo = 0, hi = r->block_count; /* answer in [lo, hi) once fences[lo] <= id */
	if (id_cmp(r->fences[0], id) > 0)
		return -1;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (id_cmp(r->fences[mid], id) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int run_find(struct tier *t, struct tier_run *r, sz_id id, struct tier_record *out)
{
	int64_t b = block_of(r, id);
	if (b < 0)
		return 0;
	uint32_t first = (uint32_t)b * SZ_TIER_BLOCK_RECORD_COUNT;
	uint32_t n = r->record_count - first < SZ_TIER_BLOCK_RECORD_COUNT ? r->record_count - first
									    : SZ_TIER_BLOCK_RECORD_COUNT;
	struct tier_record block[SZ_TIER_BLOCK_RECORD_COUNT];
	int rc = read_exact(r->fd, block, (size_t)n * sizeof block[0], HEADER_SIZE + (uint64_t)first * sizeof block[0]);
	t->disk_reads++;
	if (rc == 0 && sum64(block, (size_t)n * sizeof block[0]) != r->block_sums[b])
		rc = SZ_ECORRUPT;
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		if (id_cmp(record_id(&block[i]), id) == 0) {
			*out = block[i];
			return 1;
		}
	}
	t->bloom_false_positive_count++;
	return 0;
}

/* A damaged run: its file removed, its filter kept so that lookups of ids it
 * may hold fail (SZ_ECORRUPT) instead of answering "absent". */
static void run_mark_damaged(struct tier *t, struct tier_run *r)
{
	SZ_ASSERT(t != NULL && r != NULL);
	char path[SZ_TIER_PATH_SIZE];
	run_path(path, sizeof path, t->dir, r->slot_lo, r->slot_hi, "");
	unlink(path);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static int find_in_generation(struct tier *t, uint32_t g, sz_id id, struct tier_record *out, uint32_t *damaged_lo,
			      uint32_t *damaged_hi)
{
	uint32_t first, end;
	generation_runs(t, g, &first, &end);
	for (uint32_t i = first; i < end; i++) {
		struct tier_run *r = &t->runs[i];
		if (r->record_count == 0 || !bloom_test(r, id))
			continue;
		int rc = r->fd < 0 ? SZ_ECORRUPT : run_find(t, r, id, out);
		if (rc == SZ_ECORRUPT) {
			if (damaged_lo)
				*damaged_lo = r->slot_lo;
			if (damaged_hi)
				*damaged_hi = r->slot_hi;
			run_mark_damaged(t, r);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The run covering slot, or NULL. */
static struct tier_run *run_of_slot(struct tier *t, uint32_t slot)
{
	uint32_t a = 0, b = t->run_count;
	while (a < b) { /* first run with slot_hi > slot */
		uint32_t mid = a + (b - a) / 2;
		if (t->runs[mid].slot_hi <= slot)
			a = mid + 1;
		else
			b = mid;
	}
	return a < t->run_count && t->runs[a].slot_lo <= slot ? &t->runs[a] : NULL;
}

/* Record index of slot in r from its checked map chunk; MAP_NONE if absent. */
static int map_lookup(struct tier *t, struct tier_run *r, uint32_t slot, uint32_t *index)
{
	uint32_t range = r->slot_hi - r->slot_lo, c = (slot - r->slot_lo) / MAP_CHUNK_SLOT_COUNT;
	uint32_t first = c * MAP_CHUNK_SLOT_COUNT;
	uint32_t n = range - first < MAP_CHUNK_SLOT_COUNT ? range - first : MAP_CHUNK_SLOT_COUNT;
	uint32_t chunk[MAP_CHUNK_SLOT_COUNT];
	int rc = read_exact(r->fd, chunk, (size_t)n * sizeof chunk[0], map_offset(r) + (uint64_t)first * sizeof chunk[0]);
	t->disk_reads++;
	if (rc == 0 && sum64(chunk, (size_t)n * sizeof chunk[0]) != r->map_sums[c])
		rc = SZ_ECORRUPT;
	if (rc == 0)
		*index = chunk[slot - r->slot_lo - first];
	if (rc == 0 && *index != MAP_NONE && *index >= r->record_count)
		rc = SZ_ECORRUPT;
	return rc;
}

int tier_find_slot(struct tier *t, uint32_t slot, struct tier_record *out)
{
	SZ_ASSERT(t != NULL && out != NULL);
	struct tier_run *r = run_of_slot(t, slot);
	if (r == NULL)
		return 0;
	uint32_t index = MAP_NONE;
	int rc = r->fd < 0 ? SZ_ECORRUPT : map_lookup(t, r, slot, &index);
	if (rc == 0 && index != MAP_NONE) {
		uint32_t b = index / SZ_TIER_BLOCK_RECORD_COUNT, first = b * SZ_TIER_BLOCK_RECORD_COUNT;
		uint32_t n = r->record_count - first < SZ_TIER_BLOCK_RECORD_COUNT ? r->record_count - first
										    : SZ_TIER_BLOCK_RECORD_COUNT;
		struct tier_record block[SZ_TIER_BLOCK_RECORD_COUNT];
		rc = read_exact(r->fd, block, (size_t)n * sizeof block[0], HEADER_SIZE + (uint64_t)first * sizeof block[0]);
		t->disk_reads++;
		if (rc == 0 && sum64(block, (size_t)n * sizeof block[0]) != r->block_sums[b])
			rc = SZ_ECORRUPT;
		if (rc == 0 && block[index - first].slot_number != slot)
			rc = SZ_ECORRUPT;
		if (rc == 0) {
			*out = block[index - first];
			rc = 1;
		}
	}
	if (rc == SZ_ECORRUPT)
		run_mark_damaged(t, r);
	return rc;
}

int tier_find(struct tier *t, sz_id id, struct tier_record *out, uint32_t *damaged_lo, uint32_t *damaged_hi)
{
	SZ_ASSERT(t != NULL && out != NULL);
	for (uint32_t g = t->generation_count; g-- > 0;) {
		const struct tier_generation *gen = &t->generations[g];
		if (gen->bloom == NULL || !filter_test(gen->bloom, gen->bloom_line_count, id))
			continue;
		int rc = find_in_generation(t, g, id, out, damaged_lo, damaged_hi);
		if (rc != 0)
			return rc;
	}
	return 0;
}

uint64_t tier_memory_bytes(const struct tier *t)
{
	SZ_ASSERT(t != NULL);
	uint64_t bytes = (uint64_t)t->run_count * sizeof(struct tier_run);
	for (uint32_t g = 0; g < t->generation_count; g++)
		bytes += t->generations[g].bloom ? (uint64_t)t->generations[g].bloom_line_count * BLOOM_LINE_WORDS * 8u : 0;
	for (uint32_t i = 0; i < t->run_count; i++)
		bytes += (uint64_t)t->runs[i].bloom_line_count * BLOOM_LINE_WORDS * 8u +
			 (uint64_t)(t->runs[i].block_count + 1u) * (sizeof(sz_id) + sizeof(uint64_t)) +
			 (uint64_t)map_chunk_count(&t->runs[i]) * sizeof(uint64_t);
	return bytes;
}

/* ---- the builder thread ----------------------------------------------------- */

static void *builder_main(void *arg)
{
	struct tier *t = arg;
	SZ_ASSERT(t != NULL);
	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (t->job == NULL && !t->stopping)
			pthread_cond_wait(&t->wake, &t->lock);
		if (t->job == NULL)
			break;
		struct tier_job *job = t->job;
		pthread_mutex_unlock(&t->lock);
		job->rc = tier_build(t->dir, job);
		pthread_mutex_lock(&t->lock);
		t->job = NULL;
		t->done = job;
		pthread_cond_broadcast(&t->wake);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int tier_open(struct tier *t, const char *dir, uint32_t run_slot_count)
{
	SZ_ASSERT(t != NULL && dir != NULL);
	SZ_ASSERT(run_slot_count > 0);
	memset(t, 0, sizeof *t);
	t->run_slot_count = run_slot_count;
	if (strlen(dir) + 64 >= sizeof t->dir)
		return SZ_EINVAL;
	snprintf(t->dir, sizeof t->dir, "%s", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return SZ_EIO;
	remove_strays(t);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->thread, NULL, builder_main, t) != 0) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->wake);
		return SZ_ENOMEM;
	}
	t->thread_started = true;
	return 0;
}

void tier_job_free(struct tier_job *job)
{
	if (job == NULL)
		return;
	free(job->records);
	if (job->rc != 0 || job->run.bloom != NULL)
		run_free(&job->run);
	free(job);
}

void tier_close(struct tier *t)
{
	SZ_ASSERT(t != NULL);
	if (t->thread_started) {
		pthread_mutex_lock(&t->lock);
		t->stopping = true;
		pthread_cond_broadcast(&t->wake);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->wake);
		tier_job_free(t->done);
	}
	for (uint32_t i = 0; i < t->run_count; i++)
		run_free(&t->runs[i]);
	free(t->runs);
	for (uint32_t g = 0; g < t->generation_count; g++)
		free(t->generations[g].bloom);
	free(t->generations);
	memset(t, 0, sizeof *t);
}

int tier_submit(struct tier *t, struct tier_job *job)
{
	SZ_ASSERT(t != NULL && job != NULL);
	SZ_ASSERT(t->thread_started);
	pthread_mutex_lock(&t->lock);
	int rc = 0;
	if (t->job != NULL || t->done != NULL)
		rc = SZ_EBUSY;
	else
		t->job = job;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

struct tier_job *tier_collect(struct tier *t)
{
	SZ_ASSERT(t != NULL);
	SZ_ASSERT(t->thread_started);
	pthread_mutex_lock(&t->lock);
	struct tier_job *job = t->done;
	t->done = NULL;
	pthread_mutex_unlock(&t->lock);
	if (job != NULL && job->rc == 0) {
		int rc = runs_insert(t, &job->run, job->records);
		if (rc == 0)
			job->run.bloom = NULL; /* the tier owns it now */
		else
			job->rc = rc;
		if (rc == 0) {
			job->run.fences = NULL;
			job->run.block_sums = NULL;
			job->run.map_sums = NULL;
			job->run.fd = -1;
		}
	}
	return job;
}

void tier_wait(struct tier *t)
{
	SZ_ASSERT(t != NULL);
	SZ_ASSERT(t->thread_started);
	pthread_mutex_lock(&t->lock);
	while (t->job != NULL)
		pthread_cond_wait(&t->wake, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

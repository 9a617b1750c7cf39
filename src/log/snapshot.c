/*
 * snapshot.c — writing and loading snapshot files (format in snapshot.h).
 */
#include "log/snapshot.h"
#include "engine/state.h"
#include "core/assert.h"
#include "core/errors.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SNAP_MAGIC 0x313050414e535a53ull /* "SZSNAP01" */
#define SNAP_VERSION 1u
#define SNAP_HEADER_SIZE 128u
#define PATH_SIZE_MAX 4096

struct snap_header {
	uint64_t magic;
	uint32_t version;
	uint32_t reserved0;
	uint64_t sequence;
	uint64_t batch_time_ns;
	uint8_t head_hash[32];
	uint8_t state_digest[32];
	uint64_t next_log_pos;
	uint8_t reserved[24];
};
_Static_assert(sizeof(struct snap_header) == SNAP_HEADER_SIZE, "snapshot header is 128 bytes");

int sz_snap_write(struct sz_snap *s, const void *data, size_t size)
{
	if (s->error || size == 0)
		return s->error;
	crypto_generichash_update(&s->hash, data, size);
	if (fwrite(data, 1, size, s->f) != size)
		s->error = SZ_EIO;
	s->size += size;
	return s->error;
}

int sz_snap_read(struct sz_snap *s, void *data, size_t size)
{
	if (s->error || size == 0)
		return s->error;
	if (fread(data, 1, size, s->f) != size) {
		s->error = SZ_ECORRUPT;
		return s->error;
	}
	crypto_generichash_update(&s->hash, data, size);
	s->size += size;
	return 0;
}

int sz_snap_write_u64(struct sz_snap *s, uint64_t v)
{
	return sz_snap_write(s, &v, sizeof v);
}

int sz_snap_read_u64(struct sz_snap *s, uint64_t *v)
{
	return sz_snap_read(s, v, sizeof *v);
}

static void snap_path(char *out, size_t size, const char *dir, uint64_t sequence, const char *suffix)
{
	int n = snprintf(out, size, "%s/snapshots/%020llu.%s", dir, (unsigned long long)sequence, suffix);
	SZ_ASSERT(n > 0 && (size_t)n < size);
}

static int sync_dir(const char *dir)
{
	char path[PATH_SIZE_MAX];
	snprintf(path, sizeof path, "%s/snapshots", dir);
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return SZ_EIO;
	int rc = fsync(fd) == 0 ? 0 : SZ_EIO;
	close(fd);
	return rc;
}

int sz_snapshot_write(const char *dir, const struct sz_state *st, const struct sz_snapshot_info *info)
{
	char tmp[PATH_SIZE_MAX], final[PATH_SIZE_MAX];
	snap_path(tmp, sizeof tmp, dir, info->sequence, "tmp");
	snap_path(final, sizeof final, dir, info->sequence, "szs");
	struct sz_snap s = { .f = fopen(tmp, "wb") };
	if (s.f == NULL)
		return SZ_EIO;
	crypto_generichash_init(&s.hash, NULL, 0, 32);
	struct snap_header h = { .magic = SNAP_MAGIC, .version = SNAP_VERSION, .sequence = info->sequence,
				 .batch_time_ns = info->batch_time_ns, .next_log_pos = info->next_log_pos };
	memcpy(h.head_hash, info->head_hash, 32);
	memcpy(h.state_digest, info->state_digest, 32);
	sz_snap_write(&s, &h, sizeof h);
	sz_state_snapshot_write(st, &s);
	struct { uint64_t size; uint8_t hash[32]; } trailer = { .size = s.size };
	crypto_generichash_final(&s.hash, trailer.hash, 32);
	int rc = s.error;
	if (rc == 0 && fwrite(&trailer, 1, sizeof trailer, s.f) != sizeof trailer)
		rc = SZ_EIO;
	if (fflush(s.f) != 0 || fsync(fileno(s.f)) != 0)
		rc = rc ? rc : SZ_EIO;
	if (fclose(s.f) != 0)
		rc = rc ? rc : SZ_EIO;
	if (rc == 0 && rename(tmp, final) != 0)
		rc = SZ_EIO;
	if (rc == 0)
		rc = sync_dir(dir);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

int sz_snapshot_list(const char *dir, uint64_t *sequences, int max)
{
	char path[PATH_SIZE_MAX];
	snprintf(path, sizeof path, "%s/snapshots", dir);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	int count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && count < max) {
		unsigned long long seq;
		char suffix[8];
		if (sscanf(e->d_name, "%20llu.%7s", &seq, suffix) == 2 && strcmp(suffix, "szs") == 0)
			sequences[count++] = seq;
	}
	closedir(d);
	qsort(sequences, (size_t)count, sizeof sequences[0], cmp_desc);
	return count;
}

static void info_from(struct sz_snapshot_info *info, const struct snap_header *h)
{
	info->sequence = h->sequence;
	info->batch_time_ns = h->batch_time_ns;
	memcpy(info->head_hash, h->head_hash, 32);
	memcpy(info->state_digest, h->state_digest, 32);
	info->next_log_pos = h->next_log_pos;
}

int sz_snapshot_read_info(const char *dir, uint64_t sequence, struct sz_snapshot_info *info)
{
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return SZ_ENOTFOUND;
	struct snap_header h;
	int rc = fread(&h, 1, sizeof h, f) == sizeof h && h.magic == SNAP_MAGIC ? 0 : SZ_ECORRUPT;
	fclose(f);
	if (rc == 0)
		info_from(info, &h);
	return rc;
}

/* Check the trailer: size and BLAKE2b over everything before it. */
static int verify_file(FILE *f)
{
	if (fseek(f, 0, SEEK_END) != 0)
		return SZ_EIO;
	long end = ftell(f);
	if (end < (long)(SNAP_HEADER_SIZE + 40))
		return SZ_ECORRUPT;
	struct { uint64_t size; uint8_t hash[32]; } trailer;
	if (fseek(f, end - 40, SEEK_SET) != 0 || fread(&trailer, 1, 40, f) != 40 || trailer.size != (uint64_t)(end - 40))
		return SZ_ECORRUPT;
	rewind(f);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	static uint8_t buf[1 << 16];
	uint64_t left = trailer.size;
	while (left > 0) {
		size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
		if (fread(buf, 1, n, f) != n)
			return SZ_ECORRUPT;
		crypto_generichash_update(&h, buf, n);
		left -= n;
	}
	uint8_t hash[32];
	crypto_generichash_final(&h, hash, 32);
	rewind(f);
	return memcmp(hash, trailer.hash, 32) == 0 ? 0 : SZ_ECORRUPT;
}

int sz_snapshot_load(const char *dir, uint64_t sequence, struct sz_state *st, struct sz_snapshot_info *info,
		     char *why, size_t why_size)
{
	char path[PATH_SIZE_MAX];
	snap_path(path, sizeof path, dir, sequence, "szs");
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(why, why_size, "%s: cannot open", path);
		return SZ_EIO;
	}
	int rc = verify_file(f);
	struct sz_snap s = { .f = f };
	crypto_generichash_init(&s.hash, NULL, 0, 32);
	struct snap_header h;
	memset(&h, 0, sizeof h);
	if (rc == 0)
		rc = sz_snap_read(&s, &h, sizeof h);
	if (rc == 0 && (h.magic != SNAP_MAGIC || h.sequence != sequence))
		rc = SZ_ECORRUPT;
	if (rc == 0 && h.version != SNAP_VERSION)
		rc = SZ_EVERSION;
	if (rc == 0)
		rc = sz_state_snapshot_read(st, &s);
	fclose(f);
	if (rc == 0) {
		info_from(info, &h);
		st->sequence = h.sequence;
		st->batch_time_ns = h.batch_time_ns;
		uint8_t digest[32];
		sz_state_digest(st, digest);
		if (memcmp(digest, h.state_digest, 32) != 0)
			rc = SZ_ECORRUPT;
	}
	if (rc != 0)
		snprintf(why, why_size, "%s: %s", path, sz_strerror(rc));
	return rc;
}

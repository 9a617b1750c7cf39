/*
 * crash_storage.c — a struct sz_storage (src/log/storage.h) in memory that
 * simulates power cuts, for the durability simulation tests. Test code only;
 * include it into the test that uses it.
 *
 * Each file has a durable image (what a disk holds after a power cut) and a
 * current one (what reads see). A write changes the current image and is
 * remembered as pending; sync (fdatasync) makes the file's pending writes
 * and size durable. Directory entries (create, rename, unlink) are pending
 * until sync_dir of their directory. At a power cut (crash_storage_cut),
 * driven by a seeded generator, every pending write is independently lost,
 * kept, or torn — each of its 512-byte sectors kept or lost at random — so
 * later writes may survive while earlier ones do not (reordering); a
 * pending size change may be lost; pending directory changes are all kept
 * or all lost. Like SQLite's crash-test VFS. crash_storage_arm makes every
 * operation after the next n fail with SZ_EIO (the power is off), so the
 * engine stops exactly as it would on a failed write or sync.
 */
#include "log/storage.h"
#include "core/errors.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CS_FILE_COUNT_MAX 256
#define CS_ENTRY_COUNT_MAX 256
#define CS_FD_COUNT_MAX 64
#define CS_PATH_SIZE 256
#define CS_SECTOR_SIZE 512u
#define CS_CHUNK_SIZE (32u * 1024u) /* images are kept in chunks: an absent one reads as zeros */

struct cs_pending {
	uint64_t offset;
	uint32_t size;
	uint8_t *data;
};

/* A file's bytes, in chunks allocated on first write: preallocating a 4 MiB
 * segment costs nothing, and a power cut touches only what was written.
 * Always zero beyond the size of the file it holds. */
struct cs_image {
	uint8_t **chunks;
	uint64_t chunk_count;
};

struct cs_file {
	bool used;
	struct cs_image cur, dur;
	uint64_t cur_size, dur_size;
	struct cs_pending *pending;
	uint32_t pending_count, pending_capacity;
};

struct cs_entry {
	char path[CS_PATH_SIZE];
	int file;
};

struct crash_storage {
	struct sz_storage base;
	pthread_mutex_t lock;
	uint64_t rng;
	struct cs_file files[CS_FILE_COUNT_MAX];
	struct cs_entry cur[CS_ENTRY_COUNT_MAX], dur[CS_ENTRY_COUNT_MAX];
	int cur_count, dur_count;
	int fds[CS_FD_COUNT_MAX]; /* file index + 1; 0 = free */
	uint64_t op_count;
	uint64_t off_at_op;       /* operations from this count on fail; UINT64_MAX = never */
	uint64_t cut_count;
	bool no_sync;             /* a deliberately broken disk: sync does nothing (checks the checker) */
};

static uint64_t cs_next(struct crash_storage *c)
{
	c->rng ^= c->rng << 13; /* xorshift64 */
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

static struct crash_storage *cs_of(const struct sz_storage *s)
{
	return s->ctx;
}

/* Count one operation; false once the power is off. Called under the lock. */
static bool cs_powered(struct crash_storage *c)
{
	return c->op_count++ < c->off_at_op;
}

/* The chunk holding byte offset, allocated (zeroed) if absent; NULL when out of memory. */
static uint8_t *cs_chunk(struct cs_image *im, uint64_t offset)
{
	uint64_t index = offset / CS_CHUNK_SIZE;
	if (index >= im->chunk_count) {
		uint64_t count = im->chunk_count ? im->chunk_count : 64;
		while (count <= index)
			count *= 2;
		uint8_t **grown = realloc(im->chunks, count * sizeof grown[0]);
		if (grown == NULL)
			return NULL;
		memset(grown + im->chunk_count, 0, (count - im->chunk_count) * sizeof grown[0]);
		im->chunks = grown;
		im->chunk_count = count;
	}
	if (im->chunks[index] == NULL)
		im->chunks[index] = calloc(1, CS_CHUNK_SIZE);
	return im->chunks[index];
}

/* The part of [offset, offset + size) that lies in offset's chunk. */
static size_t cs_piece(uint64_t offset, uint64_t size)
{
	uint64_t room = CS_CHUNK_SIZE - offset % CS_CHUNK_SIZE;
	return (size_t)(size < room ? size : room);
}

static int cs_image_write(struct cs_image *im, uint64_t offset, const uint8_t *data, uint64_t size)
{
	for (size_t n; size > 0; offset += n, data += n, size -= n) {
		n = cs_piece(offset, size);
		uint8_t *chunk = cs_chunk(im, offset);
		if (chunk == NULL)
			return SZ_ENOMEM;
		memcpy(chunk + offset % CS_CHUNK_SIZE, data, n);
	}
	return 0;
}

static const uint8_t *cs_chunk_or_null(const struct cs_image *im, uint64_t offset)
{
	uint64_t index = offset / CS_CHUNK_SIZE;
	return index < im->chunk_count ? im->chunks[index] : NULL;
}

static void cs_image_read(const struct cs_image *im, uint64_t offset, uint8_t *out, uint64_t size)
{
	for (size_t n; size > 0; offset += n, out += n, size -= n) {
		n = cs_piece(offset, size);
		const uint8_t *chunk = cs_chunk_or_null(im, offset);
		if (chunk)
			memcpy(out, chunk + offset % CS_CHUNK_SIZE, n);
		else
			memset(out, 0, n);
	}
}

/* Zero [from, to): whole chunks are freed. */
static void cs_image_zero(struct cs_image *im, uint64_t from, uint64_t to)
{
	for (size_t n; from < to; from += n) {
		n = cs_piece(from, to - from);
		uint64_t index = from / CS_CHUNK_SIZE;
		if (index >= im->chunk_count || im->chunks[index] == NULL)
			continue;
		if (n == CS_CHUNK_SIZE) {
			free(im->chunks[index]);
			im->chunks[index] = NULL;
		} else {
			memset(im->chunks[index] + from % CS_CHUNK_SIZE, 0, n);
		}
	}
}

/* dst's [offset, offset + size) becomes src's. */
static int cs_image_copy(struct cs_image *dst, const struct cs_image *src, uint64_t offset, uint64_t size)
{
	for (size_t n; size > 0; offset += n, size -= n) {
		n = cs_piece(offset, size);
		const uint8_t *chunk = cs_chunk_or_null(src, offset);
		if (chunk == NULL)
			cs_image_zero(dst, offset, offset + n);
		else if (cs_image_write(dst, offset, chunk + offset % CS_CHUNK_SIZE, n) != 0)
			return SZ_ENOMEM;
	}
	return 0;
}

static void cs_image_free(struct cs_image *im)
{
	for (uint64_t i = 0; i < im->chunk_count; i++)
		free(im->chunks[i]);
	free(im->chunks);
}

static int cs_find(const struct cs_entry *v, int count, const char *path)
{
	for (int i = 0; i < count; i++)
		if (strcmp(v[i].path, path) == 0)
			return i;
	return -1;
}

static void cs_free_file(struct cs_file *f)
{
	for (uint32_t j = 0; j < f->pending_count; j++)
		free(f->pending[j].data);
	free(f->pending);
	cs_image_free(&f->cur);
	cs_image_free(&f->dur);
	memset(f, 0, sizeof *f);
}

/* Free files no name (current or durable) and no handle refers to. */
static void cs_collect(struct crash_storage *c)
{
	bool referenced[CS_FILE_COUNT_MAX] = { false };
	for (int i = 0; i < c->cur_count; i++)
		referenced[c->cur[i].file] = true;
	for (int i = 0; i < c->dur_count; i++)
		referenced[c->dur[i].file] = true;
	for (int i = 0; i < CS_FD_COUNT_MAX; i++)
		if (c->fds[i])
			referenced[c->fds[i] - 1] = true;
	for (int i = 0; i < CS_FILE_COUNT_MAX; i++)
		if (c->files[i].used && !referenced[i])
			cs_free_file(&c->files[i]);
}

static int cs_new_file(struct crash_storage *c)
{
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < CS_FILE_COUNT_MAX; i++) {
			if (!c->files[i].used) {
				memset(&c->files[i], 0, sizeof c->files[i]);
				c->files[i].used = true;
				return i;
			}
		}
		cs_collect(c);
	}
	return -1;
}

static int cs_open(const struct sz_storage *s, const char *path, enum sz_storage_open how, int *fd_out)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	int e = rc == 0 ? cs_find(c->cur, c->cur_count, path) : -1;
	if (rc == 0 && (how == SZ_STORAGE_TRUNCATE || (e < 0 && how == SZ_STORAGE_CREATE))) {
		int file = cs_new_file(c); /* a fresh file under the name (the old one stays for durable names) */
		if (file < 0 || (e < 0 && c->cur_count == CS_ENTRY_COUNT_MAX)) {
			rc = SZ_EIO;
		} else {
			if (e < 0) {
				e = c->cur_count++;
				snprintf(c->cur[e].path, CS_PATH_SIZE, "%s", path);
			}
			c->cur[e].file = file;
		}
	} else if (rc == 0 && e < 0) {
		rc = SZ_ENOTFOUND;
	}
	int fd = -1;
	for (int i = 0; rc == 0 && i < CS_FD_COUNT_MAX && fd < 0; i++)
		if (c->fds[i] == 0)
			fd = i;
	if (rc == 0 && fd < 0)
		rc = SZ_EIO;
	if (rc == 0) {
		c->fds[fd] = c->cur[e].file + 1;
		*fd_out = fd;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static struct cs_file *cs_file_of(struct crash_storage *c, int fd)
{
	if (fd < 0 || fd >= CS_FD_COUNT_MAX || c->fds[fd] == 0)
		abort(); /* the log used a handle it does not own */
	return &c->files[c->fds[fd] - 1];
}

static int cs_close(const struct sz_storage *s, int fd)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	(void)cs_file_of(c, fd);
	c->fds[fd] = 0; /* closing works with the power off too: the process is going away */
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static int cs_read(const struct sz_storage *s, int fd, void *out, size_t size, uint64_t offset, size_t *done)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	struct cs_file *f = cs_file_of(c, fd);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0) {
		size_t n = offset >= f->cur_size ? 0 : (size_t)(f->cur_size - offset < size ? f->cur_size - offset : size);
		cs_image_read(&f->cur, offset, out, n);
		*done = n;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_write(const struct sz_storage *s, int fd, const void *data, size_t size, uint64_t offset)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	struct cs_file *f = cs_file_of(c, fd);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0 && f->pending_count == f->pending_capacity) {
		uint32_t capacity = f->pending_capacity ? f->pending_capacity * 2 : 16;
		struct cs_pending *grown = realloc(f->pending, capacity * sizeof grown[0]);
		rc = grown ? 0 : SZ_ENOMEM;
		if (grown) {
			f->pending = grown;
			f->pending_capacity = capacity;
		}
	}
	uint8_t *copy = rc == 0 ? malloc(size ? size : 1) : NULL;
	if (rc == 0 && (copy == NULL || cs_image_write(&f->cur, offset, data, size) != 0))
		rc = SZ_ENOMEM;
	if (rc == 0) {
		memcpy(copy, data, size);
		if (offset + size > f->cur_size)
			f->cur_size = offset + size;
		f->pending[f->pending_count++] = (struct cs_pending){ offset, (uint32_t)size, copy };
	} else {
		free(copy);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_make_durable(struct cs_file *f)
{
	/* the durable image is already zero beyond its size: the extension is there */
	int rc = 0;
	for (uint32_t i = 0; i < f->pending_count; i++) {
		if (rc == 0)
			rc = cs_image_write(&f->dur, f->pending[i].offset, f->pending[i].data, f->pending[i].size);
		free(f->pending[i].data);
	}
	f->pending_count = 0;
	f->dur_size = f->cur_size;
	return rc;
}

static int cs_sync(const struct sz_storage *s, int fd)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	struct cs_file *f = cs_file_of(c, fd);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0 && !c->no_sync)
		rc = cs_make_durable(f);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_allocate(const struct sz_storage *s, int fd, uint64_t size)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	struct cs_file *f = cs_file_of(c, fd);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0 && size > f->cur_size)
		f->cur_size = size; /* zeros: beyond the old size the images are zero */
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_size(const struct sz_storage *s, int fd, uint64_t *size_out)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	struct cs_file *f = cs_file_of(c, fd);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0)
		*size_out = f->cur_size;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_rename(const struct sz_storage *s, const char *from, const char *to)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	int e = rc == 0 ? cs_find(c->cur, c->cur_count, from) : -1;
	if (rc == 0 && e < 0)
		rc = SZ_ENOTFOUND;
	if (rc == 0) {
		int old = cs_find(c->cur, c->cur_count, to);
		if (old >= 0 && old != e) {
			c->cur[old] = c->cur[--c->cur_count];
			if (e == c->cur_count)
				e = old;
		}
		snprintf(c->cur[e].path, CS_PATH_SIZE, "%s", to);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_unlink(const struct sz_storage *s, const char *path)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	int e = rc == 0 ? cs_find(c->cur, c->cur_count, path) : -1;
	if (rc == 0 && e < 0)
		rc = SZ_ENOTFOUND;
	if (rc == 0)
		c->cur[e] = c->cur[--c->cur_count];
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_mkdir(const struct sz_storage *s, const char *path)
{
	struct crash_storage *c = cs_of(s);
	(void)path; /* directories always exist (and survive): the log creates only its own few */
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static bool cs_in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/' && strchr(path + n + 1, '/') == NULL;
}

/* Make dir's entries durable: the durable listing of dir becomes the current one. */
static int cs_sync_dir(const struct sz_storage *s, const char *dir)
{
	struct crash_storage *c = cs_of(s);
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	if (rc == 0) {
		for (int i = 0; i < c->dur_count;)
			if (cs_in_dir(c->dur[i].path, dir))
				c->dur[i] = c->dur[--c->dur_count];
			else
				i++;
		for (int i = 0; i < c->cur_count; i++)
			if (cs_in_dir(c->cur[i].path, dir) && c->dur_count < CS_ENTRY_COUNT_MAX)
				c->dur[c->dur_count++] = c->cur[i];
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int cs_list(const struct sz_storage *s, const char *dir, sz_storage_list_fn fn, void *ctx)
{
	struct crash_storage *c = cs_of(s);
	char names[CS_ENTRY_COUNT_MAX][CS_PATH_SIZE];
	int count = 0;
	pthread_mutex_lock(&c->lock);
	int rc = cs_powered(c) ? 0 : SZ_EIO;
	for (int i = 0; rc == 0 && i < c->cur_count; i++)
		if (cs_in_dir(c->cur[i].path, dir))
			snprintf(names[count++], CS_PATH_SIZE, "%s", strrchr(c->cur[i].path, '/') + 1);
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; rc == 0 && i < count; i++)
		rc = fn(ctx, names[i]);
	return rc;
}

static const struct sz_storage_ops cs_ops = {
	.open = cs_open, .close = cs_close, .read = cs_read, .write = cs_write, .sync = cs_sync,
	.allocate = cs_allocate, .size = cs_size, .rename = cs_rename, .unlink = cs_unlink,
	.mkdir = cs_mkdir, .sync_dir = cs_sync_dir, .list = cs_list,
};

static struct crash_storage *crash_storage_new(uint64_t seed)
{
	struct crash_storage *c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	c->base.ops = &cs_ops;
	c->base.ctx = c;
	c->rng = seed * 2654435761u + 0x9e3779b97f4a7c15ull;
	c->off_at_op = UINT64_MAX;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void crash_storage_free(struct crash_storage *c)
{
	for (int i = 0; i < CS_FILE_COUNT_MAX; i++)
		cs_free_file(&c->files[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The power goes off after `ops` more operations (0 = at once). */
static void crash_storage_arm(struct crash_storage *c, uint64_t ops)
{
	pthread_mutex_lock(&c->lock);
	c->off_at_op = c->op_count + ops;
	pthread_mutex_unlock(&c->lock);
}

static void crash_storage_disarm(struct crash_storage *c)
{
	pthread_mutex_lock(&c->lock);
	c->off_at_op = UINT64_MAX;
	pthread_mutex_unlock(&c->lock);
}

/* Apply a pending write's sectors at random (a torn write). */
static void cs_apply_torn(struct crash_storage *c, struct cs_file *f, const struct cs_pending *p)
{
	for (uint64_t at = p->offset; at < p->offset + p->size;) {
		uint64_t end = (at / CS_SECTOR_SIZE + 1) * CS_SECTOR_SIZE;
		if (end > p->offset + p->size)
			end = p->offset + p->size;
		if ((cs_next(c) & 1) && cs_image_write(&f->dur, at, p->data + (at - p->offset), end - at) != 0)
			abort(); /* out of memory in the test's own disk */
		at = end;
	}
}

/* A power cut: what was not synced is lost, kept or torn (see the top). The
 * storage is powered on again afterwards; every handle is gone. */
static void crash_storage_cut(struct crash_storage *c)
{
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < CS_FILE_COUNT_MAX; i++) {
		struct cs_file *f = &c->files[i];
		if (!f->used)
			continue;
		if (f->cur_size > f->dur_size && (cs_next(c) & 1)) /* an extension (allocate) may survive */
			f->dur_size = f->cur_size;
		uint64_t old_size = f->cur_size;
		for (uint32_t j = 0; j < f->pending_count; j++) {
			struct cs_pending *p = &f->pending[j];
			uint64_t how = cs_next(c) % 3;
			if (how == 1 && cs_image_write(&f->dur, p->offset, p->data, p->size) != 0)
				abort(); /* out of memory in the test's own disk */
			if (how == 2)
				cs_apply_torn(c, f, p);
			if (how != 0 && p->offset + p->size > f->dur_size)
				f->dur_size = p->offset + p->size;
		}
		/* The current image becomes the durable one: only where writes were pending, and the
		 * lost extension (the durable image is zero beyond its size). */
		for (uint32_t j = 0; j < f->pending_count; j++) {
			struct cs_pending *p = &f->pending[j];
			if (cs_image_copy(&f->cur, &f->dur, p->offset, p->size) != 0)
				abort();
			free(p->data);
		}
		f->pending_count = 0;
		if (old_size > f->dur_size) {
			cs_image_zero(&f->cur, f->dur_size, old_size);
			cs_image_zero(&f->dur, f->dur_size, old_size);
		}
		f->cur_size = f->dur_size;
	}
	if (cs_next(c) & 1) { /* unsynced directory changes: all lost */
		memcpy(c->cur, c->dur, sizeof c->cur);
		c->cur_count = c->dur_count;
	} else { /* or all kept */
		memcpy(c->dur, c->cur, sizeof c->dur);
		c->dur_count = c->cur_count;
	}
	memset(c->fds, 0, sizeof c->fds);
	c->off_at_op = UINT64_MAX;
	c->cut_count++;
	pthread_mutex_unlock(&c->lock);
}

/*
 * storage_posix.c — the default storage: one POSIX call per operation
 * (contract in storage.h). Directories are created 0700 and files 0600:
 * the log and snapshots hold every account and payment.
 */
#include "log/storage.h"
#include "core/assert.h"
#include "core/errors.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int err(void)
{
	SZ_ASSERT(errno != 0);
	SZ_ASSERT(errno != EBADF); /* a handle we never opened: a bug, not an I/O error */
	return errno == ENOENT ? SZ_ENOTFOUND : SZ_EIO;
}

static int posix_open(const struct sz_storage *s, const char *path, enum sz_storage_open how, int *fd_out)
{
	(void)s;
	SZ_ASSERT(path != NULL && path[0] != 0);
	SZ_ASSERT(how >= SZ_STORAGE_READ && how <= SZ_STORAGE_TRUNCATE);
	static const int flags[] = { O_RDONLY, O_RDWR, O_RDWR | O_CREAT, O_RDWR | O_CREAT | O_TRUNC };
	int fd = open(path, flags[how] | O_CLOEXEC, 0600);
	if (fd < 0)
		return err();
	*fd_out = fd;
	return 0;
}

static int posix_close(const struct sz_storage *s, int fd)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	int rc = close(fd);
	SZ_ASSERT(rc == 0 || errno != EBADF);
	return rc == 0 ? 0 : SZ_EIO;
}

static int posix_read(const struct sz_storage *s, int fd, void *out, size_t size, uint64_t offset, size_t *done)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	uint8_t *p = out;
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(fd, p + got, size - got, (off_t)(offset + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return SZ_EIO;
		if (n == 0)
			break; /* end of file */
		got += (size_t)n;
	}
	SZ_ASSERT(got <= size);
	*done = got;
	return 0;
}

static int posix_write(const struct sz_storage *s, int fd, const void *data, size_t size, uint64_t offset)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(data != NULL || size == 0);
	const uint8_t *p = data;
	while (size > 0) {
		ssize_t n = pwrite(fd, p, size, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SZ_EIO;
		p += n;
		size -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

static int posix_sync(const struct sz_storage *s, int fd)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	int rc = fdatasync(fd);
	SZ_ASSERT(rc == 0 || errno != EBADF);
	return rc == 0 ? 0 : SZ_EIO;
}

static int posix_allocate(const struct sz_storage *s, int fd, uint64_t size)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(size > 0);
	return posix_fallocate(fd, 0, (off_t)size) == 0 ? 0 : SZ_EIO;
}

static int posix_size(const struct sz_storage *s, int fd, uint64_t *size_out)
{
	(void)s;
	SZ_ASSERT(fd >= 0);
	struct stat st;
	if (fstat(fd, &st) != 0)
		return SZ_EIO;
	SZ_ASSERT(st.st_size >= 0);
	*size_out = (uint64_t)st.st_size;
	return 0;
}

static int posix_rename(const struct sz_storage *s, const char *from, const char *to)
{
	(void)s;
	SZ_ASSERT(from != NULL && to != NULL);
	SZ_ASSERT(strcmp(from, to) != 0);
	return rename(from, to) == 0 ? 0 : err();
}

static int posix_unlink(const struct sz_storage *s, const char *path)
{
	(void)s;
	SZ_ASSERT(path != NULL);
	SZ_ASSERT(path[0] != 0);
	return unlink(path) == 0 ? 0 : err();
}

static int posix_mkdir(const struct sz_storage *s, const char *path)
{
	(void)s;
	SZ_ASSERT(path != NULL && path[0] != 0);
	if (mkdir(path, 0700) == 0)
		return 0;
	SZ_ASSERT(errno != 0);
	return errno == EEXIST ? 0 : SZ_EIO;
}

static int posix_sync_dir(const struct sz_storage *s, const char *path)
{
	(void)s;
	SZ_ASSERT(path != NULL);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err();
	SZ_ASSERT(fd >= 0);
	int rc = fsync(fd) == 0 ? 0 : SZ_EIO;
	close(fd);
	return rc;
}

static int posix_list(const struct sz_storage *s, const char *dir, sz_storage_list_fn fn, void *ctx)
{
	(void)s;
	SZ_ASSERT(fn != NULL);
	SZ_ASSERT(dir != NULL);
	DIR *d = opendir(dir);
	if (d == NULL)
		return err();
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = fn(ctx, e->d_name);
	closedir(d);
	return rc;
}

static const struct sz_storage_ops posix_ops = {
	.open = posix_open, .close = posix_close, .read = posix_read, .write = posix_write,
	.sync = posix_sync, .allocate = posix_allocate, .size = posix_size, .rename = posix_rename,
	.unlink = posix_unlink, .mkdir = posix_mkdir, .sync_dir = posix_sync_dir, .list = posix_list,
};

static const struct sz_storage posix_storage = { .ops = &posix_ops, .ctx = NULL };

const struct sz_storage *sz_storage_posix(void)
{
	SZ_ASSERT(posix_storage.ops == &posix_ops);
	SZ_ASSERT(posix_storage.ctx == NULL);
	return &posix_storage;
}

int sz_storage_read_exact(const struct sz_storage *s, int fd, void *out, size_t size, uint64_t offset)
{
	SZ_ASSERT(s != NULL);
	size_t done = 0;
	int rc = s->ops->read(s, fd, out, size, offset, &done);
	if (rc != 0)
		return rc;
	SZ_ASSERT(done <= size);
	return done == size ? 0 : SZ_ECORRUPT; /* a short file */
}

int sz_storage_exists(const struct sz_storage *s, const char *path)
{
	SZ_ASSERT(s != NULL);
	SZ_ASSERT(path != NULL);
	int fd;
	int rc = s->ops->open(s, path, SZ_STORAGE_READ, &fd);
	if (rc == 0)
		s->ops->close(s, fd);
	return rc;
}

void sz_storage_parent(const char *path, char *out, size_t out_size)
{
	SZ_ASSERT(out_size > 1);
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n == 0) {
		snprintf(out, out_size, "%s", slash ? "/" : ".");
		return;
	}
	SZ_ASSERT(n < out_size);
	memcpy(out, path, n);
	out[n] = 0;
}

/*
 * fuzz_snapshot.c — libFuzzer harness for the snapshot reader (format 3,
 * src/log/snapshot.c) and the ledger's snapshot section.
 *
 * An input starting with 'S' is a whole snapshot file (sequence 1): the
 * trailer, chunk table and chunk checks must refuse any damage before a
 * section reads a byte. Any other input is, after its first byte, the
 * sections of a file the harness writes with correct sums, so that inputs
 * get past the checksums and exercise the ledger's section reader (counts,
 * bounds, bucket tables) on arbitrary bytes. Properties: no crash or
 * sanitizer report; load returns 0 or a documented error; a section never
 * sees the bytes of a whole-file input that fails its checks. Other
 * domains' sections are left out (ledger-only state), as in fuzz_wal.
 */
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "engine/state.h"
#include "log/snapshot.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_SNAPSHOT_SIZE_MAX (4u << 20)

static char dir[64];

struct raw {
	const uint8_t *data;
	size_t size;
};

static int write_raw(void *ctx, struct sz_snap *s)
{
	const struct raw *r = ctx;
	SZ_ASSERT(r != NULL);
	return sz_snap_write(s, r->data, r->size);
}

struct reading {
	struct sz_state *state;
	bool called;
};

static int read_state(void *ctx, struct sz_snap *s)
{
	struct reading *r = ctx;
	r->called = true;
	return sz_state_snapshot_read(r->state, s);
}

static void put_file(const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof path, "%s/snapshots/%020llu.szs", dir, 1ull);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	SZ_ASSERT(fd >= 0);
	SZ_ASSERT(write(fd, data, size) == (ssize_t)size);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == 0) {
		sz_hash_init();
		snprintf(dir, sizeof dir, "/tmp/szfin-fuzz-snapshot-%d", (int)getpid());
		char path[128];
		snprintf(path, sizeof path, "%s/snapshots", dir);
		mkdir(dir, 0755);
		mkdir(path, 0755);
	}
	if (size == 0 || size > FUZZ_SNAPSHOT_SIZE_MAX)
		return 0;
	bool whole = data[0] == 'S';
	if (whole) {
		put_file(data, size);
	} else {
		struct sz_snapshot_info info = { .sequence = 1 };
		struct raw r = { data + 1, size - 1 };
		SZ_ASSERT(sz_snapshot_write(sz_storage_posix(), dir, &info, write_raw, &r) == 0);
	}
	static struct sz_state s;
	SZ_ASSERT(sz_state_init(&s) == 0);
	SZ_ASSERT(ledger_domain_register(&s) == 0);
	struct reading reading = { .state = &s };
	struct sz_snapshot_info got;
	char why[512];
	int rc = sz_snapshot_load(sz_storage_posix(), dir, 1, read_state, &reading, &got, why, sizeof why);
	SZ_ASSERT(rc == 0 || rc == SZ_ECORRUPT || rc == SZ_EVERSION || rc == SZ_ENOMEM);
	SZ_ASSERT(rc == 0 || why[0] != 0);
	SZ_ASSERT(!whole || reading.called || rc != 0); /* a whole file that verified was read */
	SZ_ASSERT(rc != 0 || got.sequence == 1);
	sz_state_release(&s);
	return 0;
}

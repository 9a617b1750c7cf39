/*
 * journal.c — the undo journal (see journal.h for the contract).
 *
 * Layout of the journal's bytes: entries one after another, each the old
 * bytes (padded to 8) followed by a footer {address, size}. Rollback walks
 * backward from the end: read a footer, copy the old bytes back, step over
 * them. Entries stay 8-byte aligned, so footers are read in place.
 */
#include "engine/journal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "core/vm.h"

#include <string.h>

struct journal_footer {
	void *ptr;
	uint64_t size;
};
_Static_assert(sizeof(struct journal_footer) == 16, "footer is two words");
_Static_assert(SZ_JOURNAL_SIZE_MAX % 8 == 0 && SZ_JOURNAL_SIZE_MAX < UINT32_MAX, "journal size");

_Thread_local struct sz_journal *sz_journal_recording;
static _Thread_local struct sz_journal *journal_attached;

int sz_journal_init(struct sz_journal *j)
{
	SZ_ASSERT(j != NULL);
	memset(j, 0, sizeof *j);
	j->bytes = sz_vm_reserve(SZ_JOURNAL_SIZE_MAX);
	if (j->bytes == NULL)
		return SZ_ENOMEM;
	SZ_ASSERT(j->used == 0 && j->depth == 0);
	return 0;
}

void sz_journal_release(struct sz_journal *j)
{
	SZ_ASSERT(j != NULL);
	SZ_ASSERT(j->depth == 0);
	if (journal_attached == j)
		sz_journal_attach(NULL);
	sz_vm_release(j->bytes, SZ_JOURNAL_SIZE_MAX);
	memset(j, 0, sizeof *j);
}

void sz_journal_attach(struct sz_journal *j)
{
	SZ_ASSERT(sz_journal_recording == NULL); /* no bracket open across batches */
	SZ_ASSERT(j == NULL || (j->depth == 0 && j->used == 0));
	journal_attached = j;
}

sz_journal_mark sz_journal_begin(void)
{
	struct sz_journal *j = journal_attached;
	SZ_ASSERT(j != NULL);
	SZ_ASSERT(j->depth < UINT32_MAX);
	SZ_ASSERT((j->depth == 0) == (sz_journal_recording == NULL));
	j->depth++;
	sz_journal_recording = j;
	return j->used;
}

static void rollback_to(struct sz_journal *j, uint32_t mark)
{
	SZ_ASSERT(mark <= j->used);
	SZ_ASSERT(mark % 8 == 0);
	uint32_t at = j->used;
	while (at > mark) {
		SZ_ASSERT(at >= mark + sizeof(struct journal_footer));
		const struct journal_footer *f = (const struct journal_footer *)(j->bytes + at - sizeof *f);
		uint32_t padded = (uint32_t)((f->size + 7) & ~7ull);
		SZ_ASSERT(at - sizeof *f - mark >= padded);
		at -= (uint32_t)sizeof *f + padded;
		memcpy(f->ptr, j->bytes + at, f->size);
		j->entry_count--;
	}
	SZ_ASSERT(at == mark);
	j->used = mark;
}

void sz_journal_end(sz_journal_mark mark, bool commit)
{
	struct sz_journal *j = journal_attached;
	SZ_ASSERT(j != NULL && sz_journal_recording == j);
	SZ_ASSERT(j->depth > 0);
	if (!commit) {
		/* The restoring copies must not journal themselves. */
		sz_journal_recording = NULL;
		rollback_to(j, mark);
		j->rollback_count++;
	}
	if (--j->depth == 0) {
		sz_journal_recording = NULL;
		j->used = 0;
		j->entry_count = 0;
	} else {
		sz_journal_recording = j;
	}
}

void sz_journal_record(struct sz_journal *j, void *ptr, size_t size)
{
	SZ_ASSERT(ptr != NULL);
	SZ_ASSERT(size > 0 && size <= SZ_JOURNAL_SIZE_MAX / 2);
	uint64_t padded = (size + 7) & ~(uint64_t)7;
	uint64_t need = padded + sizeof(struct journal_footer);
	/* Reserved for the worst case a bracket can record (limits.h): running
	 * out is a programming error, never an outcome of a command. */
	SZ_ASSERT(j->used + need <= SZ_JOURNAL_SIZE_MAX);
	uint8_t *at = j->bytes + j->used;
	memcpy(at, ptr, size);
	struct journal_footer f = { .ptr = ptr, .size = size };
	memcpy(at + padded, &f, sizeof f);
	j->used += (uint32_t)need;
	j->entry_count++;
}

/*
 * journal.h — the one undo journal of the replicated state.
 *
 * Owns: the record of old bytes that lets the engine roll the ledger and
 * every domain back together when a command or a linked chain fails. Before
 * changing any bytes of state inside apply, code calls sz_journal(ptr, size)
 * (counters such as array counts too, so that appends roll back). The engine
 * opens a bracket around every domain command and every linked chain
 * (sz_journal_begin) and closes it with commit or rollback (sz_journal_end);
 * a domain may open nested brackets for steps that fail on their own (a
 * timer's release inside batch_begin). Outside any bracket sz_journal costs
 * one predictable branch and records nothing: a single ledger command
 * validates completely before it changes anything, so it needs no undo.
 *
 * Capacity: SZ_JOURNAL_SIZE_MAX bytes reserved once at init, never grown
 * inside apply; running out is a bug (assert). Never: allocate, read the
 * clock, or journal memory that does not outlive the bracket.
 * Threads: one journal is current per thread, set by the engine for the
 * batch it applies (sz_journal_attach); apply is single-threaded.
 */
#ifndef SZ_ENGINE_JOURNAL_H
#define SZ_ENGINE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sz_journal {
	uint8_t *bytes;          /* SZ_JOURNAL_SIZE_MAX, reserved (core/vm.h) */
	uint32_t used;           /* bytes recorded in the open brackets */
	uint32_t depth;          /* open brackets */
	uint32_t entry_count;    /* entries recorded in the open brackets */
	uint64_t rollback_count; /* statistics: brackets rolled back */
};

/* A bracket's start: what sz_journal_end rolls back to. */
typedef uint32_t sz_journal_mark;

/* The journal that records, or NULL outside any bracket (fast path). */
extern _Thread_local struct sz_journal *sz_journal_recording;

int sz_journal_init(struct sz_journal *j);
void sz_journal_release(struct sz_journal *j);

/* Make j this thread's journal for the batch being applied (NULL detaches).
 * No bracket may be open. */
void sz_journal_attach(struct sz_journal *j);

/* Open a bracket on the attached journal; returns its mark. */
sz_journal_mark sz_journal_begin(void);
/* Close the bracket opened at mark: commit keeps the changes (an outer
 * bracket may still undo them), rollback restores every byte journalled
 * since mark, newest first. Brackets close in the reverse order of opening. */
void sz_journal_end(sz_journal_mark mark, bool commit);

/* Record size bytes at ptr as they are now (slow path of sz_journal). */
void sz_journal_record(struct sz_journal *j, void *ptr, size_t size);

/* Record the old value of size bytes at ptr before the caller changes them. */
static inline void sz_journal(void *ptr, size_t size)
{
	struct sz_journal *j = sz_journal_recording;
	if (__builtin_expect(j != NULL, 0))
		sz_journal_record(j, ptr, size);
}

/* Journal one lvalue: SZ_JOURNAL_FIELD(a->balance). */
#define SZ_JOURNAL_FIELD(lvalue) sz_journal(&(lvalue), sizeof(lvalue))

/* Is a bracket open (changes are being recorded)? */
static inline bool sz_journal_open(void)
{
	return sz_journal_recording != NULL;
}

#endif

/*
 * vm.h — large arrays reserved in virtual memory, paid for only when touched.
 *
 * Owns: sz_vm_reserve / sz_vm_release, and faulting pages in ahead of an
 * appending thread (sz_vm_populate, sz_vm_populate_ahead). State arrays (accounts, transfer
 * slots) reserve their maximum size once (MAP_NORESERVE): they never move,
 * never need a copying grow, and resident memory is proportional to what is
 * used. That keeps memory per item at its true size, not up to twice it.
 * The mappings ask for transparent huge pages (fewer TLB misses on random
 * access); resident memory then grows in 2 MiB steps.
 */
#ifndef SZ_CORE_VM_H
#define SZ_CORE_VM_H

#include <stddef.h>
#include <stdint.h>

/* Returns zeroed memory of size bytes, or NULL. */
void *sz_vm_reserve(size_t size);
void sz_vm_release(void *p, size_t size);

/* Fault in [p, p + size) writable (zeroed) now, so that the thread that later
 * writes there does not pay for the kernel's zeroing. Any thread may call it
 * for pages no other thread is writing yet. Advice only: errors are ignored. */
void sz_vm_populate(void *p, size_t size);

/* Keep an append-only array faulted in ahead of its count: once count came
 * within half of `ahead` records of the populated mark, fault in records
 * (count, count + ahead] (at most count_max) and return the new mark; else
 * return populated. The record at count, which the next append may be
 * writing, is left alone. For a thread other than the one appending. */
uint32_t sz_vm_populate_ahead(void *base, size_t item_size, uint32_t count, uint32_t populated, uint32_t ahead,
			      uint32_t count_max);

#endif

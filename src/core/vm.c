/* vm.c — anonymous, lazily committed mappings (see vm.h). */
#include "core/vm.h"
#include "core/assert.h"

#include <stdint.h>
#include <sys/mman.h>

void *sz_vm_reserve(size_t size)
{
	SZ_ASSERT(size > 0);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Random access over hundreds of megabytes: 2 MiB pages cut TLB misses,
	 * which otherwise dominate applying transfers. Advice only: ignore errors. */
	(void)madvise(p, size, MADV_HUGEPAGE);
	return p;
}

void sz_vm_release(void *p, size_t size)
{
	if (p == NULL)
		return;
	int rc = munmap(p, size);
	SZ_ASSERT(rc == 0);
}

void sz_vm_populate(void *p, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = 4096, start = (uintptr_t)p & ~(page - 1), end = ((uintptr_t)p + size + page - 1) & ~(page - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)size;
#endif
}

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

uint32_t sz_vm_populate_ahead(void *base, size_t item_size, uint32_t count, uint32_t populated, uint32_t ahead,
			      uint32_t count_max)
{
	SZ_ASSERT(base != NULL && item_size > 0);
	SZ_ASSERT(ahead > 1);
	uint64_t target = (uint64_t)count + ahead;
	if (target > count_max)
		target = count_max;
	if ((uint64_t)populated >= (uint64_t)count + ahead / 2 || target <= populated)
		return populated;
	uint32_t from = populated > count ? populated : count + 1;
	sz_vm_populate((uint8_t *)base + (size_t)from * item_size, (size_t)(target - from) * item_size);
	return (uint32_t)target;
}

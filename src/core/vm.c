/* vm.c — anonymous, lazily committed mappings (see vm.h). */
#include "core/vm.h"
#include "core/assert.h"

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

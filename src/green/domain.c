/*
 * domain.c — the green domain's place in the engine: loading its
 * environment (factor sets, regions, taxonomy from share/green) at start,
 * reserving its state, registering its descriptor and result codes, and
 * releasing it (contract: domain.h). The commands are applied in apply.c,
 * read in query.c, and snapshotted and digested in state.c.
 */
#include "green/internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/results.h"
#include "core/vm.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct sz_result_info green_results[] = {
#define GREEN_RESULT_INFO(n, name, code, text) { n, code, text },
	GREEN_RESULT_LIST(GREEN_RESULT_INFO)
#undef GREEN_RESULT_INFO
};

/* ---- environment ------------------------------------------------------------------ */

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <directory of the running binary>/rel, resolved, if it is a directory. */
static bool beside_binary(char *buf, size_t size, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return false;
	*slash = '\0';
	char candidate[PATH_MAX + 64], real[PATH_MAX];
	snprintf(candidate, sizeof candidate, "%s/%s", exe, rel);
	if (realpath(candidate, real) == NULL || !is_dir(real) || strlen(real) >= size)
		return false;
	snprintf(buf, size, "%s", real);
	return true;
}

const char *green_domain_data_dir(char *buf, size_t size)
{
	const char *env = getenv("SZFIN_GREEN_DIR");
	if (env && env[0]) {
		snprintf(buf, size, "%s", env);
		return is_dir(buf) ? buf : NULL;
	}
	const char *root = getenv("SZFIN_ROOT");
	if (root && root[0]) {
		snprintf(buf, size, "%s/share/green", root);
		if (is_dir(buf))
			return buf;
	}
	/* Never the working directory: the factor sets decide command outcomes,
	 * so a server started elsewhere must find the same ones (issue 14). */
	if (beside_binary(buf, size, "../../share/green") || beside_binary(buf, size, "../share/szfin/green"))
		return buf;
	snprintf(buf, size, "/usr/share/szfin/green");
	return is_dir(buf) ? buf : NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int set_cmp(const void *a, const void *b)
{
	return strcmp((*(const green_factor_set *const *)a)->version, (*(const green_factor_set *const *)b)->version);
}

static int report(const green_parse_error *err, int rc)
{
	fprintf(stderr, "green: %s:%u: %s\n", err->file, err->line, err->message);
	return rc;
}

/* Loads every factors/<name>.csv of dir (sorted by name), then sorts the
 * sets by version; two files of one version are an error. */
static int load_factor_sets(struct green_domain_state *g, const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/factors", dir);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	char *names[GREEN_DOMAIN_FACTOR_SET_COUNT_MAX + 1] = { 0 };
	uint32_t count = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0 || e->d_name[0] == '.')
			continue;
		if (count == GREEN_DOMAIN_FACTOR_SET_COUNT_MAX) {
			fprintf(stderr, "green: more than %u factor sets in %s\n", GREEN_DOMAIN_FACTOR_SET_COUNT_MAX, path);
			rc = SZ_ELIMIT;
			break;
		}
		names[count] = strdup(e->d_name);
		if (names[count] == NULL) {
			rc = SZ_ENOMEM;
			break;
		}
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof names[0], name_cmp);
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		char file[768];
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		green_factor_set *set = green_factor_set_new();
		if (set == NULL) {
			rc = SZ_ENOMEM;
			break;
		}
		green_parse_error err;
		int lrc = green_factor_set_load(set, file, &err);
		if (lrc != 0) {
			free(set);
			rc = report(&err, lrc);
			break;
		}
		if (green_loaded_set_find(g, set->version) != NULL) {
			fprintf(stderr, "green: %s: version %s is loaded from another file already\n", file, set->version);
			free(set);
			rc = SZ_EINVAL;
			break;
		}
		g->sets[g->set_count++] = set;
	}
	for (uint32_t i = 0; i < count; i++)
		free(names[i]);
	qsort(g->sets, g->set_count, sizeof g->sets[0], set_cmp);
	return rc;
}

static int load_environment(struct green_domain_state *g)
{
	char dir[400];
	if (green_domain_data_dir(dir, sizeof dir) == NULL) {
		fprintf(stderr, "green: no environment found (SZFIN_GREEN_DIR, SZFIN_ROOT/share/green, share/green "
				"beside the binary, /usr/share/szfin/green): no factor sets\n");
		return 0; /* no data: the domain runs, every computation is refused */
	}
	fprintf(stderr, "green: environment (factor sets, regions, taxonomy) from %s\n", dir);
	char path[512];
	green_parse_error err;
	snprintf(path, sizeof path, "%s/regions.csv", dir);
	int rc = green_region_map_load(&g->regions, path, &err);
	if (rc)
		return report(&err, rc);
	snprintf(path, sizeof path, "%s/taxonomy", dir);
	if (is_dir(path) && (rc = green_taxonomy_load(&g->taxonomy, path, &err)))
		return report(&err, rc);
	return load_factor_sets(g, dir);
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void green_release(void *domain_state)
{
	struct green_domain_state *g = domain_state;
	if (g == NULL)
		return;
	for (uint32_t i = 0; i < g->set_count; i++)
		free(g->sets[i]);
	green_account_store_release(&g->store);
	green_cert_registry_release(&g->certs);
	sz_vm_release(g->meta, GREEN_VM_SIZE(struct green_account_meta, GREEN_DOMAIN_ACCOUNT_COUNT_MAX));
	sz_vm_release(g->loans, GREEN_VM_SIZE(struct green_loan, GREEN_DOMAIN_LOAN_COUNT_MAX));
	sz_vm_release(g->tags, GREEN_VM_SIZE(struct green_tag_record, GREEN_DOMAIN_TAG_COUNT_MAX));
	sz_vm_release(g->positions, GREEN_VM_SIZE(struct green_position_record, GREEN_DOMAIN_POSITION_COUNT_MAX));
	sz_vm_release(g->cerfs, GREEN_VM_SIZE(struct green_cerf_record, GREEN_DOMAIN_CERF_COUNT_MAX));
	sz_vm_release(g->ops, GREEN_VM_SIZE(struct green_op, GREEN_DOMAIN_OP_COUNT_MAX));
	ledger_index_release(&g->loan_index);
	ledger_index_release(&g->tag_index);
	ledger_index_release(&g->position_index);
	ledger_index_release(&g->cerf_index);
	ledger_index_release(&g->op_index);
	free(g);
}

int green_domain_register(struct sz_state *s)
{
	sz_result_register(green_results, sizeof green_results / sizeof green_results[0]);
	struct green_domain_state *g = calloc(1, sizeof *g);
	if (g == NULL)
		return SZ_ENOMEM;
	g->meta = sz_vm_reserve(GREEN_VM_SIZE(struct green_account_meta, GREEN_DOMAIN_ACCOUNT_COUNT_MAX));
	g->loans = sz_vm_reserve(GREEN_VM_SIZE(struct green_loan, GREEN_DOMAIN_LOAN_COUNT_MAX));
	g->tags = sz_vm_reserve(GREEN_VM_SIZE(struct green_tag_record, GREEN_DOMAIN_TAG_COUNT_MAX));
	g->positions = sz_vm_reserve(GREEN_VM_SIZE(struct green_position_record, GREEN_DOMAIN_POSITION_COUNT_MAX));
	g->cerfs = sz_vm_reserve(GREEN_VM_SIZE(struct green_cerf_record, GREEN_DOMAIN_CERF_COUNT_MAX));
	g->ops = sz_vm_reserve(GREEN_VM_SIZE(struct green_op, GREEN_DOMAIN_OP_COUNT_MAX));
	int rc = SZ_ENOMEM;
	if (g->meta == NULL || g->loans == NULL || g->tags == NULL || g->positions == NULL || g->cerfs == NULL ||
	    g->ops == NULL || ledger_index_init(&g->loan_index, 0) || ledger_index_init(&g->tag_index, 0) ||
	    ledger_index_init(&g->position_index, 0) || ledger_index_init(&g->cerf_index, 0) ||
	    ledger_index_init(&g->op_index, 0) ||
	    green_account_store_init(&g->store, GREEN_DOMAIN_ACCOUNT_COUNT_MAX, GREEN_DOMAIN_RESTATEMENT_COUNT_MAX) ||
	    green_cert_registry_init(&g->certs, GREEN_DOMAIN_CERT_CLAIM_COUNT_MAX))
		goto fail;
	if ((rc = load_environment(g)))
		goto fail;
	struct sz_domain d = {
		.name = "green",
		.kind_base = SZ_CMD_GREEN_BASE,
		.state = g,
		.apply = green_domain_apply,
		.snapshot_write = green_domain_snapshot_write,
		.snapshot_read = green_domain_snapshot_read,
		.digest = green_domain_digest,
		.check_invariants = green_domain_check_invariants,
		.release = green_release,
		.reserve = green_domain_reserve,
	};
	if ((rc = sz_state_register(s, &d)))
		goto fail;
	return 0;
fail:
	green_release(g);
	return rc;
}

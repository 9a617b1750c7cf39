/*
 * metrics.c — counters and histograms of the API, Prometheus text format.
 * See metrics.h. Latency buckets span 50 µs to 2.5 s: group commit puts a
 * durable request at one to two fsyncs (~0.1-5 ms on SSDs).
 */
#include "api/metrics.h"
#include "api/api.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/version.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const unsigned statuses[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 431, 500, 503, 507, 0 };
#define STATUS_COUNT (sizeof statuses / sizeof statuses[0]) /* last = other */

static const double latency_bounds_s[] = { 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					   0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5 };
#define LATENCY_BUCKET_COUNT (sizeof latency_bounds_s / sizeof latency_bounds_s[0])

static const uint32_t batch_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8190 };
#define BATCH_BUCKET_COUNT (sizeof batch_bounds / sizeof batch_bounds[0])

struct route_metrics {
	uint64_t by_status[STATUS_COUNT];
	uint64_t latency[LATENCY_BUCKET_COUNT + 1]; /* last = +Inf */
	uint64_t latency_ns_sum;
	uint64_t count;
};

struct api_metrics {
	uint32_t route_count;            /* + 1 slot for unmatched */
	struct route_metrics *routes;
	uint64_t batch[BATCH_BUCKET_COUNT + 1];
	uint64_t batch_records_sum;
	uint64_t batch_count;
	uint64_t requests_total;
};

int api_metrics_init(struct api_metrics **out, uint32_t route_count)
{
	struct api_metrics *m = calloc(1, sizeof *m);
	if (m == NULL)
		return SZ_ENOMEM;
	m->route_count = route_count + 1;
	m->routes = calloc(m->route_count, sizeof *m->routes);
	if (m->routes == NULL) {
		free(m);
		return SZ_ENOMEM;
	}
	*out = m;
	return 0;
}

void api_metrics_free(struct api_metrics *m)
{
	if (m == NULL)
		return;
	free(m->routes);
	free(m);
}

void api_metrics_request(struct api_metrics *m, int route_index, unsigned status, uint64_t duration_ns)
{
	SZ_ASSERT(route_index >= -1);
	uint32_t index = route_index < 0 ? m->route_count - 1 : (uint32_t)route_index;
	SZ_ASSERT(index < m->route_count);
	struct route_metrics *r = &m->routes[index];
	size_t s = 0;
	while (s + 1 < STATUS_COUNT && statuses[s] != status)
		s++;
	r->by_status[s]++;
	size_t b = 0;
	double seconds = (double)duration_ns / 1e9;
	while (b < LATENCY_BUCKET_COUNT && seconds > latency_bounds_s[b])
		b++;
	r->latency[b]++;
	r->latency_ns_sum += duration_ns;
	r->count++;
	m->requests_total++;
}

void api_metrics_batch(struct api_metrics *m, uint32_t record_count)
{
	size_t b = 0;
	while (b < BATCH_BUCKET_COUNT && record_count > batch_bounds[b])
		b++;
	m->batch[b]++;
	m->batch_records_sum += record_count;
	m->batch_count++;
}

uint64_t api_metrics_requests_total(const struct api_metrics *m) { return m->requests_total; }

static const char *route_label(uint32_t index)
{
	const struct api_route *r = api_route_at(index);
	return r != NULL ? r->path : "unmatched";
}

static const char *route_method(uint32_t index)
{
	const struct api_route *r = api_route_at(index);
	return r != NULL ? r->method : "";
}

static void render_requests(FILE *f, const struct api_metrics *m)
{
	fprintf(f, "# HELP szfin_http_requests_total HTTP requests by route and status.\n"
		   "# TYPE szfin_http_requests_total counter\n");
	for (uint32_t i = 0; i < m->route_count; i++)
		for (size_t s = 0; s < STATUS_COUNT; s++)
			if (m->routes[i].by_status[s])
				fprintf(f, "szfin_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s%u\"} %llu\n",
					route_method(i), route_label(i), statuses[s] ? "" : "other", statuses[s] ? statuses[s] : 0,
					(unsigned long long)m->routes[i].by_status[s]);
	fprintf(f, "# HELP szfin_http_request_duration_seconds Time from first byte to answer queued.\n"
		   "# TYPE szfin_http_request_duration_seconds histogram\n");
	for (uint32_t i = 0; i < m->route_count; i++) {
		const struct route_metrics *r = &m->routes[i];
		if (r->count == 0)
			continue;
		uint64_t cumulative = 0;
		for (size_t b = 0; b <= LATENCY_BUCKET_COUNT; b++) {
			cumulative += r->latency[b];
			char le[32];
			if (b < LATENCY_BUCKET_COUNT)
				snprintf(le, sizeof le, "%g", latency_bounds_s[b]);
			else
				snprintf(le, sizeof le, "+Inf");
			fprintf(f, "szfin_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%s\"} %llu\n",
				route_method(i), route_label(i), le, (unsigned long long)cumulative);
		}
		fprintf(f, "szfin_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.9f\n",
			route_method(i), route_label(i), (double)r->latency_ns_sum / 1e9);
		fprintf(f, "szfin_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			route_method(i), route_label(i), (unsigned long long)r->count);
	}
}

static void render_batches(FILE *f, const struct api_metrics *m)
{
	fprintf(f, "# HELP szfin_batch_request_records Records per batch request (JSON and binary).\n"
		   "# TYPE szfin_batch_request_records histogram\n");
	uint64_t cumulative = 0;
	for (size_t b = 0; b <= BATCH_BUCKET_COUNT; b++) {
		cumulative += m->batch[b];
		if (b < BATCH_BUCKET_COUNT)
			fprintf(f, "szfin_batch_request_records_bucket{le=\"%u\"} %llu\n", batch_bounds[b],
				(unsigned long long)cumulative);
		else
			fprintf(f, "szfin_batch_request_records_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cumulative);
	}
	fprintf(f, "szfin_batch_request_records_sum %llu\nszfin_batch_request_records_count %llu\n",
		(unsigned long long)m->batch_records_sum, (unsigned long long)m->batch_count);
}

static void render_engine(FILE *f, const struct api_server *s)
{
	struct sz_engine_stats st;
	sz_engine_stats(s->engine, &st);
	const struct ledger *l = sz_ledger_const(sz_engine_state(s->engine));
	static const uint64_t bounds_us[] = SZ_FSYNC_BUCKET_BOUNDS_US;
	fprintf(f, "# HELP szfin_fsync_seconds Log write + fdatasync latency per batch.\n# TYPE szfin_fsync_seconds histogram\n");
	uint64_t cumulative = 0;
	for (uint32_t b = 0; b < SZ_FSYNC_BUCKET_COUNT; b++) {
		cumulative += st.fsync_buckets[b];
		if (b + 1 < SZ_FSYNC_BUCKET_COUNT)
			fprintf(f, "szfin_fsync_seconds_bucket{le=\"%g\"} %llu\n", (double)bounds_us[b] / 1e6,
				(unsigned long long)cumulative);
		else
			fprintf(f, "szfin_fsync_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cumulative);
	}
	fprintf(f, "szfin_fsync_seconds_sum %.9f\nszfin_fsync_seconds_count %llu\n"
		   "# HELP szfin_fsync_last_seconds Latency of the last fdatasync.\n# TYPE szfin_fsync_last_seconds gauge\n"
		   "szfin_fsync_last_seconds %.9f\n",
		(double)st.fsync_ns_total / 1e9, (unsigned long long)st.fsync_count, (double)st.fsync_ns_last / 1e9);
	fprintf(f, "# HELP szfin_engine_batches_total Batches applied (group commits).\n# TYPE szfin_engine_batches_total counter\n"
		   "szfin_engine_batches_total %llu\n"
		   "# HELP szfin_engine_commands_total Commands applied.\n# TYPE szfin_engine_commands_total counter\n"
		   "szfin_engine_commands_total %llu\n"
		   "# HELP szfin_engine_sequence Last applied batch sequence.\n# TYPE szfin_engine_sequence gauge\n"
		   "szfin_engine_sequence %llu\n",
		(unsigned long long)st.batches_applied, (unsigned long long)st.commands_applied,
		(unsigned long long)st.sequence);
	fprintf(f, "# HELP szfin_log_read_corrupt_total Log record reads refused: their batch failed its checksums.\n"
		   "# TYPE szfin_log_read_corrupt_total counter\nszfin_log_read_corrupt_total %llu\n"
		   "# HELP szfin_log_scrubs_total Background checks of the whole retained log finished.\n"
		   "# TYPE szfin_log_scrubs_total counter\nszfin_log_scrubs_total %llu\n"
		   "# HELP szfin_log_scrub_failures_total Of those, checks that found damage.\n"
		   "# TYPE szfin_log_scrub_failures_total counter\nszfin_log_scrub_failures_total %llu\n"
		   "# HELP szfin_log_scrub_last_ok 1 if the last scrub found the log intact (0 if damaged or none yet).\n"
		   "# TYPE szfin_log_scrub_last_ok gauge\nszfin_log_scrub_last_ok %d\n"
		   "# HELP szfin_log_scrub_last_time_seconds Unix time the last scrub finished (0 = none yet).\n"
		   "# TYPE szfin_log_scrub_last_time_seconds gauge\nszfin_log_scrub_last_time_seconds %.3f\n",
		(unsigned long long)st.log_read_corrupt_count, (unsigned long long)st.scrub_count,
		(unsigned long long)st.scrub_failed_count, st.scrub_last_ok ? 1 : 0, (double)st.scrub_last_time_ns / 1e9);
	fprintf(f, "# HELP szfin_accounts Accounts in the ledger.\n# TYPE szfin_accounts gauge\nszfin_accounts %u\n"
		   "# HELP szfin_transfers Transfers retained in the ledger.\n# TYPE szfin_transfers gauge\nszfin_transfers %u\n"
		   "# HELP szfin_transfers_posted_total Transfers applied.\n# TYPE szfin_transfers_posted_total counter\n"
		   "szfin_transfers_posted_total %llu\n"
		   "# HELP szfin_pending_transfers Open pending transfers.\n# TYPE szfin_pending_transfers gauge\n"
		   "szfin_pending_transfers %u\n",
		l->account_count, l->slot_count, (unsigned long long)l->transfers_posted_count, l->pending_count);
	fprintf(f, "# HELP szfin_http_suspended_requests Requests waiting for their batch to be durable.\n"
		   "# TYPE szfin_http_suspended_requests gauge\nszfin_http_suspended_requests %u\n"
		   "# HELP szfin_up_seconds Seconds since start.\n# TYPE szfin_up_seconds gauge\nszfin_up_seconds %.3f\n",
		s->waiting_count, (double)(api_now_ns() - s->start_ns) / 1e9);
}

/* What an operator alerts on: the engine stopped (a failed log write or
 * fsync, or memory for the next batch), and the data directory's disk. */
static void render_health(FILE *f, const struct api_server *s)
{
	struct sz_engine_stats st;
	sz_engine_stats(s->engine, &st);
	fprintf(f, "# HELP szfin_engine_stopped 1 once the engine stopped (log write or fsync failed, or no memory "
		   "for the next batch): nothing more is acknowledged.\n"
		   "# TYPE szfin_engine_stopped gauge\nszfin_engine_stopped %d\n", st.fatal ? 1 : 0);
	struct statvfs v;
	if (statvfs(s->config.data_dir, &v) != 0)
		return; /* no disk figures rather than wrong ones */
	fprintf(f, "# HELP szfin_data_dir_free_bytes Bytes free to szfin on the data directory's file system.\n"
		   "# TYPE szfin_data_dir_free_bytes gauge\nszfin_data_dir_free_bytes %llu\n"
		   "# HELP szfin_data_dir_size_bytes Size of the data directory's file system.\n"
		   "# TYPE szfin_data_dir_size_bytes gauge\nszfin_data_dir_size_bytes %llu\n",
		(unsigned long long)v.f_bavail * v.f_frsize, (unsigned long long)v.f_blocks * v.f_frsize);
}

/* Seconds since the epoch at which this process started: its start in
 * clock ticks after boot (/proc/self/stat field 22) plus the boot time
 * (/proc/stat btime). 0 if either cannot be read. */
static double process_start_s(void)
{
	char line[1024];
	unsigned long long start_ticks = 0, boot_s = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	if (f == NULL)
		return 0;
	size_t n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = '\0';
	const char *p = strrchr(line, ')'); /* the command name may hold spaces */
	for (int field = 2; p != NULL && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &start_ticks) != 1)
		return 0;
	f = fopen("/proc/stat", "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "btime %llu", &boot_s) == 1)
			break;
	fclose(f);
	long ticks_per_s = sysconf(_SC_CLK_TCK);
	return boot_s && ticks_per_s > 0 ? (double)boot_s + (double)start_ticks / (double)ticks_per_s : 0;
}

static unsigned open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	unsigned count = 0;
	for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
		count += e->d_name[0] != '.';
	closedir(d);
	return count > 0 ? count - 1 : 0; /* less the directory's own fd */
}

/* The standard process_* metrics (Prometheus client conventions) and the
 * build: version and compiler. */
static void render_process(FILE *f)
{
	struct rusage ru;
	double cpu_s = 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			(double)ru.ru_stime.tv_usec / 1e6;
	unsigned long long vm_pages = 0, rss_pages = 0;
	FILE *statm = fopen("/proc/self/statm", "r");
	if (statm != NULL) {
		if (fscanf(statm, "%llu %llu", &vm_pages, &rss_pages) != 2)
			vm_pages = rss_pages = 0;
		fclose(statm);
	}
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	struct rlimit nofile = { 0, 0 };
	getrlimit(RLIMIT_NOFILE, &nofile);
	fprintf(f, "# HELP process_cpu_seconds_total User and system CPU time spent, in seconds.\n"
		   "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.6f\n"
		   "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
		   "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n"
		   "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
		   "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n"
		   "# HELP process_open_fds Number of open file descriptors.\n"
		   "# TYPE process_open_fds gauge\nprocess_open_fds %u\n"
		   "# HELP process_max_fds Maximum number of open file descriptors.\n"
		   "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n"
		   "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.\n"
		   "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n",
		cpu_s, rss_pages * page, vm_pages * page, open_fd_count(), (unsigned long long)nofile.rlim_cur,
		process_start_s());
	fprintf(f, "# HELP szfin_build_info The running build (always 1).\n# TYPE szfin_build_info gauge\n"
		   "szfin_build_info{version=\"%s\",compiler=\"%s\"} 1\n",
		SZFIN_VERSION, __VERSION__);
}

char *api_metrics_render(const struct api_server *s, size_t *size)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, size);
	if (f == NULL)
		return NULL;
	render_requests(f, s->metrics);
	render_batches(f, s->metrics);
	render_engine(f, s);
	render_health(f, s);
	render_process(f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * config.h — the server's configuration: defaults < INI file < environment < flags.
 *
 * Owns: struct api_config, the one table of options (INI key, environment
 * variable, flag, bounds, help) and `--help` text generated from it. Every
 * limit an operator may set is bounded above by its compile-time maximum in
 * core/limits.h: configuration can tighten a limit, never loosen it.
 */
#ifndef SZ_API_CONFIG_H
#define SZ_API_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#define API_CONFIG_TEXT_SIZE 256u

enum api_log_level { API_LOG_ERROR = 0, API_LOG_WARN = 1, API_LOG_INFO = 2, API_LOG_DEBUG = 3 };

struct api_config {
	char config_file[API_CONFIG_TEXT_SIZE];
	char data_dir[API_CONFIG_TEXT_SIZE];
	char listen[API_CONFIG_TEXT_SIZE];   /* host:port; port 0 = ephemeral */
	char web_dir[API_CONFIG_TEXT_SIZE];  /* "" = search next to the binary */
	char log_level[API_CONFIG_TEXT_SIZE];
	char port_file[API_CONFIG_TEXT_SIZE]; /* if set, the bound port is written here */
	uint32_t body_size_max;         /* JSON request bytes */
	uint32_t binary_body_size_max;  /* binary batch request bytes */
	uint32_t batch_count_max;       /* transfers in one JSON batch */
	uint32_t json_depth_max;
	uint32_t connection_count_max;
	uint32_t idle_timeout_s;
	uint32_t snapshot_every_batches;
	uint32_t scrub_every_s;         /* background log check period (0 = never) */
	uint32_t segment_size_mib;      /* preallocated per new log segment */
	uint32_t check_invariants;      /* 1: check every domain's invariants after each batch (tests) */
	uint32_t hot_window_transfers;  /* transfers kept in RAM; older ones on index runs (0 = all in RAM) */
	uint32_t test_clock_offset_s;   /* tests only: seconds added to the batch clock (needs SZFIN_TEST_CLOCK=1) */
};

/* Fill defaults, then apply the INI file (--config or SZFIN_CONFIG), the
 * environment, then flags. Returns 0, 1 if --help was printed, or SZ_EINVAL
 * with a message in why. */
int api_config_load(struct api_config *c, int argc, char **argv, char *why, size_t why_size);
void api_config_help(FILE *f);
int api_config_log_level(const struct api_config *c);
/* Split c->listen into host and port. 0 or SZ_EINVAL. */
int api_config_listen_split(const struct api_config *c, char *host, size_t host_size, uint16_t *port);

#endif

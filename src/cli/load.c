/*
 * load.c — `szfin load`: HTTP load against a running server, then
 * throughput and latency percentiles.
 *
 * Modes: single durable JSON transfers at a given concurrency (one
 * keep-alive connection per concurrent client, one request in flight on
 * each), or binary batches of up to 8190 transfers. It first creates its
 * own accounts (binary endpoint) under an id prefix (--prefix, else
 * random), so runs never collide and stay separable. In batch mode a
 * transfer counts only if its per-transfer result in the answer is ok;
 * the others are counted as refused. Into a ledger that
 * already holds accounts it warns first (and asks on a terminal unless
 * --yes). An admin token is swapped for a fresh central_bank token.
 * The client is a small epoll loop over raw sockets with preformatted
 * requests, so that it costs the server's CPU as little as possible: each
 * connection's next request is built while the current one is in flight.
 */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "szfin/szfin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOAD_CONCURRENCY_MAX 1024
#define LOAD_BATCH_MAX 8190u
#define LOAD_RESPONSE_SIZE_MAX 65536u
#define LOAD_DRAIN_TIMEOUT_S 30u

struct load_opts {
	uint32_t concurrency;
	uint32_t seconds;
	uint32_t accounts;
	uint32_t batch;        /* 0 = JSON single transfers */
	uint32_t refuse_every; /* 0 = none; N: every Nth transfer of a batch debits and credits one account */
	bool quiet;
};

struct conn {
	int fd;
	char *request, *next;         /* in flight; built while it is */
	size_t request_size, next_size, sent;
	char response[LOAD_RESPONSE_SIZE_MAX];
	size_t received;
	uint64_t start_ns;
};

struct run {
	struct load_opts o;
	struct client c;
	struct sockaddr_in addr;
	uint64_t prefix;          /* id hi word of this run */
	uint64_t next_transfer;
	uint64_t *latencies_ns;
	size_t latency_count, latency_capacity;
	uint64_t ok, failed, transfers, refused;
	uint8_t *batch_body;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static sz_id account_id(const struct run *r, uint32_t index) { return sz_id_make(r->prefix, 1000000000ull + index); }

static int parse_url(struct run *r)
{
	char host[128];
	unsigned port = 80;
	if (sscanf(r->c.url, "http://%127[^:/]:%u", host, &port) < 1) {
		fprintf(stderr, "szfin load: only http://host:port URLs (%s)\n", r->c.url);
		return -1;
	}
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	r->addr.sin_family = AF_INET;
	r->addr.sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &r->addr.sin_addr) == 1 ? 0 : -1;
}

/* Swap an admin token for a central bank token, made for this run. */
static int ensure_mover_token(struct run *r)
{
	struct client_answer a;
	if (client_request(&r->c, "GET", "/v1/whoami", NULL, NULL, 0, &a) || a.status != 200) {
		fprintf(stderr, "szfin load: whoami failed (%ld): set SZFIN_TOKEN or SZFIN_TOKEN_FILE\n", a.status);
		free(a.body);
		return -1;
	}
	json_t *me = json_loads(a.body, 0, NULL);
	free(a.body);
	const char *role = json_string_value(json_object_get(me, "role"));
	bool admin = role && strcmp(role, "admin") == 0;
	json_decref(me);
	if (!admin)
		return 0;
	const char *body = "{\"role\":\"central_bank\",\"name\":\"szfin load\"}";
	if (client_request(&r->c, "POST", "/v1/tokens", "application/json", body, strlen(body), &a) || a.status != 201) {
		fprintf(stderr, "szfin load: cannot create a load token (%ld)\n", a.status);
		free(a.body);
		return -1;
	}
	json_t *t = json_loads(a.body, 0, NULL);
	free(a.body);
	snprintf(r->c.token, sizeof r->c.token, "%s", json_string_value(json_object_get(t, "token")));
	json_decref(t);
	return 0;
}

static int create_accounts(struct run *r)
{
	for (uint32_t first = 0; first < r->o.accounts; first += LOAD_BATCH_MAX) {
		uint32_t count = r->o.accounts - first < LOAD_BATCH_MAX ? r->o.accounts - first : LOAD_BATCH_MAX;
		sz_account *accounts = calloc(count, sizeof *accounts);
		for (uint32_t i = 0; i < count; i++) {
			accounts[i].id = account_id(r, first + i);
			accounts[i].owner_id = sz_id_make(r->prefix, 7);
			accounts[i].currency = sz_currency_code("CNY");
			accounts[i].kind = SZ_KIND_WALLET;
		}
		struct client_answer a;
		int rc = client_request(&r->c, "POST", "/v1/binary/accounts", "application/octet-stream", accounts,
					count * sizeof *accounts, &a);
		free(accounts);
		bool ok = rc == 0 && a.status == 200 && a.size == count * 4u;
		for (uint32_t i = 0; ok && i < count; i++)
			ok = ((const uint32_t *)(const void *)a.body)[i] == 0;
		if (!ok) {
			fprintf(stderr, "szfin load: creating accounts failed (%ld): %.200s\n", a.status, a.body);
			free(a.body);
			return -1;
		}
		free(a.body);
	}
	return 0;
}

/* The next transfer; the index-th of its batch (0 for single ones). */
static sz_transfer next_transfer(struct run *r, uint32_t index)
{
	sz_transfer t;
	memset(&t, 0, sizeof t);
	uint64_t n = r->next_transfer++;
	uint32_t debit = (uint32_t)(n % r->o.accounts);
	uint32_t credit = (uint32_t)((n * 7 + 1 + n / r->o.accounts) % r->o.accounts);
	if (credit == debit)
		credit = (credit + 1) % r->o.accounts;
	if (r->o.refuse_every != 0 && index % r->o.refuse_every == r->o.refuse_every - 1)
		credit = debit; /* refused by the ledger: accounts_same */
	t.id = sz_id_make(r->prefix, 1 + n);
	t.debit_account_id = account_id(r, debit);
	t.credit_account_id = account_id(r, credit);
	t.amount = 1;
	t.currency = sz_currency_code("CNY");
	t.code = 1;
	return t;
}

static void id_text(sz_id id, char *out, size_t size)
{
	snprintf(out, size, "0x%016llx%016llx", (unsigned long long)id.hi, (unsigned long long)id.lo);
}

/* Build the connection's next request into c->next. */
static void request_prepare(struct run *r, struct conn *c)
{
	char head[512];
	if (r->o.batch == 0) {
		sz_transfer t = next_transfer(r, 0);
		char id[40], from[40], to[40], body[400];
		id_text(t.id, id, sizeof id);
		id_text(t.debit_account_id, from, sizeof from);
		id_text(t.credit_account_id, to, sizeof to);
		int n = snprintf(body, sizeof body,
				 "{\"id\":\"%s\",\"debit_account_id\":\"%s\",\"credit_account_id\":\"%s\","
				 "\"amount\":\"0.01\",\"currency\":\"CNY\",\"code\":1}", id, from, to);
		int h = snprintf(head, sizeof head,
				 "POST /v1/transfers HTTP/1.1\r\nHost: szfin\r\nAuthorization: Bearer %s\r\n"
				 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", r->c.token, n);
		c->next_size = (size_t)h + (size_t)n;
		memcpy(c->next, head, (size_t)h);
		memcpy(c->next + h, body, (size_t)n);
	} else {
		for (uint32_t i = 0; i < r->o.batch; i++) {
			sz_transfer t = next_transfer(r, i);
			memcpy(r->batch_body + (size_t)i * sizeof t, &t, sizeof t);
		}
		size_t size = (size_t)r->o.batch * sizeof(sz_transfer);
		int h = snprintf(head, sizeof head,
				 "POST /v1/binary/transfers HTTP/1.1\r\nHost: szfin\r\nAuthorization: Bearer %s\r\n"
				 "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n", r->c.token, size);
		memcpy(c->next, head, (size_t)h);
		memcpy(c->next + h, r->batch_body, size);
		c->next_size = (size_t)h + size;
	}
}

/* Make the prepared request the one in flight (its clock starts now). */
static void request_swap(struct conn *c)
{
	char *t = c->request;
	c->request = c->next;
	c->next = t;
	c->request_size = c->next_size;
	c->sent = 0;
	c->received = 0;
	c->start_ns = now_ns();
}

/* 1 if a whole response is in c->response (status into *status, the
 * body's place into *body and *body_size). */
static int response_complete(struct conn *c, int *status, const char **body, size_t *body_size)
{
	c->response[c->received < LOAD_RESPONSE_SIZE_MAX ? c->received : LOAD_RESPONSE_SIZE_MAX - 1] = '\0';
	char *end = strstr(c->response, "\r\n\r\n");
	if (end == NULL)
		return 0;
	char *cl = strcasestr(c->response, "content-length:");
	size_t length = cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
	if (c->received < (size_t)(end + 4 - c->response) + length)
		return 0;
	*status = atoi(c->response + 9);
	*body = end + 4;
	*body_size = length;
	return 1;
}

/* Count one answer: a JSON transfer by its status; a batch by its
 * per-transfer results (little-endian u32 each, 0 = ok), so refused
 * transfers are not counted as done. */
static void answer_count(struct run *r, int status, const char *body, size_t body_size)
{
	if (status != 200 && status != 201) {
		r->failed++;
		return;
	}
	if (r->o.batch == 0) {
		r->ok++;
		r->transfers++;
		return;
	}
	if (body_size != (size_t)r->o.batch * sizeof(uint32_t)) {
		r->failed++; /* not one result per transfer: count none */
		return;
	}
	uint64_t done = 0;
	for (uint32_t i = 0; i < r->o.batch; i++) {
		uint32_t result;
		memcpy(&result, body + (size_t)i * sizeof result, sizeof result);
		done += result == SZ_R_OK;
	}
	r->ok++;
	r->transfers += done;
	r->refused += r->o.batch - done;
}

static void record(struct run *r, uint64_t latency_ns)
{
	if (r->latency_count == r->latency_capacity) {
		r->latency_capacity = r->latency_capacity ? r->latency_capacity * 2 : 1 << 16;
		r->latencies_ns = realloc(r->latencies_ns, r->latency_capacity * sizeof *r->latencies_ns);
	}
	r->latencies_ns[r->latency_count++] = latency_ns;
}

static int conn_open(struct run *r, struct conn *c, int epfd)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&r->addr, sizeof r->addr) != 0) {
		fprintf(stderr, "szfin load: connect: %s\n", strerror(errno));
		return -1;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	return epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

static int conn_send(struct conn *c)
{
	while (c->sent < c->request_size) {
		ssize_t n = send(c->fd, c->request + c->sent, c->request_size - c->sent, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		c->sent += (size_t)n;
	}
	return 0;
}

/* Read what arrived on c; 1 if its answer is complete and counted, 0 if
 * not yet, -1 if the server closed the connection. */
static int conn_receive(struct run *r, struct conn *c)
{
	ssize_t got = recv(c->fd, c->response + c->received, LOAD_RESPONSE_SIZE_MAX - 1 - c->received, 0);
	if (got <= 0) {
		fprintf(stderr, "szfin load: connection closed by the server\n");
		return -1;
	}
	c->received += (size_t)got;
	int status = 0;
	const char *body = NULL;
	size_t body_size = 0;
	if (!response_complete(c, &status, &body, &body_size))
		return 0;
	record(r, now_ns() - c->start_ns);
	answer_count(r, status, body, body_size);
	return 1;
}

/* Run for the set seconds, then stop sending and wait for the answers
 * still in flight (they count: the server has done that work). */
static int drive(struct run *r)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	size_t request_max = 1024 + (size_t)(r->o.batch ? r->o.batch : 1) * sizeof(sz_transfer);
	struct conn *conns = calloc(r->o.concurrency, sizeof *conns);
	for (uint32_t i = 0; i < r->o.concurrency; i++) {
		conns[i].request = malloc(request_max);
		conns[i].next = malloc(request_max);
		if (conns[i].request == NULL || conns[i].next == NULL) {
			fprintf(stderr, "szfin load: out of memory\n");
			return -1;
		}
		if (conn_open(r, &conns[i], epfd))
			return -1;
		request_prepare(r, &conns[i]);
		request_swap(&conns[i]);
		if (conn_send(&conns[i]))
			return -1;
		request_prepare(r, &conns[i]);
	}
	uint64_t end_ns = now_ns() + (uint64_t)r->o.seconds * 1000000000ull;
	uint64_t drain_end_ns = end_ns + LOAD_DRAIN_TIMEOUT_S * 1000000000ull;
	uint32_t in_flight = r->o.concurrency;
	struct epoll_event events[256];
	while (in_flight > 0) {
		if (now_ns() > drain_end_ns) {
			fprintf(stderr, "szfin load: %u answers still missing %u s after the run\n", in_flight,
				LOAD_DRAIN_TIMEOUT_S);
			return -1;
		}
		int n = epoll_wait(epfd, events, 256, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			int done = conn_receive(r, c);
			if (done < 0)
				return -1;
			if (done == 0)
				continue;
			if (now_ns() >= end_ns) {
				in_flight--;
				continue;
			}
			request_swap(c);
			if (conn_send(c))
				return -1;
			request_prepare(r, c);
		}
	}
	for (uint32_t i = 0; i < r->o.concurrency; i++) {
		close(conns[i].fd);
		free(conns[i].request);
		free(conns[i].next);
	}
	free(conns);
	close(epfd);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double percentile_ms(const struct run *r, double p)
{
	if (r->latency_count == 0)
		return 0;
	size_t index = (size_t)(p * (double)(r->latency_count - 1));
	return (double)r->latencies_ns[index] / 1e6;
}

static const struct cli_option load_options[] = {
	{ "concurrency", true, "N", "concurrent clients, one keep-alive connection each (1..1024; default 16)" },
	{ "seconds", true, "S", "how long to run (default 10)" },
	{ "accounts", true, "N", "load-test accounts to create first (at least 2; default 10000)" },
	{ "batch", true, "N", "binary batches of N transfers (1..8190) instead of single JSON transfers" },
	{ "prefix", true, "N", "high 64 bits of every load-test id (1..2^63-1; default random), to keep them apart" },
	{ "refuse-every", true, "N", "with --batch: every Nth transfer of a batch is one the ledger refuses (same account twice)" },
	{ "yes", false, NULL, "go ahead without asking when the ledger already holds accounts" },
};
static const struct cli_spec load_spec = CLI_SPEC(
	"load [--concurrency N] [--seconds S] [--accounts N] [--batch N] [--refuse-every N] [--prefix N] [--yes] [--json]",
	"Creates load-test accounts (ids under one prefix), then sends transfers between them and prints\n"
	"throughput and latency percentiles. With --batch, a transfer counts only if its own result was ok.\n"
	"Into a ledger that already holds accounts it warns first\n"
	"(and asks, on a terminal, unless --yes): its accounts and transfers stay in that ledger for good.\n"
	"An admin token is swapped for a fresh central_bank token for the run.",
	load_options, true);

static int number_option(const struct cli_args *a, const char *name, uint64_t low, uint64_t high, uint64_t *out)
{
	const char *text = cli_args_get(a, name);
	if (text == NULL)
		return 0;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < low || v > high) {
		fprintf(stderr, "szfin load: --%s takes a whole number from %llu to %llu, not '%s'\n", name,
			(unsigned long long)low, (unsigned long long)high, text);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_opts(struct run *r, const struct cli_args *a)
{
	uint64_t concurrency = 16, seconds = 10, accounts = 10000, batch = 0, prefix = 0, refuse_every = 0;
	if (number_option(a, "concurrency", 1, LOAD_CONCURRENCY_MAX, &concurrency) ||
	    number_option(a, "seconds", 1, 86400, &seconds) || number_option(a, "accounts", 2, UINT32_MAX, &accounts) ||
	    number_option(a, "batch", 1, LOAD_BATCH_MAX, &batch) ||
	    number_option(a, "refuse-every", 1, LOAD_BATCH_MAX, &refuse_every) ||
	    number_option(a, "prefix", 1, INT64_MAX, &prefix))
		return -1;
	if (refuse_every != 0 && batch == 0) {
		fprintf(stderr, "szfin load: --refuse-every needs --batch\n");
		return -1;
	}
	r->o = (struct load_opts){ .concurrency = (uint32_t)concurrency, .seconds = (uint32_t)seconds,
				   .accounts = (uint32_t)accounts, .batch = (uint32_t)batch,
				   .refuse_every = (uint32_t)refuse_every };
	r->prefix = prefix;
	return 0;
}

/* Warn before writing load-test accounts into a ledger that holds others;
 * on a terminal, ask. 0 to go ahead, -1 to stop. */
static int confirm_live(const struct run *r, bool yes)
{
	struct client_answer a;
	if (client_request(&r->c, "GET", "/v1/status", NULL, NULL, 0, &a) || a.status != 200) {
		fprintf(stderr, "szfin load: cannot read %s/v1/status (%ld)\n", r->c.url, a.status);
		free(a.body);
		return -1;
	}
	json_t *doc = json_loads(a.body, 0, NULL);
	free(a.body);
	json_int_t held = json_integer_value(json_object_get(doc, "accounts"));
	json_decref(doc);
	fprintf(stderr, "szfin load: load-test ids use the prefix %llu (--prefix)\n", (unsigned long long)r->prefix);
	if (held <= 0)
		return 0;
	fprintf(stderr, "szfin load: WARNING: the ledger at %s already holds %lld accounts; this run adds %u\n"
			"  load-test accounts and their transfers to it, for good (ids under prefix %llu).\n",
		r->c.url, (long long)held, r->o.accounts, (unsigned long long)r->prefix);
	if (yes || !isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, "Go ahead? [y/N] ");
	char answer[16];
	if (fgets(answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y')) {
		fprintf(stderr, "szfin load: nothing written\n");
		return -1;
	}
	return 0;
}

int load_main(int argc, char **argv)
{
	static struct run run;
	struct run *r = &run;
	struct cli_args args;
	int status = cli_args_parse(&load_spec, argc, argv, &args);
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	if (args.positional_count != 0) {
		fprintf(stderr, "usage: szfin %s\n", load_spec.usage);
		return 2;
	}
	if (client_init_args(&r->c, &args) || parse_opts(r, &args) || parse_url(r))
		return 2;
	if (sodium_init() < 0)
		return 1;
	if (r->prefix == 0) {
		randombytes_buf(&r->prefix, sizeof r->prefix);
		r->prefix = (r->prefix | 1) & 0x7fffffffffffffffull;
	}
	if (confirm_live(r, cli_args_has(&args, "yes")))
		return 1;
	r->batch_body = malloc((size_t)LOAD_BATCH_MAX * sizeof(sz_transfer));
	if (r->batch_body == NULL) {
		fprintf(stderr, "szfin load: out of memory\n");
		return 1;
	}
	if (ensure_mover_token(r) || create_accounts(r))
		return 1;
	uint64_t t0 = now_ns();
	if (drive(r))
		return 1;
	double seconds = (double)(now_ns() - t0) / 1e9;
	qsort(r->latencies_ns, r->latency_count, sizeof *r->latencies_ns, cmp_u64);
	const char *mode = r->o.batch ? "binary" : "json";
	if (r->c.json)
		printf("{\"mode\":\"%s\",\"concurrency\":%u,\"batch\":%u,\"seconds\":%.3f,\"requests\":%llu,"
		       "\"failed\":%llu,\"transfers\":%llu,\"refused\":%llu,\"requests_per_s\":%.1f,"
		       "\"transfers_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f}\n",
		       mode, r->o.concurrency, r->o.batch, seconds, (unsigned long long)r->ok, (unsigned long long)r->failed,
		       (unsigned long long)r->transfers, (unsigned long long)r->refused,
		       (double)r->ok / seconds, (double)r->transfers / seconds, percentile_ms(r, 0.5),
		       percentile_ms(r, 0.99), percentile_ms(r, 0.999));
	else
		printf("mode %s  concurrency %u  batch %u  %.1f s\n"
		       "requests %llu ok, %llu failed  transfers %llu ok, %llu refused\n"
		       "%.0f requests/s  %.0f transfers/s (ok ones)\n"
		       "latency p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms\n",
		       mode, r->o.concurrency, r->o.batch, seconds, (unsigned long long)r->ok, (unsigned long long)r->failed,
		       (unsigned long long)r->transfers, (unsigned long long)r->refused, (double)r->ok / seconds, (double)r->transfers / seconds, percentile_ms(r, 0.5),
		       percentile_ms(r, 0.99), percentile_ms(r, 0.999), percentile_ms(r, 1.0));
	free(r->latencies_ns);
	free(r->batch_body);
	return r->failed ? 1 : 0;
}

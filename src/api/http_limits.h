/*
 * http_limits.h — the bounds of one HTTP request's head (URL and header
 * fields), each with its reason. The body bounds are the configured
 * body_size_max / binary_body_size_max (core/limits.h SZ_API_*_BODY_SIZE_MAX).
 *
 * libmicrohttpd answers a head larger than its per-connection memory pool
 * itself; these limits sit well inside that pool so that every oversized
 * head szfin sees gets a problem+json answer (414, 431) instead.
 */
#ifndef SZ_API_HTTP_LIMITS_H
#define SZ_API_HTTP_LIMITS_H

/* Bytes of the request target (path and query). The longest real target is
 * a list with a cursor and filters, a few hundred bytes; 8 KiB is the size
 * RFC 9110 §4.1 recommends every server at least support. */
#define SZ_API_URL_SIZE_MAX 8192u
/* Header fields in one request. Clients send about ten; 64 leaves room for
 * proxies and tracing headers. */
#define SZ_API_HEADER_COUNT_MAX 64u
/* Bytes of all header names and values together. A bearer token is 60
 * bytes; 16 KiB covers large cookies and trace contexts. */
#define SZ_API_HEADER_SIZE_MAX (16u * 1024u)
/* libmicrohttpd's memory pool per connection: the head (URL + headers,
 * above), the read buffer and the answer's head must fit in it. A head
 * that outgrows the pool is answered by libmicrohttpd itself, in HTML,
 * before szfin sees it (0.9.75 has no hook for that answer); so the pool is
 * 16 times the head limit, and every head up to about 1 MiB reaches the
 * 431 problem+json of http.c. libmicrohttpd maps a pool this large lazily
 * (anonymous mmap), so an ordinary request touches a few pages of it; the
 * worst case is SZ_API_CONNECTION_COUNT_MAX clients each sending a 1 MiB
 * head at once. The pool also holds 64 bytes per header field and the
 * answer's head (~210 bytes): a head within ~206 bytes of the bound gets no
 * answer at all, a larger one libmicrohttpd's HTML 431 (or 414). Measured
 * figures and the reading of libmicrohttpd's source: docs/problems.md,
 * "Oversized heads". */
#define SZ_API_CONNECTION_MEMORY_SIZE (1024u * 1024u)
/* Bytes of a request id: ours are 24 hex digits; a client's (X-Request-Id)
 * longer than this, or with other than [A-Za-z0-9._-], is replaced. */
#define SZ_API_REQUEST_ID_SIZE_MAX 64u

#endif

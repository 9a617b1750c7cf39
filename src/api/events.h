/*
 * events.h — GET /v1/events: Server-Sent Events of committed ledger changes.
 *
 * Owns: the open event streams (a fixed table of SZ_API_EVENT_STREAM_COUNT_MAX),
 * their cursors, the bytes each has ready for its socket, heartbeats, and
 * suspending/resuming their connections around the engine's batches.
 *
 * What a stream carries: every account created and every transfer committed
 * (including post and void records and the transfers domains make), in the
 * ledger's commit order, which replay rebuilds identically from the log.
 * Each event's id is the stream position after it, "<accounts>.<transfers>":
 * how many accounts and transfer records of that order precede the next
 * event. The id is a cursor: resume with Last-Event-ID (EventSource sends it
 * on reconnect) or ?after=; it stays valid across server restarts because
 * the order is the log's. Transfer records are read through
 * sz_engine_read_transfer, from checksum-verified batches only: a record
 * whose batch fails its checks ends the stream with an `error` event naming
 * it, never a guess.
 *
 * Scope is the API's: a principal sees the accounts api_scope_can_read lets
 * it read, and a transfer if it may read either side (regulators, auditors
 * and the central bank see all). Events outside the scope advance the
 * cursor silently.
 *
 * Bounds and the slow-client policy: at most SZ_API_EVENT_STREAM_COUNT_MAX
 * streams (more: 503 streams_full); a stream's bytes are produced only when
 * its socket has room (libmicrohttpd asks the content reader), at most
 * SZ_API_EVENT_BUFFER_SIZE at a time from at most SZ_API_EVENT_SCAN_COUNT_MAX
 * records, so a slow client costs no memory: it falls behind and catches up
 * from the log at its own pace. A stream with nothing to send is suspended
 * (its socket not polled) and resumed when a batch is applied or its
 * heartbeat (a comment line every SZ_API_EVENT_HEARTBEAT_S) is due; a client
 * that went away is found by that write. Draining ends every stream.
 * Threads: the server's one thread, like the rest of the API.
 */
#ifndef SZ_API_EVENTS_H
#define SZ_API_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_request;
struct api_server;
struct MHD_Response;

/* Streams open at once: each is a connection held open; dashboards open
 * one per browser tab, integrations one each. */
#define SZ_API_EVENT_STREAM_COUNT_MAX 64u
/* Seconds between heartbeats on a quiet stream: under the 30 s idle timeout
 * of common proxies, and the bound on finding a vanished client. */
#define SZ_API_EVENT_HEARTBEAT_S 15u
/* Bytes of events prepared at once for one stream (a few hundred events). */
#define SZ_API_EVENT_BUFFER_SIZE (64u * 1024u)
/* Records looked at per preparation, so one stream catching up from the log
 * start never holds the server's thread for long. */
#define SZ_API_EVENT_SCAN_COUNT_MAX 1024u
/* Bytes of one event (a transfer's JSON is about 600). */
#define SZ_API_EVENT_SIZE_MAX 2048u

/* Parse an event id "<accounts>.<transfers>" (size bytes, no NUL needed),
 * each part a decimal within the counts given (a cursor past the log's
 * counts was not issued by it). 0, or SZ_EINVAL. */
int api_events_cursor_parse(const char *text, size_t size, uint32_t account_count, uint32_t slot_count,
			    uint32_t *accounts, uint32_t *slots);

/* GET /v1/events (roles: every reader). Answers 400 cursor_invalid for a
 * bad Last-Event-ID or ?after=, 503 streams_full past the bound. */
void api_handle_events(struct api_request *r);

/* The response of a request whose handler opened a stream (r->stream). */
struct MHD_Response *api_events_response(struct api_request *r);

/* After every turn of the event loop: resume the suspended streams that
 * have something to send (a new batch, a heartbeat due, draining). */
void api_events_pump(struct api_server *s);

/* Streams open (draining waits for them to end). */
uint32_t api_events_open_count(void);

#endif

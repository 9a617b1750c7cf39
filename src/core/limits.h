/*
 * limits.h — every bound in szfin, defined once, each with the reason for it.
 *
 * Owns: the numeric limits of loops, queues, buffers, requests and state.
 * Tests check both sides of each limit (at the limit: accepted; one past: a
 * clear error). Change a limit here and nowhere else.
 */
#ifndef SZ_CORE_LIMITS_H
#define SZ_CORE_LIMITS_H

/* ---- engine and log ---------------------------------------------------- */

/* Commands in one batch. 8190 fixed-size transfer commands of 136 bytes fill
 * just over 1 MiB, the write size at which this class of disk reaches its
 * sequential bandwidth; larger batches only add latency. */
#define SZ_BATCH_COMMAND_COUNT_MAX 8190u

/* Bytes in one batch body. Room for SZ_BATCH_COMMAND_COUNT_MAX commands of the
 * largest fixed-size kind; variable-size domain commands share the budget. */
#define SZ_BATCH_BODY_SIZE_MAX (2u * 1024u * 1024u)

/* Bytes in one command, header included. Domain commands that carry text
 * (names, reasons, feed rows) must fit; anything larger is a request error. */
#define SZ_COMMAND_SIZE_MAX 4096u

/* Bytes in one log segment file. Preallocated at creation so that appends do
 * not extend the file (which would make every fdatasync also flush metadata).
 * 1 GiB keeps the number of open files small at millions of commands/s. */
#define SZ_SEGMENT_SIZE_DEFAULT (1024ull * 1024ull * 1024ull)
#define SZ_SEGMENT_SIZE_MIN (1024ull * 1024ull * 4ull)
/* The largest segment the server may be configured to preallocate, in MiB
 * (log positions hold 40-bit offsets: far below that). */
#define SZ_API_SEGMENT_SIZE_MIB_MAX 16384u

/* Segment numbers are 20 bits of a transfer's log position (see ledger.h). */
#define SZ_SEGMENT_COUNT_MAX (1u << 20)

/* Verified batches the log reader keeps in memory for record lookups
 * (transfers, history). Each is checked once when read and then served from
 * memory; 8 batches of at most 2 MiB bound the cache at 16 MiB. */
#define SZ_LOG_READ_CACHE_BATCH_COUNT 8u

/* Batches in flight between the engine and the log writer thread: one being
 * written while the next is prepared. More adds memory, not throughput. */
#define SZ_PIPELINE_DEPTH 2u

/* ---- ledger state ------------------------------------------------------ */

/* Accounts held in memory. 2^26 (67 million) accounts at <= 256 bytes each
 * stay under 17 GiB, inside this project's 24 GiB reference machine. */
#define SZ_ACCOUNT_COUNT_MAX (1u << 26)

/* Transfers retained in the in-memory index. Slots are addressed by 31-bit
 * tagged links (history chains), so 2^31 - 1 is the hard bound; 100 million
 * at <= 64 bytes is the sizing target. */
#define SZ_TRANSFER_COUNT_MAX ((1u << 31) - 1u)

/* Transfers made by domains inside their commands (a wallet payment's
 * ledger leg): their records are derived at apply time, so they are kept in
 * memory (128 bytes each) rather than read back from the log. */
#define SZ_DERIVED_TRANSFER_COUNT_MAX (1u << 27)

/* Pending (two-phase) transfers open at once. Each holds balances reserved;
 * the bound keeps expiry processing per batch predictable. */
#define SZ_PENDING_COUNT_MAX (1u << 24)

/* Commands in one linked (all-or-nothing) chain: a chain cannot cross a batch. */
#define SZ_CHAIN_COMMAND_COUNT_MAX SZ_BATCH_COMMAND_COUNT_MAX

/* Bytes of the undo journal (src/engine/journal.h) of one bracket: a failed
 * chain or domain command is undone from it. A transfer in a chain journals
 * about 400 bytes (two balances, its slot, index buckets, history heads);
 * a full batch-sized chain needs about 3.3 MiB, domain commands that make
 * several transfers more. 64 MiB of address space is reserved once; only
 * the pages used are ever touched. Running out is a bug (assert), never a
 * result, so the bound is generous. */
#define SZ_JOURNAL_SIZE_MAX (64u * 1024u * 1024u)

/* Index entries (transfers, open pending transfers) the ledger adds in one
 * batch, including transfers that domains make and batch-begin
 * work. The engine reserves index and array room for this many before each
 * batch, so apply never allocates; one more in the same batch answers
 * SZ_R_LIMIT_REACHED on every machine alike. 8190 commands of up to 16 ledger
 * writes each fit. */
#define SZ_BATCH_LEDGER_INSERT_COUNT_MAX (1u << 17)

/* Shortest interval between two tick batches (engine.c): a domain whose
 * deadline stays due (more due work than one batch's bound) is ticked at
 * most ten times a second on an idle server, never in a busy loop. */
#define SZ_TICK_INTERVAL_MS_MIN 100u

/* Accounts the ledger creates in one batch (client commands and accounts
 * that domains open, up to two per command). The account index is reserved
 * for this many before each batch; a smaller bound than the one above keeps
 * the account index at its old size (4 bytes / load per account). */
#define SZ_BATCH_ACCOUNT_CREATE_COUNT_MAX (2u * SZ_BATCH_COMMAND_COUNT_MAX)

/* Transfer hooks (src/engine/hooks.h): a check or observer per concern
 * (wallet limits, AML, statistics); each one costs every transfer. */
#define SZ_HOOK_COUNT_MAX 16u

/* Pending transfer timeout: at most one year, so expiry stays within the
 * 64-bit nanosecond timestamp range with a wide margin. */
#define SZ_PENDING_TIMEOUT_S_MAX (366u * 24u * 3600u)

/* Rows in one history or list page. A page is built in one engine turn. */
#define SZ_PAGE_ROW_COUNT_MAX 1000u

/* ---- API --------------------------------------------------------------- */

/* Bytes in one JSON request body: a linked batch of SZ_API_JSON_TRANSFER_COUNT_MAX
 * transfers fits; larger uploads use the binary endpoint. */
#define SZ_API_JSON_BODY_SIZE_MAX (1024u * 1024u)

/* Transfers in one JSON batch request. */
#define SZ_API_JSON_TRANSFER_COUNT_MAX 1000u

/* Nesting depth of JSON requests; our documents are at most 4 deep. */
#define SZ_API_JSON_DEPTH_MAX 8u

/* Bytes in one binary batch request: SZ_BATCH_COMMAND_COUNT_MAX records of 128 bytes. */
#define SZ_API_BINARY_BODY_SIZE_MAX (SZ_BATCH_COMMAND_COUNT_MAX * 128u)

/* Concurrent HTTP connections. Each suspended request holds a small buffer;
 * 4096 covers a load generator at concurrency 1024 with headroom. */
#define SZ_API_CONNECTION_COUNT_MAX 4096u

/* Default snapshot interval of the server, in batches. A snapshot bounds
 * the replay at restart; written by a forked child, it costs the engine a
 * fork. Under load a batch holds many commands, so 20,000 batches is minutes
 * of traffic and millions of transfers; when idle it is never reached. */
#define SZ_API_SNAPSHOT_EVERY_BATCHES 20000u

/* Default period of the server's background log scrub, in seconds: it
 * reads and hashes the whole retained log on a second thread (at disk
 * speed, about a second per GiB), so hourly costs little and finds damage
 * to data at rest long before a restart or a read trips over it. */
#define SZ_API_SCRUB_EVERY_S 3600u

/* Largest test clock offset (serve's test_clock_offset_s, refused unless
 * SZFIN_TEST_CLOCK=1): ten years of 366 days, room for any calendar test. */
#define SZ_API_TEST_CLOCK_OFFSET_S_MAX (10u * 366u * 86400u)

/* Seconds an idle connection is kept before it is closed (slow clients). */
#define SZ_API_IDLE_TIMEOUT_S 30u

/* Decimal digits after the point in an amount: the largest ISO 4217 minor
 * unit (4: CLF, UYW; 3: BHD, KWD ...; share/currency/iso4217.def). */
#define SZ_AMOUNT_SCALE_DIGITS_MAX 4u

/* API tokens in the auth state. One per operator, merchant and person is a
 * few thousand for a city pilot; the token table is scanned linearly only by
 * the admin's list route, so 65536 keeps that page-sized. */
#define SZ_API_TOKEN_COUNT_MAX 65536u

/* Path parameters in one route ("/v1/transfers/{id}/post" has one). */
#define SZ_API_PATH_PARAM_COUNT_MAX 2u

/* Bytes of a path parameter or query value: a 128-bit id is at most 39
 * decimal digits or 34 hex characters. */
#define SZ_API_PARAM_SIZE_MAX 64u

/* Rows in one page by default, when the client does not ask for a limit. */
#define SZ_API_PAGE_ROW_COUNT_DEFAULT 100u
/* Records one history page reads at most while stepping over transfers
 * newer than its `to` time: a page then ends early with a cursor. */
#define SZ_API_HISTORY_SCAN_COUNT_MAX 10000u

/* Accounts examined for one list-by-owner page: the owner index is a chain
 * per owner, so this bounds the work of one request even for huge owners. */
#define SZ_API_LIST_SCAN_COUNT_MAX (16u * 1024u)

/* Seconds SIGTERM waits for in-flight requests to be answered before exit. */
#define SZ_API_DRAIN_TIMEOUT_S 10u

/* Bytes of one static file served from web/ (the dashboard and API page). */
#define SZ_API_STATIC_FILE_SIZE_MAX (1024u * 1024u)

/* ---- currency and contract (src/currency, src/contract) ------------------ */

/* Operators (banks and payment institutions) of all currencies. A national
 * rollout has a few dozen; 1024 keeps the per-batch invariant scan trivial. */
#define CURRENCY_OPERATOR_COUNT_MAX 1024u

/* Currencies the central bank issues digitally (one supply row each). */
#define CURRENCY_SUPPLY_COUNT_MAX 16u

/* Wallets (sub-wallets and merchant wallets included): 2^25 (33 million) at
 * 128 bytes is 4 GiB, a city pilot's population several times over. The
 * array is reserved in virtual memory (core/vm.h) so it never moves. */
#define CURRENCY_WALLET_COUNT_MAX (1u << 25)

/* Remembered action commands (payments, top-ups, loads ...) for idempotent
 * retries and refunds: 64 bytes each, 2^27 is 8 GiB reserved, paid per use. */
#define CURRENCY_OP_COUNT_MAX (1u << 27)

/* Registered hard-wallet devices (cards, wearables). */
#define CURRENCY_DEVICE_COUNT_MAX (1u << 22)

/* Versions of the limits configuration kept: one per change, a few a year. */
#define CURRENCY_LIMITS_VERSION_COUNT_MAX 64u

/* Offline messages in one sync command: 24 x 136 bytes + header fits in
 * SZ_COMMAND_SIZE_MAX (4096) with room to spare. */
#define CURRENCY_SYNC_MESSAGE_COUNT_MAX 24u

/* Sync outcomes remembered (per-message results are queryable afterwards). */
#define CURRENCY_SYNC_COUNT_MAX (1u << 22)

/* Bytes of a limits configuration file (share/currency/limits.ini): the
 * shipped file is under 2 KiB. */
#define CURRENCY_LIMITS_FILE_SIZE_MAX (64u * 1024u)

/* Registered contract templates: a city registers a few dozen programmes. */
#define CONTRACT_TEMPLATE_COUNT_MAX 4096u

/* Contracts (escrows, subsidies, conditional payments) alive or ended. */
#define CONTRACT_COUNT_MAX (1u << 24)

/* Events of all contracts (the contract's life, queryable): 64 bytes each. */
#define CONTRACT_EVENT_COUNT_MAX (1u << 26)

/* Sessions of one prepaid escrow: a year of daily classes. */
#define CONTRACT_ESCROW_SESSION_COUNT_MAX 366u

/* Merchant categories allowed by one subsidy template. */
#define CONTRACT_MCC_COUNT_MAX 8u

/* Grants of one subsidy: expiry returns every grant in one batch_begin, so
 * this bounds the work of that step. */
#define CONTRACT_SUBSIDY_GRANT_COUNT_MAX 65536u

/* Grants of all subsidies. */
#define CONTRACT_GRANT_COUNT_MAX (1u << 24)

/* Settlement window of a suspended hard wallet when the limits version
 * does not say: offline payments signed before the loss report can take
 * days to reach a merchant's bank (the example: 7 days). */
#define CURRENCY_OFFLINE_SETTLE_S_DEFAULT (7u * 86400u)

/* Suspended devices whose settlement window ends, refunded in one
 * batch_begin (one ledger transfer each); the rest wait for the next batch. */
#define CURRENCY_SETTLE_BATCH_COUNT_MAX 256u

/* Timed releases due in one batch that are processed before its commands;
 * the rest wait for the next batch (keeps one batch's work bounded). */
#define CONTRACT_TIMER_BATCH_COUNT_MAX 4096u

/* Active escrows ended by one merchant-insolvency command: each takes up to
 * two ledger transfers in one undo journal (SZ_CHAIN_COMMAND_COUNT_MAX
 * bounds it); a larger book is wound down in several commands. */
#define CONTRACT_INSOLVENCY_ESCROW_COUNT_MAX 4096u

/* Longest contract: ten years of sessions, subsidy or deadline. */
#define CONTRACT_DURATION_S_MAX (3660u * 24u * 3600u)

/* ---- credit (src/credit) ----------------------------------------------- */

/* Bytes in one CSV file read by the credit trainer and validator. The table is
 * held in memory at about 8 bytes per field; 256 MiB of text is several
 * million enterprise rows (a city register) and stays far inside the
 * reference machine. */
#define SZ_CREDIT_CSV_SIZE_MAX (256u * 1024u * 1024u)

/* Columns in one CSV file. Credit feeds carry a few dozen characteristics;
 * the trainer's Hessian is (columns + 1)^2 doubles, 2 MiB at this bound. */
#define SZ_CREDIT_CSV_COLUMN_COUNT_MAX 512u

/* Data rows in one CSV file: row indexes are 32-bit in the trainer and the
 * fold assignment, and 2^24 rows is already more than a city's enterprises. */
#define SZ_CREDIT_CSV_ROW_COUNT_MAX (1u << 24)

/* Bytes in one field after unquoting. Column names and category labels are
 * short; a longer field is a misplaced quote or a file that is not a table. */
#define SZ_CREDIT_CSV_FIELD_SIZE_MAX 1024u

/* Distinct values of one categorical column. A column with more levels is an
 * identifier or free text, not a characteristic that can be binned. */
#define SZ_CREDIT_CSV_LEVEL_COUNT_MAX 4096u

/* Fine (quantile) bins of a numeric characteristic before merging: past 100,
 * a bin holds under 1% of the rows and its weight of evidence is noise. */
#define SZ_SCORECARD_FINE_BIN_COUNT_MAX 100u

/* Bins of one characteristic, "other" and "missing" included: the points
 * table stays readable, and the minimum bin share option is bounded so
 * that no binning can exceed it (share >= 1 / (this - 2)). */
#define SZ_SCORECARD_BIN_COUNT_MAX 256u

/* Newton (IRLS) iterations of the logistic fit. Newton converges
 * quadratically: well-posed scorecard fits take under 10; reaching 100
 * means separation or collinearity, reported as an error. */
#define SZ_SCORECARD_NEWTON_ITERATION_COUNT_MAX 100u

/* Folds of cross-validation: beyond 20 each fold is too small to estimate an
 * AUC and the run costs 20 trainings. */
#define SZ_SCORECARD_FOLD_COUNT_MAX 20u

/* Bytes of one serialized scorecard model. A 40-characteristic card with
 * full points tables is under 64 KiB; 16 MiB leaves room for wide category
 * lists and rejects a wrong file before it is parsed. */
#define SZ_SCORECARD_MODEL_SIZE_MAX (16u * 1024u * 1024u)

/* ---- green (src/green) ------------------------------------------------- */

/* Bytes in one green data file (factor set, region map, taxonomy). The
 * shipped files are under 16 KiB; 1 MiB leaves room for province-level
 * factors of every year while a loader can still hold a file in memory. */
#define GREEN_DATA_FILE_SIZE_MAX (1024u * 1024u)

/* Bytes in one line of a green CSV file: the longest shipped line (a grid
 * factor with its publication title) is under 300 bytes. */
#define GREEN_CSV_LINE_SIZE_MAX 1024u

/* Fields in one green CSV row: the widest format (factor sets) has 10. */
#define GREEN_CSV_FIELD_COUNT_MAX 12u

/* Rows in one factor set: 7 grid regions + 31 provinces, 4 series, a decade
 * of years is ~1,500 grid rows at most; fuels, IPCC and GWP rows are ~100.
 * 2048 rows of 336 bytes keep a set (~690 KiB) one fixed-size struct. */
#define GREEN_FACTOR_ROW_COUNT_MAX 2048u

/* Digits after the decimal point of a published factor or activity value.
 * The finest published value (carbon content 0.01530 tC/GJ) has 5; 9 keeps
 * every product of four values below 10^36 and so inside 128 bits. */
#define GREEN_DECIMAL_SCALE_MAX 9u

/* Provinces in the province -> grid region map: 31 mainland provinces plus
 * room for Hong Kong, Macao and Taiwan should a factor series cover them. */
#define GREEN_PROVINCE_COUNT_MAX 34u

/* Fuel lines in one carbon account. Enterprises report a handful of fuels
 * (gas, diesel, gasoline, LPG, coal, fuel oil); 8 keeps an account record
 * under 1 KiB, inside SZ_COMMAND_SIZE_MAX. */
#define GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX 8u

/* Green-power certificate lines claimed in one account (a line is one
 * certificate or one serial range of a batch). Same budget as fuel lines. */
#define GREEN_ACCOUNT_CERT_LINE_COUNT_MAX 8u

/* Activity per line, in millionths of the activity unit: 10^15 = 10^9 t of
 * fuel or 10^9 MWh, far above the largest single enterprise (a national
 * utility burns ~10^8 t of coal); above it is an input error, and the bound
 * keeps every exact intermediate product inside 128 bits. */
#define GREEN_ACTIVITY_MICRO_MAX 1000000000000000ll

/* Certificate serials in the claim registry, fixed at init: one registry
 * holds the claims of the enterprises of one platform, not every certificate
 * issued nationally; 2^24 claims in 2^25 slots of 64 bytes is 2 GiB, the
 * most a pilot's machine should spend on it. */
#define GREEN_CERT_CLAIM_COUNT_MAX (1u << 24)

/* Carbon account results held by one account store (enterprise x period). */
#define GREEN_ACCOUNT_STORE_COUNT_MAX (1u << 22)

/* Restatements recorded by one account store. */
#define GREEN_RESTATEMENT_COUNT_MAX (1u << 22)

/* ESG indicators in one method, and peers normalised against each other:
 * an industry peer group larger than 4096 is split by sub-industry first. */
#define GREEN_ESG_INDICATOR_COUNT_MAX 16u
#define GREEN_ESG_PEER_COUNT_MAX 4096u

/* Loans in one financed-emissions book computation (one engine turn). */
#define GREEN_PCAF_POSITION_COUNT_MAX 1000000u

/* Taxonomy: top-level categories of the 2025 catalogue (9 published) and
 * rows of the 2021 -> 2025 mapping (6 top-level + ~30 second-level). */
#define GREEN_TAXONOMY_CATEGORY_COUNT_MAX 16u
#define GREEN_TAXONOMY_MAP_COUNT_MAX 128u

#endif

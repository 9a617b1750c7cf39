/* test_api_json.c — the platform's account and transfer request schemas
 * (src/api/accounts.c, transfers.c, decoded by the one codec), the JSON
 * encoders (src/api/json.c), the depth pre-scan, and configuration
 * (src/api/config.c) on both sides of each bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/codec.h"
#include "api/config.h"
#include "api/requests.h"
#include "core/errors.h"

static json_t *load(const char *text)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	return doc;
}

static const char *transfer_code(const char *text)
{
	static char code_copy[64];
	json_t *doc = load(text);
	assert_non_null(doc);
	struct api_transfer_in in;
	struct api_decode_error err;
	int rc = api_schema_decode(&api_transfer_create_schema, doc, &in, &err);
	json_decref(doc);
	snprintf(code_copy, sizeof code_copy, "%s", rc ? err.code : "ok");
	return code_copy;
}

static void test_transfer_decode(void **unused)
{
	(void)unused;
	json_t *doc = load("{\"id\":\"5\",\"debit_account_id\":\"0x10\",\"credit_account_id\":\"2\","
			   "\"amount\":\"12.34\",\"currency\":\"CNY\",\"code\":7,\"pending\":true,\"timeout_s\":60}");
	struct api_transfer_in in;
	struct api_decode_error err;
	assert_int_equal(api_schema_decode(&api_transfer_create_schema, doc, &in, &err), 0);
	json_decref(doc);
	const sz_transfer *t = &in.t;
	assert_true(t->id.lo == 5 && t->debit_account_id.lo == 16 && t->credit_account_id.lo == 2);
	assert_true(t->amount == 1234 && t->code == 7 && t->timeout_s == 60);
	assert_true(in.pending);
	assert_int_equal(t->flags, 0); /* the handler folds pending into the flags */
	assert_int_equal(t->currency, sz_currency_code("CNY"));
}

static void test_transfer_errors(void **unused)
{
	(void)unused;
	const char *base = "\"debit_account_id\":\"1\",\"credit_account_id\":\"2\",\"currency\":\"CNY\"";
	char text[512];
	snprintf(text, sizeof text, "{\"id\":\"1\",%s}", base);
	assert_string_equal(transfer_code(text), "field_missing");                 /* no amount */
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":12}", base);
	assert_string_equal(transfer_code(text), "amount_invalid");                /* number, not string */
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":\"1.001\"}", base);
	assert_string_equal(transfer_code(text), "amount_invalid");
	snprintf(text, sizeof text, "{\"id\":1,%s,\"amount\":\"1\"}", base);
	assert_string_equal(transfer_code(text), "id_invalid");
	snprintf(text, sizeof text, "{\"id\":\"0\",%s,\"amount\":\"1\"}", base);
	assert_string_equal(transfer_code(text), "id_invalid");
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":\"1\",\"extra\":1}", base);
	assert_string_equal(transfer_code(text), "field_unknown");
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":\"1\",\"code\":65536}", base);
	assert_string_equal(transfer_code(text), "field_invalid");
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":\"1\",\"code\":65535}", base);
	assert_string_equal(transfer_code(text), "ok");
	snprintf(text, sizeof text, "{\"id\":\"1\",%s,\"amount\":\"1\",\"pending\":1}", base);
	assert_string_equal(transfer_code(text), "field_invalid");
	assert_null(load("{\"id\":\"1\",\"id\":\"2\"}")); /* duplicate keys are rejected */
}

static void test_account_decode(void **unused)
{
	(void)unused;
	json_t *doc = load("{\"id\":\"9\",\"currency\":\"CNY\",\"kind\":\"wallet\",\"tenant_id\":\"3\","
			   "\"flags\":[\"debits_must_not_exceed_credits\"]}");
	sz_account a;
	struct api_decode_error err;
	assert_int_equal(api_schema_decode(&api_account_create_schema, doc, &a, &err), 0);
	json_decref(doc);
	assert_int_equal(a.kind, SZ_KIND_WALLET);
	assert_int_equal(a.tenant_id, 3);
	assert_int_equal(a.flags, SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS);
	doc = load("{\"id\":\"9\",\"currency\":\"CNY\",\"flags\":[\"closed\"]}");
	assert_int_equal(api_schema_decode(&api_account_create_schema, doc, &a, &err), SZ_EINVAL);
	assert_string_equal(err.code, "field_invalid"); /* closed is not a flag a client sets */
	json_decref(doc);
	doc = load("{\"id\":\"9\",\"currency\":\"cny\"}");
	assert_int_equal(api_schema_decode(&api_account_create_schema, doc, &a, &err), SZ_EINVAL);
	assert_string_equal(err.code, "field_invalid");
	json_decref(doc);
	doc = load("{\"id\":\"9\",\"currency\":\"CNY\",\"kind\":\"vault\"}");
	assert_int_equal(api_schema_decode(&api_account_create_schema, doc, &a, &err), SZ_EINVAL);
	assert_string_equal(err.detail, "'kind' must be one of general, reserve, bank_deposit, wallet, merchant, "
					"escrow, loan, suspense");
	json_decref(doc);
}

static void test_depth(void **unused)
{
	(void)unused;
	assert_int_equal(api_json_depth("{}", 2), 1);
	assert_int_equal(api_json_depth("{\"a\":[{\"b\":[]}]}", 15), 4);
	assert_int_equal(api_json_depth("{\"a\":\"[[[[\\\"[[\"}", 16), 1); /* brackets in strings */
	assert_int_equal(api_json_depth("[[[[[[[[[", 9), 9);
}

static void test_encode_round_trip(void **unused)
{
	(void)unused;
	sz_transfer t = { .id = { 1, 2 }, .debit_account_id = { 3, 0 }, .credit_account_id = { 4, 0 },
			  .amount = 123456, .currency = sz_currency_code("CNY") };
	json_t *o = api_json_from_transfer(&t, SZ_STATUS_POSTED);
	assert_string_equal(json_string_value(json_object_get(o, "amount")), "1234.56");
	assert_string_equal(json_string_value(json_object_get(o, "id")), "36893488147419103233");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "posted");
	json_decref(o);
}

static int config(const char *const *args, int argc, struct api_config *c)
{
	char why[256];
	return api_config_load(c, argc, (char **)args, why, sizeof why);
}

static void test_config(void **unused)
{
	(void)unused;
	struct api_config c;
	const char *none[] = { "serve" };
	unsetenv("SZFIN_LISTEN");
	assert_int_equal(config(none, 1, &c), 0);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.body_size_max, SZ_API_JSON_BODY_SIZE_MAX);
	char at_max[32], past_max[32];
	snprintf(at_max, sizeof at_max, "%u", SZ_API_JSON_DEPTH_MAX);
	snprintf(past_max, sizeof past_max, "%u", SZ_API_JSON_DEPTH_MAX + 1);
	const char *ok[] = { "serve", "--json-depth-max", at_max };
	assert_int_equal(config(ok, 3, &c), 0);
	const char *bad[] = { "serve", "--json-depth-max", past_max };
	assert_int_equal(config(bad, 3, &c), SZ_EINVAL);
	const char *help[] = { "serve", "--help" };
	assert_int_equal(config(help, 2, &c), 1);
	const char *unknown[] = { "serve", "--frobnicate", "1" };
	assert_int_equal(config(unknown, 3, &c), SZ_EINVAL);
	/* precedence: file < environment < flag */
	char path[] = "/tmp/szfin-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *ini = "[server]\nlisten = 127.0.0.1:1111\nlog_level = debug\n";
	assert_int_equal(write(fd, ini, strlen(ini)), (int)strlen(ini));
	close(fd);
	const char *with_file[] = { "serve", "--config", path };
	assert_int_equal(config(with_file, 3, &c), 0);
	assert_string_equal(c.listen, "127.0.0.1:1111");
	setenv("SZFIN_LISTEN", "127.0.0.1:2222", 1);
	assert_int_equal(config(with_file, 3, &c), 0);
	assert_string_equal(c.listen, "127.0.0.1:2222");
	assert_string_equal(c.log_level, "debug");
	const char *with_flag[] = { "serve", "--config", path, "--listen=127.0.0.1:3333" };
	assert_int_equal(config(with_flag, 4, &c), 0);
	assert_string_equal(c.listen, "127.0.0.1:3333");
	unsetenv("SZFIN_LISTEN");
	const char *bad_listen[] = { "serve", "--listen", "nowhere" };
	assert_int_equal(config(bad_listen, 3, &c), SZ_EINVAL);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfer_decode),
		cmocka_unit_test(test_transfer_errors),
		cmocka_unit_test(test_account_decode),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_encode_round_trip),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz_cli_args.c — libFuzzer harness for the command-line option parser
 * (src/cli/args.c). The input is split at newlines into argv words.
 *
 * Properties checked: the parse never reads past the words; it answers
 * OK, HELP or ERROR; after OK every option present has a value (a switch
 * ""), a value option's value is one of the words or the text after "=",
 * and every positional word is one of the input words.
 */
#include "cli/args.h"
#include "core/assert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORD_COUNT_MAX 24

static const struct cli_option options[] = {
	{ "limit", true, "N", "rows" },
	{ "cursor", true, "C", "page" },
	{ "pending", false, NULL, "switch" },
	{ "debit-account", true, "ID", "a longer name" },
};
static const struct cli_spec spec = CLI_SPEC("fuzz [--limit N] WORDS", "fuzzing", options, true);

static bool is_word(char *const *words, int count, const char *p)
{
	for (int i = 0; i < count; i++) {
		size_t n = strlen(words[i]);
		if (p >= words[i] && p <= words[i] + n)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet; /* help goes to stdout; run with -close_fd_mask=2 to silence the errors too */
	if (!quiet)
		quiet = freopen("/dev/null", "w", stdout) != NULL;
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *words[WORD_COUNT_MAX + 2];
	char *original[WORD_COUNT_MAX + 2];
	int count = 0;
	words[count++] = (char *)"fuzz";
	bool help_word = false, ended = false;
	for (char *save = NULL, *w = strtok_r(text, "\n", &save); w && count <= WORD_COUNT_MAX;
	     w = strtok_r(NULL, "\n", &save)) {
		if (strcmp(w, "--") == 0)
			ended = true;
		if (!ended && (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0))
			help_word = true;
		words[count++] = w;
	}
	words[count] = NULL;
	memcpy(original, words, sizeof words);
	struct cli_args a;
	int status = cli_args_parse(&spec, count, words, &a);
	SZ_ASSERT(status == CLI_ARGS_OK || status == CLI_ARGS_HELP || status == CLI_ARGS_ERROR);
	if (status == CLI_ARGS_OK) {
		/* "--help" may only survive as the value of a value option */
		SZ_ASSERT(!help_word || a.positional_count < (uint32_t)count);
		for (uint32_t i = 0; i < a.positional_count; i++)
			SZ_ASSERT(is_word(original, count, a.positional[i]));
		for (uint32_t i = 0; i < CLI_OPTION_COUNT_MAX; i++) {
			if (!a.present[i])
				continue;
			SZ_ASSERT(a.values[i] != NULL);
			SZ_ASSERT(a.values[i][0] == '\0' || is_word(original, count, a.values[i]));
		}
	}
	free(text);
	return 0;
}

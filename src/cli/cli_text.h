/* cli_text: small text helpers shared by clmgr's output files (cli_text.c). */
#pragma once
#include <jansson.h>
#include <stdio.h>

#define CLI_DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
#define CLI_RULE       "-----------------------------------------------------------------------------"

/* Prints v as indented JSON (clmgr -j) and a newline. */
void cli_print_json(FILE *f, json_t *v);
/* A value as clmgr shows it: strings as is, lists space separated. malloc'd. */
char *cli_value_text(json_t *v);
/* obj's string field key, or dflt when it is missing or empty. */
const char *cli_str_or(json_t *obj, const char *key, const char *dflt);

/* scn_text: what the golden scenario runners (test_rgm.c: the scheduler,
 * test_plan.c: the planner) share: splitting a line into words (with
 * "quoted" words and # comments), key=value, and reading scenario files. */
#pragma once
#include <dirent.h>
#include <stddef.h>

#define SCN_MAX_TOK 80

typedef struct scn_tokens {
        char buf[2048];
        char *v[SCN_MAX_TOK];
        unsigned n;
} scn_tokens_t;

/* Splits line into t; -1 with a message in err (errlen bytes) on a line
 * too long, too many words or an unterminated quote. */
int scn_tokenize(const char *line, scn_tokens_t *t, char *err, size_t errlen);
/* Splits "key=value" in place; returns the value or NULL. */
char *scn_split_kv(char *tok);
/* The whole file, NUL-terminated (caller frees), or NULL. */
char *scn_read_all(const char *path);
/* scandir filter: names ending in ".scn". */
int scn_is_scn(const struct dirent *d);

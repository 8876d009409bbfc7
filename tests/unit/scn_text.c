/* scn_text: shared parts of the golden scenario runners (see scn_text.h). */
#include "scn_text.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scn_tokenize(const char *line, scn_tokens_t *t, char *err, size_t errlen)
{
        const char *p = line;
        size_t o = 0;
        bool quoted = false;

        t->n = 0;
        for (;;) {
                while (isspace((unsigned char)*p))
                        p++;
                if (!*p || *p == '#')
                        return 0;
                if (t->n == SCN_MAX_TOK) {
                        snprintf(err, errlen, "too many words");
                        return -1;
                }
                t->v[t->n++] = &t->buf[o];
                for (; *p && (quoted || (!isspace((unsigned char)*p) && *p != '#')); p++) {
                        if (*p == '"') {
                                quoted = !quoted;
                                continue;
                        }
                        if (o + 2 >= sizeof(t->buf)) {
                                snprintf(err, errlen, "line too long");
                                return -1;
                        }
                        t->buf[o++] = *p;
                }
                t->buf[o++] = '\0';
                if (quoted) {
                        snprintf(err, errlen, "unterminated quote");
                        return -1;
                }
        }
}

char *scn_split_kv(char *tok)
{
        char *eq = strchr(tok, '=');

        if (!eq)
                return NULL;
        *eq = '\0';
        return eq + 1;
}

char *scn_read_all(const char *path)
{
        FILE *f = fopen(path, "r");
        char *buf;
        long n;

        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = n >= 0 ? calloc(1, (size_t)n + 1) : NULL;
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        return buf;
}

int scn_is_scn(const struct dirent *d)
{
        size_t n = strlen(d->d_name);

        return n > 4 && strcmp(d->d_name + n - 4, ".scn") == 0;
}

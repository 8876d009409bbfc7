/* cli_text: the small text helpers every clmgr output file uses: JSON as
 * clmgr prints it (-j), a value as clmgr shows it, a string field or a
 * default. The bottom of the output files (it calls none of them). */
#include "cli/cli_text.h"

#include <stdlib.h>

#include "common/hamr_alloc.h"

void cli_print_json(FILE *f, json_t *v)
{
        char *s = json_dumps(v, CLI_DUMP_FLAGS | JSON_ENCODE_ANY);

        if (s) {
                fprintf(f, "%s\n", s);
                free(s);
        }
}

/* A value as clmgr shows it: strings as is, lists space separated. malloc'd. */
char *cli_value_text(json_t *v)
{
        char *out = NULL;
        size_t len = 0, i;
        json_t *e;
        FILE *f;

        switch (json_typeof(v)) {
        case JSON_STRING:
                return zstrdup(json_string_value(v));
        case JSON_INTEGER: {
                char buf[32];
                snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                return zstrdup(buf);
        }
        case JSON_REAL: {
                char buf[64];
                snprintf(buf, sizeof(buf), "%g", json_real_value(v));
                return zstrdup(buf);
        }
        case JSON_TRUE:
                return zstrdup("true");
        case JSON_FALSE:
                return zstrdup("false");
        case JSON_NULL:
                return zstrdup("");
        case JSON_ARRAY:
                f = open_memstream(&out, &len);
                if (!f)
                        abort();
                json_array_foreach(v, i, e)
                {
                        char *t = cli_value_text(e);
                        fprintf(f, "%s%s", i ? " " : "", t);
                        free(t);
                }
                fclose(f);
                return out;
        default: {
                char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
                return s ? s : zstrdup("");
        }
        }
}

const char *cli_str_or(json_t *obj, const char *key, const char *dflt)
{
        const char *s = json_string_value(json_object_get(obj, key));
        return s && *s ? s : dflt;
}

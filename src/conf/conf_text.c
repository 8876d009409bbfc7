/* conf_text: the configuration text file, "[class name]" sections of
 * "KEY = value" lines, parsed with inih and written by conf_db_format.
 *
 * inih (as packaged) has a 200-byte line buffer and a 50-byte section
 * buffer, both too small for hamr (64-character names, 4095-character
 * paths, 64-node lists). So inih reads through our own line reader, which
 * handles section headers itself (and hides them from inih), and hands a
 * line too long for inih's buffer over as a short placeholder whose key and
 * value the handler takes from the reader. Every physical line is one inih
 * line, so line numbers in messages are the file's. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

#define LONG_KEY "\x01" /* placeholder key of a long line */

typedef struct section {
        conf_class_t cls;
        char name[CONF_MAX_NAME + 1];
        unsigned lineno;
        char **values;
} section_t;

typedef struct parse_state {
        const char *pos; /* next unread character of the text */
        unsigned lineno; /* physical line last handed to inih */
        bool gen_seen;
        uint64_t generation;
        section_t *secs;
        size_t nsecs;
        char *long_key; /* stashed key and value of a long line */
        char *long_value;
        int rc; /* first error, 0 if none */
        char *err;
        size_t errlen;
} parse_state_t;

static void fail(parse_state_t *st, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(parse_state_t *st, int rc, const char *fmt, ...)
{
        char msg[CONF_ERR_LEN];
        va_list ap;

        if (st->rc < 0)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        conf_errf(st->err, st->errlen, "line %u: %s", st->lineno, msg);
        st->rc = rc;
}

static char *trim(char *s)
{
        size_t n;

        while (isspace((unsigned char)*s))
                s++;
        n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1]))
                s[--n] = '\0';
        return s;
}

/* "# hamr configuration generation N" before the first section sets the
 * generation; N is decimal digits only, as conf_db_format writes it (sscanf's
 * %SCNu64 also took "-2" as 2^64 - 2, and overflows undefined). */
static void generation_comment(parse_state_t *st, const char *line)
{
        static const char prefix[] = "# hamr configuration generation ";
        const char *digits = line + sizeof(prefix) - 1;
        unsigned long long g;
        char *end;

        if (st->gen_seen || st->nsecs > 0 || strncmp(line, prefix, sizeof(prefix) - 1) != 0 ||
            !isdigit((unsigned char)*digits))
                return;
        errno = 0;
        g = strtoull(digits, &end, 10);
        if (errno == 0 && *end == '\0') {
                st->generation = (uint64_t)g;
                st->gen_seen = true;
        }
}

static void section_begin(parse_state_t *st, char *line)
{
        static const char usage[] = "allowed: [class name], e.g. [resource_group app_rg]";
        char *close = strchr(line, ']'), *rest, *cls_s, *name, *extra, *save = NULL;
        char orig[CONF_ERR_LEN / 2];
        conf_class_t cls;
        section_t *s;

        if (!close) {
                fail(st, -HAMR_E_BAD_VALUE, "section header %s has no closing ]; %s", line, usage);
                return;
        }
        rest = trim(close + 1);
        if (*rest && *rest != '#' && *rest != ';') {
                fail(st, -HAMR_E_BAD_VALUE, "text \"%s\" after the section header; %s", rest,
                     usage);
                return;
        }
        *close = '\0';
        snprintf(orig, sizeof(orig), "%s", line + 1);
        cls_s = strtok_r(line + 1, " \t", &save);
        name = cls_s ? strtok_r(NULL, " \t", &save) : NULL;
        extra = name ? strtok_r(NULL, " \t", &save) : NULL;
        if (!cls_s || !name || extra) {
                fail(st, -HAMR_E_BAD_VALUE, "section [%s] is not allowed; %s", orig, usage);
                return;
        }
        if (conf_class_lookup(cls_s, &cls) < 0) {
                fail(st, -HAMR_E_BAD_CLASS,
                     "class \"%s\" is unknown; known: cluster, node, network, service_ip, "
                     "application_controller, resource_group, fallback_timer, application_monitor, "
                     "dependency, file_system, event",
                     cls_s);
                return;
        }
        if (!conf_name_valid(name)) {
                fail(st, -HAMR_E_BAD_VALUE, "%s: NAME=\"%s\" is not allowed; allowed: %s",
                     conf_class_def(cls)->name, name, conf_name_rule);
                return;
        }
        for (size_t i = 0; i < st->nsecs; i++) {
                if (st->secs[i].cls == cls && strcmp(st->secs[i].name, name) == 0) {
                        fail(st, -HAMR_E_EXISTS, "%s \"%s\" is defined twice (first at line %u)",
                             conf_class_def(cls)->name, name, st->secs[i].lineno);
                        return;
                }
        }
        st->secs = zrealloc(st->secs, (st->nsecs + 1) * sizeof(section_t));
        s = &st->secs[st->nsecs++];
        memset(s, 0, sizeof(*s));
        s->cls = cls;
        strcpy(s->name, name);
        s->lineno = st->lineno;
        s->values = zcalloc(conf_class_def(cls)->nattrs, sizeof(char *));
}

/* Stashes key and value of a line too long for inih; same rules as inih:
 * split at the first '=' or ':', a ';' after a blank starts a comment. */
static bool stash_long_line(parse_state_t *st, char *line)
{
        char *sep = line + strcspn(line, "=:"), *v;

        if (!*sep)
                return false;
        *sep = '\0';
        v = sep + 1;
        for (char *p = v; *p; p++)
                if (*p == ';' && (p == v || isspace((unsigned char)p[-1]))) {
                        *p = '\0';
                        break;
                }
        free(st->long_key);
        free(st->long_value);
        st->long_key = zstrdup(trim(line));
        st->long_value = zstrdup(trim(v));
        return true;
}

/* inih reader: one physical line per call, see the top of the file. */
static char *reader(char *str, int num, void *stream)
{
        parse_state_t *st = stream;
        _cleanup_free_ char *buf = NULL;
        const char *out;
        size_t len;
        char *line;

        if (st->rc < 0 || !*st->pos)
                return NULL;
        len = strcspn(st->pos, "\n");
        buf = zstrndup(st->pos, len);
        st->pos += len + (st->pos[len] == '\n');
        st->lineno++;
        line = buf;
        if (st->lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
                line += 3;
        out = line = trim(line);
        if (*line == '#' || *line == ';') {
                generation_comment(st, line);
                out = "";
        } else if (*line == '[') {
                section_begin(st, line);
                out = "";
        } else if (strlen(line) + 2 > (size_t)num) {
                if (!stash_long_line(st, line)) {
                        fail(st, -HAMR_E_BAD_VALUE,
                             "expected \"KEY = value\" or \"[class name]\", got \"%.40s...\"",
                             line);
                        return NULL;
                }
                out = LONG_KEY "=";
        }
        if (st->rc < 0)
                return NULL;
        snprintf(str, (size_t)num, "%s\n", out);
        return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
        parse_state_t *st = user;
        char msg[CONF_ERR_LEN];
        _cleanup_free_ char *v = NULL;
        size_t len;
        section_t *s;
        conf_kv_t kv;
        int r;

        if (st->rc < 0)
                return 0;
        if (strcmp(name, LONG_KEY) == 0 && st->long_key) {
                name = st->long_key;
                value = st->long_value;
        }
        if (st->nsecs == 0) {
                fail(st, -HAMR_E_BAD_VALUE,
                     "\"%s\" is outside a section; allowed: KEY = value lines after a "
                     "[class name] header",
                     name);
                return 0;
        }
        s = &st->secs[st->nsecs - 1];
        v = zstrdup(value);
        len = strlen(v);
        if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
                v[len - 1] = '\0';
                memmove(v, v + 1, len - 1);
        }
        kv = (conf_kv_t){name, v};
        r = conf_values_apply(s->cls, s->name, s->values, &kv, 1, true, true, msg, sizeof(msg));
        if (r < 0) {
                fail(st, r, "%s", msg);
                return 0;
        }
        return 1;
}

static void state_done(parse_state_t *st)
{
        for (size_t i = 0; i < st->nsecs; i++)
                conf_values_free(st->secs[i].cls, st->secs[i].values);
        free(st->secs);
        free(st->long_key);
        free(st->long_value);
}

int conf_db_parse(const char *text, conf_db_t **ret_db, char *err, size_t errlen)
{
        parse_state_t st = {.pos = text, .err = err, .errlen = errlen};
        conf_db_t *db = NULL;
        char msg[CONF_ERR_LEN];
        int r;

        if (!text || !ret_db) {
                conf_errf(err, errlen, "no configuration text");
                return -EINVAL;
        }
        r = ini_parse_stream(reader, &st, handler, &st);
        if (st.rc == 0 && r != 0) {
                st.lineno = r > 0 ? (unsigned)r : st.lineno;
                fail(&st, r > 0 ? -HAMR_E_BAD_VALUE : -ENOMEM,
                     "expected \"KEY = value\" or \"[class name]\"");
        }
        if (st.rc < 0)
                goto out;
        db = conf_db_new();
        db->generation = st.generation;
        for (size_t i = 0; i < st.nsecs; i++) {
                section_t *s = &st.secs[i];

                st.lineno = s->lineno;
                r = conf_db_insert(db, s->cls, s->name, s->values, msg, sizeof(msg));
                if (r < 0) {
                        fail(&st, r, "%s", msg);
                        goto out;
                }
                s->values = NULL; /* now owned by db */
        }
        conf_db_assign_ids(db);
        for (size_t i = 0; i < db->nobjs; i++) {
                r = conf_object_check_refs(db, &db->objs[i], msg, sizeof(msg));
                if (r < 0) {
                        st.lineno = st.secs[i].lineno; /* objects are in section order */
                        fail(&st, r, "%s", msg);
                        goto out;
                }
        }
out:
        state_done(&st);
        if (st.rc < 0) {
                conf_db_free(db);
                return st.rc;
        }
        *ret_db = db;
        return 0;
}

char *conf_db_format(const conf_db_t *db)
{
        char *text = NULL;
        size_t size = 0;
        FILE *f;

        if (!db)
                return NULL;
        f = open_memstream(&text, &size);
        if (!f)
                return NULL;
        fprintf(f, "# hamr configuration generation %" PRIu64 "\n", db->generation);
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const conf_class_def_t *cd = conf_class_def(o->cls);

                fprintf(f, "\n[%s %s]\n", cd->name, o->name);
                for (size_t a = 0; a < cd->nattrs; a++)
                        if (o->values[a] && !(cd->attrs[a].flags & CONF_F_RUNTIME))
                                fprintf(f, "%s = %s\n", cd->attrs[a].name, o->values[a]);
        }
        if (fclose(f) != 0) {
                free(text);
                return NULL;
        }
        return text;
}

/* tt_plan: parsing of PowerHA test plans and variables files. */
#include "testtool/tt_plan.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hamr_alloc.h"

#define MAX_ERRORS 20
#define MAX_FILE   (1024 * 1024)

typedef struct {
        char *buf;
        size_t len;
        int n;
} errs_t;

static void __attribute__((format(printf, 4, 5)))
add_err(errs_t *e, const char *file, int line, const char *fmt, ...)
{
        size_t off = e->buf[0] ? strlen(e->buf) : 0;
        va_list ap;
        int n;

        e->n++;
        if (e->n > MAX_ERRORS || off + 2 >= e->len)
                return;
        if (e->n == MAX_ERRORS) {
                snprintf(e->buf + off, e->len - off, "%s(more errors not shown)", off ? "\n" : "");
                return;
        }
        n = snprintf(e->buf + off, e->len - off, "%s%s:%d: ", off ? "\n" : "", file, line);
        if (n < 0 || (size_t)n >= e->len - off)
                return;
        off += (size_t)n;
        va_start(ap, fmt);
        vsnprintf(e->buf + off, e->len - off, fmt, ap);
        va_end(ap);
}

/* Trims s in place (both ends); returns the new start. */
static char *trim(char *s)
{
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
                *--end = '\0';
        return s;
}

static bool valid_var_name(const char *s)
{
        if (!(isalpha((unsigned char)*s) || *s == '_'))
                return false;
        for (s++; *s; s++)
                if (!(isalnum((unsigned char)*s) || *s == '_'))
                        return false;
        return true;
}

/* Reads a whole text file (at most 1 MiB) into *ret (owned). */
static int read_text(const char *path, char **ret, char *err, size_t errlen)
{
        FILE *f = fopen(path, "re");
        char *buf;
        size_t n;

        if (!f) {
                int r = -errno;
                snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
                return r;
        }
        buf = zalloc(MAX_FILE + 1);
        n = fread(buf, 1, MAX_FILE + 1, f);
        if (ferror(f) || n > MAX_FILE) {
                snprintf(err, errlen, "%s: %s", path,
                         n > MAX_FILE ? "larger than 1 MiB (allowed: a text file up to 1 MiB)"
                                      : "read error");
                fclose(f);
                free(buf);
                return -EINVAL;
        }
        fclose(f);
        if (memchr(buf, '\0', n)) {
                snprintf(err, errlen, "%s: holds a NUL byte (allowed: a text file)", path);
                free(buf);
                return -EINVAL;
        }
        *ret = buf;
        return 0;
}

void tt_vars_free(tt_vars_t *vars)
{
        if (!vars)
                return;
        for (size_t i = 0; i < vars->n; i++) {
                free(vars->v[i].name);
                free(vars->v[i].value);
        }
        free(vars->v);
        free(vars->file);
        *vars = (tt_vars_t){0};
}

const char *tt_vars_get(const tt_vars_t *vars, const char *name)
{
        if (!vars)
                return NULL;
        for (size_t i = 0; i < vars->n; i++)
                if (strcmp(vars->v[i].name, name) == 0)
                        return vars->v[i].value;
        return NULL;
}

int tt_vars_parse(const char *file, const char *text, tt_vars_t *ret, char *err, size_t errlen)
{
        _cleanup_free_ char *copy = zstrdup(text);
        tt_vars_t v = {.file = zstrdup(file)};
        errs_t e = {err, errlen, 0};
        char *line;
        int lineno = 0;

        err[0] = '\0';
        /* strsep keeps empty lines, so line numbers stay right */
        for (char *p = copy; (line = strsep(&p, "\n")) != NULL;) {
                char *eq, *name, *value;
                size_t vl;

                lineno++;
                line = trim(line);
                if (!*line || *line == '#')
                        continue;
                eq = strchr(line, '=');
                if (!eq) {
                        add_err(&e, file, lineno,
                                "'%s' is not a variable definition (allowed: name=value, "
                                "# comments, blank lines)",
                                line);
                        continue;
                }
                *eq = '\0';
                name = trim(line);
                value = trim(eq + 1);
                if (!valid_var_name(name)) {
                        add_err(&e, file, lineno,
                                "variable name '%s' is not allowed (allowed: a letter or _, then "
                                "letters, digits and _)",
                                name);
                        continue;
                }
                vl = strlen(value);
                if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
                        value[vl - 1] = '\0';
                        value++;
                }
                if (!*value) {
                        add_err(&e, file, lineno, "variable %s has an empty value", name);
                        continue;
                }
                if (strchr(value, ',')) {
                        add_err(&e, file, lineno,
                                "value of variable %s holds a comma: '%s' (a test plan separates "
                                "parameters with commas)",
                                name, value);
                        continue;
                }
                for (size_t i = 0; i < v.n; i++)
                        if (strcmp(v.v[i].name, name) == 0) {
                                add_err(&e, file, lineno,
                                        "variable %s is defined twice (first at line %d)", name,
                                        v.v[i].line);
                                goto next;
                        }
                v.v = zrealloc(v.v, (v.n + 1) * sizeof(*v.v));
                v.v[v.n++] = (tt_var_t){zstrdup(name), zstrdup(value), lineno};
        next:;
        }
        if (e.n) {
                tt_vars_free(&v);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

int tt_vars_load(const char *path, tt_vars_t *ret, char *err, size_t errlen)
{
        _cleanup_free_ char *text = NULL;
        int r = read_text(path, &text, err, errlen);

        if (r < 0)
                return r;
        return tt_vars_parse(path, text, ret, err, errlen);
}

static void test_free(tt_test_t *t)
{
        for (int i = 0; i < TT_MAX_PARAMS; i++)
                free(t->params[i]);
        free(t->comment);
        free(t->file);
        free(t->owner_of);
}

void tt_plan_free(tt_plan_t *plan)
{
        if (!plan)
                return;
        for (size_t i = 0; i < plan->n; i++)
                test_free(&plan->t[i]);
        free(plan->t);
        *plan = (tt_plan_t){0};
}

static tt_test_t *plan_push(tt_plan_t *plan)
{
        if (plan->n == plan->cap) {
                plan->cap = plan->cap ? plan->cap * 2 : 16;
                plan->t = zrealloc(plan->t, plan->cap * sizeof(*plan->t));
        }
        plan->t[plan->n] = (tt_test_t){0};
        return &plan->t[plan->n++];
}

tt_test_t *tt_plan_add(tt_plan_t *plan, tt_kind_t kind, const char *p1, const char *p2,
                       const char *p3, const char *comment)
{
        tt_test_t *t = plan_push(plan);
        const char *p[TT_MAX_PARAMS] = {p1, p2, p3};

        t->kind = kind;
        t->nparams = tt_catalog_def(kind)->nparams;
        for (int i = 0; i < t->nparams; i++)
                t->params[i] = zstrdup(p[i] ? p[i] : "");
        t->comment = zstrdup(comment ? comment : "");
        t->file = zstrdup("automated");
        return t;
}

/* The name of parameter i (0-based) of def: its part of the syntax. */
static void param_name(const tt_test_def_t *def, int i, char *buf, size_t len)
{
        const char *s = def->syntax;

        for (int k = 0; k < i && s; k++) {
                s = strchr(s, ',');
                if (s)
                        s++;
        }
        if (!s) {
                snprintf(buf, len, "parameter %d", i + 1);
                return;
        }
        while (*s == ' ')
                s++;
        snprintf(buf, len, "%.*s", (int)strcspn(s, ","), s);
}

/* Keywords a parameter may hold besides a name: for those parameters whose
 * syntax lists them; a keyword the syntax does not list is refused. */
static const char *const keywords[] = {"ALL", "ANY", "RESTORE", "OTHER", NULL};

static bool syntax_allows(const char *pname, const char *kw)
{
        /* pname looks like "node | ANY | RESTORE" */
        const char *s = pname;
        size_t kl = strlen(kw);

        while ((s = strstr(s, kw)) != NULL) {
                bool start = s == pname || s[-1] == ' ';
                bool end = s[kl] == '\0' || s[kl] == ' ';
                if (start && end)
                        return true;
                s += kl;
        }
        return false;
}

static int check_param(const tt_test_def_t *def, int i, char **val, const char *file, int lineno,
                       errs_t *e)
{
        char pname[64];

        param_name(def, i, pname, sizeof(pname));
        for (int k = 0; keywords[k]; k++) {
                if (strcasecmp(*val, keywords[k]) != 0)
                        continue;
                if (!syntax_allows(pname, keywords[k])) {
                        add_err(e, file, lineno, "%s: %s is not allowed as %s (allowed: %s)",
                                def->name, keywords[k], pname, pname);
                        return -1;
                }
                for (char *c = *val; *c; c++)
                        *c = (char)toupper((unsigned char)*c);
                return 0;
        }
        if (strcmp(pname, "seconds") == 0) {
                char *end;
                double s = strtod(*val, &end);
                if (end == *val || *end || !(s >= 0 && s <= 86400)) {
                        add_err(e, file, lineno,
                                "%s: seconds '%s' is not allowed (allowed: a number of seconds "
                                "from 0 to 86400)",
                                def->name, *val);
                        return -1;
                }
        }
        return 0;
}

/* Substitutes variables in one parameter (in: trimmed text); returns an
 * owned string, or NULL after adding an error. */
static char *substitute(const char *raw, const tt_vars_t *vars, bool use_env, const char *file,
                        int lineno, errs_t *e)
{
        const char *v;

        if (raw[0] == '$') {
                const char *name = raw + 1;
                char braced[256];
                if (name[0] == '{' && name[strlen(name) - 1] == '}' &&
                    strlen(name) < sizeof(braced)) {
                        snprintf(braced, sizeof(braced), "%.*s", (int)strlen(name) - 2, name + 1);
                        name = braced;
                }
                if (!valid_var_name(name)) {
                        add_err(e, file, lineno,
                                "'%s' is not a variable reference (allowed: $name, name a letter "
                                "or _, then letters, digits and _)",
                                raw);
                        return NULL;
                }
                v = tt_vars_get(vars, name);
                if (!v && use_env)
                        v = getenv(name);
                if (!v || !*v) {
                        add_err(e, file, lineno,
                                "variable %s is not defined (define it as %s=value in the "
                                "variables file%s%s%s)",
                                name, name, vars && vars->file && *vars->file ? " " : "",
                                vars && vars->file ? vars->file : "",
                                use_env ? " or in the environment" : "");
                        return NULL;
                }
                return zstrdup(v);
        }
        v = tt_vars_get(vars, raw);
        return zstrdup(v ? v : raw);
}

static void parse_line(const char *file, int lineno, char *line, const tt_vars_t *vars,
                       bool use_env, tt_plan_t *plan, errs_t *e)
{
        char *fields[TT_MAX_PARAMS + 1];
        char *name, *rest = line, *comma;
        const tt_test_def_t *def;
        int kind, nfields = 0, bad = 0;
        char *vals[TT_MAX_PARAMS] = {0};
        tt_test_t *t;

        comma = strchr(rest, ',');
        if (comma)
                *comma = '\0';
        name = trim(rest);
        rest = comma ? comma + 1 : NULL;
        kind = tt_catalog_lookup(name);
        if (kind < 0) {
                char names[1024];
                tt_catalog_names(names, sizeof(names));
                add_err(e, file, lineno, "unknown test '%s' (allowed: %s)", name, names);
                return;
        }
        def = tt_catalog_def(kind);
        /* the first nparams fields are parameters; the rest of the line,
         * commas included, is the comment */
        while (rest && nfields < def->nparams) {
                comma = strchr(rest, ',');
                if (comma)
                        *comma = '\0';
                fields[nfields++] = trim(rest);
                rest = comma ? comma + 1 : NULL;
        }
        if (nfields < def->nparams) {
                add_err(e, file, lineno,
                        "%s takes %d parameter%s (%s) before the comment; the line has %d "
                        "(allowed: %s, %s, comment)",
                        def->name, def->nparams, def->nparams == 1 ? "" : "s", def->syntax, nfields,
                        def->name, def->syntax);
                return;
        }
        for (int i = 0; i < nfields; i++) {
                char pname[64];
                param_name(def, i, pname, sizeof(pname));
                if (!*fields[i]) {
                        add_err(e, file, lineno, "%s: %s is empty (allowed: %s)", def->name, pname,
                                pname);
                        bad = 1;
                        continue;
                }
                vals[i] = substitute(fields[i], vars, use_env, file, lineno, e);
                if (!vals[i] || check_param(def, i, &vals[i], file, lineno, e) < 0)
                        bad = 1;
        }
        if (bad) {
                for (int i = 0; i < TT_MAX_PARAMS; i++)
                        free(vals[i]);
                return;
        }
        t = plan_push(plan);
        t->kind = (tt_kind_t)kind;
        t->nparams = def->nparams;
        for (int i = 0; i < def->nparams; i++)
                t->params[i] = vals[i];
        t->comment = zstrdup(rest ? trim(rest) : "");
        t->file = zstrdup(file);
        t->line = lineno;
}

int tt_plan_parse(const char *file, const char *text, const tt_vars_t *vars, bool use_env,
                  tt_plan_t *ret, char *err, size_t errlen)
{
        _cleanup_free_ char *copy = zstrdup(text);
        tt_plan_t plan = {0};
        errs_t e = {err, errlen, 0};
        char *line;
        int lineno = 0;

        err[0] = '\0';
        for (char *p = copy; (line = strsep(&p, "\n")) != NULL;) {
                lineno++;
                line = trim(line);
                if (!*line || *line == '#')
                        continue;
                parse_line(file, lineno, line, vars, use_env, &plan, &e);
        }
        if (!e.n && plan.n == 0)
                add_err(&e, file, lineno,
                        "the test plan holds no test (allowed: one test per "
                        "line, TEST_NAME, parameters, comment)");
        if (e.n) {
                tt_plan_free(&plan);
                return -EINVAL;
        }
        *ret = plan;
        return 0;
}

int tt_plan_load(const char *path, const tt_vars_t *vars, bool use_env, tt_plan_t *ret, char *err,
                 size_t errlen)
{
        _cleanup_free_ char *text = NULL;
        int r = read_text(path, &text, err, errlen);

        if (r < 0)
                return r;
        return tt_plan_parse(path, text, vars, use_env, ret, err, errlen);
}

void tt_test_format(const tt_test_t *t, char *buf, size_t len)
{
        size_t off;

        snprintf(buf, len, "%s", tt_catalog_def(t->kind)->name);
        for (int i = 0; i < t->nparams; i++) {
                off = strlen(buf);
                snprintf(buf + off, len - off, ", %s", t->params[i] ? t->params[i] : "");
        }
}

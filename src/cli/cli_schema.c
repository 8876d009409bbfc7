/* cli_schema: clmgr's view of the configuration schema: class lookup and
 * lists, the runbook policy words (each bound to a schema enum value, so a
 * word can only name what the schema accepts) and attribute help. Pure. */
#include "cli/cli_schema.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool prefix_ci(const char *word, const char *prefix)
{
        size_t n = strlen(prefix);

        return n > 0 && strncasecmp(word, prefix, n) == 0;
}

int cli_class_lookup(const char *s, unsigned mask, conf_class_t *ret_cls)
{
        int found = -1;

        if (!s || !*s)
                return -ENOENT;
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);
                bool hit = strcasecmp(cd->name, s) == 0;

                for (const char *const *a = cd->aliases; *a && !hit; a++)
                        hit = strcasecmp(*a, s) == 0;
                if (hit && (mask & CLI_CLASS_BIT(c))) {
                        *ret_cls = (conf_class_t)c;
                        return 0;
                }
        }
        for (int c = 0; c < CONF_CLASS_COUNT; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);
                bool hit = prefix_ci(cd->name, s);

                for (const char *const *a = cd->aliases; *a && !hit; a++)
                        hit = prefix_ci(*a, s);
                if (!hit || !(mask & CLI_CLASS_BIT(c)))
                        continue;
                if (found >= 0)
                        return -EAGAIN;
                found = c;
        }
        if (found < 0)
                return -ENOENT;
        *ret_cls = (conf_class_t)found;
        return 0;
}

void cli_class_list(unsigned mask, char *buf, size_t len)
{
        size_t used = 0;

        if (!buf || len == 0)
                return;
        buf[0] = '\0';
        for (int c = 0; c < CONF_CLASS_COUNT && used + 1 < len; c++) {
                const conf_class_def_t *cd = conf_class_def((conf_class_t)c);

                if (!(mask & CLI_CLASS_BIT(c)))
                        continue;
                snprintf(buf + used, len - used, "%s%s", used ? ", " : "", cd->name);
                used = strlen(buf);
                for (const char *const *a = cd->aliases; *a && used + 1 < len; a++) {
                        snprintf(buf + used, len - used, "%s%s%s", a == cd->aliases ? " (" : ", ",
                                 *a, a[1] ? "" : ")");
                        used = strlen(buf);
                }
        }
}

/* PowerHA's runbook words. A word names a C enum value, so a word for a
 * policy the schema does not have (FUDNP "dynamic", BO "offline") cannot be
 * written down until the schema and the enum have it. */
static const struct cli_policy_word policy_words[] = {
    {.attr = "FALLOVER", .value = RG_FALLOVER_FNPN, .word = "next"},
    {.attr = "FALLOVER", .value = RG_FALLOVER_BO, .word = "offline"},
    {.attr = "FALLBACK", .value = RG_FALLBACK_NFB, .word = "never"},
    {.attr = "FALLBACK", .value = RG_FALLBACK_FBHPN, .word = "higher"},
    {.attr = "FALLBACK", .value = RG_FALLBACK_FBHPN, .word = "home"},
};

const struct cli_policy_word *cli_policy_words(size_t *ret_n)
{
        *ret_n = N(policy_words);
        return policy_words;
}

const char *cli_policy_code(const char *attr, const char *m)
{
        const conf_class_t rg = CONF_CLASS_RESOURCE_GROUP;
        int a = conf_attr_index(rg, attr), v;

        if (a < 0 || !m)
                return NULL;
        for (size_t i = 0; i < N(policy_words); i++)
                if (strcmp(policy_words[i].attr, attr) == 0 &&
                    strcasecmp(policy_words[i].word, m) == 0)
                        return conf_enum_name(rg, a, policy_words[i].value);
        v = conf_enum_value(rg, a, m);
        return v < 0 ? NULL : conf_enum_name(rg, a, v);
}

void cli_policy_allowed(const char *attr, char *buf, size_t len)
{
        const conf_class_t rg = CONF_CLASS_RESOURCE_GROUP;
        int a = conf_attr_index(rg, attr);
        const char *code;
        size_t used = 0;

        if (!buf || len == 0)
                return;
        buf[0] = '\0';
        for (int v = 0; a >= 0 && (code = conf_enum_name(rg, a, v)) && used + 1 < len; v++) {
                size_t nwords = 0;

                snprintf(buf + used, len - used, "%s", used ? ", " : "");
                used = strlen(buf);
                for (size_t i = 0; i < N(policy_words); i++) {
                        if (strcmp(policy_words[i].attr, attr) != 0 || policy_words[i].value != v)
                                continue;
                        snprintf(buf + used, len - used, "%s%s", nwords ? " or " : "",
                                 policy_words[i].word);
                        used = strlen(buf);
                        nwords++;
                }
                if (nwords)
                        snprintf(buf + used, len - used, " (%s)", code);
                else
                        snprintf(buf + used, len - used, "%s", code);
                used = strlen(buf);
        }
}

/* Writes text wrapped at 78 columns, every line indented by indent. */
static void print_wrapped(FILE *f, int indent, const char *text)
{
        const int width = 78;
        int col = 0;

        while (*text) {
                size_t n = strcspn(text, " ");

                if (col > indent && col + 1 + (int)n > width) {
                        fputc('\n', f);
                        col = 0;
                }
                if (col == 0)
                        col = fprintf(f, "%*s", indent, "");
                else
                        col += fprintf(f, " ");
                col += fprintf(f, "%.*s", (int)n, text);
                text += n;
                while (*text == ' ')
                        text++;
        }
        if (col)
                fputc('\n', f);
}

void cli_print_attrs(FILE *f, conf_class_t cls, bool settable_only)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        char allowed[512], line[768];

        if (!cd)
                return;
        fprintf(f, "ATTRIBUTES of %s (names case-insensitive, unambiguous prefixes accepted):\n",
                cd->name);
        for (size_t i = 0; i < cd->nattrs; i++) {
                const conf_attr_def_t *ad = &cd->attrs[i];

                if (settable_only && (ad->flags & (CONF_F_READONLY | CONF_F_RUNTIME)))
                        continue;
                fprintf(f, "  %s%s%s%s\n", ad->name,
                        (ad->flags & CONF_F_REQUIRED) ? " (required at add)" : "",
                        (ad->flags & CONF_F_READONLY) ? " (set by hamr)" : "",
                        (ad->flags & CONF_F_RUNTIME) ? " (query only)" : "");
                if (!(ad->flags & CONF_F_RUNTIME)) {
                        conf_attr_describe(cls, (int)i, allowed, sizeof(allowed));
                        snprintf(line, sizeof(line), "allowed: %s", allowed);
                        print_wrapped(f, 6, line);
                }
                if (ad->def && ad->def[0])
                        fprintf(f, "      default: %s\n", ad->def);
                print_wrapped(f, 6, ad->help);
        }
}

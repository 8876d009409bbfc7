/* conf_values: value checking and canonicalisation from the schema table:
 * seconds, integers, addresses, paths, references and lists, and the words
 * that say what an attribute allows. */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

/* ---- value checking ---- */

/* Strict seconds: digits, optional '.', at most 6 significant decimals. */
static bool parse_seconds_strict(const char *s, usec_t *ret)
{
        unsigned long long ip = 0, frac = 0;
        size_t ndig = 0, nfrac = 0, lastnz = 0;
        const char *p = s;

        for (; isdigit((unsigned char)*p); p++, ndig++) {
                ip = ip * 10 + (unsigned long long)(*p - '0');
                if (ip > 10000000ULL)
                        return false;
        }
        if (*p == '.') {
                p++;
                for (; isdigit((unsigned char)*p); p++, nfrac++) {
                        if (*p != '0')
                                lastnz = nfrac + 1;
                        if (nfrac < 6)
                                frac = frac * 10 + (unsigned long long)(*p - '0');
                }
                if (lastnz > 6)
                        return false;
                for (size_t i = nfrac; i < 6; i++)
                        frac *= 10;
        }
        if (*p || ndig + nfrac == 0)
                return false;
        *ret = ip * USEC_PER_SEC + frac;
        return true;
}

static char *format_seconds(usec_t u)
{
        char buf[64];
        size_t n;

        if (u % USEC_PER_SEC == 0) {
                snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(u / USEC_PER_SEC));
                return zstrdup(buf);
        }
        snprintf(buf, sizeof(buf), "%llu.%06llu", (unsigned long long)(u / USEC_PER_SEC),
                 (unsigned long long)(u % USEC_PER_SEC));
        n = strlen(buf);
        while (buf[n - 1] == '0')
                buf[--n] = '\0';
        return zstrdup(buf);
}

static bool parse_uint_strict(const char *s, unsigned long long *ret)
{
        unsigned long long v = 0;
        size_t n = 0;

        for (; isdigit((unsigned char)s[n]); n++) {
                v = v * 10 + (unsigned long long)(s[n] - '0');
                if (v > 0xffffffffULL)
                        return false;
        }
        if (n == 0 || s[n])
                return false;
        *ret = v;
        return true;
}

static bool parse_ipv4(const char *s, struct in_addr *ret)
{
        struct in_addr a;

        if (inet_pton(AF_INET, s, &a) != 1 || a.s_addr == 0)
                return false;
        *ret = a;
        return true;
}

bool conf_path_valid(const char *s)
{
        if (s[0] != '/' || strlen(s) > CONF_MAX_PATH)
                return false;
        for (const char *p = s; *p; p++)
                if (isspace((unsigned char)*p) || *p == '"' || *p == ';')
                        return false;
        return true;
}

/* Describes what an attribute allows, for messages. */
static void describe_allowed(const conf_attr_def_t *ad, char *buf, size_t len)
{
        size_t used = 0;

        switch (ad->type) {
        case CONF_T_STRING:
                snprintf(buf, len, "text without quotes, ';' or control characters");
                break;
        case CONF_T_NAME:
                snprintf(buf, len, "%s", conf_name_rule);
                break;
        case CONF_T_SECONDS:
                snprintf(buf, len, "seconds with at most 6 decimals (e.g. 1.5), from %g to %g",
                         ad->min, ad->max);
                break;
        case CONF_T_UINT:
                snprintf(buf, len, "an integer from %.0f to %.0f", ad->min, ad->max);
                break;
        case CONF_T_IPV4:
                snprintf(buf, len, "an IPv4 address in dotted-quad form, e.g. 198.18.0.11");
                break;
        case CONF_T_PATH:
                snprintf(buf, len,
                         "an absolute path starting with / (at most %d characters, no spaces, "
                         "quotes or ';')",
                         CONF_MAX_PATH);
                break;
        case CONF_T_ENUM:
                buf[0] = '\0';
                for (size_t e = 0; e < ad->enum_count && used + 1 < len; e++) {
                        snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                 ad->enum_values[e]);
                        used = strlen(buf);
                }
                break;
        case CONF_T_REF:
                snprintf(buf, len, "the name of a %s (%s)", conf_class_def(ad->ref_class)->name,
                         conf_name_rule);
                break;
        case CONF_T_REF_LIST:
                snprintf(buf, len,
                         "up to %.0f %s names separated by spaces or commas, each listed once (%s)",
                         ad->max, conf_class_def(ad->ref_class)->name, conf_name_rule);
                break;
        case CONF_T_ADDR_MAP:
                snprintf(buf, len,
                         "up to %.0f %s=IPV4 pairs separated by spaces, each %s and address listed "
                         "once, e.g. \"n1=198.18.0.11 n2=198.18.0.12\"",
                         ad->max, conf_class_def(ad->ref_class)->name,
                         conf_class_def(ad->ref_class)->name);
                break;
        case CONF_T_IP_LIST:
                snprintf(buf, len,
                         "up to %.0f IPv4 addresses in dotted-quad form separated by spaces or "
                         "commas, each listed once, not 0.0.0.0, loopback, multicast or "
                         "broadcast, e.g. \"198.18.0.1 198.18.0.100\"",
                         ad->max);
                break;
        }
}

void conf_attr_describe(conf_class_t cls, int attr, char *buf, size_t len)
{
        const conf_class_def_t *cd = conf_class_def(cls);

        if (!buf || len == 0)
                return;
        buf[0] = '\0';
        if (!cd || attr < 0 || (size_t)attr >= cd->nattrs)
                return;
        describe_allowed(&cd->attrs[attr], buf, len);
}

static size_t longest_item(const char *v)
{
        size_t best = 0, n;

        for (const char *p = v; *p; p += n ? n : 1) {
                n = strcspn(p, " \t,");
                if (n > best)
                        best = n;
        }
        return best;
}

/* Checks and canonicalises an IPV4_LIST value (unicast addresses, each
 * once, at most ad->max); on failure writes the reason into why. */
static bool ipv4_list_valid(const conf_attr_def_t *ad, const char *v, char *why, size_t whylen,
                            char **ret_canon)
{
        char tok[CONF_MAX_TOKEN];
        size_t n = 0, cap = strlen(v) + 1, used = 0;
        _cleanup_free_ char *canon = zalloc(cap);
        struct in_addr seen[CONF_MAX_NETMON_TARGETS];
        const char *p = v;

        if (longest_item(v) >= sizeof(tok) - 1) {
                snprintf(why, whylen, "an item is too long");
                return false;
        }
        while ((p = conf_next_token(p, tok, sizeof(tok)))) {
                char abuf[INET_ADDRSTRLEN];
                struct in_addr a;
                uint32_t h;

                if (!parse_ipv4(tok, &a)) {
                        snprintf(why, whylen, "\"%s\" is not an IPv4 address", tok);
                        return false;
                }
                h = ntohl(a.s_addr);
                if ((h >> 28) >= 0xe || h >> 24 == 127) {
                        snprintf(why, whylen, "%s is not a unicast address outside the host", tok);
                        return false;
                }
                if (n >= (size_t)ad->max || n >= CONF_MAX_NETMON_TARGETS) {
                        snprintf(why, whylen, "more than %.0f addresses", ad->max);
                        return false;
                }
                inet_ntop(AF_INET, &a, abuf, sizeof(abuf));
                for (size_t k = 0; k < n; k++)
                        if (seen[k].s_addr == a.s_addr) {
                                snprintf(why, whylen, "address %s is listed twice", abuf);
                                return false;
                        }
                seen[n++] = a;
                /* a canonical item is never longer than its input item */
                snprintf(canon + used, cap - used, "%s%s", used ? " " : "", abuf);
                used = strlen(canon);
        }
        if (used == 0) {
                snprintf(why, whylen, "the list is empty");
                return false;
        }
        *ret_canon = canon;
        canon = NULL;
        return true;
}

/* Checks and canonicalises a REF_LIST or ADDR_MAP value; on failure writes
 * the reason into why. */
static bool list_valid(const conf_attr_def_t *ad, const char *v, char *why, size_t whylen,
                       char **ret_canon)
{
        const char *cname = conf_class_def(ad->ref_class)->name;
        char tok[CONF_MAX_TOKEN], item[CONF_MAX_TOKEN];
        size_t n = 0, cap = strlen(v) + 1, used = 0;
        _cleanup_free_ char *canon = zalloc(cap);
        const char *p = v;

        if (longest_item(v) >= sizeof(tok) - 1) {
                snprintf(why, whylen, "an item is too long");
                return false;
        }
        while ((p = conf_next_token(p, tok, sizeof(tok)))) {
                char *eq = strchr(tok, '='), abuf[INET_ADDRSTRLEN] = "";
                struct in_addr a;

                if (ad->type == CONF_T_ADDR_MAP) {
                        if (!eq) {
                                snprintf(why, whylen, "\"%s\" is not %s=IPV4", tok, cname);
                                return false;
                        }
                        *eq = '\0';
                        if (!parse_ipv4(eq + 1, &a)) {
                                snprintf(why, whylen, "\"%s\" is not an IPv4 address", eq + 1);
                                return false;
                        }
                        inet_ntop(AF_INET, &a, abuf, sizeof(abuf));
                }
                if (!conf_name_valid(tok)) {
                        snprintf(why, whylen, "\"%s\" is not a valid %s name", tok, cname);
                        return false;
                }
                for (const char *q = canon; (q = conf_next_token(q, item, sizeof(item)));) {
                        char *ieq = strchr(item, '=');

                        if (ieq)
                                *ieq = '\0';
                        if (strcmp(item, tok) == 0) {
                                snprintf(why, whylen, "%s \"%s\" is listed twice", cname, tok);
                                return false;
                        }
                        if (ieq && strcmp(ieq + 1, abuf) == 0) {
                                snprintf(why, whylen, "address %s is listed twice", abuf);
                                return false;
                        }
                }
                if (ad->max > 0 && ++n > (size_t)ad->max) {
                        snprintf(why, whylen, "more than %.0f items", ad->max);
                        return false;
                }
                /* a canonical item is never longer than its input item */
                snprintf(canon + used, cap - used, "%s%s%s%s", used ? " " : "", tok, eq ? "=" : "",
                         abuf);
                used = strlen(canon);
        }
        if (used == 0) {
                snprintf(why, whylen, "the list is empty");
                return false;
        }
        *ret_canon = canon;
        canon = NULL;
        return true;
}

int conf_value_check_obj(conf_class_t cls, const char *objname, int attr, const char *value,
                         char **ret_canon, char *err, size_t errlen)
{
        const conf_class_def_t *cd = conf_class_def(cls);
        const conf_attr_def_t *ad;
        char label[CONF_MAX_NAME + 64], allowed[512], why[256] = "";
        _cleanup_free_ char *v = NULL;
        char *canon = NULL;
        unsigned long long u;
        usec_t us;
        struct in_addr a;
        size_t len;

        if (!cd || attr < 0 || (size_t)attr >= cd->nattrs) {
                conf_errf(err, errlen, "%s: attribute index %d is unknown", cd ? cd->name : "?",
                          attr);
                return -HAMR_E_BAD_ATTR;
        }
        ad = &cd->attrs[attr];
        conf_label(label, sizeof(label), cls, objname);
        describe_allowed(ad, allowed, sizeof(allowed));

        /* trim surrounding blanks */
        if (!value)
                value = "";
        while (isspace((unsigned char)*value))
                value++;
        v = zstrdup(value);
        len = strlen(v);
        while (len > 0 && isspace((unsigned char)v[len - 1]))
                v[--len] = '\0';
        for (size_t i = 0; i < len; i++)
                if (iscntrl((unsigned char)v[i]))
                        goto bad;
        if (len == 0)
                goto bad;

        switch (ad->type) {
        case CONF_T_STRING:
                if (strpbrk(v, "\";"))
                        goto bad;
                canon = zstrdup(v);
                break;
        case CONF_T_NAME:
        case CONF_T_REF:
                if (!conf_name_valid(v))
                        goto bad;
                canon = zstrdup(v);
                break;
        case CONF_T_SECONDS:
                if (!parse_seconds_strict(v, &us))
                        goto bad;
                if (us < (usec_t)(ad->min * 1e6 + 0.5) || us > (usec_t)(ad->max * 1e6 + 0.5)) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is out of range; allowed: %g to %g seconds", label,
                                  ad->name, v, ad->min, ad->max);
                        return -HAMR_E_BAD_VALUE;
                }
                canon = format_seconds(us);
                break;
        case CONF_T_UINT:
                if (!parse_uint_strict(v, &u))
                        goto bad;
                if ((double)u < ad->min || (double)u > ad->max) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is out of range; allowed: %.0f to %.0f", label,
                                  ad->name, v, ad->min, ad->max);
                        return -HAMR_E_BAD_VALUE;
                }
                canon = zalloc(24);
                snprintf(canon, 24, "%llu", u);
                break;
        case CONF_T_IPV4:
                if (!parse_ipv4(v, &a))
                        goto bad;
                canon = zalloc(INET_ADDRSTRLEN);
                inet_ntop(AF_INET, &a, canon, INET_ADDRSTRLEN);
                break;
        case CONF_T_PATH:
                if (!conf_path_valid(v))
                        goto bad;
                canon = zstrdup(v);
                break;
        case CONF_T_ENUM: {
                int e = conf_enum_value(cls, attr, v);

                if (e < 0)
                        goto bad;
                canon = zstrdup(ad->enum_values[e]);
                break;
        }
        case CONF_T_REF_LIST:
        case CONF_T_ADDR_MAP:
                if (!list_valid(ad, v, why, sizeof(why), &canon))
                        goto bad;
                break;
        case CONF_T_IP_LIST:
                if (!ipv4_list_valid(ad, v, why, sizeof(why), &canon))
                        goto bad;
                break;
        }
        *ret_canon = canon;
        return 0;
bad:
        if (why[0])
                conf_errf(err, errlen, "%s: %s=\"%s\" is not allowed (%s); allowed: %s", label,
                          ad->name, v, why, allowed);
        else
                conf_errf(err, errlen, "%s: %s=\"%s\" is not allowed; allowed: %s", label, ad->name,
                          v, allowed);
        return -HAMR_E_BAD_VALUE;
}

int conf_value_check(conf_class_t cls, int attr, const char *value, char **ret_canon, char *err,
                     size_t errlen)
{
        return conf_value_check_obj(cls, NULL, attr, value, ret_canon, err, errlen);
}

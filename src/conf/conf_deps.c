/* conf_deps: the dependency class's rules. One object: its TYPE (implied at
 * add by the attributes given, as PowerHA's clmgr add dependency), the
 * attributes that TYPE uses, a CHILD list without the parent (the schema
 * refuses repeats and more than CONF_MAX_RG_RES), SAME_NODE with 2 groups
 * or more, DIFFERENT_NODES with 2 groups or more, each at one priority.
 * Location dependencies together: one DIFFERENT_NODES, a group in one
 * SAME_NODE at most, no two groups both together and apart. And the
 * compiled view of the dependencies (conf_deps_build).
 * All of them together (checked at add, modify and verify): parent/child
 * chains without cycles and at most CONF_MAX_DEP_LEVELS groups deep. And
 * the name given to a dependency added without one (dep1, dep2, ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "conf/conf_internal.h"

static const char CHAIN_RULE[] =
    "parent/child chains without cycles, at most 3 groups deep (a parent, its child and the "
    "child's child)";

static const char *value_of(const conf_object_t *o, const char *attr)
{
        int a = conf_attr_index(o->cls, attr);

        return a >= 0 ? o->values[a] : NULL;
}

/* TYPE, or its default when unset. */
static const char *type_of(const conf_object_t *o)
{
        int a = conf_attr_index(o->cls, "TYPE");

        return o->values[a] ? o->values[a] : conf_class_def(o->cls)->attrs[a].def;
}

void conf_dep_infer_type(char **values)
{
        conf_class_t D = CONF_CLASS_DEPENDENCY;
        int t = conf_attr_index(D, "TYPE");
        int type = -1;

        if (values[t])
                return;
        if (values[conf_attr_index(D, "PARENT")])
                type = CONF_DEP_PARENT_CHILD;
        else if (values[conf_attr_index(D, "SAME")] || values[conf_attr_index(D, "GROUPS")])
                type = CONF_DEP_SAME_NODE;
        else if (values[conf_attr_index(D, "START")])
                type = CONF_DEP_START_AFTER;
        else if (values[conf_attr_index(D, "STOP")])
                type = CONF_DEP_STOP_AFTER;
        else if (values[conf_attr_index(D, "DIFFERENT")] || values[conf_attr_index(D, "HIGH")] ||
                 values[conf_attr_index(D, "INTERMEDIATE")] || values[conf_attr_index(D, "LOW")])
                type = CONF_DEP_DIFFERENT_NODES;
        if (type >= 0)
                values[t] = zstrdup(conf_enum_name(D, t, type));
}

void conf_dep_default_name(const conf_db_t *db, char *buf, size_t len)
{
        for (unsigned n = 1;; n++) {
                bool taken = false;

                snprintf(buf, len, "dep%u", n);
                for (size_t i = 0; i < db->nobjs && !taken; i++)
                        taken = db->objs[i].cls == CONF_CLASS_DEPENDENCY &&
                                strcmp(db->objs[i].name, buf) == 0;
                if (!taken)
                        return;
        }
}

/* The attributes each TYPE uses (the others must be unset). */
static const struct {
        const char *attr;
        unsigned used; /* bit per conf_dep_type_t */
} ATTRS[] = {
    {"PARENT", 1u << CONF_DEP_PARENT_CHILD},
    {"CHILD", 1u << CONF_DEP_PARENT_CHILD},
    {"SAME", 1u << CONF_DEP_SAME_NODE},
    {"GROUPS", 1u << CONF_DEP_SAME_NODE},
    {"DIFFERENT", 1u << CONF_DEP_DIFFERENT_NODES},
    {"HIGH", 1u << CONF_DEP_DIFFERENT_NODES},
    {"INTERMEDIATE", 1u << CONF_DEP_DIFFERENT_NODES},
    {"LOW", 1u << CONF_DEP_DIFFERENT_NODES},
    {"START", 1u << CONF_DEP_START_AFTER},
    {"STOP", 1u << CONF_DEP_STOP_AFTER},
    {"AFTER", 1u << CONF_DEP_START_AFTER | 1u << CONF_DEP_STOP_AFTER},
};

bool conf_dep_attr_shown(const conf_object_t *o, const char *attr)
{
        const char *type = type_of(o);
        int t = conf_enum_value(o->cls, conf_attr_index(o->cls, "TYPE"), type ? type : "");

        for (size_t k = 0; t >= 0 && k < sizeof(ATTRS) / sizeof(ATTRS[0]); k++)
                if (strcmp(ATTRS[k].attr, attr) == 0)
                        return (ATTRS[k].used & (1u << t)) || value_of(o, attr);
        return true;
}

static const char TYPES_RULE[] = "TYPE=PARENT_CHILD with PARENT and CHILD; SAME_NODE with GROUPS "
                                 "(SAME=NODE); DIFFERENT_NODES with HIGH, INTERMEDIATE and LOW "
                                 "(DIFFERENT=NODES); START_AFTER with START and AFTER; STOP_AFTER "
                                 "with STOP and AFTER";

static const char *const PRIO_ATTRS[] = {"HIGH", "INTERMEDIATE", "LOW"};

static int check_parent_child(const conf_object_t *o, const char *lb, const char *type, char *err,
                              size_t errlen)
{
        const char *parent = value_of(o, "PARENT"), *child = value_of(o, "CHILD");
        char tok[CONF_MAX_TOKEN];

        if (!parent || !child) {
                conf_errf(err, errlen,
                          "%s: TYPE=\"%s\" needs %s; allowed: PARENT=<rg> CHILD=<rg>[,<rg>..]", lb,
                          type, !parent ? "PARENT" : "CHILD");
                return -HAMR_E_MISSING;
        }
        for (const char *p = child; (p = conf_next_token(p, tok, sizeof(tok)));) {
                if (strcmp(tok, parent) == 0) {
                        conf_errf(err, errlen,
                                  "%s: CHILD=\"%s\" names the parent \"%s\"; allowed: groups "
                                  "other than PARENT (%s)",
                                  lb, child, parent, CHAIN_RULE);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}

static int check_different(const conf_object_t *o, const char *lb, char *err, size_t errlen)
{
        char tok[CONF_MAX_TOKEN], other[CONF_MAX_TOKEN];
        size_t n = 0;

        for (unsigned a = 0; a < 3; a++) {
                const char *v = value_of(o, PRIO_ATTRS[a]);

                n += v ? conf_count_tokens(v) : 0;
                for (const char *p = v; p && (p = conf_next_token(p, tok, sizeof(tok)));)
                        for (unsigned b = a + 1; b < 3; b++) {
                                const char *w = value_of(o, PRIO_ATTRS[b]);

                                for (const char *q = w;
                                     q && (q = conf_next_token(q, other, sizeof(other)));)
                                        if (strcmp(tok, other) == 0) {
                                                conf_errf(err, errlen,
                                                          "%s: group \"%s\" is in both %s and "
                                                          "%s; allowed: one priority per group",
                                                          lb, tok, PRIO_ATTRS[a], PRIO_ATTRS[b]);
                                                return -HAMR_E_BAD_VALUE;
                                        }
                        }
        }
        if (n < 2) {
                conf_errf(err, errlen,
                          "%s: TYPE=\"DIFFERENT_NODES\" needs at least 2 groups in HIGH, "
                          "INTERMEDIATE and LOW (%zu given)",
                          lb, n);
                return -HAMR_E_MISSING;
        }
        return 0;
}

static int check_after(const conf_object_t *o, const char *lb, const char *src_attr,
                       const char *type, char *err, size_t errlen)
{
        const char *src = value_of(o, src_attr), *after = value_of(o, "AFTER");
        char tok[CONF_MAX_TOKEN];

        if (!src || !after) {
                conf_errf(err, errlen,
                          "%s: TYPE=\"%s\" needs %s; allowed: %s=<rg>[,<rg>..] AFTER=<rg>", lb,
                          type, !src ? src_attr : "AFTER", src_attr);
                return -HAMR_E_MISSING;
        }
        for (const char *p = src; (p = conf_next_token(p, tok, sizeof(tok)));)
                if (strcmp(tok, after) == 0) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" names the AFTER group \"%s\"; allowed: groups "
                                  "other than AFTER",
                                  lb, src_attr, src, after);
                        return -HAMR_E_BAD_VALUE;
                }
        return 0;
}

int conf_dep_check_object(const conf_object_t *o, const char *lb, char *err, size_t errlen)
{
        const char *type = type_of(o);
        int t = conf_enum_value(o->cls, conf_attr_index(o->cls, "TYPE"), type ? type : "");

        if (t < 0)
                return 0; /* reported by the value check */
        for (size_t k = 0; k < sizeof(ATTRS) / sizeof(ATTRS[0]); k++)
                if (!(ATTRS[k].used & (1u << t)) && value_of(o, ATTRS[k].attr)) {
                        conf_errf(err, errlen,
                                  "%s: %s=\"%s\" is not used with TYPE=\"%s\"; allowed: %s "
                                  "(unset it with %s=\"\")",
                                  lb, ATTRS[k].attr, value_of(o, ATTRS[k].attr), type, TYPES_RULE,
                                  ATTRS[k].attr);
                        return -HAMR_E_BAD_VALUE;
                }
        if (t == CONF_DEP_PARENT_CHILD)
                return check_parent_child(o, lb, type, err, errlen);
        if (t == CONF_DEP_DIFFERENT_NODES)
                return check_different(o, lb, err, errlen);
        if (t == CONF_DEP_START_AFTER || t == CONF_DEP_STOP_AFTER)
                return check_after(o, lb, t == CONF_DEP_START_AFTER ? "START" : "STOP", type, err,
                                   errlen);
        if (!value_of(o, "GROUPS") || conf_count_tokens(value_of(o, "GROUPS")) < 2) {
                conf_errf(err, errlen,
                          "%s: TYPE=\"SAME_NODE\" needs GROUPS with at least 2 groups; allowed: "
                          "SAME=NODE GROUPS=<rg>,<rg>[,..]",
                          lb);
                return -HAMR_E_MISSING;
        }
        return 0;
}

/* ---- location dependencies together ---- */

static bool lists(const char *v, const char *name)
{
        char tok[CONF_MAX_TOKEN];

        for (const char *p = v; p && (p = conf_next_token(p, tok, sizeof(tok)));)
                if (strcmp(tok, name) == 0)
                        return true;
        return false;
}

static int dep_type(const conf_object_t *o)
{
        const char *t = type_of(o);

        return conf_enum_value(o->cls, conf_attr_index(o->cls, "TYPE"), t ? t : "");
}

/* At most one DIFFERENT_NODES dependency; a group in at most one SAME_NODE
 * dependency; two groups kept on one node are not also kept apart. */
static int check_locations(const conf_db_t *db, const char *name, char *err, size_t errlen)
{
        const conf_object_t *diff = NULL;
        char lb[CONF_MAX_NAME + 64], tok[CONF_MAX_TOKEN], other[CONF_MAX_TOKEN];

        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];

                if (o->cls != CONF_CLASS_DEPENDENCY || dep_type(o) != CONF_DEP_DIFFERENT_NODES)
                        continue;
                if (diff) {
                        conf_label(lb, sizeof(lb), CONF_CLASS_DEPENDENCY, name ? name : o->name);
                        conf_errf(err, errlen,
                                  "%s: dependency \"%s\" already is the DIFFERENT_NODES "
                                  "dependency; allowed: one (add the groups to its HIGH, "
                                  "INTERMEDIATE or LOW)",
                                  lb, strcmp(diff->name, name ? name : "") ? diff->name : o->name);
                        return -HAMR_E_BAD_VALUE;
                }
                diff = o;
        }
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const char *groups = value_of(o, "GROUPS");

                if (o->cls != CONF_CLASS_DEPENDENCY || dep_type(o) != CONF_DEP_SAME_NODE)
                        continue;
                conf_label(lb, sizeof(lb), CONF_CLASS_DEPENDENCY, name ? name : o->name);
                for (const char *p = groups; p && (p = conf_next_token(p, tok, sizeof(tok)));) {
                        for (size_t j = i + 1; j < db->nobjs; j++) {
                                const conf_object_t *q = &db->objs[j];

                                if (q->cls == CONF_CLASS_DEPENDENCY &&
                                    dep_type(q) == CONF_DEP_SAME_NODE &&
                                    lists(value_of(q, "GROUPS"), tok)) {
                                        conf_errf(err, errlen,
                                                  "%s: resource_group \"%s\" is in SAME_NODE "
                                                  "dependencies \"%s\" and \"%s\"; allowed: "
                                                  "one (list the groups together in one)",
                                                  lb, tok, o->name, q->name);
                                        return -HAMR_E_BAD_VALUE;
                                }
                        }
                        for (const char *r = p;
                             diff && (r = conf_next_token(r, other, sizeof(other)));) {
                                bool a = false, b = false;

                                for (unsigned k = 0; k < 3; k++) {
                                        a = a || lists(value_of(diff, PRIO_ATTRS[k]), tok);
                                        b = b || lists(value_of(diff, PRIO_ATTRS[k]), other);
                                }
                                if (a && b) {
                                        conf_errf(err, errlen,
                                                  "%s: resource_groups \"%s\" and \"%s\" are "
                                                  "kept on the same node (\"%s\") and on "
                                                  "different nodes (\"%s\"); allowed: one or the "
                                                  "other",
                                                  lb, tok, other, o->name, diff->name);
                                        return -HAMR_E_BAD_VALUE;
                                }
                        }
                }
        }
        return 0;
}

/* ---- chains ---- */

typedef struct graph {
        const conf_db_t *db;
        unsigned n;         /* groups */
        const char **names; /* [n] */
        unsigned nedges;    /* parent -> child */
        int *from, *to;     /* [nedges] group indexes */
        const char **dep;   /* [nedges] the dependency holding the edge */
        int *color;         /* [n] 0 new, 1 on the path, 2 done */
        int *down, *next;   /* [n] longest chain from it (groups), its next group */
        int *path;          /* [n] the current path */
        unsigned npath;
        int cycle_edge; /* the edge closing a cycle, or -1 */
} graph_t;

static int group_index(const graph_t *gr, const char *name)
{
        for (unsigned i = 0; i < gr->n; i++)
                if (strcmp(gr->names[i], name) == 0)
                        return (int)i;
        return -1;
}

/* The edges of one kind of ordering dependency: parent -> child
 * (PARENT_CHILD), or AFTER -> source (START_AFTER, STOP_AFTER). */
static const struct {
        const char *from, *to, *words;
} EDGES[] = {
    [CONF_DEP_PARENT_CHILD] = {"PARENT", "CHILD", "parent/child"},
    [CONF_DEP_START_AFTER] = {"AFTER", "START", "start after"},
    [CONF_DEP_STOP_AFTER] = {"AFTER", "STOP", "stop after"},
};

/* Which dependencies make the edges of a graph, and which way. */
typedef struct spec {
        int kind;      /* conf_dep_type_t with an EDGES row */
        bool reversed; /* edge source -> AFTER / child -> parent */
} spec_t;

static void graph_build(graph_t *gr, const conf_db_t *db, const spec_t *specs, unsigned nspecs)
{
        unsigned max_edges = 0;

        memset(gr, 0, sizeof(*gr));
        gr->db = db;
        gr->cycle_edge = -1;
        gr->names = zcalloc(db->nobjs + 1, sizeof(char *));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];

                if (o->cls == CONF_CLASS_RESOURCE_GROUP)
                        gr->names[gr->n++] = o->name;
                for (unsigned k = 0; k < nspecs && o->cls == CONF_CLASS_DEPENDENCY; k++)
                        if (value_of(o, EDGES[specs[k].kind].to))
                                max_edges += (unsigned)conf_count_tokens(
                                    value_of(o, EDGES[specs[k].kind].to));
        }
        gr->from = zcalloc(max_edges + 1, sizeof(int));
        gr->to = zcalloc(max_edges + 1, sizeof(int));
        gr->dep = zcalloc(max_edges + 1, sizeof(char *));
        gr->color = zcalloc(gr->n + 1, sizeof(int));
        gr->down = zcalloc(gr->n + 1, sizeof(int));
        gr->next = zcalloc(gr->n + 1, sizeof(int));
        gr->path = zcalloc(gr->n + 1, sizeof(int));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const char *type = o->cls == CONF_CLASS_DEPENDENCY ? type_of(o) : NULL;
                int t = type ? conf_enum_value(o->cls, conf_attr_index(o->cls, "TYPE"), type) : -1;

                for (unsigned k = 0; k < nspecs; k++) {
                        const char *child = value_of(o, EDGES[specs[k].kind].to),
                                   *parent = value_of(o, EDGES[specs[k].kind].from);
                        char tok[CONF_MAX_TOKEN];
                        int p;

                        if (t != specs[k].kind || !child || !parent ||
                            (p = group_index(gr, parent)) < 0)
                                continue;
                        for (const char *q = child; (q = conf_next_token(q, tok, sizeof(tok)));) {
                                int c = group_index(gr, tok);

                                if (c < 0 || c == p || gr->nedges >= max_edges)
                                        continue; /* reported by the object's own checks */
                                gr->from[gr->nedges] = specs[k].reversed ? c : p;
                                gr->to[gr->nedges] = specs[k].reversed ? p : c;
                                gr->dep[gr->nedges++] = o->name;
                        }
                }
        }
}

static void graph_free(graph_t *gr)
{
        free(gr->names);
        free(gr->from);
        free(gr->to);
        free(gr->dep);
        free(gr->color);
        free(gr->down);
        free(gr->next);
        free(gr->path);
}

/* Longest chain below g; -1 once a cycle is found (gr->cycle_edge). */
static int visit(graph_t *gr, int g)
{
        gr->color[g] = 1;
        gr->down[g] = 1;
        gr->next[g] = -1;
        gr->path[gr->npath++] = g;
        for (unsigned e = 0; e < gr->nedges; e++) {
                int c = gr->to[e];

                if (gr->from[e] != g)
                        continue;
                if (gr->color[c] == 1) {
                        gr->cycle_edge = (int)e;
                        return -1;
                }
                if (gr->color[c] == 0 && visit(gr, c) < 0)
                        return -1;
                if (gr->down[c] + 1 > gr->down[g]) {
                        gr->down[g] = gr->down[c] + 1;
                        gr->next[g] = c;
                }
        }
        gr->color[g] = 2;
        gr->npath--;
        return 0;
}

static size_t append(char *buf, size_t len, size_t used, const char *s)
{
        int n = snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? " -> " : "", s);

        return n > 0 && used + (size_t)n < len ? used + (size_t)n : used;
}

/* Cycles of one kind of ordering dependency; for parent/child, also
 * chains deeper than CONF_MAX_DEP_LEVELS. */
static int check_chains(const conf_db_t *db, int kind, const char *name, char *err, size_t errlen)
{
        spec_t spec = {.kind = kind};
        graph_t gr;
        char chain[1024] = "", lb[CONF_MAX_NAME + 64];
        size_t used = 0;
        int r = 0;

        graph_build(&gr, db, &spec, 1);
        for (unsigned g = 0; g < gr.n && r == 0; g++) {
                if (gr.color[g] == 0 && visit(&gr, (int)g) < 0) {
                        int e = gr.cycle_edge;
                        unsigned k = 0;

                        while (k < gr.npath && gr.path[k] != gr.to[e])
                                k++;
                        for (; k < gr.npath; k++)
                                used = append(chain, sizeof(chain), used, gr.names[gr.path[k]]);
                        append(chain, sizeof(chain), used, gr.names[gr.to[e]]);
                        conf_label(lb, sizeof(lb), CONF_CLASS_DEPENDENCY, name ? name : gr.dep[e]);
                        if (kind == CONF_DEP_PARENT_CHILD)
                                conf_errf(err, errlen,
                                          "%s: the parent/child cycle %s is not allowed; allowed: "
                                          "%s",
                                          lb, chain, CHAIN_RULE);
                        else
                                conf_errf(err, errlen,
                                          "%s: the %s cycle %s (each group after the one before "
                                          "it) is not allowed; allowed: %s dependencies without "
                                          "cycles",
                                          lb, EDGES[kind].words, chain, EDGES[kind].words);
                        r = -HAMR_E_BAD_VALUE;
                }
        }
        for (unsigned g = 0; g < gr.n && r == 0 && kind == CONF_DEP_PARENT_CHILD; g++) {
                const char *first = NULL;

                if (gr.down[g] <= CONF_MAX_DEP_LEVELS)
                        continue;
                for (int k = (int)g; k >= 0; k = gr.next[k]) {
                        used = append(chain, sizeof(chain), used, gr.names[k]);
                        for (unsigned e = 0; !first && gr.next[k] >= 0 && e < gr.nedges; e++)
                                if (gr.from[e] == k && gr.to[e] == gr.next[k])
                                        first = gr.dep[e];
                }
                conf_label(lb, sizeof(lb), CONF_CLASS_DEPENDENCY, name ? name : first);
                conf_errf(err, errlen,
                          "%s: the parent/child chain %s is %d groups deep; allowed: %s", lb, chain,
                          gr.down[g], CHAIN_RULE);
                r = -HAMR_E_BAD_VALUE;
        }
        graph_free(&gr);
        return r;
}

/* Cycles across kinds: the order groups are acquired in (parent before
 * child, AFTER before a START_AFTER source) and released in (child before
 * parent, AFTER before a STOP_AFTER source): a cycle would wait for ever. */
static int check_orders(const conf_db_t *db, const char *name, char *err, size_t errlen)
{
        static const spec_t acquire[] = {{CONF_DEP_PARENT_CHILD, false},
                                         {CONF_DEP_START_AFTER, false}};
        static const spec_t release[] = {{CONF_DEP_PARENT_CHILD, true},
                                         {CONF_DEP_STOP_AFTER, false}};
        char chain[1024], lb[CONF_MAX_NAME + 64];
        int r = 0;

        for (int o = 0; o < 2 && r == 0; o++) {
                graph_t gr;
                size_t used = 0;

                graph_build(&gr, db, o ? release : acquire, 2);
                chain[0] = '\0';
                for (unsigned g = 0; g < gr.n && r == 0; g++) {
                        if (gr.color[g] == 0 && visit(&gr, (int)g) < 0) {
                                int e = gr.cycle_edge;
                                unsigned k = 0;

                                while (k < gr.npath && gr.path[k] != gr.to[e])
                                        k++;
                                for (; k < gr.npath; k++)
                                        used = append(chain, sizeof(chain), used,
                                                      gr.names[gr.path[k]]);
                                append(chain, sizeof(chain), used, gr.names[gr.to[e]]);
                                conf_label(lb, sizeof(lb), CONF_CLASS_DEPENDENCY,
                                           name ? name : gr.dep[e]);
                                conf_errf(err, errlen,
                                          "%s: the %s order %s (each group before the next, by "
                                          "parent/child and %s dependencies) is a cycle; "
                                          "allowed: dependencies whose orders have no cycle",
                                          lb, o ? "release" : "acquisition", chain,
                                          o ? "stop after" : "start after");
                                r = -HAMR_E_BAD_VALUE;
                        }
                }
                graph_free(&gr);
        }
        return r;
}

int conf_deps_check(const conf_db_t *db, const char *name, char *err, size_t errlen)
{
        int r = check_chains(db, CONF_DEP_PARENT_CHILD, name, err, errlen);

        if (r == 0)
                r = check_chains(db, CONF_DEP_START_AFTER, name, err, errlen);
        if (r == 0)
                r = check_chains(db, CONF_DEP_STOP_AFTER, name, err, errlen);
        if (r == 0)
                r = check_orders(db, name, err, errlen);
        if (r == 0)
                r = conf_concurrent_check_deps(db, name, err, errlen);
        return r < 0 ? r : check_locations(db, name, err, errlen);
}

/* ---- compiled view ---- */

/* Index of group name among the groups (insertion order), or -1. */
static int rg_index(const conf_db_t *db, const char *name)
{
        int k = 0;

        for (size_t i = 0; name && i < db->nobjs; i++) {
                if (db->objs[i].cls != CONF_CLASS_RESOURCE_GROUP)
                        continue;
                if (strcmp(db->objs[i].name, name) == 0)
                        return k;
                k++;
        }
        return -1;
}

/* Appends the groups of a list value to d->groups with priority prio. */
static void dep_groups(const conf_db_t *db, conf_dep_t *d, const char *v, uint8_t prio)
{
        char tok[CONF_MAX_TOKEN];

        for (const char *q = v; q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                int g = rg_index(db, tok);

                if (g >= 0 && d->ngroups < CONF_MAX_DEP_GROUPS) {
                        d->prio[d->ngroups] = prio;
                        d->groups[d->ngroups++] = g;
                }
        }
}

void conf_deps_build(const conf_db_t *db, hamr_config_t *cfg)
{
        size_t n = 0;

        for (size_t i = 0; i < db->nobjs; i++)
                n += db->objs[i].cls == CONF_CLASS_DEPENDENCY;
        cfg->deps = zcalloc(n ? n : 1, sizeof(conf_dep_t));
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                const char *child, *parent, *type;
                char tok[CONF_MAX_TOKEN];
                conf_dep_t *d;
                int t;

                if (o->cls != CONF_CLASS_DEPENDENCY)
                        continue;
                type = type_of(o);
                t = conf_enum_value(o->cls, conf_attr_index(o->cls, "TYPE"), type ? type : "");
                if (t < 0)
                        continue;
                child = value_of(o, "CHILD")   ? value_of(o, "CHILD")
                        : value_of(o, "START") ? value_of(o, "START")
                                               : value_of(o, "STOP");
                parent = value_of(o, "PARENT") ? value_of(o, "PARENT") : value_of(o, "AFTER");
                d = &cfg->deps[cfg->ndeps++];
                snprintf(d->name, sizeof(d->name), "%s", o->name);
                d->type = (conf_dep_type_t)t;
                d->parent = rg_index(db, parent);
                for (const char *q = child; q && (q = conf_next_token(q, tok, sizeof(tok)));) {
                        int c = rg_index(db, tok);

                        if (c >= 0 && d->nchildren < CONF_MAX_RG_RES)
                                d->children[d->nchildren++] = c;
                }
                dep_groups(db, d, value_of(o, "GROUPS"), CONF_DEP_HIGH);
                for (unsigned k = 0; k < 3; k++)
                        dep_groups(db, d, value_of(o, PRIO_ATTRS[k]), (uint8_t)k);
        }
}

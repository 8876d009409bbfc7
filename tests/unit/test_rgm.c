/* test_rgm.c: unit tests of the resource group scheduler (src/rgm): direct
 * cases, a randomised determinism and safety check, and the golden scenario
 * files in tests/scenarios (*.scn) run through the small interpreter below.
 *
 * Scenario format: one directive per line, words separated by blanks, '#'
 * starts a comment, double quotes group words ("waiting for release").
 *   nodes N[:ID]...            node names; ids 0,1,2... unless given
 *   group G nodes=A,B,C [startup=OHN|OFAN|OUDP] [fallover=FNPN] [fallback=NFB|FBHPN]
 *           [sips=N]               (number of service IPs, default 0)
 *   step [label...]            starts a new step; the control state carries
 *                              over from the previous step's output
 *   members N...|-             membership (replaces the previous one)
 *   eligible N...|-            members with cluster services active
 *   netdown N...|-             members whose service network is down
 *   state G|* N=STATE...       reported state (initially OFFLINE everywhere)
 *   ctl G|* [started=0|1] [pol=N|-] [move=N|-] [last=N|-] [admin=auto|offline]
 *   expect G|* [target=N|-] [started=0|1] [last=N|-] [pol=N|-] [move=N|-]
 *              [settled=0|1]
 *              [admin=auto|offline] [why="..."]
 * Inputs persist across steps. The first expect of a step runs the scheduler;
 * inputs may not follow an expect in the same step, and a step with inputs
 * must have an expect. Every run is also checked for safety: the target is an
 * eligible member listed in NODES, and no other member holds the group.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scn_text.h"
#include "rgm/rgm.h"

#define BIT(id)     (UINT64_C(1) << (id))
#define SCN_MAX_RGS 16
#define SCN_ERR_LEN 512

typedef struct scn {
        const char *file;
        unsigned line;
        hamr_config_t cfg;
        conf_node_t nodes[CONF_MAX_NODES];
        conf_rg_t rgs[SCN_MAX_RGS];
        uint64_t members, eligible, net_down;
        uint8_t state[SCN_MAX_RGS * CONF_MAX_NODES];
        rgm_ctl_t ctl[SCN_MAX_RGS];
        rgm_output_t out[SCN_MAX_RGS];
        bool ran;      /* out is valid for the current inputs */
        bool step_in;  /* current step has inputs */
        bool step_exp; /* current step has an expect */
        unsigned nsteps, nexpects;
        char err[SCN_ERR_LEN];
} scn_t;

typedef scn_tokens_t tokens_t;

__attribute__((format(printf, 2, 3))) static int scn_fail(scn_t *s, const char *fmt, ...)
{
        va_list ap;
        int n;

        n = snprintf(s->err, sizeof(s->err), "%s:%u: ", s->file, s->line);
        va_start(ap, fmt);
        vsnprintf(s->err + n, sizeof(s->err) - (size_t)n, fmt, ap);
        va_end(ap);
        return -1;
}

static int tokenize(scn_t *s, const char *line, tokens_t *t)
{
        char msg[128];

        return scn_tokenize(line, t, msg, sizeof(msg)) < 0 ? scn_fail(s, "%s", msg) : 0;
}

/* ---- names ---- */

static int node_id(const scn_t *s, const char *name)
{
        unsigned i;

        for (i = 0; i < s->cfg.nnodes; i++)
                if (strcmp(s->nodes[i].name, name) == 0)
                        return (int)s->nodes[i].id;
        return -1;
}

static const char *node_name(const scn_t *s, uint16_t id)
{
        unsigned i;

        if (id == RGM_NO_NODE)
                return "-";
        for (i = 0; i < s->cfg.nnodes; i++)
                if (s->nodes[i].id == id)
                        return s->nodes[i].name;
        return "?";
}

static int parse_node(scn_t *s, const char *name, uint16_t *ret)
{
        int id;

        if (strcmp(name, "-") == 0) {
                *ret = RGM_NO_NODE;
                return 0;
        }
        id = node_id(s, name);
        if (id < 0)
                return scn_fail(s, "unknown node '%s'", name);
        *ret = (uint16_t)id;
        return 0;
}

static int parse_bool(scn_t *s, const char *v, bool *ret)
{
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
                return scn_fail(s, "expected 0 or 1, got '%s'", v);
        *ret = v[0] == '1';
        return 0;
}

static int parse_admin(scn_t *s, const char *v, uint8_t *ret)
{
        if (strcasecmp(v, "auto") == 0)
                *ret = RGM_ADMIN_AUTO;
        else if (strcasecmp(v, "offline") == 0)
                *ret = RGM_ADMIN_OFFLINE;
        else
                return scn_fail(s, "admin must be auto or offline, got '%s'", v);
        return 0;
}

static const char *admin_str(uint8_t a)
{
        return a == RGM_ADMIN_OFFLINE ? "offline" : "auto";
}

static int parse_state(scn_t *s, const char *v, uint8_t *ret)
{
        unsigned i;

        for (i = 0; i < RG_S_COUNT; i++)
                if (strcasecmp(v, rg_state_str((rg_state_t)i)) == 0) {
                        *ret = (uint8_t)i;
                        return 0;
                }
        return scn_fail(s, "unknown state '%s'", v);
}

/* Group selector: a group name or '*'. Sets [*ret_lo, *ret_hi). */
static int parse_groups(scn_t *s, const char *name, unsigned *ret_lo, unsigned *ret_hi)
{
        unsigned g;

        if (strcmp(name, "*") == 0) {
                *ret_lo = 0;
                *ret_hi = s->cfg.nrgs;
                return 0;
        }
        for (g = 0; g < s->cfg.nrgs; g++)
                if (strcmp(s->rgs[g].name, name) == 0) {
                        *ret_lo = g;
                        *ret_hi = g + 1;
                        return 0;
                }
        return scn_fail(s, "unknown group '%s'", name);
}

/* ---- directives ---- */

static int do_nodes(scn_t *s, tokens_t *t)
{
        unsigned i;

        if (s->cfg.nnodes > 0)
                return scn_fail(s, "nodes given twice");
        for (i = 1; i < t->n; i++) {
                conf_node_t *n = &s->nodes[s->cfg.nnodes];
                char *colon = strchr(t->v[i], ':');
                unsigned long id = s->cfg.nnodes;

                if (s->cfg.nnodes == CONF_MAX_NODES)
                        return scn_fail(s, "too many nodes");
                if (colon) {
                        *colon = '\0';
                        id = strtoul(colon + 1, NULL, 10);
                }
                if (id >= CONF_MAX_NODES || strlen(t->v[i]) > CONF_MAX_NAME ||
                    strcmp(t->v[i], "-") == 0 || strcmp(t->v[i], "*") == 0)
                        return scn_fail(s, "bad node '%s'", t->v[i]);
                if (node_id(s, t->v[i]) >= 0 || strcmp(node_name(s, (uint16_t)id), "?") != 0)
                        return scn_fail(s, "duplicate node '%s' or id %lu", t->v[i], id);
                strcpy(n->name, t->v[i]);
                n->id = (uint32_t)id;
                s->cfg.nnodes++;
        }
        return 0;
}

static int do_group(scn_t *s, tokens_t *t)
{
        conf_rg_t *rg = &s->rgs[s->cfg.nrgs];
        unsigned g, i;

        if (t->n < 2 || strlen(t->v[1]) > CONF_MAX_NAME || strcmp(t->v[1], "*") == 0)
                return scn_fail(s, "group needs a name");
        if (s->cfg.nrgs == SCN_MAX_RGS)
                return scn_fail(s, "too many groups");
        for (g = 0; g < s->cfg.nrgs; g++)
                if (strcmp(s->rgs[g].name, t->v[1]) == 0)
                        return scn_fail(s, "duplicate group '%s'", t->v[1]);
        *rg = (conf_rg_t){
            .startup = RG_STARTUP_OHN, .fallover = RG_FALLOVER_FNPN, .fallback = RG_FALLBACK_NFB};
        strcpy(rg->name, t->v[1]);
        for (i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", t->v[i]);
                if (strcmp(t->v[i], "nodes") == 0) {
                        char *save = NULL, *name;

                        for (name = strtok_r(v, ",", &save); name;
                             name = strtok_r(NULL, ",", &save)) {
                                uint16_t id;

                                if (parse_node(s, name, &id) < 0 || id == RGM_NO_NODE)
                                        return scn_fail(s, "bad node '%s' in group", name);
                                rg->nodes[rg->nnodes++] = id;
                        }
                } else if (strcmp(t->v[i], "startup") == 0) {
                        if (strcmp(v, "OHN") == 0)
                                rg->startup = RG_STARTUP_OHN;
                        else if (strcmp(v, "OFAN") == 0)
                                rg->startup = RG_STARTUP_OFAN;
                        else if (strcmp(v, "OUDP") == 0)
                                rg->startup = RG_STARTUP_OUDP;
                        else
                                return scn_fail(s, "startup must be OHN, OFAN or OUDP");
                } else if (strcmp(t->v[i], "sips") == 0) {
                        rg->nsips = (unsigned)atoi(v);
                } else if (strcmp(t->v[i], "fallover") == 0) {
                        if (strcmp(v, "FNPN") != 0)
                                return scn_fail(s, "fallover must be FNPN");
                } else if (strcmp(t->v[i], "fallback") == 0) {
                        if (strcmp(v, "NFB") == 0)
                                rg->fallback = RG_FALLBACK_NFB;
                        else if (strcmp(v, "FBHPN") == 0)
                                rg->fallback = RG_FALLBACK_FBHPN;
                        else
                                return scn_fail(s, "fallback must be NFB or FBHPN");
                } else {
                        return scn_fail(s, "unknown group key '%s'", t->v[i]);
                }
        }
        if (rg->nnodes == 0)
                return scn_fail(s, "group '%s' has no nodes", rg->name);
        s->ctl[s->cfg.nrgs] = (rgm_ctl_t){.admin = RGM_ADMIN_AUTO,
                                          .pol_node = RGM_NO_NODE,
                                          .move_node = RGM_NO_NODE,
                                          .last_node = RGM_NO_NODE};
        s->cfg.nrgs++;
        return 0;
}

static int do_mask(scn_t *s, tokens_t *t, uint64_t *ret)
{
        uint64_t mask = 0;
        unsigned i;

        for (i = 1; i < t->n; i++) {
                uint16_t id;

                if (strcmp(t->v[i], "-") == 0 && t->n == 2)
                        break;
                if (parse_node(s, t->v[i], &id) < 0 || id == RGM_NO_NODE)
                        return scn_fail(s, "bad node '%s'", t->v[i]);
                mask |= BIT(id);
        }
        *ret = mask;
        return 0;
}

static int do_state(scn_t *s, tokens_t *t)
{
        unsigned lo, hi, g, i;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "state G N=STATE...") : -1;
        for (i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                uint16_t id;
                uint8_t st = 0;

                if (!v || parse_node(s, t->v[i], &id) < 0 || id == RGM_NO_NODE ||
                    parse_state(s, v, &st) < 0)
                        return v ? -1 : scn_fail(s, "expected NODE=STATE");
                for (g = lo; g < hi; g++)
                        s->state[g * CONF_MAX_NODES + id] = st;
        }
        return 0;
}

static int do_ctl(scn_t *s, tokens_t *t)
{
        unsigned lo, hi, g, i;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "ctl G key=value...") : -1;
        for (i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *key = t->v[i];

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", key);
                for (g = lo; g < hi; g++) {
                        int r;

                        if (strcmp(key, "started") == 0)
                                r = parse_bool(s, v, &s->ctl[g].started);
                        else if (strcmp(key, "pol") == 0)
                                r = parse_node(s, v, &s->ctl[g].pol_node);
                        else if (strcmp(key, "move") == 0)
                                r = parse_node(s, v, &s->ctl[g].move_node);
                        else if (strcmp(key, "last") == 0)
                                r = parse_node(s, v, &s->ctl[g].last_node);
                        else if (strcmp(key, "admin") == 0)
                                r = parse_admin(s, v, &s->ctl[g].admin);
                        else
                                r = scn_fail(s, "unknown ctl key '%s'", key);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Safety of one run: targets only eligible listed members, never while
 * another member holds the group. */
static int check_safety(scn_t *s)
{
        unsigned g, i, id;

        for (g = 0; g < s->cfg.nrgs; g++) {
                const rgm_output_t *o = &s->out[g];
                bool listed = false;

                if (!o->why)
                        return scn_fail(s, "%s: no reason given", s->rgs[g].name);
                if (o->target == RGM_NO_NODE)
                        continue;
                for (i = 0; i < s->rgs[g].nnodes; i++)
                        listed |= s->rgs[g].nodes[i] == o->target;
                /* the one exception: a group left running by its node's
                 * unmanage stop stays targeted there (nothing restarts) */
                if (o->target < CONF_MAX_NODES && (s->members & BIT(o->target)) &&
                    s->state[g * CONF_MAX_NODES + o->target] == RG_S_UNMANAGED)
                        continue;
                if (!listed || o->target >= CONF_MAX_NODES ||
                    !(s->members & s->eligible & BIT(o->target)) ||
                    (s->rgs[g].nsips > 0 && (s->net_down & BIT(o->target))))
                        return scn_fail(
                            s, "safety: %s targeted at %s, not an eligible member of its NODES",
                            s->rgs[g].name, node_name(s, o->target));
                for (id = 0; id < CONF_MAX_NODES; id++) {
                        uint8_t st = s->state[g * CONF_MAX_NODES + id];

                        if (id == o->target || !(s->members & BIT(id)))
                                continue;
                        if (st != RG_S_OFFLINE && st != RG_S_UNKNOWN)
                                return scn_fail(s, "safety: %s targeted at %s while %s reports %s",
                                                s->rgs[g].name, node_name(s, o->target),
                                                node_name(s, (uint16_t)id),
                                                rg_state_str((rg_state_t)st));
                }
        }
        return 0;
}

static int run(scn_t *s)
{
        rgm_input_t in = {.cfg = &s->cfg,
                          .members = s->members,
                          .eligible = s->eligible,
                          .net_down = s->net_down,
                          .state = s->state,
                          .ctl = s->ctl};

        rgm_schedule(&in, s->out);
        s->ran = true;
        return check_safety(s);
}

static int mismatch(scn_t *s, unsigned g, const char *key, const char *want, const char *got)
{
        return scn_fail(s, "%s: %s expected %s, got %s (target %s, why \"%s\")", s->rgs[g].name,
                        key, want, got, node_name(s, s->out[g].target), s->out[g].why);
}

static int do_expect(scn_t *s, tokens_t *t)
{
        unsigned lo, hi, g, i;

        if (t->n < 3 || parse_groups(s, t->v[1], &lo, &hi) < 0)
                return t->n < 3 ? scn_fail(s, "expect G key=value...") : -1;
        if (!s->ran && run(s) < 0)
                return -1;
        s->step_exp = true;
        s->nexpects++;
        for (i = 2; i < t->n; i++) {
                char *v = scn_split_kv(t->v[i]);
                const char *key = t->v[i];

                if (!v)
                        return scn_fail(s, "expected key=value, got '%s'", key);
                for (g = lo; g < hi; g++) {
                        const rgm_output_t *o = &s->out[g];
                        const char *got;

                        if (strcmp(key, "target") == 0)
                                got = node_name(s, o->target);
                        else if (strcmp(key, "last") == 0)
                                got = node_name(s, o->ctl.last_node);
                        else if (strcmp(key, "pol") == 0)
                                got = node_name(s, o->ctl.pol_node);
                        else if (strcmp(key, "move") == 0)
                                got = node_name(s, o->ctl.move_node);
                        else if (strcmp(key, "settled") == 0)
                                got = o->settled ? "1" : "0";
                        else if (strcmp(key, "started") == 0)
                                got = o->ctl.started ? "1" : "0";
                        else if (strcmp(key, "admin") == 0)
                                got = admin_str(o->ctl.admin);
                        else if (strcmp(key, "why") == 0)
                                got = o->why;
                        else
                                return scn_fail(s, "unknown expect key '%s'", key);
                        if (strcmp(v, got) != 0)
                                return mismatch(s, g, key, v, got);
                }
        }
        return 0;
}

static int end_step(scn_t *s)
{
        if (s->step_in && !s->step_exp)
                return scn_fail(s, "step has inputs but no expect");
        if (s->step_exp)
                s->nsteps++;
        return 0;
}

static int do_line(scn_t *s, tokens_t *t)
{
        const char *d = t->v[0];
        bool input = strcmp(d, "members") == 0 || strcmp(d, "eligible") == 0 ||
                     strcmp(d, "netdown") == 0 || strcmp(d, "state") == 0 || strcmp(d, "ctl") == 0;

        if (input) {
                if (s->step_exp)
                        return scn_fail(s, "'%s' after expect: start a new step", d);
                s->step_in = true;
                s->ran = false;
        }
        if ((strcmp(d, "nodes") == 0 || strcmp(d, "group") == 0) && (s->step_in || s->step_exp))
                return scn_fail(s, "'%s' must come before any step", d);

        if (strcmp(d, "nodes") == 0)
                return do_nodes(s, t);
        if (strcmp(d, "group") == 0)
                return do_group(s, t);
        if (strcmp(d, "members") == 0)
                return do_mask(s, t, &s->members);
        if (strcmp(d, "eligible") == 0)
                return do_mask(s, t, &s->eligible);
        if (strcmp(d, "netdown") == 0)
                return do_mask(s, t, &s->net_down);
        if (strcmp(d, "state") == 0)
                return do_state(s, t);
        if (strcmp(d, "ctl") == 0)
                return do_ctl(s, t);
        if (strcmp(d, "expect") == 0)
                return do_expect(s, t);
        if (strcmp(d, "step") == 0) {
                unsigned g;

                if (end_step(s) < 0)
                        return -1;
                if (s->ran)
                        for (g = 0; g < s->cfg.nrgs; g++)
                                s->ctl[g] = s->out[g].ctl;
                s->ran = s->step_in = s->step_exp = false;
                return 0;
        }
        return scn_fail(s, "unknown directive '%s'", d);
}

/* Runs one scenario held in text (modified in place). Returns 0, or -1 with
 * s->err naming file and line. s is caller-owned, reset here. */
static int scn_run_text(scn_t *s, const char *file, char *text)
{
        char *line, *next;
        tokens_t t;

        memset(s, 0, sizeof(*s));
        s->file = file;
        s->cfg.nodes = s->nodes;
        s->cfg.rgs = s->rgs;
        for (size_t i = 0; i < sizeof(s->state); i++)
                s->state[i] = RG_S_OFFLINE;

        for (line = text; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                s->line++;
                if (tokenize(s, line, &t) < 0)
                        return -1;
                if (t.n > 0 && do_line(s, &t) < 0)
                        return -1;
        }
        if (end_step(s) < 0)
                return -1;
        if (s->nexpects == 0)
                return scn_fail(s, "no expect in scenario");
        return 0;
}

/* ---- tests: scenarios ---- */

static void test_scenarios(void **state)
{
        const char *root = getenv("HAMR_SOURCE_ROOT");
        struct dirent **ents = NULL;
        char dir[4096];
        unsigned failed = 0, steps = 0, expects = 0;
        int n, i;
        scn_t *s = calloc(1, sizeof(*s));

        (void)state;
        assert_non_null(s);
        snprintf(dir, sizeof(dir), "%s/tests/scenarios", root ? root : "../..");
        n = scandir(dir, &ents, scn_is_scn, alphasort);
        if (n < 0)
                fail_msg("cannot read %s (set HAMR_SOURCE_ROOT)", dir);
        for (i = 0; i < n; i++) {
                char path[4600];
                char *text;

                snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
                text = scn_read_all(path);
                if (!text) {
                        print_error("%s: cannot read\n", path);
                        failed++;
                } else if (scn_run_text(s, ents[i]->d_name, text) < 0) {
                        print_error("FAIL %s\n", s->err);
                        failed++;
                } else {
                        steps += s->nsteps;
                        expects += s->nexpects;
                }
                free(text);
                free(ents[i]);
        }
        free(ents);
        free(s);
        print_message("%d scenarios, %u steps, %u expects, %u failed\n", n, steps, expects, failed);
        assert_int_equal(failed, 0);
        assert_true(n >= 30);
}

/* The interpreter itself must report a wrong expectation with file and line. */
static void test_scenario_reports_mismatch(void **state)
{
        char text[] = "nodes a b\n"
                      "group g nodes=a,b startup=OHN\n"
                      "members a b\n"
                      "eligible a b\n"
                      "expect g target=a why=\"startup on home node\"\n"
                      "step\n"
                      "state g a=ONLINE\n"
                      "expect g target=b   # wrong on purpose\n";
        char bad[] = "nodes a\nbogus\n";
        char noexp[] = "nodes a\ngroup g nodes=a\nmembers a\n";
        scn_t *s = calloc(1, sizeof(*s));

        (void)state;
        assert_non_null(s);
        assert_int_equal(scn_run_text(s, "t.scn", text), -1);
        assert_non_null(strstr(s->err, "t.scn:8: g: target expected b, got a"));
        assert_int_equal(scn_run_text(s, "t.scn", bad), -1);
        assert_non_null(strstr(s->err, "t.scn:2: unknown directive"));
        assert_int_equal(scn_run_text(s, "t.scn", noexp), -1);
        free(s);
}

/* ---- tests: direct ---- */

static void test_state_str(void **state)
{
        static const char *const names[] = {"OFFLINE", "ACQUIRING", "ONLINE",  "RELEASING",
                                            "ERROR",   "UNMANAGED", "UNKNOWN", "INVALID"};
        unsigned i;

        (void)state;
        for (i = 0; i <= RG_S_COUNT; i++)
                assert_string_equal(rg_state_str((rg_state_t)i), names[i]);
        assert_string_equal(rg_state_str((rg_state_t)200), "INVALID");
}

static void test_no_groups(void **state)
{
        hamr_config_t cfg = {0};
        rgm_input_t in = {.cfg = &cfg, .members = 1, .eligible = 1};
        rgm_output_t out[1] = {{.target = 7}};

        (void)state;
        rgm_schedule(&in, out);
        assert_int_equal(out[0].target, 7); /* untouched */
}

/* Out-of-range reports count as no report; ids past CONF_MAX_NODES in NODES
 * are never chosen. */
static void test_garbage_tolerated(void **state)
{
        conf_rg_t rg = {.name = "g",
                        .nnodes = 3,
                        .nodes = {200, 2, 1},
                        .startup = RG_STARTUP_OHN,
                        .fallback = RG_FALLBACK_NFB};
        hamr_config_t cfg = {.rgs = &rg, .nrgs = 1};
        uint8_t st[CONF_MAX_NODES] = {0};
        rgm_ctl_t ctl = {
            .pol_node = 999, .move_node = RGM_NO_NODE, .last_node = RGM_NO_NODE, .started = true};
        rgm_input_t in = {.cfg = &cfg, .members = 0x7, .eligible = 0xff, .state = st, .ctl = &ctl};
        rgm_output_t out;

        (void)state;
        st[1] = 77; /* a member's garbage report may hide a holder: wait */
        rgm_schedule(&in, &out);
        assert_int_equal(out.target, RGM_NO_NODE);
        assert_string_equal(out.why, "waiting for a member's report");
        st[1] = RG_S_OFFLINE;
        rgm_schedule(&in, &out);
        assert_int_equal(out.target, 2);
        assert_string_equal(out.why, "fallover to next priority node");
        ctl.started = false; /* OHN, home id 200 cannot be a node */
        rgm_schedule(&in, &out);
        assert_int_equal(out.target, RGM_NO_NODE);
        assert_string_equal(out.why, "home node not available");
}

static uint64_t rnd_next(uint64_t *x)
{
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        return *x;
}

#define RND_RGS    8
#define RND_ROUNDS 2000

/* Random inputs: the same input twice gives identical output, the input is
 * not modified, each group is decided independently of the others, and
 * every target is safe. */
static void test_determinism(void **state)
{
        static uint8_t st[RND_RGS * CONF_MAX_NODES], st_copy[sizeof(st)];
        conf_rg_t rgs[RND_RGS];
        hamr_config_t cfg = {.rgs = rgs, .nrgs = RND_RGS};
        rgm_ctl_t ctl[RND_RGS], ctl_copy[RND_RGS];
        rgm_output_t a[RND_RGS], b[RND_RGS], one;
        uint64_t x = 0x9e3779b97f4a7c15ULL;
        unsigned r, g, i, id;

        (void)state;
        for (r = 0; r < RND_ROUNDS; r++) {
                unsigned nn = 1 + (unsigned)(rnd_next(&x) % 8); /* nodes 0..nn-1 */
                rgm_input_t in = {.cfg = &cfg, .state = st, .ctl = ctl};

                in.members = rnd_next(&x) & ((UINT64_C(1) << nn) - 1);
                in.eligible = rnd_next(&x) & ((UINT64_C(1) << nn) - 1);
                memset(rgs, 0, sizeof(rgs));
                for (g = 0; g < RND_RGS; g++) {
                        uint64_t used = 0;

                        rgs[g].nnodes = 1 + (unsigned)(rnd_next(&x) % nn);
                        for (i = 0; i < rgs[g].nnodes; i++) {
                                do
                                        id = (unsigned)(rnd_next(&x) % nn);
                                while (used & BIT(id));
                                used |= BIT(id);
                                rgs[g].nodes[i] = id;
                        }
                        rgs[g].startup = rnd_next(&x) & 1 ? RG_STARTUP_OFAN : RG_STARTUP_OHN;
                        rgs[g].fallback = rnd_next(&x) & 1 ? RG_FALLBACK_FBHPN : RG_FALLBACK_NFB;
                        ctl[g].admin = rnd_next(&x) % 4 == 0 ? RGM_ADMIN_OFFLINE : RGM_ADMIN_AUTO;
                        ctl[g].pol_node =
                            rnd_next(&x) % 3 == 0 ? (uint16_t)(rnd_next(&x) % nn) : RGM_NO_NODE;
                        ctl[g].move_node =
                            rnd_next(&x) % 5 == 0 ? (uint16_t)(rnd_next(&x) % nn) : RGM_NO_NODE;
                        ctl[g].last_node = RGM_NO_NODE;
                        ctl[g].started = rnd_next(&x) & 1;
                        for (id = 0; id < CONF_MAX_NODES; id++) {
                                /* mostly OFFLINE, a few of everything */
                                uint64_t v = rnd_next(&x) % 24;

                                st[g * CONF_MAX_NODES + id] =
                                    (uint8_t)(v < RG_S_COUNT + 1 ? v : RG_S_OFFLINE);
                        }
                }
                memcpy(st_copy, st, sizeof(st));
                memcpy(ctl_copy, ctl, sizeof(ctl));
                memset(a, 0xa5, sizeof(a));
                memset(b, 0x5a, sizeof(b));
                rgm_schedule(&in, a);
                rgm_schedule(&in, b);
                assert_memory_equal(st, st_copy, sizeof(st));
                assert_memory_equal(ctl, ctl_copy, sizeof(ctl));
                for (g = 0; g < RND_RGS; g++) {
                        hamr_config_t cfg1 = {.rgs = &rgs[g], .nrgs = 1};
                        rgm_input_t in1 = in;

                        assert_int_equal(a[g].target, b[g].target);
                        assert_ptr_equal(a[g].why, b[g].why);
                        assert_non_null(a[g].why);
                        assert_memory_equal(&a[g].ctl, &b[g].ctl, sizeof(a[g].ctl));
                        in1.cfg = &cfg1;
                        in1.state = &st[g * CONF_MAX_NODES];
                        in1.ctl = &ctl[g];
                        rgm_schedule(&in1, &one);
                        assert_int_equal(one.target, a[g].target);
                        assert_ptr_equal(one.why, a[g].why);
                        if (a[g].target == RGM_NO_NODE)
                                continue;
                        if (st[g * CONF_MAX_NODES + a[g].target] == RG_S_UNMANAGED) {
                                /* left running by an unmanage stop: stays */
                                assert_true(in.members & BIT(a[g].target));
                                continue;
                        }
                        assert_true(in.members & in.eligible & BIT(a[g].target));
                        assert_int_equal(ctl[g].admin, RGM_ADMIN_AUTO);
                        for (id = 0; id < CONF_MAX_NODES; id++) {
                                uint8_t s = st[g * CONF_MAX_NODES + id];

                                if (id != a[g].target && (in.members & BIT(id)))
                                        assert_true(s == RG_S_OFFLINE || s >= RG_S_UNKNOWN);
                        }
                }
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_state_str),
            cmocka_unit_test(test_no_groups),
            cmocka_unit_test(test_garbage_tolerated),
            cmocka_unit_test(test_determinism),
            cmocka_unit_test(test_scenario_reports_mismatch),
            cmocka_unit_test(test_scenarios),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}

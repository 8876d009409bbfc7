/* test_agent_ocf: OCF resource agents (src/agents/agent_ocf*.c,
 * src/conf/conf_ocf.c): the exit-code mapping, meta-data parsing and
 * parameter checks, the schema rules of TYPE=ocf controllers, and runs of
 * Debian's real agents (Dummy) when resource-agents is installed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents/agent_ocf.h"
#include "common/hamr_error.h"
#include "conf/conf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- exit codes, as Pacemaker maps them ---- */

static void test_exit_code_mapping(void **state)
{
        char buf[96];

        assert_int_equal(agent_ocf_map("start", 0), AGENT_OCF_OK);
        assert_int_equal(agent_ocf_map("start", 1), AGENT_OCF_FAILED);
        assert_int_equal(agent_ocf_map("start", 7), AGENT_OCF_FAILED);
        /* stop: already stopped is success */
        assert_int_equal(agent_ocf_map("stop", 7), AGENT_OCF_OK);
        assert_int_equal(agent_ocf_map("stop", 1), AGENT_OCF_FAILED);
        /* monitor: 7 cleanly stopped, 8 running (promoted), 9 failed */
        assert_int_equal(agent_ocf_map("monitor", 0), AGENT_OCF_OK);
        assert_int_equal(agent_ocf_map("monitor", 7), AGENT_OCF_STOPPED);
        assert_int_equal(agent_ocf_map("monitor", 8), AGENT_OCF_OK);
        assert_int_equal(agent_ocf_map("monitor", 9), AGENT_OCF_FAILED);
        assert_int_equal(agent_ocf_map("monitor", 1), AGENT_OCF_FAILED);
        /* hard errors: invalid args, unimplemented, privileges, not installed,
         * not configured */
        for (int rc = 2; rc <= 6; rc++) {
                assert_int_equal(agent_ocf_map("start", rc), AGENT_OCF_HARD);
                assert_int_equal(agent_ocf_map("monitor", rc), AGENT_OCF_HARD);
                assert_int_equal(agent_ocf_map("stop", rc), AGENT_OCF_HARD);
        }
        /* killed, timed out, unknown codes */
        assert_int_equal(agent_ocf_map("start", -1), AGENT_OCF_FAILED);
        assert_int_equal(agent_ocf_map("monitor", 42), AGENT_OCF_FAILED);
        assert_string_equal(agent_ocf_rc_text(7, buf, sizeof(buf)),
                            "7, OCF_NOT_RUNNING (not running)");
        assert_string_equal(agent_ocf_rc_text(5, buf, sizeof(buf)),
                            "5, OCF_ERR_INSTALLED (not installed on this node)");
        assert_string_equal(agent_ocf_rc_text(42, buf, sizeof(buf)), "42");
}

/* ---- meta-data ---- */

static const char META[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
    "<resource-agent name=\"Thing\" version=\"1.0\">\n"
    "<version>1.0</version>\n"
    "<longdesc lang=\"en\">x</longdesc><shortdesc lang=\"en\">x</shortdesc>\n"
    "<parameters>\n"
    "<parameter name=\"device\" required=\"1\"><content type=\"string\"/></parameter>\n"
    "<parameter name=\"directory\" required=\"1\" unique=\"1\">"
    "<content type=\"string\" default=\"\"/></parameter>\n"
    "<parameter name=\"count\"><content type=\"integer\" default=\"3\"/></parameter>\n"
    "<parameter name=\"force\"><content type=\"boolean\" default=\"false\"/></parameter>\n"
    "<parameter name=\"options\"><content type=\"string\"/></parameter>\n"
    "</parameters>\n"
    "<actions><action name=\"start\" timeout=\"20s\"/><action name=\"stop\" timeout=\"20s\"/>"
    "<action name=\"monitor\" timeout=\"20s\" interval=\"10s\"/>"
    "<action name=\"meta-data\" timeout=\"5s\"/><action name=\"validate-all\" "
    "timeout=\"20s\"/></actions>\n"
    "</resource-agent>\n";

static void test_meta_parse(void **state)
{
        agent_ocf_meta_t *m = NULL;
        char err[512];

        assert_int_equal(agent_ocf_meta_parse(META, strlen(META), &m, err, sizeof(err)), 0);
        assert_string_equal(m->name, "Thing");
        assert_int_equal(m->nparams, 5);
        assert_string_equal(m->params[0].name, "device");
        assert_true(m->params[0].required);
        assert_false(m->params[0].unique);
        assert_true(m->params[1].unique);
        assert_string_equal(m->params[2].content_type, "integer");
        assert_string_equal(m->params[2].def, "3");
        assert_null(m->params[4].def);
        assert_int_equal(m->nactions, 5);
        assert_true(agent_ocf_meta_has_action(m, "validate-all"));
        assert_false(agent_ocf_meta_has_action(m, "promote"));
        agent_ocf_meta_free(m);
}

static void test_meta_bad(void **state)
{
        agent_ocf_meta_t *m = NULL;
        char err[512];
        static const char broken[] = "<resource-agent name=\"x\"><parameters>";
        static const char other[] = "<?xml version=\"1.0\"?><html><body/></html>";
        /* an external entity is never fetched nor expanded */
        static const char ent[] = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM "
                                  "\"file:///etc/passwd\">]><resource-agent name=\"&e;\"/>";

        assert_int_equal(agent_ocf_meta_parse(broken, strlen(broken), &m, err, sizeof(err)),
                         -EINVAL);
        assert_non_null(strstr(err, "its meta-data is not well-formed XML"));
        assert_int_equal(agent_ocf_meta_parse(other, strlen(other), &m, err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "not an OCF resource-agent document (root element \"html\")"));
        assert_int_equal(agent_ocf_meta_parse("", 0, &m, err, sizeof(err)), -EINVAL);
        if (agent_ocf_meta_parse(ent, strlen(ent), &m, err, sizeof(err)) == 0) {
                assert_null(strstr(m->name ? m->name : "", "root:"));
                agent_ocf_meta_free(m);
        }
}

static void test_params_check(void **state)
{
        agent_ocf_meta_t *m = NULL;
        char err[1024];
        const char *lb = "application_controller \"fs1\"";

        assert_int_equal(agent_ocf_meta_parse(META, strlen(META), &m, err, sizeof(err)), 0);
        {
                const char *n[] = {"device", "directory", "count", "force"};
                const char *v[] = {"/dev/x", "/mnt/x", "12", "yes"};
                assert_int_equal(
                    agent_ocf_params_check(m, "ocf:x:Thing", lb, n, v, N(n), err, sizeof(err)), 0);
        }
        {
                const char *n[] = {"device", "directory", "colour"};
                const char *v[] = {"/dev/x", "/mnt/x", "red"};
                assert_int_equal(
                    agent_ocf_params_check(m, "ocf:x:Thing", lb, n, v, N(n), err, sizeof(err)),
                    -EINVAL);
                assert_string_equal(err, "application_controller \"fs1\": PARAMETERS: ocf:x:Thing "
                                         "has no parameter \"colour\"; allowed: its parameters "
                                         "device, directory, count, force, options");
        }
        {
                const char *n[] = {"device"};
                const char *v[] = {"/dev/x"};
                assert_int_equal(
                    agent_ocf_params_check(m, "ocf:x:Thing", lb, n, v, N(n), err, sizeof(err)),
                    -EINVAL);
                assert_string_equal(err, "application_controller \"fs1\": PARAMETERS: ocf:x:Thing "
                                         "requires parameter \"directory\"; allowed: PARAMETERS "
                                         "with each of its required parameters (device, "
                                         "directory)");
        }
        {
                const char *n[] = {"device", "directory", "count"};
                const char *v[] = {"/dev/x", "/mnt/x", "many"};
                assert_int_equal(
                    agent_ocf_params_check(m, "ocf:x:Thing", lb, n, v, N(n), err, sizeof(err)),
                    -EINVAL);
                assert_non_null(strstr(err, "count=\"many\" is not allowed; allowed: an integer"));
        }
        {
                const char *n[] = {"device", "directory", "force"};
                const char *v[] = {"/dev/x", "/mnt/x", "maybe"};
                assert_int_equal(
                    agent_ocf_params_check(m, "ocf:x:Thing", lb, n, v, N(n), err, sizeof(err)),
                    -EINVAL);
                assert_non_null(strstr(err, "force=\"maybe\" is not allowed; allowed: true or"));
        }
        agent_ocf_meta_free(m);
}

/* ---- the schema's rules (conf_ocf.c) ---- */

#define KV(...)                                                                                    \
        ((const conf_kv_t[]){__VA_ARGS__}), (sizeof((conf_kv_t[]){__VA_ARGS__}) / sizeof(conf_kv_t))
#define AC CONF_CLASS_APPLICATION_CONTROLLER

static void test_conf_rules(void **state)
{
        conf_db_t *db = conf_db_new();
        char err[CONF_ERR_LEN], prov[64], type[64], name[64], value[256];
        const char *p;

        assert_int_equal(conf_db_add(db, AC, "d1",
                                     KV({"TYPE", "ocf"}, {"AGENT", "ocf:heartbeat:Dummy"},
                                        {"PARAMETERS", "state=/run/d1.state  fake=x"}),
                                     err, sizeof(err)),
                         0);
        /* scripts still work, TYPE defaults to script */
        assert_int_equal(conf_db_add(db, AC, "s1", KV({"STARTSCRIPT", "/a"}, {"STOPSCRIPT", "/b"}),
                                     err, sizeof(err)),
                         0);
        assert_int_equal(conf_db_add(db, AC, "s2", KV({"STARTSCRIPT", "/a"}), err, sizeof(err)),
                         -HAMR_E_MISSING);
        assert_string_equal(err, "application_controller \"s2\": required attribute missing: "
                                 "STOPSCRIPT; allowed: TYPE=script (the default) needs "
                                 "STARTSCRIPT and STOPSCRIPT, TYPE=ocf needs AGENT");
        assert_int_equal(conf_db_add(db, AC, "o1", KV({"TYPE", "ocf"}), err, sizeof(err)),
                         -HAMR_E_MISSING);
        assert_non_null(strstr(err, "required attribute missing: AGENT"));
        assert_int_equal(
            conf_db_add(db, AC, "o2", KV({"TYPE", "ocf"}, {"AGENT", "lsb:foo"}), err, sizeof(err)),
            -HAMR_E_BAD_VALUE);
        assert_non_null(
            strstr(err, "AGENT=\"lsb:foo\" is not allowed; allowed: ocf:PROVIDER:TYPE"));
        assert_int_equal(conf_db_add(db, AC, "o3", KV({"TYPE", "ocf"}, {"AGENT", "ocf:../x:Dummy"}),
                                     err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_int_equal(conf_db_add(db, AC, "o4",
                                     KV({"TYPE", "ocf"}, {"AGENT", "ocf:heartbeat:Dummy"},
                                        {"STARTSCRIPT", "/a"}),
                                     err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "STARTSCRIPT=\"/a\" is not used with TYPE=ocf"));
        assert_int_equal(conf_db_add(db, AC, "o5",
                                     KV({"TYPE", "ocf"}, {"AGENT", "ocf:heartbeat:Dummy"},
                                        {"PARAMETERS", "a=1 a=2"}),
                                     err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "parameter \"a\" is given twice"));
        assert_int_equal(conf_db_add(db, AC, "o6",
                                     KV({"TYPE", "ocf"}, {"AGENT", "ocf:heartbeat:Dummy"},
                                        {"PARAMETERS", "novalue"}),
                                     err, sizeof(err)),
                         -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "item \"novalue\" is not allowed"));
        assert_int_equal(
            conf_db_add(db, AC, "o7",
                        KV({"STARTSCRIPT", "/a"}, {"STOPSCRIPT", "/b"}, {"PARAMETERS", "a=1"}), err,
                        sizeof(err)),
            -HAMR_E_BAD_VALUE);
        assert_non_null(strstr(err, "PARAMETERS=\"a=1\" is not used with TYPE=script"));
        /* nothing of the refused ones staged */
        assert_null(conf_db_find(db, AC, "o4"));
        assert_null(conf_db_find(db, AC, "s2"));

        assert_int_equal(
            conf_ocf_agent_split("ocf:heartbeat:Dummy", prov, sizeof(prov), type, sizeof(type)), 0);
        assert_string_equal(prov, "heartbeat");
        assert_string_equal(type, "Dummy");
        assert_int_equal(
            conf_ocf_agent_split("ocf:heartbeat", prov, sizeof(prov), type, sizeof(type)), -EINVAL);
        p = conf_ocf_param_next(" state=/run/d1.state  fake=x=y ", name, sizeof(name), value,
                                sizeof(value));
        assert_string_equal(name, "state");
        assert_string_equal(value, "/run/d1.state");
        p = conf_ocf_param_next(p, name, sizeof(name), value, sizeof(value));
        assert_string_equal(name, "fake");
        assert_string_equal(value, "x=y");
        assert_null(conf_ocf_param_next(p, name, sizeof(name), value, sizeof(value)));
        conf_db_free(db);
}

/* ---- Debian's real agents ---- */

static bool have_agents(void)
{
        if (access(AGENT_OCF_ROOT "/resource.d/heartbeat/Dummy", X_OK) == 0)
                return true;
        fprintf(stderr, "resource-agents not installed: skipping the real agents' runs\n");
        return false;
}

static void test_real_dummy(void **state)
{
        char dir[] = "/tmp/hamr-ocf-XXXXXX", env1[128], reason[256], err[1024], file[160];
        const char *env[] = {env1, NULL};
        agent_ocf_spec_t spec = {.agent = "ocf:heartbeat:Dummy",
                                 .provider = "heartbeat",
                                 .type = "Dummy",
                                 .instance = "t1",
                                 .env = env};
        agent_ocf_meta_t *m = NULL;
        char *out = NULL;
        int code;

        if (!have_agents())
                return;
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/t1.state", dir);
        snprintf(env1, sizeof(env1), "OCF_RESKEY_state=%s", file);
        assert_int_equal(agent_ocf_run_sync(&spec, "meta-data", AGENT_OCF_META_TIMEOUT_USEC, &code,
                                            &out, reason, sizeof(reason)),
                         0);
        assert_int_equal(code, 0);
        assert_int_equal(agent_ocf_meta_parse(out, strlen(out), &m, err, sizeof(err)), 0);
        free(out);
        assert_string_equal(m->name, "Dummy");
        {
                const char *n[] = {"state", "fake"}, *v[] = {file, "x"};
                assert_int_equal(
                    agent_ocf_params_check(m, spec.agent, "t1", n, v, 2, err, sizeof(err)), 0);
        }
        agent_ocf_meta_free(m);
        /* monitor: not running (7); start; monitor: running (0); stop; stop again: 7 -> ok */
        assert_int_equal(agent_ocf_run_sync(&spec, "monitor", 20 * USEC_PER_SEC, &code, NULL,
                                            reason, sizeof(reason)),
                         0);
        assert_int_equal(code, 7);
        assert_int_equal(agent_ocf_run_sync(&spec, "start", 20 * USEC_PER_SEC, &code, NULL, reason,
                                            sizeof(reason)),
                         0);
        assert_int_equal(code, 0);
        assert_int_equal(access(file, F_OK), 0);
        assert_int_equal(agent_ocf_run_sync(&spec, "monitor", 20 * USEC_PER_SEC, &code, NULL,
                                            reason, sizeof(reason)),
                         0);
        assert_int_equal(code, 0);
        assert_int_equal(agent_ocf_run_sync(&spec, "stop", 20 * USEC_PER_SEC, &code, NULL, reason,
                                            sizeof(reason)),
                         0);
        assert_int_equal(code, 0);
        assert_int_not_equal(access(file, F_OK), 0);
        assert_int_equal(agent_ocf_run_sync(&spec, "validate-all", 20 * USEC_PER_SEC, &code, NULL,
                                            reason, sizeof(reason)),
                         0);
        assert_int_equal(code, 0);
        /* a state directory that does not exist: validate-all says invalid args */
        snprintf(env1, sizeof(env1), "OCF_RESKEY_state=%s/no/such/dir/t1.state", dir);
        assert_int_equal(agent_ocf_run_sync(&spec, "validate-all", 20 * USEC_PER_SEC, &code, NULL,
                                            reason, sizeof(reason)),
                         0);
        assert_int_equal(agent_ocf_map("validate-all", code), AGENT_OCF_HARD);
        /* an agent that is not there */
        spec.type = "NoSuchAgent";
        assert_int_equal(agent_ocf_run_sync(&spec, "meta-data", AGENT_OCF_META_TIMEOUT_USEC, &code,
                                            &out, reason, sizeof(reason)),
                         -ENOENT);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_exit_code_mapping), cmocka_unit_test(test_meta_parse),
            cmocka_unit_test(test_meta_bad),          cmocka_unit_test(test_params_check),
            cmocka_unit_test(test_conf_rules),        cmocka_unit_test(test_real_dummy),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

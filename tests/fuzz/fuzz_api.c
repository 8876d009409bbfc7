/* fuzz_api: a control request as hamrd receives it from a local client:
 * the connection's framing (api_frame_feed, fed in chunks), the JSON step
 * (api_request_parse), then the daemon's field access for configuration
 * edits ("op", "class", "name", "attrs" as hamrd's config handler reads
 * them) applied to an object store with conf_db_add/modify/delete, and
 * "query" as conf_object_to_json.
 *
 * data[0] sets the chunk size (1 + data[0] % 64, or everything at once when
 * data[0] is 0; 255: the rest is sent over and over, up to past the request
 * limit); the rest is the byte stream of the connection. Checked:
 * framing stops at the first newline and never exceeds the request limit;
 * an edit that fails leaves the store as it was; an edit that succeeds
 * leaves a store whose text (what is written to the repository) parses back
 * to the same text. Any disagreement aborts. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "api/api.h"
#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define MAX_KV 64 /* as hamrd */

static const char base_text[] = "# hamr configuration generation 3\n"
                                "[cluster demo]\n"
                                "REPOSITORY = /var/lib/hamr/repo\n"
                                "[node n1]\nCOMMPATH = 198.18.0.11\n"
                                "[node n2]\nCOMMPATH = 198.18.0.12\n"
                                "[network lan]\nPREFIX = 24\n"
                                "INTERFACES = n1=198.18.0.11 n2=198.18.0.12\n"
                                "[service_ip svc1]\nADDRESS = 198.18.0.100\nNETWORK = lan\n"
                                "[application_controller app1]\n"
                                "STARTSCRIPT = /opt/app/start\nSTOPSCRIPT = /opt/app/stop\n"
                                "[resource_group app_rg]\nNODES = n1 n2\n"
                                "SERVICE_LABEL = svc1\nAPPLICATIONS = app1\n";

/* hamrd's kv_from_json: an object of at most MAX_KV string values. */
static int kv_from_json(json_t *attrs, conf_kv_t *kv, size_t *ret_n)
{
        const char *k;
        json_t *v;
        size_t n = 0;

        if (attrs && !json_is_object(attrs))
                return -EINVAL;
        json_object_foreach(attrs, k, v)
        {
                if (n >= MAX_KV || !json_is_string(v))
                        return -EINVAL;
                kv[n].key = k;
                kv[n].value = json_string_value(v);
                n++;
        }
        *ret_n = n;
        return 0;
}

static void edit(json_t *req, const char *op)
{
        static conf_db_t *base;
        const char *cname = json_string_value(json_object_get(req, "class"));
        const char *name = json_string_value(json_object_get(req, "name"));
        char err[CONF_ERR_LEN], *before, *after, *again;
        conf_kv_t kv[MAX_KV];
        conf_db_t *db, *db2 = NULL;
        conf_class_t cls;
        size_t nkv = 0;
        int r;

        if (!base)
                CHECK(conf_db_parse(base_text, &base, err, sizeof(err)) == 0);
        if (conf_class_lookup(cname ? cname : "", &cls) < 0)
                return;
        if (kv_from_json(json_object_get(req, "attrs"), kv, &nkv) < 0)
                return;
        db = conf_db_dup(base);
        before = conf_db_format(db);
        err[0] = '\0';
        if (!strcmp(op, "add"))
                r = conf_db_add(db, cls, name, kv, nkv, err, sizeof(err));
        else if (!strcmp(op, "modify"))
                r = conf_db_modify(db, cls, name, kv, nkv, err, sizeof(err));
        else if (!strcmp(op, "delete"))
                r = conf_db_delete(db, cls, name, err, sizeof(err));
        else {
                const conf_object_t *o = conf_db_find(db, cls, name ? name : "");
                json_t *j = o ? conf_object_to_json(o) : NULL;
                CHECK(!o || j);
                json_decref(j);
                r = 0;
        }
        after = conf_db_format(db);
        CHECK(before && after);
        if (r < 0) {
                CHECK(err[0] != '\0');
                CHECK(strcmp(before, after) == 0);
        } else {
                r = conf_db_parse(after, &db2, err, sizeof(err));
                if (r < 0) {
                        fprintf(stderr, "text after %s does not parse: %s\n%s", op, err, after);
                        abort();
                }
                again = conf_db_format(db2);
                CHECK(again && strcmp(after, again) == 0);
                (void)conf_db_verify(db2, err, sizeof(err));
                free(again);
                conf_db_free(db2);
        }
        free(before);
        free(after);
        conf_db_free(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = NULL;
        size_t len = 0, chunk, pos = 1;
        json_t *req = NULL;
        const char *op;
        int r = 0;

        if (size < 1)
                return 0;
        chunk = data[0] ? 1u + data[0] % 64u : size;
        if (data[0] == 255 && size > 1) {
                static char flood[64 * 1024];

                for (size_t i = 0; i < sizeof(flood); i++)
                        flood[i] = (char)data[1 + i % (size - 1)];
                for (size_t sent = 0; r == 0 && sent <= API_MAX_REQUEST; sent += sizeof(flood))
                        r = api_frame_feed(&buf, &len, flood, sizeof(flood));
                CHECK(r != 0);
                pos = size;
        }
        while (pos < size) {
                size_t n = size - pos < chunk ? size - pos : chunk;

                r = api_frame_feed(&buf, &len, data + pos, n);
                pos += n;
                if (r != 0)
                        break;
        }
        CHECK(len <= API_MAX_REQUEST);
        if (r <= 0) {
                CHECK(r == 0 || r == -EMSGSIZE);
                CHECK(r < 0 || !buf || !memchr(buf, '\n', len));
                free(buf);
                return 0;
        }
        CHECK(buf && strlen(buf) < len && !memchr(buf, '\n', strlen(buf)));
        if (api_request_parse(buf, &req) == 0) {
                CHECK(json_is_object(req));
                op = json_string_value(json_object_get(req, "op"));
                if (op && (!strcmp(op, "add") || !strcmp(op, "modify") || !strcmp(op, "delete") ||
                           !strcmp(op, "query")))
                        edit(req, op);
                json_decref(req);
        }
        free(buf);
        return 0;
}

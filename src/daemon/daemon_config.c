/* daemon_config: the configuration on the repository: load and apply the
 * active generation, staged edits (add/modify/delete), sync (verify and
 * commit a new generation) and query. Staged edits live on the repository
 * too, so that a command typed on any node edits the one cluster-wide copy. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_ops.h"

static int open_repo(hamrd_t *d)
{
        if (d->repo)
                return 0;
        return repo_open(d->repo_path, &d->repo);
}

/* The copy this node applied, kept in its state directory (written to a
 * temporary file, fsync'd and renamed, so it is never torn). */
static void cache_write(hamrd_t *d, const char *text)
{
        char path[4200], tmp[4300];
        FILE *f;

        snprintf(path, sizeof(path), "%s/applied.conf", d->state_dir);
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        f = fopen(tmp, "we");
        if (!f)
                goto fail;
        if (fputs(text, f) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
                fclose(f);
                goto fail;
        }
        if (fclose(f) != 0 || rename(tmp, path) != 0)
                goto fail;
        return;
fail:
        log_warn("daemon", "cannot write the applied configuration cache %s: %s", path,
                 strerror(errno));
}

static char *cache_read(hamrd_t *d)
{
        char path[4200];
        FILE *f;
        char *text = NULL;
        size_t cap = 0;
        ssize_t n;

        snprintf(path, sizeof(path), "%s/applied.conf", d->state_dir);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        n = getdelim(&text, &cap, '\0', f);
        fclose(f);
        if (n <= 0) {
                free(text);
                return NULL;
        }
        return text;
}

static int apply_text(hamrd_t *d, const char *text, uint64_t gen, char *err, size_t errlen)
{
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;
        int r = conf_db_parse(text, &db, err, errlen);

        if (r == 0) {
                db->generation = gen;
                r = conf_compile(db, &cfg, err, errlen);
        }
        if (r < 0) {
                conf_db_free(db);
                return r;
        }
        cfg->generation = gen;
        /* The old compiled config stays alive until everything points at the new one. */
        hamr_config_t *old = d->cfg;
        conf_db_free(d->db);
        d->db = db;
        d->cfg = cfg;
        hamrd_apply_config(d);
        hamr_config_free(old);
        return 0;
}

/* At start-up only: the repository cannot be read, but this node applied a
 * configuration before. Use it so that the node can still take part (over
 * the network) until the repository is back. */
static int load_cached(hamrd_t *d, char *err, size_t errlen)
{
        _cleanup_free_ char *text = cache_read(d);
        conf_db_t *db = NULL;
        uint64_t gen;
        int r;

        if (!text)
                return -ENOENT;
        r = conf_db_parse(text, &db, err, errlen);
        if (r < 0)
                return r;
        gen = db->generation;
        conf_db_free(db);
        log_warn("daemon", "repository %s unreadable: using the cached configuration generation %llu",
                 d->repo_path, (unsigned long long)gen);
        return apply_text(d, text, gen, err, errlen);
}

int hamrd_config_load(hamrd_t *d, char *err, size_t errlen)
{
        _cleanup_free_ char *text = NULL;
        uint64_t gen;
        int r;

        err[0] = '\0';
        r = open_repo(d);
        if (r < 0) {
                snprintf(err, errlen, "repository %s: %s", d->repo_path, strerror(-r));
                if (!d->cfg && load_cached(d, err, errlen) == 0)
                        return 0;
                return r;
        }
        if (!d->cfg) /* keep polling the repository for a first generation */
                topo_disk_config(d->topo, d->repo, 0, 0, 200 * USEC_PER_MSEC);
        r = repo_config_read(d->repo, &gen, &text);
        if (r < 0) {
                snprintf(err, errlen, "no configuration on the repository yet");
                return r;
        }
        if (d->cfg && gen <= d->cfg->generation)
                return 0;
        r = apply_text(d, text, gen, err, errlen);
        if (r == 0)
                cache_write(d, text);
        return r;
}

/* Under the repository lock: apply any generation another node committed
 * that our disk poll has not brought in yet, so edits and syncs build on
 * the newest one. */
static void catch_up(hamrd_t *d)
{
        char err[CONF_ERR_LEN];

        if (hamrd_config_load(d, err, sizeof(err)) < 0 && err[0])
                log_debug("daemon", "catch up: %s", err);
}

/* The configuration being edited: staged edits if any are based on the
 * active generation, else a copy of the active one, else empty. */
static conf_db_t *editable_db(hamrd_t *d, bool *ret_staged)
{
        _cleanup_free_ char *text = NULL;
        uint64_t base = 0;
        conf_db_t *db = NULL;
        char err[CONF_ERR_LEN];
        uint64_t active = d->cfg ? d->cfg->generation : 0;

        *ret_staged = false;
        if (d->repo && repo_staged_read(d->repo, &base, &text) == 0 && base == active &&
            conf_db_parse(text, &db, err, sizeof(err)) == 0) {
                *ret_staged = true;
                db->generation = base;
                return db;
        }
        if (d->db) {
                db = conf_db_dup(d->db);
                db->generation = active;
                return db;
        }
        db = conf_db_new();
        db->generation = 0;
        return db;
}

static void reply_rc(hamrd_t *d, uint32_t conn, int r, const char *err)
{
        if (r == 0)
                api_reply(d->api, conn, json_pack("{s:b}", "ok", 1));
        else
                api_reply_error(d->api, conn, hamr_error_to_clmgr_rc(r),
                                err && *err ? err : hamr_strerror(r));
}

/* Class name as typed -> class; on error replies to conn. */
static int resolve_class(hamrd_t *d, uint32_t conn, const char *cname, conf_class_t *ret_cls)
{
        char err[CONF_ERR_LEN];
        int r = conf_class_lookup(cname ? cname : "", ret_cls);

        if (r < 0) {
                snprintf(err, sizeof(err),
                         "class \"%s\" is unknown; known: cluster, node, network, service_ip, application_controller, resource_group",
                         cname ? cname : "");
                reply_rc(d, conn, r, err);
        }
        return r;
}

static int kv_from_json(json_t *attrs, conf_kv_t *kv, size_t cap, size_t *ret_n)
{
        const char *k;
        json_t *v;
        size_t n = 0;

        if (attrs && !json_is_object(attrs))
                return -HAMR_E_BAD_VALUE;
        json_object_foreach(attrs, k, v) {
                if (n >= cap || !json_is_string(v))
                        return -HAMR_E_BAD_VALUE;
                kv[n].key = k;
                kv[n].value = json_string_value(v);
                n++;
        }
        *ret_n = n;
        return 0;
}

static int check_repository_attr(hamrd_t *d, conf_class_t cls, const conf_kv_t *kv, size_t n,
                                 char *err, size_t errlen)
{
        if (cls != CONF_CLASS_CLUSTER)
                return 0;
        for (size_t i = 0; i < n; i++) {
                int a = conf_attr_lookup(cls, kv[i].key);
                if (a < 0 || strcmp(conf_class_def(cls)->attrs[a].name, "REPOSITORY"))
                        continue;
                if (strcmp(kv[i].value, d->repo_path)) {
                        snprintf(err, errlen,
                                 "cluster: REPOSITORY=\"%s\" is not allowed; this node's hamrd uses the repository \"%s\" (hamrd --repository)",
                                 kv[i].value, d->repo_path);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}

static void edit(hamrd_t *d, uint32_t conn, const char *op, json_t *req)
{
        char err[CONF_ERR_LEN] = "";
        const char *cname = json_string_value(json_object_get(req, "class"));
        const char *name = json_string_value(json_object_get(req, "name"));
        conf_kv_t kv[64];
        size_t nkv = 0;
        conf_class_t cls;
        conf_db_t *db;
        bool staged;
        int r;

        r = resolve_class(d, conn, cname, &cls);
        if (r < 0)
                return;
        if (kv_from_json(json_object_get(req, "attrs"), kv, 64, &nkv) < 0) {
                reply_rc(d, conn, -HAMR_E_BAD_VALUE, "attributes must be NAME=value strings (at most 64)");
                return;
        }
        r = check_repository_attr(d, cls, kv, nkv, err, sizeof(err));
        if (r < 0) {
                reply_rc(d, conn, r, err);
                return;
        }
        if (!d->repo) {
                if (!(cls == CONF_CLASS_CLUSTER && !strcmp(op, "add"))) {
                        reply_rc(d, conn, -HAMR_E_NOT_CONFIGURED,
                                 "no cluster is defined yet: start with clmgr add cluster NAME REPOSITORY=<path>");
                        return;
                }
                r = repo_format(d->repo_path);
                if (r == 0)
                        r = open_repo(d);
                if (r < 0) {
                        snprintf(err, sizeof(err), "repository %s cannot be formatted: %s",
                                 d->repo_path, strerror(-r));
                        reply_rc(d, conn, r, err);
                        return;
                }
                topo_disk_config(d->topo, d->repo, 0, 0, 200 * USEC_PER_MSEC);
        }
        if (cls == CONF_CLASS_CLUSTER && !strcmp(op, "add") && access(d->key_path, F_OK) != 0) {
                r = wire_key_generate(d->key_path);
                if (r < 0) {
                        snprintf(err, sizeof(err), "cluster key %s cannot be created: %s",
                                 d->key_path, strerror(-r));
                        reply_rc(d, conn, r, err);
                        return;
                }
                log_info("daemon", "cluster key created at %s (copy it to every node, mode 0600)",
                         d->key_path);
        }
        repo_config_lock(d->repo);
        catch_up(d);
        db = editable_db(d, &staged);
        if (!strcmp(op, "add"))
                r = conf_db_add(db, cls, name, kv, nkv, err, sizeof(err));
        else if (!strcmp(op, "modify"))
                r = conf_db_modify(db, cls, name, kv, nkv, err, sizeof(err));
        else
                r = conf_db_delete(db, cls, name, err, sizeof(err));
        if (r == 0 && cls == CONF_CLASS_CLUSTER && strcmp(op, "delete"))
                /* timer relations are refused at modify time, not only at
                 * sync: nothing inconsistent is ever staged */
                r = conf_db_check_cluster(db, err, sizeof(err));
        if (r == 0) {
                _cleanup_free_ char *text = conf_db_format(db);
                r = repo_staged_write(d->repo, db->generation, text, strlen(text));
                if (r < 0)
                        snprintf(err, sizeof(err), "repository write failed: %s", strerror(-r));
        }
        repo_config_unlock(d->repo);
        conf_db_free(db);
        reply_rc(d, conn, r, err);
}

/* Refuse a generation that changes or removes a group that is not offline
 * everywhere (full live reconfiguration is a later step). */
static int check_live_change(hamrd_t *d, const hamr_config_t *next, char *err, size_t errlen)
{
        json_t *status;
        size_t i;
        json_t *g;
        int r = 0;

        if (!d->cfg)
                return 0;
        status = hamrd_status_json(d);
        json_array_foreach(json_object_get(status, "groups"), i, g) {
                const char *name = json_string_value(json_object_get(g, "NAME"));
                const char *state = json_string_value(json_object_get(g, "STATE"));
                int old = hamr_config_rg_by_name(d->cfg, name);
                int neu = hamr_config_rg_by_name(next, name);
                if (!state || !strcmp(state, "OFFLINE") || old < 0)
                        continue;
                const conf_rg_t *a = &d->cfg->rgs[old];
                bool same = neu >= 0 && next->rgs[neu].nsips == a->nsips &&
                            next->rgs[neu].napps == a->napps && next->rgs[neu].nnodes == a->nnodes &&
                            !memcmp(next->rgs[neu].nodes, a->nodes, a->nnodes * sizeof(a->nodes[0]));
                for (unsigned k = 0; same && k < a->nsips; k++)
                        same = !strcmp(d->cfg->service_ips[a->sips[k]].name,
                                       next->service_ips[next->rgs[neu].sips[k]].name) &&
                               d->cfg->service_ips[a->sips[k]].addr.s_addr ==
                                       next->service_ips[next->rgs[neu].sips[k]].addr.s_addr;
                for (unsigned k = 0; same && k < a->napps; k++)
                        same = !strcmp(d->cfg->appctls[a->apps[k]].name,
                                       next->appctls[next->rgs[neu].apps[k]].name);
                if (!same) {
                        snprintf(err, errlen,
                                 "resource_group \"%s\" is %s: take it offline before changing its NODES, SERVICE_LABEL or APPLICATIONS or deleting it",
                                 name, state);
                        r = -HAMR_E_BUSY;
                        break;
                }
        }
        json_decref(status);
        return r;
}

static void sync_cluster(hamrd_t *d, uint32_t conn, bool verify_only)
{
        char err[4096] = "";
        conf_db_t *db;
        hamr_config_t *next = NULL;
        bool staged;
        int r;

        if (!d->repo) {
                reply_rc(d, conn, -HAMR_E_NOT_CONFIGURED,
                         "no cluster is defined yet: start with clmgr add cluster NAME REPOSITORY=<path>");
                return;
        }
        repo_config_lock(d->repo);
        catch_up(d);
        db = editable_db(d, &staged);
        r = conf_compile(db, &next, err, sizeof(err));
        if (r == 0)
                r = check_live_change(d, next, err, sizeof(err));
        if (r == 0 && !verify_only) {
                uint64_t gen = (d->cfg ? d->cfg->generation : 0) + 1;
                db->generation = gen;
                _cleanup_free_ char *text = conf_db_format(db);
                r = repo_config_write(d->repo, gen, text, strlen(text));
                if (r == 0)
                        repo_staged_clear(d->repo);
                else
                        snprintf(err, sizeof(err), "repository write failed: %s", strerror(-r));
        }
        repo_config_unlock(d->repo);
        hamr_config_free(next);
        conf_db_free(db);
        if (r == 0 && !verify_only) {
                char lerr[CONF_ERR_LEN];
                r = hamrd_config_load(d, lerr, sizeof(lerr));
                if (r < 0)
                        snprintf(err, sizeof(err), "%s", lerr);
        }
        if (r == 0) {
                json_t *rep = json_pack("{s:b}", "ok", 1);
                if (!verify_only && d->cfg)
                        json_object_set_new(rep, "generation", json_integer((json_int_t)d->cfg->generation));
                api_reply(d->api, conn, rep);
                if (!verify_only)
                        log_info("daemon", "sync: generation %llu committed",
                                 (unsigned long long)d->cfg->generation);
        } else {
                reply_rc(d, conn, r, err);
        }
}

static void add_runtime(hamrd_t *d, conf_class_t cls, json_t *obj, json_t *status)
{
        const char *name = json_string_value(json_object_get(obj, "NAME"));
        size_t i;
        json_t *it;
        const char *list = cls == CONF_CLASS_NODE ? "nodes" : "groups";

        if (cls == CONF_CLASS_CLUSTER) {
                json_object_set(obj, "STATE",
                                json_object_get(json_object_get(status, "cluster"), "STATE"));
                json_object_set(obj, "GENERATION",
                                json_object_get(json_object_get(status, "cluster"), "GENERATION"));
                return;
        }
        if (cls != CONF_CLASS_NODE && cls != CONF_CLASS_RESOURCE_GROUP)
                return;
        json_array_foreach(json_object_get(status, list), i, it) {
                if (!name || strcmp(name, json_string_value(json_object_get(it, "NAME"))))
                        continue;
                json_object_set(obj, "STATE", json_object_get(it, "STATE"));
                if (cls == CONF_CLASS_RESOURCE_GROUP) {
                        json_object_set(obj, "CURRENT_NODE", json_object_get(it, "CURRENT_NODE"));
                        json_object_set(obj, "PRIORITY_OVERRIDE",
                                        json_object_get(it, "PRIORITY_OVERRIDE"));
                }
                return;
        }
        json_object_set_new(obj, "STATE", json_string(cls == CONF_CLASS_NODE ? "UNKNOWN" : "OFFLINE"));
        if (cls == CONF_CLASS_RESOURCE_GROUP)
                json_object_set_new(obj, "CURRENT_NODE", json_string(""));
}

static void query(hamrd_t *d, uint32_t conn, json_t *req)
{
        const char *cname = json_string_value(json_object_get(req, "class"));
        const char *name = json_string_value(json_object_get(req, "name"));
        char err[CONF_ERR_LEN];
        conf_class_t cls;
        conf_db_t *db;
        bool staged;
        json_t *objs, *status;
        int r, found = 0;

        r = resolve_class(d, conn, cname, &cls);
        if (r < 0)
                return;
        db = editable_db(d, &staged);
        objs = json_array();
        status = hamrd_status_json(d);
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                if (o->cls != cls || (name && cls != CONF_CLASS_CLUSTER && strcmp(o->name, name)))
                        continue;
                json_t *j = conf_object_to_json(o);
                add_runtime(d, cls, j, status);
                json_array_append_new(objs, j);
                found++;
        }
        json_decref(status);
        conf_db_free(db);
        if (name && !found) {
                snprintf(err, sizeof(err), "%s \"%s\" does not exist", conf_class_def(cls)->name, name);
                json_decref(objs);
                reply_rc(d, conn, -HAMR_E_NOT_FOUND, err);
                return;
        }
        api_reply(d->api, conn, json_pack("{s:b, s:o}", "ok", 1, "objects", objs));
}

/* Entry points of the operation table (daemon_ops.c), which has checked the
 * request against the op's flags. */
void hamrd_config_add(hamrd_t *d, uint32_t conn, json_t *req)
{
        edit(d, conn, "add", req);
}

void hamrd_config_modify(hamrd_t *d, uint32_t conn, json_t *req)
{
        edit(d, conn, "modify", req);
}

void hamrd_config_delete(hamrd_t *d, uint32_t conn, json_t *req)
{
        edit(d, conn, "delete", req);
}

void hamrd_config_query(hamrd_t *d, uint32_t conn, json_t *req)
{
        query(d, conn, req);
}

void hamrd_config_sync(hamrd_t *d, uint32_t conn, json_t *req)
{
        sync_cluster(d, conn, false);
}

void hamrd_config_verify(hamrd_t *d, uint32_t conn, json_t *req)
{
        sync_cluster(d, conn, true);
}

/* daemon_edit: the configuration requests: staged edits (add, modify,
 * delete; one object or several all-or-nothing), sync (verify and commit a
 * new generation) and query. Each runs as a job on the configuration worker
 * (daemon_config.h) with copies of what it needs from the loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"
#include "daemon/daemon_config.h"
#include "daemon/daemon_dare.h"
#include "daemon/daemon_dare_wait.h"
#include "daemon/daemon_facts.h"
#include "agents/agent_ocf.h"
#include "daemon/daemon_ocf.h"
#include "repo/repo_work.h"

#define EDIT_MAX_NAMES 64
#define EDIT_MAX_ATTRS 64

/* ------------------------------------------------------------------ edit */

typedef struct edit_job {
        repo_job_t job;
        uint32_t conn;
        char op[8];
        conf_class_t cls;
        char *names[EDIT_MAX_NAMES]; /* NULL entry: no name (cluster) */
        size_t nnames;
        char *keys[EDIT_MAX_ATTRS], *values[EDIT_MAX_ATTRS];
        size_t nkv;
        bool cluster_add;
        char node[CONF_MAX_NAME + 1]; /* this node's name (OCF checks) */
        char *ocf_checked;            /* hamrd_ocf_edit_key of what ocf_precheck checked */
        char key_path[4096];
        char *base_text; /* the loop's active configuration (NULL: none) */
        uint64_t base_gen;
        uint16_t lock_owner; /* hamrd_config_lock_owner */
        uint64_t lock_inc;
        /* out */
        int r;
        char err[CONF_ERR_LEN];
        char *newer_text; /* a newer committed generation read from the repository */
        uint64_t newer_gen;
        bool formatted, key_created;
} edit_job_t;

static void edit_free(edit_job_t *ej)
{
        for (size_t i = 0; i < ej->nnames; i++)
                free(ej->names[i]);
        for (size_t i = 0; i < ej->nkv; i++) {
                free(ej->keys[i]);
                free(ej->values[i]);
        }
        free(ej->base_text);
        free(ej->newer_text);
        free(ej->ocf_checked);
        free(ej);
}

static int edit_apply(edit_job_t *ej, conf_db_t *db)
{
        conf_kv_t kv[EDIT_MAX_ATTRS];
        int r = 0;

        const char *new_name = NULL; /* modify ... NAME=: a rename (conf_rename.c) */
        size_t n = 0;

        for (size_t i = 0; i < ej->nkv; i++) {
                if (!strcmp(ej->op, "modify") && !strcasecmp(ej->keys[i], "NAME")) {
                        new_name = ej->values[i];
                        continue;
                }
                kv[n++] = (conf_kv_t){.key = ej->keys[i], .value = ej->values[i]};
        }
        if (new_name && ej->nnames > 1) {
                snprintf(ej->err, sizeof(ej->err), "NAME=\"%s\" renames one object, not %zu",
                         new_name, ej->nnames);
                return -HAMR_E_BAD_VALUE;
        }
        /* every object on the one copy: staged only if all succeed */
        for (size_t i = 0; i < ej->nnames && r == 0; i++) {
                if (!strcmp(ej->op, "modify") && new_name) {
                        if (n > 0)
                                r = conf_db_modify(db, ej->cls, ej->names[i], kv, n, ej->err,
                                                   sizeof(ej->err));
                        if (r == 0)
                                r = conf_db_rename(db, ej->cls, ej->names[i], new_name, ej->err,
                                                   sizeof(ej->err));
                } else if (!strcmp(ej->op, "add"))
                        r = conf_db_add(db, ej->cls, ej->names[i], kv, n, ej->err, sizeof(ej->err));
                else if (!strcmp(ej->op, "modify"))
                        r = conf_db_modify(db, ej->cls, ej->names[i], kv, n, ej->err,
                                           sizeof(ej->err));
                else
                        r = conf_db_delete(db, ej->cls, ej->names[i], ej->err, sizeof(ej->err));
        }
        if (r == 0 && ej->ocf_checked) {
                /* the OCF controllers were checked against their agents
                 * before the lock (ocf_precheck): still the same ones? */
                _cleanup_free_ char *key = hamrd_ocf_edit_key(db, ej->cls, ej->names, ej->nnames);

                if (strcmp(key, ej->ocf_checked) != 0) {
                        snprintf(ej->err, sizeof(ej->err),
                                 "application_controller: another edit changed it meanwhile; "
                                 "nothing was written: retry");
                        r = -HAMR_E_BUSY;
                }
        }
        if (r == 0 && ej->cls == CONF_CLASS_CLUSTER && strcmp(ej->op, "delete"))
                /* timer relations are refused at modify time, not only at
                 * sync: nothing inconsistent is ever staged */
                r = conf_db_check_cluster(db, ej->err, sizeof(ej->err));
        return r;
}

/* OCF controllers of the edit against their agents' meta-data
 * (daemon_ocf.c), before the configuration lock: an agent's meta-data may
 * take seconds (redis' 2 s on a loaded host), longer than the lock lasts
 * without renewal. The edit is applied to an unlocked read of the staged
 * configuration; edit_apply checks under the lock that the controllers
 * are still the ones checked. */
static int ocf_precheck(edit_job_t *ej, repo_t *repo)
{
        _cleanup_free_ char *newer = NULL;
        uint64_t active;
        bool staged;
        conf_db_t *db;
        int r;

        if (ej->cls != CONF_CLASS_APPLICATION_CONTROLLER || !strcmp(ej->op, "delete"))
                return 0;
        db = hamrd_config_editable(repo, ej->base_text, ej->base_gen, &active, &newer, &staged);
        r = edit_apply(ej, db);
        if (r == 0)
                r = hamrd_ocf_check_edit(db, ej->cls, ej->names, ej->nnames, ej->node, ej->err,
                                         sizeof(ej->err));
        if (r == 0)
                ej->ocf_checked = hamrd_ocf_edit_key(db, ej->cls, ej->names, ej->nnames);
        conf_db_free(db);
        return r;
}

static void edit_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        edit_job_t *ej = (edit_job_t *)job;
        repo_t *repo = NULL;
        conf_db_t *db;
        bool staged;
        uint64_t active;
        int r;

        r = hamrd_config_job_repo(ctx, job->path, &repo, ej->err, sizeof(ej->err));
        if (r == -HAMR_E_NOT_CONFIGURED && ej->cluster_add) {
                ej->err[0] = '\0';
                r = repo_format(job->path);
                if (r == 0)
                        r = repo_work_repo(ctx, job->path, &repo);
                if (r < 0)
                        snprintf(ej->err, sizeof(ej->err), "repository %s cannot be formatted: %s",
                                 job->path, strerror(-r));
                else
                        ej->formatted = true;
        }
        if (r == 0 && ej->cluster_add && access(ej->key_path, F_OK) != 0) {
                r = wire_key_generate(ej->key_path);
                if (r < 0)
                        snprintf(ej->err, sizeof(ej->err), "cluster key %s cannot be created: %s",
                                 ej->key_path, strerror(-r));
                else
                        ej->key_created = true;
        }
        if (r == 0)
                r = ocf_precheck(ej, repo);
        if (r == 0)
                r = hamrd_config_lock(ctx, repo, ej->lock_owner, ej->lock_inc, ej->err,
                                      sizeof(ej->err));
        if (r < 0) {
                ej->r = r;
                return;
        }
        db = hamrd_config_editable(repo, ej->base_text, ej->base_gen, &active, &ej->newer_text,
                                   &staged);
        ej->newer_gen = active;
        r = edit_apply(ej, db);
        if (r == 0)
                r = hamrd_config_lock_keep(ctx, repo, ej->err, sizeof(ej->err));
        if (r == 0) {
                _cleanup_free_ char *text = conf_db_format(db);
                r = repo_staged_write(repo, db->generation, text, strlen(text));
                if (r < 0)
                        snprintf(ej->err, sizeof(ej->err), "repository %s: write failed: %s",
                                 job->path, strerror(-r));
        }
        hamrd_config_unlock(ctx, repo);
        conf_db_free(db);
        ej->r = r;
}

static void edit_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        edit_job_t *ej = (edit_job_t *)job;
        char err[CONF_ERR_LEN];

        if (ej->newer_text &&
            hamrd_config_adopt(d, ej->newer_gen, ej->newer_text, err, sizeof(err)) < 0)
                log_err("daemon", "configuration generation %llu not applied: %s",
                        (unsigned long long)ej->newer_gen, err);
        if (ej->key_created)
                log_info("daemon", "cluster key created at %s (copy it to every node, mode 0600)",
                         ej->key_path);
        if (ej->formatted && !d->repo)
                hamrd_config_reload(d); /* a handle for the disk worker */
        if (!ej->job.expired && ej->job.ran)
                hamrd_config_reply(d, ej->conn, ej->r, ej->err);
        edit_free(ej);
}

static void edit_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        hamrd_config_expired(d, ((edit_job_t *)job)->conn, job, running);
}

/* Class name as typed -> class; on error replies to conn. */
static int resolve_class(hamrd_t *d, uint32_t conn, const char *cname, conf_class_t *ret_cls)
{
        char err[CONF_ERR_LEN];
        int r = conf_class_lookup(cname ? cname : "", ret_cls);

        if (r < 0) {
                snprintf(err, sizeof(err),
                         "class \"%s\" is unknown; known: cluster, node, network, service_ip, "
                         "application_controller, resource_group, fallback_timer, "
                         "application_monitor, dependency, file_system, event",
                         cname ? cname : "");
                hamrd_config_reply(d, conn, r, err);
        }
        return r;
}

static int check_repository_attr(hamrd_t *d, conf_class_t cls, edit_job_t *ej, char *err,
                                 size_t errlen)
{
        if (cls != CONF_CLASS_CLUSTER)
                return 0;
        for (size_t i = 0; i < ej->nkv; i++) {
                int a = conf_attr_lookup(cls, ej->keys[i]);
                if (a < 0 || strcmp(conf_class_def(cls)->attrs[a].name, "REPOSITORY"))
                        continue;
                /* Kept refused rather than adopted: every node finds the
                 * configuration on the repository it was started with,
                 * before it has a key or a configuration to learn it from
                 * the network, so the path must be hamrd's on every node
                 * (README "Using it"). */
                if (strcmp(ej->values[i], d->repo_path)) {
                        snprintf(err, errlen,
                                 "cluster: REPOSITORY=\"%s\" does not match the repository this "
                                 "node's hamrd was started with, \"%s\" (hamrd --repository, "
                                 "default /var/lib/hamr/repository); every node finds the "
                                 "configuration there: start hamrd with --repository %s on "
                                 "every node (in /etc/default/hamrd), or give REPOSITORY=%s",
                                 ej->values[i], d->repo_path, ej->values[i], d->repo_path);
                        return -HAMR_E_BAD_VALUE;
                }
        }
        return 0;
}

/* The request's names and attributes, copied into the job. */
static int edit_args(edit_job_t *ej, json_t *req, char *err, size_t errlen)
{
        json_t *names = json_object_get(req, "names"), *attrs = json_object_get(req, "attrs"), *v;
        const char *k;
        size_t i;

        if (names) {
                if (!json_is_array(names) || json_array_size(names) == 0 ||
                    json_array_size(names) > EDIT_MAX_NAMES) {
                        snprintf(err, errlen, "\"names\" must be a list of 1 to %d object names",
                                 EDIT_MAX_NAMES);
                        return -HAMR_E_BAD_VALUE;
                }
                json_array_foreach(names, i, v)
                {
                        if (!json_is_string(v)) {
                                snprintf(err, errlen, "\"names\" must hold strings");
                                return -HAMR_E_BAD_VALUE;
                        }
                        ej->names[ej->nnames++] = zstrdup(json_string_value(v));
                }
        } else {
                const char *name = json_string_value(json_object_get(req, "name"));
                ej->names[ej->nnames++] = name ? zstrdup(name) : NULL;
        }
        if (attrs && !json_is_object(attrs))
                goto bad_attrs;
        json_object_foreach(attrs, k, v)
        {
                if (ej->nkv >= EDIT_MAX_ATTRS || !json_is_string(v))
                        goto bad_attrs;
                ej->keys[ej->nkv] = zstrdup(k);
                ej->values[ej->nkv++] = zstrdup(json_string_value(v));
        }
        return 0;
bad_attrs:
        snprintf(err, errlen, "attributes must be NAME=value strings (at most %d)", EDIT_MAX_ATTRS);
        return -HAMR_E_BAD_VALUE;
}

void hamrd_config_edit(hamrd_t *d, uint32_t conn, const char *op, json_t *req)
{
        char err[CONF_ERR_LEN] = "";
        edit_job_t *ej;
        conf_class_t cls;
        int r;

        if (resolve_class(d, conn, json_string_value(json_object_get(req, "class")), &cls) < 0)
                return;
        ej = zalloc(sizeof(*ej));
        ej->conn = conn;
        ej->cls = cls;
        snprintf(ej->op, sizeof(ej->op), "%s", op);
        r = edit_args(ej, req, err, sizeof(err));
        if (r == 0)
                r = check_repository_attr(d, cls, ej, err, sizeof(err));
        if (r < 0) {
                hamrd_config_reply(d, conn, r, err);
                edit_free(ej);
                return;
        }
        ej->cluster_add = cls == CONF_CLASS_CLUSTER && !strcmp(op, "add");
        snprintf(ej->key_path, sizeof(ej->key_path), "%s", d->key_path);
        ej->base_text = hamrd_config_active_text(d, &ej->base_gen);
        ej->lock_owner = hamrd_config_lock_owner(d);
        ej->lock_inc = d->incarnation;
        snprintf(ej->job.path, sizeof(ej->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        ej->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        snprintf(ej->node, sizeof(ej->node), "%s", d->node_name);
        if (cls == CONF_CLASS_APPLICATION_CONTROLLER) /* an OCF agent's meta-data runs */
                ej->job.timeout_usec += AGENT_OCF_META_TIMEOUT_USEC;
        ej->job.run = edit_run;
        ej->job.done = edit_done;
        ej->job.expire = edit_expire;
        if (!hamrd_config_submit(d, &ej->job, conn))
                edit_free(ej);
}

/* ------------------------------------------------------------------ sync */

typedef struct sync_job {
        repo_job_t job;
        uint32_t conn;
        bool verify_only;
        bool preview; /* PREVIEW=yes: the plan, nothing committed */
        char *base_text;
        uint64_t base_gen;
        hamrd_live_rg_t *busy; /* groups not offline somewhere, at submit time */
        size_t nbusy;
        char *active; /* nodes whose cluster services run, space separated */
        uint16_t lock_owner;
        uint64_t lock_inc;
        /* out */
        int r;
        char err[4096];
        char *newer_text;
        uint64_t newer_gen;
        char *committed_text;
        uint64_t committed_gen;
        char warn[1024]; /* hamr_config_warnings of the verified configuration */
        json_t *checks;  /* what must hold on the nodes (daemon_facts) */
        json_t *plan;    /* what the sync does to running groups (daemon_dare) */
        json_t *owners;  /* the nodes that apply a live change of a resource */
} sync_job_t;

static void sync_free(sync_job_t *sj)
{
        for (size_t i = 0; i < sj->nbusy; i++) {
                free(sj->busy[i].name);
                free(sj->busy[i].state);
                free(sj->busy[i].owner);
        }
        free(sj->busy);
        free(sj->active);
        json_decref(sj->plan);
        json_decref(sj->owners);
        free(sj->base_text);
        free(sj->newer_text);
        free(sj->committed_text);
        json_decref(sj->checks);
        free(sj);
}

/* The committed configuration the sync builds on, compiled (NULL if none). */
static hamr_config_t *compile_text(const char *text, uint64_t gen)
{
        conf_db_t *db = NULL;
        hamr_config_t *cfg = NULL;
        char err[CONF_ERR_LEN];

        if (text && conf_db_parse(text, &db, err, sizeof(err)) == 0) {
                db->generation = gen;
                if (conf_compile(db, &cfg, err, sizeof(err)) < 0)
                        cfg = NULL;
        }
        conf_db_free(db);
        return cfg;
}

static void sync_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        sync_job_t *sj = (sync_job_t *)job;
        repo_t *repo = NULL;
        conf_db_t *db;
        hamr_config_t *next = NULL, *cur;
        bool staged;
        uint64_t active;
        int r;

        r = hamrd_config_job_repo(ctx, job->path, &repo, sj->err, sizeof(sj->err));
        if (r == 0)
                r = hamrd_config_lock(ctx, repo, sj->lock_owner, sj->lock_inc, sj->err,
                                      sizeof(sj->err));
        if (r < 0) {
                sj->r = r;
                return;
        }
        db = hamrd_config_editable(repo, sj->base_text, sj->base_gen, &active, &sj->newer_text,
                                   &staged);
        sj->newer_gen = active;
        cur = compile_text(sj->newer_text ? sj->newer_text : sj->base_text, active);
        r = conf_compile(db, &next, sj->err, sizeof(sj->err));
        if (r == 0) {
                hamr_config_warnings(next, sj->warn, sizeof(sj->warn));
                sj->checks = hamrd_facts_checks(next);
        }
        /* live changes: what cannot change while it runs is refused; the
         * rest is the owners' (exec_dare) once the generation is applied */
        if (r == 0)
                r = hamrd_dare_check(cur, next, sj->busy, sj->nbusy, sj->active, sj->err,
                                     sizeof(sj->err));
        if (r == 0) {
                sj->plan = hamrd_dare_plan(cur, next, sj->busy, sj->nbusy, sj->active);
                sj->owners = hamrd_dare_owners(cur, next, sj->busy, sj->nbusy);
        }
        if (r == 0 && !sj->verify_only)
                r = hamrd_config_lock_keep(ctx, repo, sj->err, sizeof(sj->err));
        if (r == 0 && !sj->verify_only) {
                uint64_t gen = active + 1;
                db->generation = gen;
                char *text = conf_db_format(db);
                r = repo_config_write(repo, gen, text, strlen(text));
                if (r == 0) {
                        repo_staged_clear(repo);
                        sj->committed_text = text;
                        sj->committed_gen = gen;
                } else {
                        free(text);
                        snprintf(sj->err, sizeof(sj->err), "repository %s: write failed: %s",
                                 job->path, strerror(-r));
                }
        }
        hamrd_config_unlock(ctx, repo);
        hamr_config_free(cur);
        hamr_config_free(next);
        conf_db_free(db);
        sj->r = r;
}

/* verify and sync say which watchdog protects each node (from the nodes'
 * reports), and warn about the nodes DEADMAN_MODE a will not start. */
static void add_watchdog_notes(hamrd_t *d, json_t *rep)
{
        json_t *wd = json_object(), *warn = json_array();
        char line[300];

        for (unsigned i = 0; d->cfg && i < d->cfg->nnodes; i++) {
                const conf_node_t *n = &d->cfg->nodes[i];
                const cstate_report_t *st = cstate_report_of(d->cs, (uint16_t)n->id);
                if (!st) {
                        json_object_set_new(wd, n->name, json_string("unknown (daemon not heard)"));
                        continue;
                }
                snprintf(line, sizeof(line), "%s%s", cstate_wd_str(st->watchdog),
                         st->watchdog == CSTATE_WD_NONE ? ""
                         : st->fenced                   ? " (armed)"
                                                        : " (not armed)");
                json_object_set_new(wd, n->name, json_string(line));
                if (!st->fenced && d->cfg->deadman_mode == DMS_MODE_ASSERT) {
                        snprintf(line, sizeof(line),
                                 "node %s has no armed watchdog (%s): with DEADMAN_MODE=a its "
                                 "cluster services will not start (load softdog, or accept "
                                 "running unfenced with DEADMAN_MODE=e)",
                                 n->name, cstate_wd_str(st->watchdog));
                        json_array_append_new(warn, json_string(line));
                } else if (d->cfg->deadman_mode == DMS_MODE_EVENT) {
                        snprintf(line, sizeof(line),
                                 "DEADMAN_MODE=e: node %s runs unfenced (nothing resets it if its "
                                 "daemon dies or hangs)",
                                 n->name);
                        json_array_append_new(warn, json_string(line));
                }
        }
        json_object_set_new(rep, "watchdogs", wd);
        if (json_array_size(warn))
                json_object_set_new(rep, "warnings", warn);
        else
                json_decref(warn);
}

static void sync_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        sync_job_t *sj = (sync_job_t *)job;
        char err[CONF_ERR_LEN];
        int r = sj->r;

        if (sj->newer_text && !sj->committed_text &&
            hamrd_config_adopt(d, sj->newer_gen, sj->newer_text, err, sizeof(err)) < 0)
                log_err("daemon", "configuration generation %llu not applied: %s",
                        (unsigned long long)sj->newer_gen, err);
        if (sj->committed_text) {
                r = hamrd_config_adopt(d, sj->committed_gen, sj->committed_text, err, sizeof(err));
                if (r < 0)
                        snprintf(sj->err, sizeof(sj->err), "%s", err);
                else
                        log_info("daemon", "sync: generation %llu committed",
                                 (unsigned long long)sj->committed_gen);
                for (size_t i = 0; r == 0 && i < json_array_size(sj->plan); i++)
                        log_info("daemon", "sync: generation %llu: %s",
                                 (unsigned long long)sj->committed_gen,
                                 json_string_value(json_array_get(sj->plan, i)));
        }
        if (sj->job.expired || !sj->job.ran) {
                sync_free(sj);
                return;
        }
        if (r == 0) {
                json_t *rep = json_pack("{s:b}", "ok", 1);
                add_watchdog_notes(d, rep);
                if (sj->checks && sj->verify_only) /* clmgr verifies on the nodes */
                        json_object_set(rep, "checks", sj->checks);
                if (!sj->verify_only)
                        json_object_set_new(rep, "generation",
                                            json_integer((json_int_t)sj->committed_gen));
                if (sj->plan && (sj->preview || !sj->verify_only))
                        json_object_set(rep, sj->preview ? "preview" : "live_changes", sj->plan);
                if (sj->warn[0]) {
                        /* the configuration's warnings first, then the
                         * nodes' watchdogs (add_watchdog_notes) */
                        json_t *w = json_array(), *more = json_object_get(rep, "warnings");
                        char *save = NULL;
                        for (char *line = strtok_r(sj->warn, "\n", &save); line;
                             line = strtok_r(NULL, "\n", &save))
                                json_array_append_new(w, json_string(line));
                        if (more)
                                json_array_extend(w, more);
                        json_object_set_new(rep, "warnings", w);
                }
                if (!sj->verify_only)
                        /* answered once the owners applied the live changes
                         * (or after the rollback of one that failed) */
                        hamrd_dare_wait_start(d, sj->conn, sj->committed_gen,
                                              sj->newer_text ? sj->newer_text : sj->base_text,
                                              sj->committed_text, sj->owners, rep);
                else
                        hamrd_answer(d, sj->conn, rep);
        } else {
                hamrd_config_reply(d, sj->conn, r, sj->err);
        }
        sync_free(sj);
}

static void sync_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        hamrd_config_expired(d, ((sync_job_t *)job)->conn, job, running);
}

void hamrd_config_sync(hamrd_t *d, uint32_t conn, bool verify_only, bool preview)
{
        sync_job_t *sj = zalloc(sizeof(*sj));
        char active[CONF_MAX_NODES * (CONF_MAX_NAME + 1) + 1] = "";

        sj->conn = conn;
        sj->verify_only = verify_only || preview;
        sj->preview = preview;
        sj->base_text = hamrd_config_active_text(d, &sj->base_gen);
        sj->lock_owner = hamrd_config_lock_owner(d);
        sj->lock_inc = d->incarnation;
        if (d->cfg) {
                /* groups not offline on some reachable node, from the
                 * nodes' reports (cluster state), by the group's name in
                 * the active configuration */
                uint64_t reach = memb_reach(d->memb, now_usec());
                sj->busy = zcalloc(d->cfg->nrgs + 1, sizeof(*sj->busy));
                for (unsigned g = 0; g < d->cfg->nrgs; g++) {
                        rg_state_t held = RG_S_OFFLINE;
                        const char *owner = "";
                        for (unsigned k = 0; k < d->cfg->nnodes; k++) {
                                uint16_t id = (uint16_t)d->cfg->nodes[k].id;
                                rg_state_t s = cstate_group_state(d->cs, id, g);
                                if ((reach & (1ULL << id)) && s != RG_S_UNKNOWN &&
                                    s != RG_S_OFFLINE && held != RG_S_ONLINE) {
                                        held = s;
                                        owner = d->cfg->nodes[k].name;
                                }
                        }
                        if (held == RG_S_OFFLINE)
                                continue;
                        sj->busy[sj->nbusy].name = zstrdup(d->cfg->rgs[g].name);
                        sj->busy[sj->nbusy].owner = zstrdup(owner);
                        sj->busy[sj->nbusy++].state = zstrdup(rg_state_str(held));
                }
                for (unsigned k = 0; k < d->cfg->nnodes; k++) {
                        const cstate_report_t *st =
                            cstate_report_of(d->cs, (uint16_t)d->cfg->nodes[k].id);
                        if (!st || !(reach & (1ULL << d->cfg->nodes[k].id)) ||
                            st->services == SVC_INACTIVE)
                                continue;
                        strcat(active, " ");
                        strcat(active, d->cfg->nodes[k].name);
                }
        }
        sj->active = zstrdup(active);
        snprintf(sj->job.path, sizeof(sj->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        sj->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        sj->job.run = sync_run;
        sj->job.done = sync_done;
        sj->job.expire = sync_expire;
        if (!hamrd_config_submit(d, &sj->job, conn))
                sync_free(sj);
}

/* ----------------------------------------------------------------- query */

typedef struct query_job {
        repo_job_t job;
        uint32_t conn;
        conf_class_t cls;
        char *name;
        char *base_text;
        uint64_t base_gen;
        conf_db_t *db; /* out */
        char *newer_text;
        uint64_t newer_gen;
} query_job_t;

static void query_free(query_job_t *qj)
{
        conf_db_free(qj->db);
        free(qj->name);
        free(qj->base_text);
        free(qj->newer_text);
        free(qj);
}

static void query_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        query_job_t *qj = (query_job_t *)job;
        repo_t *repo = NULL;
        char err[CONF_ERR_LEN];
        bool staged;

        if (hamrd_config_job_repo(ctx, job->path, &repo, err, sizeof(err)) < 0)
                repo = NULL; /* not formatted or unreadable: the active configuration */
        qj->db = hamrd_config_editable(repo, qj->base_text, qj->base_gen, &qj->newer_gen,
                                       &qj->newer_text, &staged);
}

static void add_runtime(hamrd_t *d, conf_class_t cls, json_t *obj, json_t *status)
{
        const char *name = json_string_value(json_object_get(obj, "NAME"));
        size_t i;
        json_t *it;
        const char *list = cls == CONF_CLASS_NODE ? "nodes" : "groups";

        (void)d;
        if (cls == CONF_CLASS_CLUSTER) {
                json_object_set(obj, "STATE",
                                json_object_get(json_object_get(status, "cluster"), "STATE"));
                json_object_set(obj, "GENERATION",
                                json_object_get(json_object_get(status, "cluster"), "GENERATION"));
                return;
        }
        if (cls != CONF_CLASS_NODE && cls != CONF_CLASS_RESOURCE_GROUP)
                return;
        json_array_foreach(json_object_get(status, list), i, it)
        {
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
        json_object_set_new(obj, "STATE",
                            json_string(cls == CONF_CLASS_NODE ? "UNKNOWN" : "OFFLINE"));
        if (cls == CONF_CLASS_RESOURCE_GROUP)
                json_object_set_new(obj, "CURRENT_NODE", json_string(""));
}

static void query_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        query_job_t *qj = (query_job_t *)job;
        const conf_db_t *db = qj->db;
        char err[CONF_ERR_LEN];
        json_t *objs, *status;
        int found = 0;

        if (qj->newer_text &&
            hamrd_config_adopt(d, qj->newer_gen, qj->newer_text, err, sizeof(err)) < 0)
                log_err("daemon", "configuration generation %llu not applied: %s",
                        (unsigned long long)qj->newer_gen, err);
        if (qj->job.expired || !qj->job.ran || !db) {
                query_free(qj);
                return;
        }
        objs = json_array();
        status = hamrd_status_json(d);
        for (size_t i = 0; i < db->nobjs; i++) {
                const conf_object_t *o = &db->objs[i];
                if (o->cls != qj->cls ||
                    (qj->name && qj->cls != CONF_CLASS_CLUSTER && strcmp(o->name, qj->name)))
                        continue;
                json_t *j = conf_object_to_json(o);
                add_runtime(d, qj->cls, j, status);
                json_array_append_new(objs, j);
                found++;
        }
        json_decref(status);
        if (qj->name && !found) {
                snprintf(err, sizeof(err), "%s \"%s\" does not exist",
                         conf_class_def(qj->cls)->name, qj->name);
                json_decref(objs);
                hamrd_config_reply(d, qj->conn, -HAMR_E_NOT_FOUND, err);
        } else {
                hamrd_answer(d, qj->conn, json_pack("{s:b, s:o}", "ok", 1, "objects", objs));
        }
        query_free(qj);
}

static void query_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        hamrd_config_expired(d, ((query_job_t *)job)->conn, job, running);
}

void hamrd_config_query(hamrd_t *d, uint32_t conn, json_t *req)
{
        const char *name = json_string_value(json_object_get(req, "name"));
        query_job_t *qj;
        conf_class_t cls;

        if (resolve_class(d, conn, json_string_value(json_object_get(req, "class")), &cls) < 0)
                return;
        qj = zalloc(sizeof(*qj));
        qj->conn = conn;
        qj->cls = cls;
        qj->name = name ? zstrdup(name) : NULL;
        qj->base_text = hamrd_config_active_text(d, &qj->base_gen);
        snprintf(qj->job.path, sizeof(qj->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        qj->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        qj->job.run = query_run;
        qj->job.done = query_done;
        qj->job.expire = query_expire;
        if (!hamrd_config_submit(d, &qj->job, conn))
                query_free(qj);
}

/* Entry points of the operation table (daemon_ops.c), which has checked the
 * request against the op's flags. */
void hamrd_op_add(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_config_edit(d, conn, "add", req);
}

void hamrd_op_modify(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_config_edit(d, conn, "modify", req);
}

void hamrd_op_delete(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_config_edit(d, conn, "delete", req);
}

void hamrd_op_query(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_config_query(d, conn, req);
}

void hamrd_op_sync(hamrd_t *d, uint32_t conn, json_t *req)
{
        hamrd_config_sync(d, conn, false, json_is_true(json_object_get(req, "preview")));
}

void hamrd_op_verify(hamrd_t *d, uint32_t conn, json_t *req)
{
        (void)req;
        hamrd_config_sync(d, conn, true, false);
}

/* daemon_snapshot: cluster snapshots (clmgr add/query/modify/delete
 * snapshot, manage snapshot restore, compare snapshot). Snapshots live in
 * the repository's snapshot region (repo_snap_*), so every node reads the
 * same ones; every request runs as one job on the configuration worker,
 * and the ones that write take the configuration lock (and, while the
 * cluster runs, are forwarded to the coordinator like configuration edits:
 * their ops carry API_OP_F_MODIFIES_CONFIG). A restore stages the snapshot's
 * configuration (verified as a sync would); clmgr sync cluster commits it. */
#include "daemon/daemon_snapshot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/hamr_alloc.h"
#include "common/hamr_error.h"
#include "common/hamr_log.h"
#include "conf/conf_diff.h"
#include "daemon/daemon.h"
#include "daemon/daemon_config.h"
#include "repo/repo_work.h"

typedef enum {
        SNAP_ADD,
        SNAP_MODIFY,
        SNAP_DELETE,
        SNAP_QUERY,
        SNAP_RESTORE,
        SNAP_COMPARE
} snap_act_t;

typedef struct snap_job {
        repo_job_t job;
        uint32_t conn;
        snap_act_t act;
        char *name, *name2; /* name2: compare's second snapshot (NULL: active) */
        char *desc;         /* DESCRIPTION given, or NULL */
        char *import;       /* add: the text of an exported snapshot, or NULL */
        char node[CONF_MAX_NAME + 1];
        char repo_path[4096]; /* hamrd --repository: a restored REPOSITORY must match */
        char *base_text;      /* the loop's active configuration (NULL: none) */
        uint64_t base_gen;
        uint16_t lock_owner;
        uint64_t lock_inc;
        /* out */
        int r;
        char err[CONF_ERR_LEN + 128];
        json_t *reply; /* built on the worker, owned by the job until answered */
        char *newer_text;
        uint64_t newer_gen;
} snap_job_t;

static void snap_free(snap_job_t *sj)
{
        free(sj->name);
        free(sj->name2);
        free(sj->desc);
        free(sj->import);
        free(sj->base_text);
        free(sj->newer_text);
        json_decref(sj->reply);
        free(sj);
}

static int fail(snap_job_t *sj, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(snap_job_t *sj, int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(sj->err, sizeof(sj->err), fmt, ap);
        va_end(ap);
        return r;
}

/* Index of the snapshot called name among texts (REPO_SNAP_MAX), or -1. */
static int find(char *const texts[REPO_SNAP_MAX], const char *name, repo_snap_info_t *ret_info,
                size_t *ret_off)
{
        repo_snap_info_t info;

        for (unsigned i = 0; i < REPO_SNAP_MAX; i++) {
                if (!texts[i])
                        continue;
                size_t off = repo_snap_info_parse(texts[i], &info);
                if (strcmp(info.name, name))
                        continue;
                if (ret_info)
                        *ret_info = info;
                if (ret_off)
                        *ret_off = off;
                return (int)i;
        }
        return -1;
}

static int not_found(snap_job_t *sj, const char *name)
{
        return fail(sj, -HAMR_E_NOT_FOUND,
                    "snapshot \"%s\" does not exist (clmgr query snapshot lists them)", name);
}

/* The newest committed configuration: the repository's, or the loop's if
 * the repository holds none newer. *ret_text borrowed from sj. */
static int active_config(snap_job_t *sj, repo_t *repo, const char **ret_text, uint64_t *ret_gen)
{
        uint64_t gen = 0;
        char *text = NULL;

        if (repo_config_read(repo, &gen, &text) == 0 && gen > sj->base_gen) {
                free(sj->newer_text);
                sj->newer_text = text;
                sj->newer_gen = gen;
                *ret_text = text;
                *ret_gen = gen;
                return 0;
        }
        free(text);
        if (!sj->base_text)
                return fail(sj, -HAMR_E_NOT_CONFIGURED,
                            "no configuration has been synced yet (clmgr sync cluster): there is "
                            "nothing to take a snapshot of or compare with");
        *ret_text = sj->base_text;
        *ret_gen = sj->base_gen;
        return 0;
}

static void now_utc(char *buf, size_t len)
{
        time_t t = time(NULL);
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int store(snap_job_t *sj, repo_work_ctx_t *ctx, repo_t *repo, unsigned idx, const char *text)
{
        size_t len = strlen(text);
        int r;

        if (len > REPO_SNAP_TEXT_MAX)
                return fail(sj, -HAMR_E_BAD_VALUE,
                            "snapshot \"%s\" is %zu bytes; a snapshot holds at most %u bytes "
                            "(nothing was written)",
                            sj->name, len, REPO_SNAP_TEXT_MAX);
        r = hamrd_config_lock_keep(ctx, repo, sj->err, sizeof(sj->err));
        if (r < 0)
                return r;
        r = repo_snap_write(repo, idx, text, len);
        if (r < 0)
                return fail(sj, r, "repository %s: snapshot write failed: %s", repo_path(repo),
                            strerror(-r));
        return 0;
}

static int run_add(snap_job_t *sj, repo_work_ctx_t *ctx, repo_t *repo, char **texts)
{
        repo_snap_info_t info = {0};
        _cleanup_free_ char *text = NULL;
        const char *config;
        conf_db_t *db = NULL;
        char perr[CONF_ERR_LEN];
        int idx = -1, r;

        if (find(texts, sj->name, NULL, NULL) >= 0)
                return fail(sj, -HAMR_E_EXISTS,
                            "snapshot \"%s\" already exists (delete it with clmgr delete snapshot "
                            "%s, or choose another name)",
                            sj->name, sj->name);
        for (unsigned i = 0; i < REPO_SNAP_MAX && idx < 0; i++)
                if (!texts[i])
                        idx = (int)i;
        if (idx < 0)
                return fail(sj, -HAMR_E_BUSY,
                            "snapshot \"%s\": the repository holds at most %u snapshots and has "
                            "no room left; delete one first (clmgr delete snapshot NAME)",
                            sj->name, REPO_SNAP_MAX);
        if (sj->import) {
                /* an exported snapshot (or a plain configuration file): its
                 * header is kept apart from the name and description given */
                config = sj->import + repo_snap_info_parse(sj->import, &info);
                if (conf_db_parse(config, &db, perr, sizeof(perr)) < 0)
                        return fail(sj, -HAMR_E_BAD_VALUE,
                                    "snapshot \"%s\": FILE is not a hamr configuration: %s "
                                    "(nothing was written)",
                                    sj->name, perr);
                if (!info.generation)
                        info.generation = db->generation;
                conf_db_free(db);
                if (!info.time[0])
                        now_utc(info.time, sizeof(info.time));
                if (!info.node[0])
                        snprintf(info.node, sizeof(info.node), "%s", sj->node);
        } else {
                r = active_config(sj, repo, &config, &info.generation);
                if (r < 0)
                        return r;
                now_utc(info.time, sizeof(info.time));
                snprintf(info.node, sizeof(info.node), "%s", sj->node);
        }
        snprintf(info.name, sizeof(info.name), "%s", sj->name);
        if (sj->desc)
                snprintf(info.description, sizeof(info.description), "%s", sj->desc);
        text = repo_snap_text_make(&info, config);
        r = store(sj, ctx, repo, (unsigned)idx, text);
        if (r == 0)
                sj->reply = json_pack("{s:b, s:s, s:I}", "ok", 1, "name", sj->name, "generation",
                                      (json_int_t)info.generation);
        return r;
}

static int run_modify(snap_job_t *sj, repo_work_ctx_t *ctx, repo_t *repo, char **texts)
{
        repo_snap_info_t info;
        _cleanup_free_ char *text = NULL;
        size_t off;
        int idx = find(texts, sj->name, &info, &off);

        if (idx < 0)
                return not_found(sj, sj->name);
        if (sj->desc)
                snprintf(info.description, sizeof(info.description), "%s", sj->desc);
        text = repo_snap_text_make(&info, texts[idx] + off);
        return store(sj, ctx, repo, (unsigned)idx, text);
}

static int run_delete(snap_job_t *sj, repo_work_ctx_t *ctx, repo_t *repo, char **texts)
{
        int idx = find(texts, sj->name, NULL, NULL), r;

        if (idx < 0)
                return not_found(sj, sj->name);
        r = hamrd_config_lock_keep(ctx, repo, sj->err, sizeof(sj->err));
        if (r == 0 && (r = repo_snap_clear(repo, (unsigned)idx)) < 0)
                fail(sj, r, "repository %s: snapshot write failed: %s", repo_path(repo),
                     strerror(-r));
        return r;
}

static json_t *info_json(const repo_snap_info_t *info, size_t size)
{
        return json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "NAME", info->name, "DESCRIPTION",
                         info->description, "TIME", info->time, "GENERATION",
                         (json_int_t)info->generation, "NODE", info->node, "SIZE",
                         (json_int_t)size);
}

static int by_name(const void *a, const void *b)
{
        return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "NAME")),
                      json_string_value(json_object_get(*(json_t *const *)b, "NAME")));
}

static int run_query(snap_job_t *sj, char **texts)
{
        json_t *objs[REPO_SNAP_MAX], *arr = json_array();
        repo_snap_info_t info;
        size_t n = 0;

        for (unsigned i = 0; i < REPO_SNAP_MAX; i++) {
                if (!texts[i])
                        continue;
                repo_snap_info_parse(texts[i], &info);
                if (sj->name && strcmp(info.name, sj->name))
                        continue;
                objs[n] = info_json(&info, strlen(texts[i]));
                if (sj->name)
                        json_object_set_new(objs[n], "TEXT", json_string(texts[i]));
                n++;
        }
        if (sj->name && n == 0) {
                json_decref(arr);
                return not_found(sj, sj->name);
        }
        qsort(objs, n, sizeof(objs[0]), by_name);
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, objs[i]);
        sj->reply = json_pack("{s:b, s:o}", "ok", 1, "objects", arr);
        return 0;
}

/* The snapshot's configuration (after its header), parsed. */
static int snap_db(snap_job_t *sj, char **texts, const char *name, conf_db_t **ret_db,
                   repo_snap_info_t *ret_info)
{
        char perr[CONF_ERR_LEN];
        size_t off;
        int idx = find(texts, name, ret_info, &off);

        if (idx < 0)
                return not_found(sj, name);
        if (conf_db_parse(texts[idx] + off, ret_db, perr, sizeof(perr)) < 0)
                return fail(sj, -HAMR_E_BAD_VALUE, "snapshot \"%s\" cannot be read: %s", name,
                            perr);
        return 0;
}

/* A restored configuration must be this cluster's: same cluster ID, and
 * the REPOSITORY hamrd runs with (see check_repository_attr). */
static int restore_checks(snap_job_t *sj, const conf_db_t *snap, const conf_db_t *cur)
{
        const conf_object_t *c = conf_db_find(snap, CONF_CLASS_CLUSTER, NULL);
        const conf_object_t *k = cur ? conf_db_find(cur, CONF_CLASS_CLUSTER, NULL) : NULL;
        const char *id = c ? conf_object_get(c, "ID") : NULL;
        const char *cid = k ? conf_object_get(k, "ID") : NULL;
        const char *rp = c ? conf_object_get(c, "REPOSITORY") : NULL;

        if (!c)
                return fail(sj, -HAMR_E_BAD_VALUE,
                            "snapshot \"%s\" holds no cluster object: nothing to restore",
                            sj->name);
        if (id && cid && strcmp(id, cid))
                return fail(sj, -HAMR_E_BAD_VALUE,
                            "snapshot \"%s\" was taken on another cluster (cluster ID %s; this "
                            "cluster's ID is %s): it cannot be restored here",
                            sj->name, id, cid);
        if (rp && strcmp(rp, sj->repo_path))
                return fail(sj, -HAMR_E_BAD_VALUE,
                            "snapshot \"%s\": cluster REPOSITORY=\"%s\" does not match the "
                            "repository hamrd runs with, \"%s\"",
                            sj->name, rp, sj->repo_path);
        return 0;
}

static int run_restore(snap_job_t *sj, repo_work_ctx_t *ctx, repo_t *repo, char **texts)
{
        repo_snap_info_t info;
        conf_db_t *snap = NULL, *cur = NULL;
        hamr_config_t *cfg = NULL;
        const char *active = NULL;
        uint64_t gen = 0;
        char perr[CONF_ERR_LEN];
        _cleanup_free_ char *text = NULL, *diff = NULL;
        size_t changes = 0;
        int r;

        r = snap_db(sj, texts, sj->name, &snap, &info);
        if (r < 0)
                return r;
        if (active_config(sj, repo, &active, &gen) == 0 &&
            conf_db_parse(active, &cur, perr, sizeof(perr)) < 0)
                cur = NULL;
        sj->err[0] = '\0';
        r = restore_checks(sj, snap, cur);
        /* verified as a sync would (nothing wrong is ever staged) */
        if (r == 0 && conf_compile(snap, &cfg, perr, sizeof(perr)) < 0)
                r = fail(sj, -HAMR_E_BAD_VALUE,
                         "snapshot \"%s\" does not verify: %s (nothing was staged)", sj->name,
                         perr);
        if (r == 0)
                r = hamrd_config_lock_keep(ctx, repo, sj->err, sizeof(sj->err));
        if (r == 0) {
                /* staged on top of the newest committed generation; the
                 * snapshot's group IDs are kept, and new IDs still start
                 * above every generation's (conf_db_assign_ids) */
                snap->generation = gen;
                text = conf_db_format(snap);
                r = repo_staged_write(repo, gen, text, strlen(text));
                if (r < 0)
                        fail(sj, r, "repository %s: write failed: %s", repo_path(repo),
                             strerror(-r));
        }
        if (r == 0) {
                char la[128], lb[160];
                snprintf(la, sizeof(la), "active configuration (generation %llu)",
                         (unsigned long long)gen);
                snprintf(lb, sizeof(lb), "staged from snapshot %s (generation %llu)", sj->name,
                         (unsigned long long)info.generation);
                diff = conf_diff(cur ? cur : snap, snap, la, lb, &changes);
                sj->reply = json_pack("{s:b, s:s, s:I, s:s, s:I}", "ok", 1, "name", sj->name,
                                      "generation", (json_int_t)info.generation, "diff", diff,
                                      "changes", (json_int_t)changes);
        }
        hamr_config_free(cfg);
        conf_db_free(snap);
        conf_db_free(cur);
        return r;
}

static int run_compare(snap_job_t *sj, repo_t *repo, char **texts)
{
        repo_snap_info_t ia, ib;
        conf_db_t *a = NULL, *b = NULL;
        char la[160], lb[160], perr[CONF_ERR_LEN];
        _cleanup_free_ char *diff = NULL;
        const char *active;
        uint64_t gen;
        size_t changes = 0;
        int r;

        r = snap_db(sj, texts, sj->name, &a, &ia);
        snprintf(la, sizeof(la), "snapshot %s (generation %llu, %s)", sj->name,
                 (unsigned long long)ia.generation, ia.time);
        if (r == 0 && sj->name2) {
                r = snap_db(sj, texts, sj->name2, &b, &ib);
                snprintf(lb, sizeof(lb), "snapshot %s (generation %llu, %s)", sj->name2,
                         (unsigned long long)ib.generation, ib.time);
        } else if (r == 0) {
                r = active_config(sj, repo, &active, &gen);
                if (r == 0 && conf_db_parse(active, &b, perr, sizeof(perr)) < 0)
                        r = fail(sj, -HAMR_E_BAD_VALUE,
                                 "the active configuration cannot be read: %s", perr);
                snprintf(lb, sizeof(lb), "active configuration (generation %llu)",
                         (unsigned long long)gen);
        }
        if (r == 0) {
                diff = conf_diff(a, b, la, lb, &changes);
                sj->reply = json_pack("{s:b, s:s, s:I}", "ok", 1, "diff", diff, "changes",
                                      (json_int_t)changes);
        }
        conf_db_free(a);
        conf_db_free(b);
        return r;
}

static void snap_run(repo_job_t *job, repo_work_ctx_t *ctx)
{
        snap_job_t *sj = (snap_job_t *)job;
        bool writes = sj->act == SNAP_ADD || sj->act == SNAP_MODIFY || sj->act == SNAP_DELETE ||
                      sj->act == SNAP_RESTORE;
        char *texts[REPO_SNAP_MAX] = {NULL};
        repo_t *repo = NULL;
        int r;

        r = hamrd_config_job_repo(ctx, job->path, &repo, sj->err, sizeof(sj->err));
        if (r == 0 && writes)
                r = hamrd_config_lock(ctx, repo, sj->lock_owner, sj->lock_inc, sj->err,
                                      sizeof(sj->err));
        if (r < 0) {
                sj->r = r;
                return;
        }
        r = repo_snap_read_all(repo, texts);
        if (r < 0) {
                fail(sj, r, "repository %s: snapshots cannot be read: %s", job->path, strerror(-r));
        } else {
                switch (sj->act) {
                case SNAP_ADD:
                        r = run_add(sj, ctx, repo, texts);
                        break;
                case SNAP_MODIFY:
                        r = run_modify(sj, ctx, repo, texts);
                        break;
                case SNAP_DELETE:
                        r = run_delete(sj, ctx, repo, texts);
                        break;
                case SNAP_QUERY:
                        r = run_query(sj, texts);
                        break;
                case SNAP_RESTORE:
                        r = run_restore(sj, ctx, repo, texts);
                        break;
                case SNAP_COMPARE:
                        r = run_compare(sj, repo, texts);
                        break;
                }
        }
        for (unsigned i = 0; i < REPO_SNAP_MAX; i++)
                free(texts[i]);
        if (writes)
                hamrd_config_unlock(ctx, repo);
        sj->r = r;
}

static void snap_done(void *ud, repo_job_t *job)
{
        hamrd_t *d = ud;
        snap_job_t *sj = (snap_job_t *)job;
        char err[CONF_ERR_LEN];

        if (sj->newer_text &&
            hamrd_config_adopt(d, sj->newer_gen, sj->newer_text, err, sizeof(err)) < 0)
                log_err("daemon", "configuration generation %llu not applied: %s",
                        (unsigned long long)sj->newer_gen, err);
        if (sj->r == 0 && sj->act != SNAP_QUERY && sj->act != SNAP_COMPARE)
                log_info("daemon", "snapshot %s: %s done", sj->name,
                         sj->act == SNAP_ADD      ? "add"
                         : sj->act == SNAP_MODIFY ? "modify"
                         : sj->act == SNAP_DELETE ? "delete"
                                                  : "restore (staged)");
        if (!sj->job.expired && sj->job.ran) {
                if (sj->r == 0 && sj->reply) {
                        hamrd_answer(d, sj->conn, sj->reply);
                        sj->reply = NULL;
                } else {
                        hamrd_config_reply(d, sj->conn, sj->r, sj->err);
                }
        }
        snap_free(sj);
}

static void snap_expire(void *ud, repo_job_t *job, bool running)
{
        hamrd_t *d = ud;
        hamrd_config_expired(d, ((snap_job_t *)job)->conn, job, running);
}

/* The request's name (required unless query), name2, attributes and text,
 * checked on the loop: nothing is queued for a request that is wrong. */
static int snap_args(snap_job_t *sj, json_t *req, char *err, size_t errlen)
{
        const char *name = json_string_value(json_object_get(req, "name"));
        const char *name2 = json_string_value(json_object_get(req, "name2"));
        json_t *attrs = json_object_get(req, "attrs"), *text = json_object_get(req, "text"), *v;
        const char *k;

        if (!name && sj->act != SNAP_QUERY) {
                snprintf(err, errlen, "snapshot: a snapshot name is required");
                return -HAMR_E_MISSING;
        }
        if (name && repo_snap_name_check(name, err, errlen) < 0)
                return -HAMR_E_BAD_VALUE;
        if (name2 && (sj->act != SNAP_COMPARE || repo_snap_name_check(name2, err, errlen) < 0)) {
                if (sj->act != SNAP_COMPARE)
                        snprintf(err, errlen, "snapshot: one snapshot name is allowed here");
                return -HAMR_E_BAD_VALUE;
        }
        if (attrs && !json_is_object(attrs)) {
                snprintf(err, errlen, "snapshot: attributes must be NAME=value strings");
                return -HAMR_E_BAD_VALUE;
        }
        json_object_foreach(attrs, k, v)
        {
                bool desc_ok = sj->act == SNAP_ADD || sj->act == SNAP_MODIFY;
                if (strcasecmp(k, "DESCRIPTION") || !desc_ok || !json_is_string(v)) {
                        snprintf(err, errlen,
                                 "snapshot \"%s\": attribute \"%s\" is not allowed here; "
                                 "allowed: %s",
                                 name ? name : "", k,
                                 desc_ok ? "DESCRIPTION (and FILE=path on add, read by clmgr)"
                                         : "none");
                        return -HAMR_E_BAD_ATTR;
                }
                if (repo_snap_desc_check(json_string_value(v), err, errlen) < 0)
                        return -HAMR_E_BAD_VALUE;
                sj->desc = zstrdup(json_string_value(v));
        }
        if (sj->act == SNAP_MODIFY && !sj->desc) {
                snprintf(err, errlen, "snapshot \"%s\": nothing to change; allowed: DESCRIPTION",
                         name);
                return -HAMR_E_MISSING;
        }
        if (text && (sj->act != SNAP_ADD || !json_is_string(text))) {
                snprintf(err, errlen, "snapshot: \"text\" is allowed only on add, as a string");
                return -HAMR_E_BAD_VALUE;
        }
        sj->name = name ? zstrdup(name) : NULL;
        sj->name2 = name2 ? zstrdup(name2) : NULL;
        sj->import = text ? zstrdup(json_string_value(text)) : NULL;
        return 0;
}

static void snapshot_request(hamrd_t *d, uint32_t conn, json_t *req, snap_act_t act)
{
        char err[CONF_ERR_LEN] = "";
        snap_job_t *sj = zalloc(sizeof(*sj));
        int r;

        sj->conn = conn;
        sj->act = act;
        r = snap_args(sj, req, err, sizeof(err));
        if (r < 0) {
                hamrd_config_reply(d, conn, r, err);
                snap_free(sj);
                return;
        }
        /* the node that took it: the one the administrator asked, also
         * when the request was forwarded to this coordinator */
        {
                const char *on = json_string_value(json_object_get(req, "origin_node"));
                snprintf(sj->node, sizeof(sj->node), "%s",
                         (conn & HAMRD_REMOTE_CONN) && on ? on : d->node_name);
        }
        snprintf(sj->repo_path, sizeof(sj->repo_path), "%s", d->repo_path);
        sj->base_text = hamrd_config_active_text(d, &sj->base_gen);
        sj->lock_owner = hamrd_config_lock_owner(d);
        sj->lock_inc = d->incarnation;
        snprintf(sj->job.path, sizeof(sj->job.path), "%s", hamrd_repo_path(d, d->repo_index));
        sj->job.timeout_usec = HAMRD_REPO_IO_TIMEOUT_USEC;
        sj->job.run = snap_run;
        sj->job.done = snap_done;
        sj->job.expire = snap_expire;
        if (!hamrd_config_submit(d, &sj->job, conn))
                snap_free(sj);
}

/* Entry points of the operation table (daemon_ops.c). */
void hamrd_op_snapshot_add(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_ADD);
}

void hamrd_op_snapshot_modify(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_MODIFY);
}

void hamrd_op_snapshot_delete(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_DELETE);
}

void hamrd_op_snapshot_query(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_QUERY);
}

void hamrd_op_snapshot_restore(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_RESTORE);
}

void hamrd_op_snapshot_compare(hamrd_t *d, uint32_t conn, json_t *req)
{
        snapshot_request(d, conn, req, SNAP_COMPARE);
}

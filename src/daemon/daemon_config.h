/* daemon_config (private): what daemon_config.c shares with the
 * configuration requests in daemon_edit.c. Loop thread unless noted. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "conf/conf.h"
#include "daemon/daemon.h"
#include "repo/repo_work.h"

/* A configuration request whose repository I/O takes longer is answered
 * "repository P does not answer". */
#define HAMRD_REPO_IO_TIMEOUT_USEC (5 * USEC_PER_SEC)

/* Apply a committed generation (text borrowed) if newer than the active one. */
int hamrd_config_adopt(hamrd_t *d, uint64_t gen, const char *text, char *err, size_t errlen);
/* The active configuration as text for a job (malloc'd; NULL if none). */
char *hamrd_config_active_text(hamrd_t *d, uint64_t *ret_gen);
/* Answer conn: {"ok":true} for r == 0, else the error (err, or r's text). */
void hamrd_config_reply(hamrd_t *d, uint32_t conn, int r, const char *err);
/* Queue j on the configuration worker; false (j still owned by the caller,
 * conn answered) when the worker is stuck on this repository. */
bool hamrd_config_submit(hamrd_t *d, repo_job_t *j, uint32_t conn);
/* Answer conn for a job past its timeout (queued, or running and stuck). */
void hamrd_config_expired(hamrd_t *d, uint32_t conn, const repo_job_t *j, bool running);

/* Worker thread: the configuration being edited: staged edits if based on
 * the newest committed generation, else that generation, which is the
 * repository's if newer than base (then returned in *ret_newer_text,
 * malloc'd). Returns a new db (owned by the caller). */
conf_db_t *hamrd_config_editable(repo_t *repo, const char *base_text, uint64_t base_gen,
                                 uint64_t *ret_active, char **ret_newer_text, bool *ret_staged);
/* Worker thread: the worker's handle on path; -HAMR_E_NOT_CONFIGURED if not
 * formatted; err says why. */
int hamrd_config_job_repo(repo_work_ctx_t *ctx, const char *path, repo_t **ret_repo, char *err,
                          size_t errlen);

/* Worker thread: take the cluster-wide configuration lock on repo (the
 * same-host OFD lock, then the on-disk lock of repo_cfglock.h) for owner
 * (a node id or REPO_CFGLOCK_ANON) and incarnation. On failure err names the
 * holder and nothing is held. */
int hamrd_config_lock(repo_work_ctx_t *ctx, repo_t *repo, uint16_t owner, uint64_t incarnation,
                      char *err, size_t errlen);
/* Worker thread: just before a write under the lock: renew it; -ENOLCK
 * (err says so) if it was lost, then write nothing. */
int hamrd_config_lock_keep(repo_work_ctx_t *ctx, repo_t *repo, char *err, size_t errlen);
void hamrd_config_unlock(repo_work_ctx_t *ctx, repo_t *repo);
/* Loop: the owner this node writes into the configuration lock. */
uint16_t hamrd_config_lock_owner(const hamrd_t *d);

/* daemon_edit.c */
void hamrd_config_edit(hamrd_t *d, uint32_t conn, const char *op, json_t *req);
void hamrd_config_sync(hamrd_t *d, uint32_t conn, bool verify_only, bool preview);
void hamrd_config_query(hamrd_t *d, uint32_t conn, json_t *req);

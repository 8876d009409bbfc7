/* daemon_repo: the active repository and automatic repository replacement
 * (ARR). The coordinator switches the cluster to the next backup repository
 * (BACKUP_REPOSITORIES) once every member has reported the active one
 * failing (I/O errors, or no disk round completed: a hang) for the
 * detection time. It prepares the backup off the loop (formats it unless it
 * already holds a repository, and writes the applied configuration
 * generation there), then publishes the new index in the view; every node
 * follows the view and moves its disk heartbeat and configuration I/O to
 * it. Groups are not touched: the network keeps the view quorate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hamr_alloc.h"
#include "common/hamr_log.h"
#include "daemon/daemon.h"

typedef struct prepare_job {
        uv_work_t req;
        hamrd_t *d;
        uint8_t index;
        char path[4096];
        char *text;
        uint64_t generation;
        int result;
} prepare_job_t;

/* Worker thread: make the backup a repository holding our generation. */
static void prepare_work(uv_work_t *req)
{
        prepare_job_t *j = req->data;
        repo_t *repo = NULL;
        uint64_t gen = 0;
        char *text = NULL;
        int r;

        r = repo_open(j->path, &repo);
        if (r < 0) {
                r = repo_format(j->path);
                if (r == 0)
                        r = repo_open(j->path, &repo);
        }
        if (r == 0 && (repo_config_read(repo, &gen, &text) < 0 || gen < j->generation))
                r = repo_config_write(repo, j->generation, j->text, strlen(j->text));
        free(text);
        repo_close(repo);
        j->result = r;
}

static void prepare_done(uv_work_t *req, int status)
{
        prepare_job_t *j = req->data;
        hamrd_t *d = j->d;
        memb_view_t *v = &d->memb->view;

        d->repo_switching = false;
        if (status == 0 && j->result == 0 && d->memb->have_view && v->coord == d->self_id &&
            cstate_ctl_of_view(d->cs, v->view_id, v->coord)) {
                log_info("daemon", "ARR: repository %s prepared (generation %llu): switching the cluster to it",
                         j->path, (unsigned long long)j->generation);
                d->cs->ctl.repo_index = j->index;
                d->cs->ctl.ctl_seq++; /* published in the control state */
                d->ctl_dirty = true;
                d->dirty = true;
                hamrd_kick(d);
        } else {
                log_err("daemon", "ARR: backup repository %s cannot be used: %s", j->path,
                        strerror(-(j->result ? j->result : status)));
                d->repo_bad |= 1u << j->index;
        }
        free(j->text);
        free(j);
}

/* Prepare backup `next` (the planner's choice, plan() ARR) off the loop. */
static void start_switch(hamrd_t *d, unsigned next)
{
        prepare_job_t *j;

        if (next > d->cfg->nbackups || !d->db)
                return;
        j = zalloc(sizeof(*j));
        j->d = d;
        j->index = (uint8_t)next;
        snprintf(j->path, sizeof(j->path), "%s", hamrd_repo_path(d, next));
        j->text = conf_db_format(d->db);
        j->generation = d->cfg->generation;
        j->req.data = j;
        log_warn("daemon", "ARR: repository %s failed on every member: preparing backup %s",
                 hamrd_repo_path(d, d->cs->ctl.repo_index), j->path);
        if (uv_queue_work(d->loop, &j->req, prepare_work, prepare_done) == 0)
                d->repo_switching = true;
        else {
                free(j->text);
                free(j);
        }
}

typedef struct open_job {
        uv_work_t req;
        hamrd_t *d;
        uint8_t index;
        char path[4096];
        repo_t *repo; /* out */
        int result;
} open_job_t;

/* Worker thread: open the repository the view names (reads its superblock). */
static void open_work(uv_work_t *req)
{
        open_job_t *j = req->data;

        j->result = repo_open(j->path, &j->repo);
}

static void open_done(uv_work_t *req, int status)
{
        open_job_t *j = req->data;
        hamrd_t *d = j->d;

        d->repo_opening = false;
        if (status < 0 || j->result < 0) {
                log_err("daemon", "ARR: cannot open the active repository %s: %s", j->path,
                        strerror(-(status < 0 ? status : j->result)));
        } else if (j->index != d->cs->ctl.repo_index || !d->cfg ||
                   strcmp(j->path, hamrd_repo_path(d, j->index))) {
                repo_close(j->repo); /* the view moved on meanwhile */
        } else {
                /* The previous handle stays open: the disk worker may still
                 * be inside an I/O on it (a hung disk), and closing it is
                 * not needed. */
                log_warn("daemon", "repository switched to %s (%s)", j->path,
                         j->index ? "backup" : "REPOSITORY");
                d->repo = j->repo;
                d->repo_index = j->index;
                d->disk_ok_usec = 0;
                hamrd_repo_attach(d);
                d->dirty = true;
                hamrd_kick(d);
        }
        free(j);
}

/* Follow the control state's active repository (opened off the loop). */
static void follow(hamrd_t *d)
{
        uint8_t want = d->cs->ctl.repo_index;
        open_job_t *j;

        if ((want == d->repo_index && d->repo) || d->repo_opening)
                return;
        if (want == d->repo_index && !d->repo)
                return; /* start-up: the configuration worker opens it */
        if (want > d->cfg->nbackups)
                return; /* a configuration without that backup: wait for the generation */
        j = zalloc(sizeof(*j));
        j->d = d;
        j->index = want;
        snprintf(j->path, sizeof(j->path), "%s", hamrd_repo_path(d, want));
        j->req.data = j;
        if (uv_queue_work(d->loop, &j->req, open_work, open_done) == 0)
                d->repo_opening = true;
        else
                free(j);
}

void hamrd_repo_step(hamrd_t *d, usec_t now)
{
        const memb_view_t *v = &d->memb->view;

        if (!d->cfg || !d->memb->have_view || !memb_quorate(d->memb, now) ||
            !cstate_ctl_of_view(d->cs, v->view_id, v->coord))
                return;
        follow(d);
        /* The coordinator's planner decided (coord_update, this step): every
         * member reported the active repository failing for the detection
         * time; it chose the next backup that did not fail to prepare. */
        if (v->coord == d->self_id && memb_is_coordinator(d->memb, now) && !d->repo_switching &&
            d->coord.arr_switch != PLAN_NONE)
                start_switch(d, (unsigned)d->coord.arr_switch);
}

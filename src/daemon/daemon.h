/* daemon: hamrd's state and the seams between its files. hamrd is wiring:
 * logic lives in the module libraries (conf, wire, repo, topo, memb, coord,
 * rgm, agents, api). */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "api/api.h"
#include "conf/conf.h"
#include "coord/coord.h"
#include "cstate/cstate.h"
#include "dms/dms.h"
#include "memb/memb.h"
#include "repo/repo.h"
#include "exec/exec.h"
#include "topo/topo.h"
#include "wire/wire.h"

#define HAMRD_MAX_FORWARDS 32

typedef struct forward {
        bool used;
        uint32_t req_id;
        uint32_t conn_id;
        char *text; /* request JSON */
        usec_t deadline;
        usec_t last_send;
} forward_t;

/* Coordinator: a configuration edit forwarded by another node, answered
 * once (a resent copy is not run again; its answer is sent again). */
#define HAMRD_MAX_REMOTE  32
#define HAMRD_REMOTE_CONN 0x80000000u /* | index: the conn id of a remote edit */
typedef struct hamrd_remote {
        bool used;
        bool answered;
        uint16_t from;
        uint32_t req_id;
        uint64_t origin_inc; /* the forwarding daemon's incarnation */
        usec_t since;        /* received, or answered */
        char *reply;         /* the answer, once given */
} hamrd_remote_t;

struct hamrd;
/* A verification on the nodes in progress (daemon_facts.c). */
#define HAMRD_MAX_FACTS 4
typedef struct hamrd_facts_gather {
        bool used;
        uint32_t conn, req_id;
        usec_t deadline, last_send;
        int64_t sent_ms;  /* wall clock (ms) when the members were asked */
        uint64_t waiting; /* members that have not answered */
        char *text;       /* the node_facts request sent to them */
        json_t *answers;  /* node id (decimal text) -> its answer */
        /* who gets the gathered answer (stolen): NULL, the client on conn */
        void (*done)(struct hamrd *d, json_t *rep);
} hamrd_facts_gather_t;

/* Graceful stop on SIGTERM/SIGINT (daemon_shutdown.c). */
typedef enum {
        HAMRD_SHUTDOWN_OFFLINE = 0, /* groups go offline */
        HAMRD_SHUTDOWN_MOVE,        /* groups move to other nodes (default) */
        HAMRD_SHUTDOWN_UNMANAGE,    /* resources left running, groups UNMANAGED */
} hamrd_shutdown_manage_t;

typedef struct hamrd_shutdown {
        hamrd_shutdown_manage_t manage; /* --shutdown */
        usec_t timeout_usec;            /* --shutdown-timeout */
        bool active;                    /* a stop signal arrived */
        bool done;                      /* the loop is being stopped */
        bool local;                     /* releasing without a coordinator */
        usec_t since;                   /* the first signal */
        usec_t released;                /* MANAGE=move: nothing held since */
        usec_t last_request;
        unsigned requests;                /* stop requests sent */
        uint64_t held[CONF_MAX_RGS / 64]; /* groups held at the signal, by index */
} hamrd_shutdown_t;

typedef struct hamrd {
        uv_loop_t *loop;
        char node_name[CONF_MAX_NAME + 1];
        char repo_path[4096];   /* --repository: the cluster's REPOSITORY */
        uint8_t repo_index;     /* active repository: 0 REPOSITORY, k backup k */
        bool repo_switching;    /* coordinator: preparing a backup */
        uint32_t repo_bad;      /* backups that could not be prepared */
        usec_t repo_fail_since; /* coordinator: all members report the active one failing */
        char key_path[4096];
        char socket_path[4096];
        char state_dir[4096];
        char watchdog_path[4096]; /* --watchdog, "" = none */
        char event_log[4096];     /* --event-log, default STATE_DIR/hamr.out */
        uint64_t ev_members;      /* the view members the event log last saw */
        int ev_carrier;           /* carrier the event log last saw: -1 not yet, 0, 1 */
        uint64_t incarnation;

        repo_t *repo;       /* NULL until the repository is formatted */
        conf_db_t *db;      /* active (committed) configuration, NULL if none */
        hamr_config_t *cfg; /* compiled active configuration */
        /* while this node is not in cfg: the configuration the modules
         * (memb, cstate, exec) still point at (daemon_config.c), else NULL */
        hamr_config_t *cfg_modules;
        bool member; /* this node is in cfg */
        uint16_t self_id;

        wire_ctx_t *wire;
        memb_t *memb;
        coord_t coord;
        exec_t *exec;
        topo_t *topo;
        api_t *api;
        dms_t *dms;

        usec_t disk_ok_usec;   /* last disk round without I/O error */
        usec_t net_check_usec; /* last link carrier check */
        bool carrier;          /* every network interface of this node has carrier */
        usec_t hold_deadline;  /* memb_hold_deadline at the last step */
        svc_state_t services;
        /* start cluster services whenever hamrd starts (clmgr start node
         * WHEN=restart|both): STATE_DIR/start-at-restart exists */
        bool autostart;
        memb_status_t *status; /* own, sent in heartbeats */
        uint64_t status_seq;
        uint64_t sent_pub_seq;
        uint64_t sent_view_id;
        bool dirty; /* own status changed: send now */
        /* cluster state (cstate): every node's report and the control state */
        cstate_t *cs;
        cstate_report_t report; /* own, newest (report_seq) */
        uint64_t report_sent_seq;
        bool ctl_dirty;          /* coordinator: control state to send now */
        unsigned quiet_ticks;    /* ticks since the report/control were last sent */
        uint64_t slot_overflows; /* slot bodies too large for the repository slot */

        uv_timer_t tick;
        uv_idle_t kick;                   /* runs one step soon after an event */
        void (*step_fn)(struct hamrd *d); /* the loop's step (daemon_loop registers it) */
        uv_timer_cb tick_fn;              /* the loop's heartbeat tick */
        /* the operation table's dispatch (daemon_ops registers it): how a
         * peer's forwarded request reaches it from daemon_api */
        void (*dispatch_fn)(struct hamrd *d, uint32_t conn, json_t *req);
        bool kick_armed;
        usec_t last_tick_usec;

        uint32_t next_req_id;
        forward_t fwd[HAMRD_MAX_FORWARDS];

        /* repository I/O off the loop (daemon_config.c, repo/repo_work.c) */
        struct repo_work *work; /* the configuration worker */
        usec_t start_usec;
        bool load_pending; /* a configuration read is queued */
        bool load_hung;    /* the last one did not answer in time */
        bool load_failed;  /* the last one failed (I/O error, no repository) */
        char *cache_text;  /* start-up: applied.conf, until used or not needed */
        uint64_t cache_gen;
        bool repo_opening; /* ARR: the view's repository is being opened */
        uint64_t bad_gen;  /* a generation that does not apply (not retried) */

        /* configuration edits forwarded to the coordinator (daemon_api.c) */
        bool fwd_config[HAMRD_MAX_FORWARDS];     /* fwd[i] is a configuration edit */
        uint16_t fwd_coord[HAMRD_MAX_FORWARDS];  /* ... sent to this coordinator only */
        hamrd_remote_t remote[HAMRD_MAX_REMOTE]; /* coordinator: edits from other nodes */

        hamrd_shutdown_t shutdown;                   /* daemon_shutdown.c */
        hamrd_facts_gather_t facts[HAMRD_MAX_FACTS]; /* daemon_facts.c */
        struct hamrd_dare_wait *dare_waits;          /* syncs waiting for live changes */
} hamrd_t;

/* daemon_loop.c: the top (tick, receipt, step) */
void hamrd_loop_init(hamrd_t *d);

/* daemon_core.c: the bottom (calls none of the other daemon files) */
void hamrd_kick(hamrd_t *d); /* run a step soon (d->step_fn) */
void hamrd_send_to(hamrd_t *d, uint16_t node_id, wire_type_t type, const void *body, size_t len);
void hamrd_apply_config(hamrd_t *d); /* after d->cfg changed */
const char *hamrd_repo_path(const hamrd_t *d, unsigned index);
void hamrd_repo_attach(hamrd_t *d); /* hand d->repo to the disk worker */
/* Start at restart: STATE_DIR/start-at-restart, read at start-up and
 * written when the coordinator orders a change (a small local file). */
void hamrd_load_autostart(hamrd_t *d);
void hamrd_set_autostart(hamrd_t *d, bool on);
void hamrd_view_events(hamrd_t *d); /* node_up/node_down in the event log */
/* network_down/network_up in the event log: this node's network
 * interfaces lose or regain carrier (as the service network state sees it). */
void hamrd_network_events(hamrd_t *d);

/* daemon_config.c: repository I/O runs on the configuration worker */
void hamrd_config_start(hamrd_t *d);  /* hamrd.c: the first read, the cached-config fallback */
void hamrd_config_reload(hamrd_t *d); /* read the repository's newest generation (async) */
/* A committed generation the disk worker read (text borrowed; NULL: not
 * read, ask the configuration worker). */
void hamrd_config_offer(hamrd_t *d, uint64_t gen, const char *text);

/* daemon_repo.c */
void hamrd_repo_step(hamrd_t *d, usec_t now);

/* daemon_shutdown.c: graceful stop on SIGTERM/SIGINT */
void hamrd_shutdown_init(hamrd_t *d); /* defaults: --shutdown move, --shutdown-timeout 60 */
/* --shutdown / --shutdown-timeout (opt without dashes); on a bad value err
 * names the option and what is allowed, and -EINVAL is returned. */
int hamrd_shutdown_option(hamrd_t *d, const char *opt, const char *value, char *err, size_t errlen);
/* A stop signal: the first starts the graceful stop, a second exits now. */
void hamrd_shutdown_signal(hamrd_t *d, int signum);
void hamrd_shutdown_tick(hamrd_t *d);                  /* the loop: after each step and tick */
bool hamrd_stopping(const hamrd_t *d);                 /* configuration edits are refused */
bool hamrd_shutdown_release_locally(const hamrd_t *d); /* the loop: may hold nothing */

/* daemon_api.c */
void hamrd_on_command(hamrd_t *d, uint16_t from, const uint8_t *body, size_t len);
void hamrd_on_reply(hamrd_t *d, const uint8_t *body, size_t len);
void hamrd_forwards_tick(hamrd_t *d);
/* Answer a request: a local client (api_reply) or, for a conn id with
 * HAMRD_REMOTE_CONN, the node that forwarded it. rep is stolen. */
void hamrd_answer(hamrd_t *d, uint32_t conn, json_t *rep);
void hamrd_answer_error(hamrd_t *d, uint32_t conn, int rc, const char *msg);
/* A configuration edit (add, modify, delete, sync) typed on this node while
 * it is a member of a quorate view coordinated by another node: forwarded
 * there (true: conn will be answered); false: run it here. */
bool hamrd_config_forward(hamrd_t *d, uint32_t conn, json_t *req);
json_t *hamrd_status_json(hamrd_t *d);

/* Handlers of the operation table (daemon_ops.c). A handler answers conn
 * (api_reply) now or later; req is borrowed. */
typedef void hamrd_op_fn(struct hamrd *d, uint32_t conn, json_t *req);
/* daemon_edit.c: configuration requests (run on the configuration worker). */
hamrd_op_fn hamrd_op_add, hamrd_op_modify, hamrd_op_delete, hamrd_op_query, hamrd_op_sync,
    hamrd_op_verify;
/* daemon_api.c: status, and runtime requests (to the coordinator). */
hamrd_op_fn hamrd_api_status, hamrd_api_runtime;

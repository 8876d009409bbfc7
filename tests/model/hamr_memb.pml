/*
 * hamr_memb.pml: membership, coordinator, scheduling and executor protocol of
 * hamrd, as the C code does it today, i.e. with the commits e9bc045 and
 * 164878e ("Membership fixes ... from the spin model") (no fencing, no tie-breaker lease, no disk
 * messages). See tests/model/README.md for the abstractions.
 *
 * Configurations:
 *   default      crash faults (at most MAXCRASH) and restarts (at most one per
 *                node, new incarnation). S1 holds: checked in CI.
 *   -DHANG       adds a "hang" fault: a node freezes (keeps what it holds,
 *                stops stepping, is detected as dead) and may thaw later.
 *                S1 is violated: the known gap closed by "Split-brain safety".
 *   -DASYMJOIN   a restarted node is discovered by each peer (and discovers
 *                them) after its own delay (README finding 2, 3).
 *   -DLAGREP     status messages are delivered late (a separate publish
 *                step) (README finding 1).
 *   -DRPTLAG     the REPORT is delivered after the STATUS of the same step
 *                (a step of its own): experiment, > 100M states, not in CI.
 *
 * Message split (STATUS / REPORT, VIEW / CONTROL): a view is accepted
 * (receive_view, membership only) and its control state later in a step of
 * its own (process Ctl, cstate_on_ctl + memb_note_control); a node's claim in
 * the coordinator choice is the view whose control state it holds (cv, cep);
 * the coordinator gates targets on the STATUS naming its view and the REPORT
 * (rpt_*) answering a control publication of its view.
 *   -DNOCREDIT   experiment: no view credit to the view's coordinator
 *                (memb_coordinator before fix 4).
 *   -DFIX_VALID  experiment (former candidate for finding 5): also record
 *                target_pub on the publication that validates a carried
 *                target. Not in the C code (revoke-before-grant replaced it).
 *   -DMAXP=n     bound on a view's pub_seq, asserted (PB).
 *
 * Properties:
 *   S1   (assert in monitor) at most one owner (ACQUIRING, ONLINE, RELEASING)
 *        among running nodes (crashed nodes own nothing; hung ones still do).
 *   VB   (assert in step) view ids never pass MAXV: the bound is exact, no
 *        path is cut.
 *   PB   (assert in coord_update) ctl_seq (vpub) never passes MAXP.
 *   live (ltl) once faults stopped with a majority running, eventually some
 *        running node that is quorate holds the group ONLINE.
 */

#ifndef N
#define N 3            /* configured nodes, ids 0..N-1, group NODES = 0,1,..,N-1 */
#endif
#ifndef MAXV
#define MAXV 10        /* bound on view ids, asserted (VB); the model reaches 8 */
#endif
#ifndef MAXCRASH
#define MAXCRASH 2     /* crashes in one run */
#endif
#ifndef MAXP
#define MAXP 8         /* bound on pub_seq within a view, asserted (PB); reaches 3 */
#endif
#define NONE 255       /* RGM_NO_NODE */
#define ALL  ((1 << N) - 1)
#define BIT(j) (1 << (j))

/* rg_state_t, reduced: ERROR / UNMANAGED are not modelled. */
#define OFF 0          /* RG_S_OFFLINE */
#define ACQ 1          /* RG_S_ACQUIRING */
#define ONL 2          /* RG_S_ONLINE */
#define REL 3          /* RG_S_RELEASING */

/* svc_state_t, reduced: UNMANAGED is not modelled */
#define SVC_IN   0
#define SVC_ACT  1
#define SVC_STOP 2

/* ---- per node, the daemon's own state (hamrd_t, memb_t, rgm_exec_t) ---- */
bool up[N];            /* daemon process exists (not crashed) */
bool hung[N];          /* daemon frozen (HANG configuration only) */
bit  inc[N];           /* incarnation (one restart per node: 0 or 1) */
byte reach[N];         /* memb_reach(): bit mask of nodes it considers up */
byte maxseen[N];       /* memb_t.max_view_id_seen */
bool have[N];          /* memb_t.have_view */
byte vid[N];           /* memb_t.view.view_id (kept when have_view drops) */
byte vep[N];           /* view.ctl_epoch: id of the newest quorate view whose
                        * control state this view carries */
byte vcoord[N];        /* view.coord */
byte vmem[N];          /* view.members */
byte vinc[N];          /* view.incarnations[], bit j = incarnation of j */
/* The control state the node holds (cstate_t.ctl, CONTROL message): its
 * view (ctl.view_id, ctl.coord), ctl_seq, targets_valid, target, want. It
 * is accepted separately from the view (recv_control), only for the view
 * the node holds, from that view's coordinator (cstate_on_ctl); until then
 * the node keeps the control state of an older view, which it does not act
 * on (current_ctl) but carries into a view it forms. */
byte cv[N];            /* ctl.view_id = memb_t.ctl_view (memb_note_control) */
byte cep[N];           /* memb_t.ctl_view_epoch */
byte ccoord[N];        /* ctl.coord */
byte vpub[N];          /* ctl.ctl_seq (1 when the view is formed, +1 per change) */
bool tvalid[N];        /* ctl.targets_valid */
byte target[N];        /* ctl.target[0] */
byte svc[N];           /* svc_state_t: SVC_IN, SVC_ACT, SVC_STOP */
bool vwant[N];         /* view.want[]: true = every node WANT_ACTIVE (the
                        * control state of `clmgr start cluster`), false =
                        * all WANT_INACTIVE (fresh memb_new() state) */
byte gs[N];            /* group_rt_t.state of the one group */
byte tpub[N];          /* coord_t.target_pub[0], 0 unless target_view[0] is
                        * the coordinator's current view (a view it forms
                        * has a new id, so "target_view == view id" is
                        * "changed since this view was formed") */

/* ---- the last STATUS each node published (memb_status_t), as every peer
 * sees it: broadcast reliably, read atomically ---- */
bit  rep_inc[N];
byte rep_vid[N];
byte rep_vep[N];       /* status view_epoch */
byte rep_cv[N];        /* status ctl_view: its claim in memb_coordinator */
byte rep_cep[N];       /* status ctl_epoch */
byte rep_vcoord[N];    /* status view_coord (kept when have_view drops) */
bool rep_q[N];         /* status quorate (only read by the LTL property) */
bool rep_have[N];      /* status view_members != 0 (have_view) */
byte rep_reach[N];     /* status reach (memb_reach) */

/* ---- the last REPORT each node published (cstate_report_t), a separate
 * message: read by the coordinator independently of the STATUS. own_* is
 * the report the node built at the end of its last step (build_report);
 * rpt_* the one its peers hold. By default (CI) the STATUS and the REPORT
 * of a step are published together at its end (no own_*): they differ in
 * what they say (the STATUS names the view held, the REPORT the control
 * state held, which may be of an older view), not in timing. With -DRPTLAG
 * (experiment, too large for CI: > 100M states) the report travels in a
 * step of its own (Node's report branch), so the coordinator may read a
 * report older than the node's status. ---- */
byte rpt_gs[N];        /* group state */
byte rpt_svc[N];       /* services */
byte rpt_cv[N];        /* ctl_view: the control publication it answers ... */
byte rpt_cpub[N];      /* ... ctl_seq */
#ifdef RPTLAG
byte own_gs[N];
byte own_svc[N];
byte own_cv[N];
byte own_cpub[N];
#endif

/* ---- fault bookkeeping ---- */
byte ncrash;
bit  restarted[N];
bool quiet;            /* the fault process stopped injecting faults */
#ifdef HANG
bit  hangs_used;
#endif
#ifdef PBCUT
bool pbcut;            /* some pub_seq passed MAXP: every process stops */
#define CUT :: pbcut -> break
#define GO  !pbcut &&
#else
#define CUT
#define GO
#endif

/* temporaries of the indivisible steps (not part of the state) */
hidden byte t_j, t_best, t_bestv, t_v, t_n, t_c;
hidden byte t_hold, t_act, t_ok, t_des, t_st;
hidden byte t_need, t_q, t_tv, t_k, t_m, t_cq, t_sv, t_pend, t_old;

#define RUNNING(i) (up[i] && !hung[i])
#define OWNS(i)    (up[i] && gs[i] != OFF)   /* crashed nodes own nothing */
/* memb_quorate() without the conflict test (see quorate()) */
#define QUORATE(i) (have[i] && (vmem[i] & BIT(i)) && quorate_mask(vmem[i]))

/* 2 * popcount(mask) > N, for N <= 8 */
#define PC(m) (((m)&1) + (((m)>>1)&1) + (((m)>>2)&1) + (((m)>>3)&1) + \
               (((m)>>4)&1) + (((m)>>5)&1) + (((m)>>6)&1) + (((m)>>7)&1))
#define quorate_mask(m) (2 * PC(m) > N)

/* Views rank by (ctl_epoch, view_id): KEY packs both (ids <= MAXV < 16). */
#define KEY(ep, v) ((ep) * 16 + (v))

/* memb_coordinator()'s key of candidate k at observer i (by KEY, see above;
 * the comment below says "vid" for it): own view.view_id
 * for k == i, else peers[k].view_id_seen (the view id k reports: the newest
 * status stands for the history), raised to status.view_id of every
 * reachable peer m != i whose newest status has view_members != 0 (it still
 * holds the view) and view_coord == k (fix 4, second round 164878e: computed,
 * not stored). Result in res. */
inline seen(i, k, res) {
        res = (k == i -> KEY(cep[i], cv[i]) : KEY(rep_cep[k], rep_cv[k])); t_m = 0;
#ifdef NOCREDIT
        t_m = N;     /* experiment: fix 4 left out */
#endif
#ifndef SELFCREDIT
        /* fix of finding 8 (memb_coordinator: no credit loop for i == self):
         * a node takes no credit for a view of its previous incarnation: its
         * own view id only. -DSELFCREDIT shows the finding. */
        if :: k == i -> t_m = N :: else -> skip fi;
#endif
        do
        :: t_m < N ->
                if
                :: t_m != i && t_m != k && (reach[i] & BIT(t_m)) &&
                   rep_vcoord[t_m] == k && KEY(rep_vep[t_m], rep_vid[t_m]) > res && rep_have[t_m] ->
                        res = KEY(rep_vep[t_m], rep_vid[t_m])
                :: else -> skip
                fi;
                t_m++
        :: else -> break
        od
}

/* memb_coordinator(): among reach[i], the node with the newest view id
 * (seen(), for self too); ties: lowest id. Result in res, loop variable k. */
inline coordinator2(i, res, k) {
        t_best = NONE; t_bestv = 0; k = 0;
        do
        :: k < N ->
                if
                :: reach[i] & BIT(k) ->
                        seen(i, k, t_v);
                        if
                        :: t_best == NONE || t_v > t_bestv -> t_best = k; t_bestv = t_v
                        :: else -> skip
                        fi
                :: else -> skip
                fi;
                k++
        :: else -> break
        od;
        res = t_best
}
#define coordinator(i) coordinator2(i, t_c, t_j)

/* memb_quorate(): have_view, member, majority (QUORATE), and no conflict
 * (memb_view_conflict, fix 3): no member j of our view (incarnation as the
 * view counts it) reports a view not ours, id >= ours, formed by a node that
 * is neither our view's coordinator nor our computed coordinator. The
 * silence / stepped-down timeouts are the have[] drops (Detect, StepDown).
 * Result in t_q. */
inline quorate(i) {
        t_q = QUORATE(i);
        if
        :: t_q ->
                coordinator2(i, t_cq, t_k);
                t_k = 0;
                do
                :: t_k < N ->
                        if
                        :: t_k != i && (vmem[i] & BIT(t_k)) &&
                           rep_inc[t_k] == ((vinc[i] >> t_k) & 1) &&
                           rep_vcoord[t_k] != vcoord[i] && rep_vid[t_k] >= vid[i] &&
                           rep_vcoord[t_k] != t_cq -> t_q = false
                        :: else -> skip
                        fi;
                        t_k++
                :: else -> break
                od
        :: else -> skip
        fi
}

/* memb_on_view(): i receives the view its coordinator t_c publishes. */
inline receive_view(i) {
        if
        :: t_c != i && RUNNING(t_c) && have[t_c] && vcoord[t_c] == t_c ->
                if :: vid[t_c] > maxseen[i] -> maxseen[i] = vid[t_c] :: else -> skip fi;
                if
                :: !(vmem[t_c] & BIT(i)) || ((vinc[t_c] >> i) & 1) != inc[i] ->
                        /* the coordinator no longer counts this life of ours in */
                        if
                        :: have[i] && vcoord[i] == t_c && vid[t_c] >= vid[i] -> have[i] = false
                        :: else -> skip
                        fi
                :: else ->
                        if
                        :: have[i] && vcoord[i] == t_c && vid[t_c] < vid[i] -> skip
                        :: else ->
                                /* membership only: the control state
                                 * follows in CONTROL (recv_control) */
                                vid[i] = vid[t_c]; vep[i] = vep[t_c]; vcoord[i] = t_c; vmem[i] = vmem[t_c];
                                vinc[i] = vinc[t_c]; have[i] = true
                        fi
                fi
        :: else -> skip
        fi
}

/* memb_coordinator_tick(): form a view = reach, if reach or an incarnation
 * changed. */
inline coordinator_tick(i) {
        t_need = (!have[i] || vcoord[i] != i || vmem[i] != reach[i]);
        t_j = 0;
        do
        :: t_j < N ->
                if
                :: !t_need && (reach[i] & BIT(t_j)) &&
                   ((vinc[i] >> t_j) & 1) != (t_j == i -> inc[i] : rep_inc[t_j]) -> t_need = true
                :: else -> skip
                fi;
                t_j++
        :: else -> break
        od;
        if
        :: t_need ->
                vid[i] = (maxseen[i] > vid[i] -> maxseen[i] : vid[i]) + 1;
                assert(vid[i] <= MAXV);               /* VB */
                maxseen[i] = vid[i];
                /* a quorate view starts a control-state epoch; one without
                 * quorum carries the inherited epoch */
                if :: quorate_mask(reach[i]) -> vep[i] = vid[i] :: else -> skip fi;
                vcoord[i] = i; vmem[i] = reach[i];
                vinc[i] = 0; t_j = 0;
                do
                :: t_j < N ->
                        if
                        :: (reach[i] & BIT(t_j)) && (t_j == i -> inc[i] : rep_inc[t_j]) ->
                                vinc[i] = vinc[i] | BIT(t_j)
                        :: else -> skip
                        fi;
                        t_j++
                :: else -> break
                od;
                tvalid[i] = false;                    /* target, want carry over */
                vpub[i] = 1;                          /* ctl_seq = 1 */
                tpub[i] = 0;                          /* target_view[] != new id */
                have[i] = true;
                /* the coordinator's own control state is of the new view:
                 * memb_note_control */
                cv[i] = vid[i]; cep[i] = vep[i]; ccoord[i] = i
        :: else -> skip
        fi
}

/* coord_update() + memb_view_agreed() + rgm_schedule() for one group whose
 * NODES are 0..N-1 in priority order, startup OFAN, fallover FNPN, fallback
 * NFB, no administrator commands, every node wanted ACTIVE. */
inline coord_update(i) {
        if
        :: have[i] && vcoord[i] == i ->
                /* memb_quorate && memb_view_agreed: every other member's
                 * STATUS names this view (id and coordinator, fix 2) in the
                 * incarnation the view counts, and hears no node outside it
                 * (closed view, 164878e); and (plan.c targets_valid) every
                 * other member's REPORT answers a control publication of
                 * this view (ctl_view) */
                quorate(i); t_tv = t_q; t_j = 0; t_pend = false;
                t_old = tvalid[i]; t_sv = target[i];
                do
                :: t_j < N ->
                        if
                        :: t_j != i && (vmem[i] & BIT(t_j)) &&
                           (rep_inc[t_j] != ((vinc[i] >> t_j) & 1) || rep_vid[t_j] != vid[i] ||
                            rep_vcoord[t_j] != i || (rep_reach[t_j] & ~vmem[i]) != 0 ||
                            rpt_cv[t_j] != vid[i]) ->
                                t_tv = false
                        :: else -> skip
                        fi;
                        /* coord_update pending[]: a member's REPORT (self
                         * answers at once: build_report before coord_update)
                         * has not answered the publication that last changed
                         * the target (fix 1): its ctl_seq (a report of
                         * another view already made t_tv false) */
                        if
                        :: t_j != i && (vmem[i] & BIT(t_j)) && rpt_cpub[t_j] < tpub[i] ->
                                t_pend = true
                        :: else -> skip
                        fi;
                        t_j++
                :: else -> break
                od;
                tvalid[i] = t_tv;
                if
                :: t_tv && t_pend -> skip   /* target kept as published */
                :: t_tv && !t_pend ->
                        /* build_view(): holders, active, ok (= eligible members) */
                        t_hold = 0; t_act = 0; t_ok = 0; t_j = 0;
                        do
                        :: t_j < N ->
                                if
                                :: vmem[i] & BIT(t_j) ->
                                        t_st = (t_j == i -> gs[i] : rpt_gs[t_j]);
                                        if
                                        :: t_st == ACQ || t_st == ONL ->
                                                t_act = t_act | BIT(t_j); t_hold = t_hold | BIT(t_j)
                                        :: t_st == REL -> t_hold = t_hold | BIT(t_j)
                                        :: else -> skip
                                        fi;
                                        if
                                        :: vwant[i] && (t_j == i -> svc[i] : rpt_svc[t_j]) == SVC_ACT ->
                                                t_ok = t_ok | BIT(t_j)   /* eligible */
                                        :: else -> skip
                                        fi
                                :: else -> skip
                                fi;
                                t_j++
                        :: else -> break
                        od;
                        /* target_node(): more than one holder -> none */
                        if
                        :: PC(t_hold) > 1 -> target[i] = NONE
                        :: else ->
                                /* desired_node(): stay on the active holder if it
                                 * may hold, else first available node in list */
                                if
                                :: t_act & t_ok -> t_des = t_act
                                :: else -> t_des = t_ok & (~t_ok + 1)  /* lowest bit */
                                fi;
                                if
                                :: t_des == 0 -> target[i] = NONE
                                :: (t_hold & ~t_des) != 0 -> target[i] = NONE   /* wait release */
                                :: else ->
                                        t_j = 0;
                                        do
                                        :: t_des == BIT(t_j) -> break
                                        :: else -> t_j++
                                        od;
                                        target[i] = t_j
                                fi
                        fi;
                        /* coord_update: revoke before grant (164878e): a
                         * target never moves from one node to another in one
                         * publication; it goes to none first, recorded as a
                         * change (target_pub), so the grant waits until every
                         * member answered the revoke */
                        if
                        :: t_sv != NONE && target[i] != NONE && target[i] != t_sv ->
                                target[i] = NONE
                        :: else -> skip
                        fi
                :: else -> skip        /* targets not valid: target[] kept, unused */
                fi;
                if
                :: tvalid[i] != t_old || target[i] != t_sv ->
                        /* publish(): pub_seq++; then, if the target changed,
                         * target_view/target_pub = this publication */
                        vpub[i]++;
#ifdef PBCUT
                        /* bounded search: paths end once a pub_seq passes
                         * MAXP (target flapping, README finding 9) */
                        if :: vpub[i] > MAXP -> pbcut = true :: else -> skip fi;
#else
                        assert(vpub[i] <= MAXP);      /* PB */
#endif
                        if
                        :: target[i] != t_sv -> tpub[i] = vpub[i]
#ifdef FIX_VALID
                        /* candidate fix (README finding 5): the publication
                         * that validates a carried-over target changes it too */
                        :: target[i] == t_sv && tvalid[i] && !t_old -> tpub[i] = vpub[i]
#endif
                        :: else -> skip
                        fi
                :: else -> skip
                fi
        :: else -> skip
        fi
}

/* current_ctl(): the control state held is of the view held: same view id
 * and published by that view's coordinator (ctl.coord == view.coord; the fix
 * of README finding 12, as in C: cstate_ctl_of_view). -DOLDCTL: the view id
 * alone (the rule before the fix). */
#ifndef OLDCTL
#define CTLCUR(i) (have[i] && cv[i] == vid[i] && ccoord[i] == vcoord[i])
#else
#define CTLCUR(i) (have[i] && cv[i] == vid[i])
#endif

/* rgm_exec_reconcile() for the group, with step()'s may_hold/targets_valid
 * (t_q = step()'s quorate; targets_valid needs the control state of the
 * current view: current_ctl, cstate_ctl_current) */
inline reconcile(i) {
        t_tv = t_q && CTLCUR(i) && tvalid[i];
        if
        /* may_hold = quorate && services ACTIVE or STOPPING */
        :: gs[i] == ONL && (!(t_q && svc[i] != SVC_IN) || svc[i] != SVC_ACT ||
                            (t_tv && target[i] != i)) -> gs[i] = REL
        :: gs[i] == OFF && t_tv && target[i] == i && t_q && svc[i] == SVC_ACT -> gs[i] = ACQ
        :: else -> skip
        fi
}

/* daemon_loop.c build_report(): services, group state, and the control
 * publication it answers (cstate ctl view_id, ctl_seq) */
inline build_report(i) {
#ifndef RPTLAG
        rpt_gs[i] = gs[i]; rpt_svc[i] = svc[i]; rpt_cv[i] = cv[i]; rpt_cpub[i] = vpub[i]
#else
        own_gs[i] = gs[i]; own_svc[i] = svc[i]; own_cv[i] = cv[i]; own_cpub[i] = vpub[i]
#endif
}

/* the REPORT reaches the peers (a step of its own with -DRPTLAG) */
#define RPTLATE(i) (rpt_gs[i] != own_gs[i] || rpt_svc[i] != own_svc[i] || \
                    rpt_cv[i] != own_cv[i] || rpt_cpub[i] != own_cpub[i])
inline deliver_report(i) {
        rpt_gs[i] = own_gs[i]; rpt_svc[i] = own_svc[i]; rpt_cv[i] = own_cv[i]; rpt_cpub[i] = own_cpub[i]
}

/* daemon_loop.c publish(): our STATUS (build_status) and our REPORT */
inline publish(i) {
        build_report(i);
        rep_inc[i] = inc[i]; rep_vid[i] = vid[i]; rep_vep[i] = vep[i];
        rep_cv[i] = cv[i]; rep_cep[i] = cep[i];   /* ctl_view, ctl_epoch */
        rep_vcoord[i] = vcoord[i];        /* build_status: even if expired */
        quorate(i); rep_q[i] = t_q;
        rep_have[i] = have[i];            /* view_members != 0 */
        rep_reach[i] = reach[i];          /* status reach */
        skip
}

/* daemon_loop.c services_step(): follow view.want[self] (t_q = step()'s
 * quorate) */
inline services_step(i) {
        if
        :: t_q && CTLCUR(i) ->
                if
                :: svc[i] == SVC_IN && vwant[i] -> svc[i] = SVC_ACT
                :: svc[i] == SVC_ACT && !vwant[i] -> svc[i] = SVC_STOP
                :: svc[i] == SVC_STOP && gs[i] == OFF -> svc[i] = SVC_IN  /* busy_count 0 */
                :: else -> skip
                fi
        :: else -> skip
        fi
}

/* daemon_loop.c step() (with the view receipt of on_packet() just before it,
 * and the periodic publish() of on_tick() after it). */
inline node_step(i) {
        /* memb_on_status(): max_view_id_seen from the peers' statuses */
        t_j = 0;
        do
        :: t_j < N ->
                if
                :: t_j != i && (reach[i] & BIT(t_j)) && rep_vid[t_j] > maxseen[i] ->
                        maxseen[i] = rep_vid[t_j]
                :: else -> skip
                fi;
                t_j++
        :: else -> break
        od;
        coordinator(i);
        receive_view(i);                  /* on_packet(WIRE_T_VIEW) -> memb_on_view */
        /* memb_expire(): a view from another coordinator is dropped when that
         * node is no longer our coordinator (silence: see Detect; our own
         * view after stepping down: see StepDown) */
        coordinator(i);
        if
        :: have[i] && vcoord[i] != i && t_c != vcoord[i] -> have[i] = false
        :: else -> skip
        fi;
        if
        :: t_c == i ->                    /* memb_is_coordinator() */
                coordinator_tick(i);
                coord_update(i)
        :: else -> skip
        fi;
        quorate(i);                       /* step(): quorate = memb_quorate() */
        services_step(i);
        reconcile(i);
        services_step(i);
#ifndef LAGREP
        publish(i);
#endif
        printf("MSC: step n%d: reach=%d have=%d view=%d coord=%d mem=%d tvalid=%d target=%d want=%d svc=%d gs=%d\n",
               i, reach[i], have[i], vid[i], vcoord[i], vmem[i], tvalid[i], target[i], vwant[i], svc[i], gs[i])
}

/* on_control() -> cstate_on_ctl(), memb_note_control(): i accepts the
 * CONTROL of the view it holds, from that view's coordinator, if newer than
 * the control state it holds (another view, another coordinator, or a
 * higher ctl_seq). Only now does the view count in i's own claim (cv, cep). */
#define CTLNEW(i) (RUNNING(i) && have[i] && vcoord[i] != i && RUNNING(vcoord[i]) && \
                   have[vcoord[i]] && vcoord[vcoord[i]] == vcoord[i] && \
                   vid[vcoord[i]] == vid[i] && \
                   (cv[i] != vid[i] || ccoord[i] != vcoord[i] || vpub[i] < vpub[vcoord[i]]))
inline recv_control(i) {
        t_c = vcoord[i];
        cv[i] = vid[i]; cep[i] = vep[i]; ccoord[i] = t_c;
        vpub[i] = vpub[t_c]; tvalid[i] = tvalid[t_c]; target[i] = target[t_c]; vwant[i] = vwant[t_c]
}

/* CONTROL arrives after the VIEW, in a step of its own; the report
 * answering it is built by the node's next step (hamrd_kick -> step). A
 * process of its own: the node's steps must not count as its turn under
 * weak fairness. */
proctype Ctl(byte i)
{
        do
        CUT
        :: d_step { GO CTLNEW(i) -> recv_control(i);
                printf("MSC: control n%d: view=%d seq=%d tvalid=%d target=%d want=%d\n",
                       i, cv[i], vpub[i], tvalid[i], target[i], vwant[i]) }
        od
}

proctype Node(byte i)
{
        do
        :: d_step { GO RUNNING(i) -> node_step(i) }
        CUT
#ifdef RPTLAG
        /* the REPORT reaches the peers after the STATUS of the same step */
        :: d_step { GO up[i] && RPTLATE(i) -> deliver_report(i);
                printf("MSC: report n%d: ctl=%d/%d svc=%d gs=%d\n", i, rpt_cv[i], rpt_cpub[i],
                       rpt_svc[i], rpt_gs[i]) }
#endif
#ifdef LAGREP
        /* the status message is in flight for a while: peers see it later */
        :: d_step { GO RUNNING(i) && (rep_vid[i] != vid[i] || rep_cv[i] != cv[i] ||
                                   rep_cep[i] != cep[i] ||
                                   rep_vcoord[i] != vcoord[i] || rep_have[i] != have[i] ||
                                   rep_reach[i] != reach[i] ||
#ifndef RPTLAG
                                   rpt_gs[i] != gs[i] || rpt_svc[i] != svc[i] ||
                                   rpt_cv[i] != cv[i] || rpt_cpub[i] != vpub[i]
#else
                                   own_gs[i] != gs[i] || own_svc[i] != svc[i] ||
                                   own_cv[i] != cv[i] || own_cpub[i] != vpub[i]
#endif
                                   ) ->
                publish(i); printf("MSC: status n%d: view=%d svc=%d gs=%d\n", i, vid[i], svc[i], gs[i]) }
#endif
        od
}

/* memb_expire() (and memb_quorate()) for our own view once we are no longer
 * the computed coordinator: dropped after the detection time
 * (view_heard_usec is no longer refreshed by memb_coordinator_tick). No
 * clock: the drop may happen at any time after stepping down, or not before
 * the new coordinator's view replaces ours (a superset of the timed
 * behaviours: sound for S1; weak fairness makes it happen for liveness). A
 * process of its own: its no-op (still coordinator) must not count as the
 * Node's turn under weak fairness. */
proctype StepDown(byte i)
{
        do
        CUT
        :: d_step { RUNNING(i) && have[i] && vcoord[i] == i ->
                coordinator(i);
                if
                :: t_c != i -> have[i] = false;
                        printf("MSC: expire n%d: stepped down (n%d coordinates)\n", i, t_c)
                :: else -> skip
                fi }
        od
}

/* Completion of the asynchronous acquire / release job (run_job/finish_job). */
proctype Job(byte i)
{
        do
        CUT
        :: d_step { RUNNING(i) && gs[i] == ACQ -> gs[i] = ONL;
                printf("MSC: job n%d: ONLINE\n", i) }
        :: d_step { RUNNING(i) && gs[i] == REL -> gs[i] = OFF;
                printf("MSC: job n%d: OFFLINE\n", i) }
        od
}

/* Failure detector of observer i about node j (peer_up() in memb_reach(),
 * heartbeats over every path): accurate with a delay. Also the silence
 * timeout of i's view when j coordinates it (memb_expire / memb_quorate
 * view_heard_usec). A hung node is detected as dead. */
proctype Detect(byte i; byte j)
{
        do
        CUT
        :: d_step { RUNNING(i) && (reach[i] & BIT(j)) && !RUNNING(j) ->
                reach[i] = reach[i] & ~BIT(j);
                printf("MSC: detect n%d: n%d down\n", i, j) }
        :: d_step { RUNNING(i) && !(reach[i] & BIT(j)) && RUNNING(j) ->
                reach[i] = reach[i] | BIT(j);
                printf("MSC: detect n%d: n%d up\n", i, j) }
        :: d_step { RUNNING(i) && have[i] && vcoord[i] == j && j != i &&
                    !(RUNNING(j) && have[j] && vcoord[j] == j) ->
                have[i] = false;
                printf("MSC: expire n%d: view of n%d silent\n", i, j) }
        od
}

/* Faults: crash (the daemon and its node stop: resources gone), restart
 * with a new incarnation (holds nothing, must re-join), and with -DHANG a
 * freeze that keeps the resources, and its thaw. */
proctype Faults()
{
        byte j;
        do
        :: ncrash < MAXCRASH ->
                atomic {
                        select(j : 0 .. N - 1);
                        if
                        :: up[j] -> up[j] = false; hung[j] = false; gs[j] = OFF;
                                have[j] = false; svc[j] = SVC_IN; ncrash++;
                                printf("MSC: fault: crash n%d\n", j)
                        :: else -> skip
                        fi;
                        j = 0
                }
        :: atomic {
                        select(j : 0 .. N - 1);
                        if
                        :: !up[j] && !restarted[j] ->
                                /* hamrd_loop_init + memb_new: a new life */
                                restarted[j] = 1; inc[j] = 1; up[j] = true;
                                reach[j] = BIT(j); maxseen[j] = 0; have[j] = false;
#ifndef ASYMJOIN
                                /* everyone hears everyone at once on a (re)join */
                                t_j = 0;
                                do
                                :: t_j < N ->
                                        if
                                        :: t_j != j && RUNNING(t_j) ->
                                                reach[j] = reach[j] | BIT(t_j);
                                                reach[t_j] = reach[t_j] | BIT(j)
                                        :: else -> skip
                                        fi;
                                        t_j++
                                :: else -> break
                                od;
#endif
                                vid[j] = 0; vep[j] = 0; vcoord[j] = 0; vmem[j] = 0; vinc[j] = 0;
                                cv[j] = 0; cep[j] = 0; ccoord[j] = 0;   /* no control state */
                                tvalid[j] = false; target[j] = NONE; svc[j] = SVC_IN;
                                vpub[j] = 0; tpub[j] = 0;    /* coord_init() */
                                vwant[j] = false;
                                gs[j] = OFF;
                                /* its first heartbeat: memb_on_status -> new_incarnation;
                                 * cstate_note_incarnation drops its old REPORT
                                 * (modelled as an empty one: answers no control) */
                                rep_inc[j] = 1; rep_vid[j] = 0; rep_vep[j] = 0;
                                rep_cv[j] = 0; rep_cep[j] = 0;
                                rpt_gs[j] = OFF; rpt_svc[j] = SVC_IN; rpt_cv[j] = 0; rpt_cpub[j] = 0;
#ifdef RPTLAG
                                own_gs[j] = OFF; own_svc[j] = SVC_IN; own_cv[j] = 0; own_cpub[j] = 0;
#endif
                                rep_vcoord[j] = 0; rep_q[j] = false;
                                rep_have[j] = false; rep_reach[j] = reach[j];
                                printf("MSC: fault: restart n%d\n", j)
                        :: else -> skip
                        fi;
                        j = 0
                }
#ifdef HANG
        :: !hangs_used ->
                atomic {
                        select(j : 0 .. N - 1);
                        if
                        :: RUNNING(j) -> hung[j] = true; hangs_used = 1;
                                printf("MSC: fault: hang n%d (gs=%d)\n", j, gs[j])
                        :: else -> skip
                        fi;
                        j = 0
                }
        :: atomic {
                        select(j : 0 .. N - 1);
                        if
                        :: up[j] && hung[j] ->
                                /* on_tick(): stalled past the detection time:
                                 * leave the view */
                                hung[j] = false; have[j] = false;
                                printf("MSC: fault: thaw n%d\n", j)
                        :: else -> skip
                        fi;
                        j = 0
                }
#endif
        :: break
        od;
        quiet = true
}

/* S1: never two owners among nodes that are up (a hung node is up). */
#define OWNERS (OWNS(0) + OWNS(1) + OWNS(2))
active proctype S1()
{
        assert(OWNERS <= 1)
}

#define MAJORITY  (2 * (up[0] + up[1] + up[2]) > N)
#define HOLDS(i)  (RUNNING(i) && gs[i] == ONL && QUORATE(i) && rep_q[i])
#define SOMEHOLDS (HOLDS(0) || HOLDS(1) || HOLDS(2))
ltl live { [] ((quiet && MAJORITY) -> <> SOMEHOLDS) }

init {
        byte i, j;
        atomic {
                i = 0;
                do
                :: i < N ->
                        /* The cluster has booted: node 0 formed view 1 of all
                         * nodes and everyone accepted it (at boot each node
                         * first formed a singleton view; their ids are below).
                         * `clmgr start cluster` was run: want = ACTIVE. The
                         * group is OFFLINE, services not yet ACTIVE, no target
                         * computed yet. */
                        up[i] = true; reach[i] = ALL; target[i] = NONE; gs[i] = OFF;
                        have[i] = true; vid[i] = 1; vcoord[i] = 0; vmem[i] = ALL;
                        vinc[i] = 0; tvalid[i] = false; vwant[i] = true;
                        maxseen[i] = 1; rep_vid[i] = 1; svc[i] = SVC_IN;
                        vep[i] = 1; rep_vep[i] = 1;
                        /* everyone holds view 1's control state (CONTROL
                         * ctl_seq 1, coordinator 0) and reported it */
                        cv[i] = 1; cep[i] = 1; ccoord[i] = 0; rep_cv[i] = 1; rep_cep[i] = 1;
                        vpub[i] = 1; rpt_cv[i] = 1; rpt_cpub[i] = 1;   /* rep_vcoord = 0 */
#ifdef RPTLAG
                        own_cv[i] = 1; own_cpub[i] = 1;
#endif
                        rep_have[i] = true; rep_reach[i] = ALL;
                        i++
                :: else -> break
                od;
                i = 0;
                do
                :: i < N ->
                        run Node(i); run Ctl(i); run Job(i); run StepDown(i);
                        j = 0;
                        do
                        :: j < N -> if :: j != i -> run Detect(i, j) :: else -> skip fi; j++
                        :: else -> break
                        od;
                        i++
                :: else -> break
                od;
                run Faults();
                i = 0; j = 0
        }
}

/*
 * hamr_fence.pml: the fencing rule of hamrd (deadman switch + hold deadline)
 * in discrete time. See tests/model/README.md ("hamr_fence.pml").
 *
 * A timed model: one global clock advanced by a tick step (heartbeat
 * interval = 1 tick). Every timestamp is kept as an age (now - timestamp),
 * saturated at the largest value any rule distinguishes, so the state space
 * is finite without a bound on the clock: a verified run covers runs of any
 * length. The clock itself (`clk`) is a hidden variable (not part of the
 * state), printed in trails only.
 *
 * Configurations:
 *   default      N = 3, no lease. S1 must hold (CI).
 *   -DN2         N = 2 with the tie-breaker lease. S1 must hold (CI).
 *   -DNOFENCE    the holder ignores its hold deadline and pets always:
 *                spin must find an S1 violation (CI, negative).
 *   -DBADTIMING  D = 1 < W + M = 2 (the configuration rule broken). S1
 *                still holds: no node can ever acquire (see README).
 *   -DREACH      sanity: assert that no takeover ever happens; must fail
 *                (the positive result is not vacuous).
 *   -DREACHHOLD  assert that no node ever acquires (holds with -DBADTIMING).
 *   -DMAXF=n     fault budget (default 2). -DD=, -DW=, -DM=, -DR=, -DT=
 *                change the timing (ticks).
 *
 * Property S1 (assert at every acquisition, the only step that adds a
 * holder): never two nodes holding the group (ONLINE or RELEASING) at the
 * same time.
 */

#ifdef N2
#define N 2
#endif
#ifndef N
#define N 3
#endif
#define NN (N * N)

#ifdef BADTIMING
#undef D
#define D 1            /* detection time (memb_timeout) < W + M = 2 */
#endif
#ifndef D
#define D 4            /* detection time in ticks (HEARTBEAT_FREQUENCY + GRACE_PERIOD):
                          the least hamr accepts, D = W + M + 2 */
#endif
#ifndef W
#define W 1            /* watchdog timeout (WATCHDOG_TIMEOUT) */
#endif
#ifndef M
#define M 1            /* fence margin (hamr_config_fence_margin) */
#endif
#ifndef R
#define R 2            /* longest release (stop scripts) */
#endif
#ifndef T
#define T 4            /* lease: ticks after the last renewal before another node may take it */
#endif
#ifndef MAXF
#define MAXF 2         /* faults in one run */
#endif

/* largest echo age with which a holder may keep holding:
 * now + W + M <= e + D  <=>  now - e <= D - W - M */
#define FOKA (D - W - M)
#if FOKA >= 0
#define CE (FOKA + 1)  /* echo ages saturate here: all older echoes are alike */
#else
#define CE 1
#endif

#define NONE 255

/* node state */
#define RUN  0         /* loop healthy */
#define HUNG 1         /* loop stalled: no sends, no pets, keeps what it holds */
#define DOWN 2         /* crashed or reset by the watchdog: holds nothing, stopped */

/* group state on a node (hold[]) */
#define OFF 0
#define ONL 1          /* ONLINE (or ACQUIRING) */
#define REL 2          /* RELEASING: still holds */

byte st[N];            /* RUN / HUNG / DOWN */
byte hold[N];          /* OFF / ONL / REL */
byte ra[N];            /* release age: ticks since the release started (cap R) */
byte pa[N];            /* pet age: ticks since the last pet (cap W) */
byte hrd[NN];          /* hrd[p*N+x]: ticks since p last heard x on any path (cap D) */
byte rcv[NN];          /* rcv[p*N+x]: age of the send time of x's newest status at p (cap CE) */
byte ech[NN];          /* ech[x*N+p]: age of x's echo from p = x's send time p echoed (cap CE; CE = never) */
byte fl[NN];           /* fl[p*N+x]: status of p to x delayed by one tick: the echo of x it carries (age), NONE */
bit lnk[NN];           /* network link p->x up */
bit dsk[N];            /* node's repository (disk path) usable */
byte owner;            /* the node the group belongs to (the coordinator's target) */
byte nf;               /* faults so far */
byte dmask;            /* delay choices of the tick being taken (0 between ticks) */
#ifdef N2
byte lo;               /* lease owner, NONE */
byte la;               /* ticks since the lease owner's last renewal (cap T) */
#endif

hidden byte clk;       /* the clock (now), for trails only */
hidden byte i, j, k;   /* scratch inside d_step */
hidden byte nw[NN];    /* scratch: statuses sent this tick, delivered at its end */
hidden byte nfl[NN];   /* scratch: statuses sent this tick, delivered at the next tick's end */

#define PATH(p, x) (lnk[(p)*N+(x)] || (dsk[p] && dsk[x]))
#define DBIT(p, x) (1 << (p))
#define AGE(v, cap) if :: (v) < (cap) -> v++ :: else fi
#define MIN(v, e) if :: (e) < (v) -> v = (e) :: else fi

/* memb_hold_deadline + dms_may_pet(1, ...): now + W + M <= H */
#if N == 3
/* k = 2 of 2 peers: H = newest echo + D (both peers must stop hearing x) */
#define FOK(x) (ech[(x)*N + ((x)+1)%N] <= FOKA || ech[(x)*N + ((x)+2)%N] <= FOKA)
#define QUORUM_DOWN(o) \
        (st[((o)+1)%N] == RUN && st[((o)+2)%N] == RUN && \
         hrd[(((o)+1)%N)*N + (o)] >= D && hrd[(((o)+2)%N)*N + (o)] >= D)
#define QUORUM_HAS(o, a) ((a) != (o))
#else
/* N = 2: no majority without x (h_maj infinite); exactly half needs the
 * lease: H = max(e + D, lease_until), lease_until = renewal + T - 1 */
#define FOK(x) (ech[(x)*N + 1-(x)] <= FOKA || (lo == (x) && la + W + M <= T - 1))
#define QUORUM_DOWN(o) (st[1-(o)] == RUN && hrd[(1-(o))*N + (o)] >= D && lo == 1-(o) && la <= T - 1)
#define QUORUM_HAS(o, a) ((a) != (o))
#endif

#ifdef NOFENCE
#define HOLD_OK(x) true
#else
#define HOLD_OK(x) FOK(x)
#endif

/* forced before the clock may advance: a watchdog that fired, a release at its longest */
#define PENDING(x) ((st[x] != DOWN && pa[x] >= W) || (st[x] == RUN && hold[x] == REL && ra[x] >= R))
#if N == 3
#define NOPENDING (!PENDING(0) && !PENDING(1) && !PENDING(2))
#else
#define NOPENDING (!PENDING(0) && !PENDING(1))
#endif

inline S1(a)
{
        k = 0;
        do
        :: k < N -> assert(k == a || hold[k] == OFF); k++
        :: else -> break
        od;
        k = 0
}

/* One heartbeat interval. dmask (chosen before) says whose statuses of this
 * tick (bit p: all statuses sent by node p) are delayed by one tick; the
 * others arrive within the tick. */
inline tick()
{
        d_step {
                clk++;
                /* time passes */
                i = 0;
                do
                :: i < N ->
                        j = 0;
                        do
                        :: j < N ->
                                AGE(hrd[i*N+j], D);
                                AGE(rcv[i*N+j], CE);
                                AGE(ech[i*N+j], CE);
                                if :: fl[i*N+j] != NONE -> AGE(fl[i*N+j], CE) :: else fi;
                                j++
                        :: else -> break
                        od;
                        if
                        :: st[i] == DOWN -> /* a stopped node's own records are never used again */
                                j = 0;
                                do
                                :: j < N -> hrd[i*N+j] = D; rcv[i*N+j] = CE; ech[i*N+j] = CE; j++
                                :: else -> break
                                od
                        :: else
                        fi;
                        AGE(pa[i], W);
                        if :: hold[i] == REL -> AGE(ra[i], R) :: else fi;
                        i++
                :: else -> break
                od;
#ifdef N2
                AGE(la, T);
#endif
                /* each healthy node: step() (may_hold = fence_ok: release if
                 * not), publish(), pet(), lease renewal by the disk worker */
                i = 0;
                do
                :: i < N ->
                        if
                        :: st[i] == RUN ->
                                if
                                :: hold[i] == ONL && !HOLD_OK(i) -> hold[i] = REL; ra[i] = 0
                                :: else
                                fi;
                                j = 0;
                                do
                                :: j < N ->
                                        if
                                        :: j != i && PATH(i, j) ->
                                                if
                                                :: dmask & DBIT(i, j) -> nfl[i*N+j] = rcv[i*N+j]
                                                :: else -> nw[i*N+j] = rcv[i*N+j]
                                                fi
                                        :: else
                                        fi;
                                        j++
                                :: else -> break
                                od;
                                if
                                :: hold[i] == OFF || HOLD_OK(i) -> pa[i] = 0
                                :: else
                                fi;
#ifdef N2
                                if :: lo == i && dsk[i] -> la = 0 :: else fi;
#endif
                                skip
                        :: else
                        fi;
                        i++
                :: else -> break
                od;
                /* end of the tick: last tick's delayed statuses, then this
                 * tick's (memb_on_status: last heard = clk, status, echo) */
                i = 0;
                do
                :: i < N ->
                        j = 0;
                        do
                        :: j < N ->
                                if
                                :: fl[i*N+j] != NONE && st[j] == RUN ->
                                        hrd[j*N+i] = 0;
                                        MIN(rcv[j*N+i], 1);
                                        MIN(ech[j*N+i], fl[i*N+j])
                                :: else
                                fi;
                                if
                                :: nw[i*N+j] != NONE && st[j] == RUN ->
                                        hrd[j*N+i] = 0;
                                        rcv[j*N+i] = 0;
                                        MIN(ech[j*N+i], nw[i*N+j])
                                :: else
                                fi;
                                fl[i*N+j] = nfl[i*N+j];
                                nfl[i*N+j] = NONE;
                                nw[i*N+j] = NONE;
                                j++
                        :: else -> break
                        od;
                        i++
                :: else -> break
                od;
                i = 0; j = 0;
                dmask = 0
        }
}

#if N == 3
#define EACH(X) X(0) X(1) X(2)
#define EACH_PAIR(X) X(0, 1) X(0, 2) X(1, 0) X(1, 2) X(2, 0) X(2, 1)
#else
#define EACH(X) X(0) X(1)
#define EACH_PAIR(X) X(0, 1) X(1, 0)
#endif

#if N == 3
#define OUT_UP(a) (lnk[a*N+(a+1)%N] || lnk[a*N+(a+2)%N])
#define IN_UP(a) (lnk[((a+1)%N)*N+a] || lnk[((a+2)%N)*N+a])
#define CUT_OUT(a) lnk[a*N+(a+1)%N] = 0; lnk[a*N+(a+2)%N] = 0
#define CUT_IN(a) lnk[((a+1)%N)*N+a] = 0; lnk[((a+2)%N)*N+a] = 0
#else
#define OUT_UP(a) lnk[a*N+1-a]
#define IN_UP(a) lnk[(1-a)*N+a]
#define CUT_OUT(a) lnk[a*N+1-a] = 0
#define CUT_IN(a) lnk[(1-a)*N+a] = 0
#endif

#ifdef REACH
#define REACHED assert(false)
#else
#define REACHED skip
#endif
#ifdef REACHHOLD
#define ACQUIRED assert(false)
#else
#define ACQUIRED skip
#endif

#ifdef N2
#define LEASE_TAKE(a) \
        :: atomic { st[a] == RUN && dsk[a] && lo != a && la >= T -> \
                printf("MSC: t=%d n%d takes the lease\n", clk, a); \
                lo = a; la = 0 }
#else
#define LEASE_TAKE(a)
#endif

/* Per node a:
 * - the watchdog fires W ticks after the last pet (in the same tick as a
 *   takeover: either order);
 * - a release ends (stop scripts done) after 0..R ticks;
 * - takeover: a quorate S without the owner in which every member
 *   considers the owner down (closed view, memb_view_agreed); a, a member
 *   of S with may_hold = fence_ok, acquires and becomes the owner;
 * - lease (N2): a node with disk access takes it T ticks after the last
 *   renewal;
 * - faults: hang, thaw, crash, disk loss. */
#define NODE_STEPS(a) \
        :: atomic { st[a] != DOWN && pa[a] >= W -> \
                printf("MSC: t=%d watchdog resets n%d\n", clk, a); \
                st[a] = DOWN; hold[a] = OFF; ra[a] = 0; pa[a] = 0 } \
        :: atomic { st[a] == RUN && hold[a] == REL -> \
                printf("MSC: t=%d n%d released\n", clk, a); \
                hold[a] = OFF; ra[a] = 0 } \
        :: atomic { owner != a && st[a] == RUN && hold[a] == OFF && \
                    QUORUM_DOWN(owner) && FOK(a) -> \
                printf("MSC: t=%d takeover from n%d by n%d\n", clk, owner, a); \
                REACHED; ACQUIRED; \
                S1(a); \
                hold[a] = ONL; owner = a } \
        LEASE_TAKE(a) \
        :: atomic { nf < MAXF && st[a] == RUN -> \
                printf("MSC: t=%d fault: hang n%d\n", clk, a); \
                st[a] = HUNG; nf++ } \
        :: atomic { st[a] == HUNG -> \
                printf("MSC: t=%d n%d thaws\n", clk, a); \
                st[a] = RUN } \
        :: atomic { nf < MAXF && st[a] != DOWN -> \
                printf("MSC: t=%d fault: crash n%d\n", clk, a); \
                st[a] = DOWN; hold[a] = OFF; ra[a] = 0; pa[a] = 0; nf++ } \
        :: atomic { nf < MAXF && dsk[a] -> \
                printf("MSC: t=%d fault: n%d loses its disk\n", clk, a); \
                dsk[a] = 0; nf++ } \
        :: atomic { nf < MAXF && OUT_UP(a) -> \
                printf("MSC: t=%d fault: n%d network cut outgoing\n", clk, a); \
                CUT_OUT(a); nf++ } \
        :: atomic { nf < MAXF && IN_UP(a) -> \
                printf("MSC: t=%d fault: n%d network cut incoming\n", clk, a); \
                CUT_IN(a); nf++ } \
        :: atomic { nf < MAXF && (OUT_UP(a) || IN_UP(a)) -> \
                printf("MSC: t=%d fault: n%d network cut both ways\n", clk, a); \
                CUT_OUT(a); CUT_IN(a); nf++ }

/* Per ordered pair: one-way cut, two-way cut (a < b). */
#define PAIR_FAULTS(a, b) \
        :: atomic { nf < MAXF && lnk[a*N+b] -> \
                printf("MSC: t=%d fault: link n%d -> n%d cut\n", clk, a, b); \
                lnk[a*N+b] = 0; nf++ } \
        :: atomic { nf < MAXF && a < b && (lnk[a*N+b] || lnk[b*N+a]) -> \
                printf("MSC: t=%d fault: link n%d <-> n%d cut\n", clk, a, b); \
                lnk[a*N+b] = 0; lnk[b*N+a] = 0; nf++ }

active proctype World()
{

        d_step {
                i = 0;
                do
                :: i < N ->
                        st[i] = RUN; hold[i] = OFF; ra[i] = 0; pa[i] = 0; dsk[i] = 1;
                        j = 0;
                        do
                        :: j < N ->
                                hrd[i*N+j] = 0; rcv[i*N+j] = 0; ech[i*N+j] = CE;
                                fl[i*N+j] = NONE; nfl[i*N+j] = NONE; nw[i*N+j] = NONE;
                                lnk[i*N+j] = 1;
                                j++
                        :: else -> break
                        od;
                        i++
                :: else -> break
                od;
                i = 0; j = 0;
                owner = 0;
#ifdef N2
                lo = NONE; la = T;
#endif
        }
end:
        do
        /* the clock */
        :: atomic {
                NOPENDING ->
#if N == 3
                select(dmask : 0 .. 7);
#else
                select(dmask : 0 .. 3);
#endif
                tick()
           }
        /* the owner (the coordinator's target) acquires: may_hold = fence_ok */
        :: atomic {
                st[owner] == RUN && hold[owner] == OFF && FOK(owner) ->
                printf("MSC: t=%d n%d acquires (owner)\n", clk, owner);
                ACQUIRED;
                S1(owner);
                hold[owner] = ONL
           }
        EACH(NODE_STEPS)
        EACH_PAIR(PAIR_FAULTS)
        od
}

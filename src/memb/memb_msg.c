/* memb_msg: encoders and decoders for HEARTBEAT (node status) and VIEW bodies. */
#include "memb/memb_msg.h"

#include <errno.h>
#include <string.h>

#include "common/hamr_buf.h"

int memb_status_encode(const memb_status_t *st, void *buf, size_t cap)
{
        bufw_t w;

        bufw_init(&w, buf, cap);
        bufw_u8(&w, MEMB_MSG_VERSION);
        bufw_u64(&w, st->status_seq);
        bufw_u64(&w, st->generation);
        bufw_u64(&w, st->reach);
        bufw_u64(&w, st->view_id);
        bufw_u64(&w, st->view_pub_seq);
        bufw_u64(&w, st->view_epoch);
        bufw_u16(&w, st->view_coord);
        bufw_u64(&w, st->view_members);
        bufw_u8(&w, st->quorate);
        bufw_u64(&w, st->ctl_view);
        bufw_u64(&w, st->ctl_epoch);
        {
                uint8_t n = 0;
                for (int i = 0; i < CONF_MAX_NODES; i++)
                        n += st->echo_seq[i] != 0;
                bufw_u8(&w, n);
                for (int i = 0; i < CONF_MAX_NODES; i++) {
                        if (!st->echo_seq[i])
                                continue;
                        bufw_u8(&w, (uint8_t)i);
                        bufw_u64(&w, st->echo_inc[i]);
                        bufw_u64(&w, st->echo_seq[i]);
                }
        }
        return w.overflow ? -EMSGSIZE : (int)w.len;
}

int memb_status_decode(const void *buf, size_t len, memb_status_t *ret)
{
        static memb_status_t st; /* large; decoded single-threaded on the loop */
        bufr_t r;

        memset(&st, 0, sizeof(st));
        bufr_init(&r, buf, len);
        if (bufr_u8(&r) != MEMB_MSG_VERSION)
                return -EBADMSG;
        st.status_seq = bufr_u64(&r);
        st.generation = bufr_u64(&r);
        st.reach = bufr_u64(&r);
        st.view_id = bufr_u64(&r);
        st.view_pub_seq = bufr_u64(&r);
        st.view_epoch = bufr_u64(&r);
        if (st.view_epoch > st.view_id)
                return -EBADMSG;
        st.view_coord = bufr_u16(&r);
        st.view_members = bufr_u64(&r);
        st.quorate = bufr_u8(&r) != 0;
        st.ctl_view = bufr_u64(&r);
        st.ctl_epoch = bufr_u64(&r);
        if (st.ctl_epoch > st.ctl_view)
                return -EBADMSG;
        {
                uint8_t n = bufr_u8(&r);
                int prev = -1;
                if (n > CONF_MAX_NODES)
                        return -EBADMSG;
                for (unsigned k = 0; k < n; k++) {
                        uint8_t id = bufr_u8(&r);
                        /* canonical: ascending ids, nonzero seqs */
                        if (r.error || id >= CONF_MAX_NODES || (int)id <= prev)
                                return -EBADMSG;
                        prev = id;
                        st.echo_inc[id] = bufr_u64(&r);
                        st.echo_seq[id] = bufr_u64(&r);
                        if (!r.error && st.echo_seq[id] == 0)
                                return -EBADMSG;
                }
        }
        if (r.error || r.pos != len)
                return -EBADMSG;
        *ret = st;
        return 0;
}

int memb_view_encode(const memb_view_t *v, void *buf, size_t cap)
{
        bufw_t w;

        bufw_init(&w, buf, cap);
        bufw_u8(&w, MEMB_MSG_VERSION);
        bufw_u64(&w, v->view_id);
        bufw_u64(&w, v->pub_seq);
        bufw_u64(&w, v->ctl_epoch);
        bufw_u16(&w, v->coord);
        bufw_u64(&w, v->members);
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (v->members & (1ULL << i))
                        bufw_u64(&w, v->incarnations[i]);
        return w.overflow ? -EMSGSIZE : (int)w.len;
}

int memb_view_decode(const void *buf, size_t len, memb_view_t *ret)
{
        static memb_view_t v;
        bufr_t r;

        memset(&v, 0, sizeof(v));
        bufr_init(&r, buf, len);
        if (bufr_u8(&r) != MEMB_MSG_VERSION)
                return -EBADMSG;
        v.view_id = bufr_u64(&r);
        v.pub_seq = bufr_u64(&r);
        v.ctl_epoch = bufr_u64(&r);
        if (v.ctl_epoch > v.view_id)
                return -EBADMSG;
        v.coord = bufr_u16(&r);
        v.members = bufr_u64(&r);
        for (int i = 0; i < CONF_MAX_NODES; i++)
                if (v.members & (1ULL << i))
                        v.incarnations[i] = bufr_u64(&r);
        if (r.error || v.coord >= CONF_MAX_NODES || r.pos != len)
                return -EBADMSG;
        *ret = v;
        return 0;
}

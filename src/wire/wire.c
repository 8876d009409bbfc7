/* wire: packet sealing and opening (header checks, XChaCha20-Poly1305,
 * per-sender replay windows) and the rejection counters. Key files live in
 * wire_key.c. */
#include "wire/wire.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/hamr_alloc.h"
#include "common/hamr_buf.h"

/* Header field offsets (see wire.h); each field follows the previous one. */
enum {
        HDR_OFF_MAGIC = 0,
        HDR_OFF_VERSION = 4,
        HDR_OFF_TYPE = 5,
        HDR_OFF_SENDER = 6,
        HDR_OFF_CLUSTER = 8,
        HDR_OFF_INCARNATION = 12,
        HDR_OFF_SEQ = 20,
        HDR_OFF_BODY_LEN = 28,
        HDR_END = 32,
};

static_assert(HDR_OFF_VERSION == HDR_OFF_MAGIC + 4, "magic is u32");
static_assert(HDR_OFF_TYPE == HDR_OFF_VERSION + 1, "version is u8");
static_assert(HDR_OFF_SENDER == HDR_OFF_TYPE + 1, "type is u8");
static_assert(HDR_OFF_CLUSTER == HDR_OFF_SENDER + 2, "sender is u16");
static_assert(HDR_OFF_INCARNATION == HDR_OFF_CLUSTER + 4, "cluster id is u32");
static_assert(HDR_OFF_SEQ == HDR_OFF_INCARNATION + 8, "incarnation is u64");
static_assert(HDR_OFF_BODY_LEN == HDR_OFF_SEQ + 8, "seq is u64");
static_assert(HDR_END == HDR_OFF_BODY_LEN + 4, "body_len is u32");
static_assert(HDR_END == WIRE_HDR_LEN, "header length");
static_assert(WIRE_NONCE_LEN == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce length");
static_assert(WIRE_TAG_LEN == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag length");
static_assert(WIRE_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key length");
static_assert(WIRE_MAX_SENDERS <= 64, "sender mask is a u64");
static_assert(WIRE_REPLAY_WINDOW == 64, "replay window is a u64 bitmap");
static_assert(WIRE_R_COUNT == 11, "update reject_names");

/* Replay state for one sender: newest incarnation seen, highest seq seen in
 * it, and a bitmap where bit i means "highest - i was accepted". */
typedef struct {
        bool seen;
        uint64_t incarnation;
        uint64_t highest;
        uint64_t window;
} peer_state_t;

struct wire_ctx {
        uint8_t *key; /* sodium_malloc'd, WIRE_KEY_LEN bytes, read-only when idle */
        uint32_t cluster_id;
        uint16_t self_id;
        uint64_t incarnation;
        uint64_t next_seq;
        uint64_t senders;
        peer_state_t peers[WIRE_MAX_SENDERS];
        uint64_t rejects[WIRE_R_COUNT];
        uint64_t accepted;
};

typedef struct {
        uint32_t magic;
        uint8_t version;
        uint8_t type;
        uint16_t sender;
        uint32_t cluster_id;
        uint64_t incarnation;
        uint64_t seq;
        uint32_t body_len;
} wire_hdr_t;

static const char *const reject_names[WIRE_R_COUNT] = {
    [WIRE_R_SHORT] = "short",       [WIRE_R_MAGIC] = "magic",         [WIRE_R_VERSION] = "version",
    [WIRE_R_TYPE] = "type",         [WIRE_R_CLUSTER] = "cluster",     [WIRE_R_SENDER] = "sender",
    [WIRE_R_OVERSIZE] = "oversize", [WIRE_R_TRUNCATED] = "truncated", [WIRE_R_AUTH] = "auth",
    [WIRE_R_REPLAY] = "replay",     [WIRE_R_STALE] = "stale",
};

const char *wire_reject_str(wire_reject_t r)
{
        if ((unsigned)r >= WIRE_R_COUNT)
                return "unknown";
        return reject_names[r];
}

/* Returns a new context owning a copy of key, or NULL if libsodium cannot
 * initialise or lock memory. The caller frees it with wire_ctx_free. */
wire_ctx_t *wire_ctx_new(const uint8_t key[WIRE_KEY_LEN], uint32_t cluster_id, uint16_t self_id,
                         uint64_t incarnation)
{
        wire_ctx_t *ctx;

        if (sodium_init() < 0)
                return NULL;
        ctx = zalloc(sizeof(*ctx));
        ctx->key = sodium_malloc(WIRE_KEY_LEN);
        if (!ctx->key) {
                free(ctx);
                return NULL;
        }
        memcpy(ctx->key, key, WIRE_KEY_LEN);
        sodium_mprotect_readonly(ctx->key);
        ctx->cluster_id = cluster_id;
        ctx->self_id = self_id;
        ctx->incarnation = incarnation;
        ctx->next_seq = 1;
        return ctx;
}

void wire_ctx_key_digest(const wire_ctx_t *ctx, uint8_t out[WIRE_KEY_DIGEST_LEN])
{
        wire_key_digest(ctx->key, out); /* reading a read-only key is allowed */
}

void wire_ctx_free(wire_ctx_t *ctx)
{
        if (!ctx)
                return;
        /* sodium_free zeroes the guarded allocation before unmapping it. */
        sodium_mprotect_readwrite(ctx->key);
        sodium_memzero(ctx->key, WIRE_KEY_LEN);
        sodium_free(ctx->key);
        sodium_memzero(ctx, sizeof(*ctx));
        free(ctx);
}

void wire_ctx_set_senders(wire_ctx_t *ctx, uint64_t mask)
{
        ctx->senders = mask;
}

void wire_ctx_set_cluster_id(wire_ctx_t *ctx, uint32_t cluster_id)
{
        ctx->cluster_id = cluster_id;
}

uint64_t wire_ctx_rejects(const wire_ctx_t *ctx, wire_reject_t r)
{
        if ((unsigned)r >= WIRE_R_COUNT)
                return 0;
        return ctx->rejects[r];
}

uint64_t wire_ctx_accepted(const wire_ctx_t *ctx)
{
        return ctx->accepted;
}

static void hdr_encode(const wire_hdr_t *h, uint8_t out[WIRE_HDR_LEN])
{
        bufw_t w;

        bufw_init(&w, out, WIRE_HDR_LEN);
        bufw_u32(&w, h->magic);
        bufw_u8(&w, h->version);
        bufw_u8(&w, h->type);
        bufw_u16(&w, h->sender);
        bufw_u32(&w, h->cluster_id);
        bufw_u64(&w, h->incarnation);
        bufw_u64(&w, h->seq);
        bufw_u32(&w, h->body_len);
        assert(!w.overflow && w.len == WIRE_HDR_LEN);
}

static void hdr_decode(const uint8_t in[WIRE_HDR_LEN], wire_hdr_t *h)
{
        bufr_t r;

        bufr_init(&r, in, WIRE_HDR_LEN);
        h->magic = bufr_u32(&r);
        h->version = bufr_u8(&r);
        h->type = bufr_u8(&r);
        h->sender = bufr_u16(&r);
        h->cluster_id = bufr_u32(&r);
        h->incarnation = bufr_u64(&r);
        h->seq = bufr_u64(&r);
        h->body_len = bufr_u32(&r);
        assert(!r.error && r.pos == WIRE_HDR_LEN);
}

/* body (in, body_len bytes, may be NULL when body_len is 0) is encrypted into
 * out (out, outcap bytes); *ret_len gets the packet length on success. */
int wire_seal(wire_ctx_t *ctx, wire_type_t type, const void *body, size_t body_len, uint8_t *out,
              size_t outcap, size_t *ret_len)
{
        wire_hdr_t h;
        uint8_t *nonce = out + WIRE_HDR_LEN;
        uint8_t *ct = nonce + WIRE_NONCE_LEN;
        unsigned long long ct_len = 0;
        int r;

        if (body_len > WIRE_MAX_BODY || outcap < WIRE_OVERHEAD + body_len)
                return -EMSGSIZE;
        if (type < 1 || type >= WIRE_T_MAX)
                return -EINVAL;
        if (body_len > 0 && !body)
                return -EINVAL;

        h = (wire_hdr_t){
            .magic = WIRE_MAGIC,
            .version = WIRE_VERSION,
            .type = (uint8_t)type,
            .sender = ctx->self_id,
            .cluster_id = ctx->cluster_id,
            .incarnation = ctx->incarnation,
            .seq = ctx->next_seq,
            .body_len = (uint32_t)body_len,
        };
        hdr_encode(&h, out);
        randombytes_buf(nonce, WIRE_NONCE_LEN);
        r = crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &ct_len, body_len ? body : NULL,
                                                       body_len, out, WIRE_HDR_LEN, NULL, nonce,
                                                       ctx->key);
        if (r != 0)
                return -EIO;
        assert(ct_len == body_len + WIRE_TAG_LEN);
        ctx->next_seq++;
        *ret_len = WIRE_OVERHEAD + body_len;
        return 0;
}

/* Header checks in the documented order; returns WIRE_R_COUNT if all pass. */
static wire_reject_t check_header(const wire_ctx_t *ctx, const wire_hdr_t *h, size_t len)
{
        if (h->magic != WIRE_MAGIC)
                return WIRE_R_MAGIC;
        if (h->version != WIRE_VERSION)
                return WIRE_R_VERSION;
        if (h->type < 1 || h->type >= WIRE_T_MAX)
                return WIRE_R_TYPE;
        if (h->cluster_id != ctx->cluster_id)
                return WIRE_R_CLUSTER;
        if (h->sender >= WIRE_MAX_SENDERS || !(ctx->senders & (UINT64_C(1) << h->sender)) ||
            h->sender == ctx->self_id)
                return WIRE_R_SENDER;
        if (h->body_len > WIRE_MAX_BODY)
                return WIRE_R_OVERSIZE;
        if (len != WIRE_OVERHEAD + (size_t)h->body_len)
                return WIRE_R_TRUNCATED;
        return WIRE_R_COUNT;
}

/* Replay decision for an authenticated packet; updates the sender's state
 * only when the packet is accepted. Returns WIRE_R_COUNT to accept. */
static wire_reject_t replay_check(peer_state_t *p, uint64_t incarnation, uint64_t seq)
{
        uint64_t diff;

        if (p->seen && incarnation < p->incarnation)
                return WIRE_R_STALE;
        if (!p->seen || incarnation > p->incarnation) {
                p->seen = true;
                p->incarnation = incarnation;
                p->highest = seq;
                p->window = 1;
                return WIRE_R_COUNT;
        }
        if (seq > p->highest) {
                diff = seq - p->highest;
                p->window = diff >= WIRE_REPLAY_WINDOW ? 0 : p->window << diff;
                p->window |= 1;
                p->highest = seq;
                return WIRE_R_COUNT;
        }
        diff = p->highest - seq;
        if (diff >= WIRE_REPLAY_WINDOW || (p->window & (UINT64_C(1) << diff)))
                return WIRE_R_REPLAY;
        p->window |= UINT64_C(1) << diff;
        return WIRE_R_COUNT;
}

static int reject(wire_ctx_t *ctx, wire_reject_t why, wire_reject_t *ret_reason)
{
        ctx->rejects[why]++;
        if (ret_reason)
                *ret_reason = why;
        return -EBADMSG;
}

/* pkt (in, len bytes) is checked and decrypted into bodybuf (out, at least
 * WIRE_MAX_BODY bytes); ret (out) points its body into bodybuf. */
int wire_open(wire_ctx_t *ctx, const uint8_t *pkt, size_t len, uint8_t *bodybuf, wire_msg_t *ret,
              wire_reject_t *ret_reason)
{
        wire_hdr_t h;
        wire_reject_t why;
        unsigned long long body_len = 0;

        if (len < WIRE_OVERHEAD)
                return reject(ctx, WIRE_R_SHORT, ret_reason);
        if (len > WIRE_MAX_PACKET)
                return reject(ctx, WIRE_R_OVERSIZE, ret_reason);
        hdr_decode(pkt, &h);
        why = check_header(ctx, &h, len);
        if (why != WIRE_R_COUNT)
                return reject(ctx, why, ret_reason);

        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                bodybuf, &body_len, NULL, pkt + WIRE_HDR_LEN + WIRE_NONCE_LEN,
                h.body_len + WIRE_TAG_LEN, pkt, WIRE_HDR_LEN, pkt + WIRE_HDR_LEN, ctx->key) != 0)
                return reject(ctx, WIRE_R_AUTH, ret_reason);
        assert(body_len == h.body_len);

        why = replay_check(&ctx->peers[h.sender], h.incarnation, h.seq);
        if (why != WIRE_R_COUNT) {
                sodium_memzero(bodybuf, h.body_len);
                return reject(ctx, why, ret_reason);
        }

        ctx->accepted++;
        *ret = (wire_msg_t){
            .type = h.type,
            .sender = h.sender,
            .cluster_id = h.cluster_id,
            .incarnation = h.incarnation,
            .seq = h.seq,
            .body = bodybuf,
            .body_len = h.body_len,
        };
        return 0;
}

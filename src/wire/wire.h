/* wire: the one message format for every node-to-node message.
 *
 * Packet = header (WIRE_HDR_LEN bytes, clear text, authenticated as
 * associated data) || nonce (24 bytes) || ciphertext of the body || tag (16).
 * Cipher: libsodium crypto_aead_xchacha20poly1305_ietf with the 32-byte
 * cluster key. All integers big-endian.
 *
 * Header layout (offsets pinned with static_assert in wire.c):
 *   0  u32 magic      WIRE_MAGIC
 *   4  u8  version    WIRE_VERSION
 *   5  u8  type       wire_type_t
 *   6  u16 sender     node id
 *   8  u32 cluster_id
 *   12 u64 incarnation  sender's daemon-start incarnation
 *   20 u64 seq          per (sender, incarnation), strictly increasing
 *   28 u32 body_len     plaintext body length
 *   32 ... nonce
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC         0x484d5231u /* "HMR1" */
#define WIRE_VERSION       1
#define WIRE_HDR_LEN       32
#define WIRE_NONCE_LEN     24
#define WIRE_TAG_LEN       16
#define WIRE_OVERHEAD      (WIRE_HDR_LEN + WIRE_NONCE_LEN + WIRE_TAG_LEN)
#define WIRE_MAX_BODY      61440 /* the control state of 1024 groups; UDP fragments it */
#define WIRE_MAX_PACKET    (WIRE_MAX_BODY + WIRE_OVERHEAD)
#define WIRE_KEY_LEN       32
#define WIRE_MAX_SENDERS   64
#define WIRE_REPLAY_WINDOW 64

typedef enum {
        WIRE_T_HEARTBEAT = 1, /* node status (memb_msg encodes the body) */
        WIRE_T_VIEW = 2,      /* coordinator's view (membership) */
        WIRE_T_COMMAND = 3,   /* forwarded clmgr request */
        WIRE_T_REPLY = 4,     /* reply to a command */
        WIRE_T_REPORT = 5,    /* a node's report: services and groups (cstate_msg) */
        WIRE_T_CONTROL = 6,   /* the coordinator's control state (cstate_msg) */
        WIRE_T_MAX
} wire_type_t;

typedef enum {
        WIRE_R_SHORT = 0, /* shorter than header + nonce + tag */
        WIRE_R_MAGIC,     /* wrong magic */
        WIRE_R_VERSION,   /* unsupported version */
        WIRE_R_TYPE,      /* unknown type */
        WIRE_R_CLUSTER,   /* other cluster id */
        WIRE_R_SENDER,    /* sender id unknown (not in the allowed set) or self */
        WIRE_R_OVERSIZE,  /* body_len above WIRE_MAX_BODY or packet above WIRE_MAX_PACKET */
        WIRE_R_TRUNCATED, /* packet length disagrees with body_len */
        WIRE_R_AUTH,      /* tag check failed (wrong key or tampered) */
        WIRE_R_REPLAY,    /* seq already seen, or too old for the window */
        WIRE_R_STALE,     /* incarnation older than the newest seen from sender */
        WIRE_R_COUNT
} wire_reject_t;

const char *wire_reject_str(wire_reject_t r); /* "short", "magic", ... */

typedef struct wire_ctx wire_ctx_t;

typedef struct wire_msg {
        uint8_t type;
        uint16_t sender;
        uint32_t cluster_id;
        uint64_t incarnation;
        uint64_t seq;
        const uint8_t *body; /* points into the caller's bodybuf */
        size_t body_len;
} wire_msg_t;

/* key is copied (into sodium_malloc'd memory). self_id is this node's id. */
wire_ctx_t *wire_ctx_new(const uint8_t key[WIRE_KEY_LEN], uint32_t cluster_id, uint16_t self_id,
                         uint64_t incarnation);
void wire_ctx_free(wire_ctx_t *ctx); /* accepts NULL */
/* Which sender ids are accepted (bit i = node id i). Default: none. */
void wire_ctx_set_senders(wire_ctx_t *ctx, uint64_t mask);
void wire_ctx_set_cluster_id(wire_ctx_t *ctx, uint32_t cluster_id);

/* Encrypt body into out. Uses and increments the context's send seq.
 * Returns 0, -EMSGSIZE (body too large or out too small). */
int wire_seal(wire_ctx_t *ctx, wire_type_t type, const void *body, size_t body_len, uint8_t *out,
              size_t outcap, size_t *ret_len);

/* Check and decrypt. On success fills ret (body in bodybuf, which must hold
 * WIRE_MAX_BODY bytes) and updates the sender's replay window; on rejection
 * returns -EBADMSG, counts the reason, and if ret_reason is not NULL stores it. */
int wire_open(wire_ctx_t *ctx, const uint8_t *pkt, size_t len, uint8_t *bodybuf, wire_msg_t *ret,
              wire_reject_t *ret_reason);

/* Rejection counters since ctx creation. */
uint64_t wire_ctx_rejects(const wire_ctx_t *ctx, wire_reject_t r);
uint64_t wire_ctx_accepted(const wire_ctx_t *ctx);

/* Key file: 32 random bytes, written root-only (0600) via a temp file + rename.
 * wire_key_generate fails with -EEXIST if the file exists. */
int wire_key_generate(const char *path);
int wire_key_load(const char *path, uint8_t key[WIRE_KEY_LEN]);
/* A digest of a key that can be shown and sent in its place (keyed
 * BLAKE2b-128 with a fixed hamr label: it says whether two keys are the
 * same and nothing about them): key in, out written. */
#define WIRE_KEY_DIGEST_LEN 16
void wire_key_digest(const uint8_t key[WIRE_KEY_LEN], uint8_t out[WIRE_KEY_DIGEST_LEN]);
/* The digest of the key ctx uses. */
void wire_ctx_key_digest(const wire_ctx_t *ctx, uint8_t out[WIRE_KEY_DIGEST_LEN]);

/* repo_layout: private to src/repo. On-disk offsets and header layouts of the
 * repository (pinned with static_assert), the repo_t handle, and the aligned
 * I/O helpers shared by repo.c, repo_config.c, repo_slot.c and repo_lease.c. */
#pragma once
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "repo/repo.h"

#define REPO_BLOCK     4096u /* I/O alignment and granularity */
#define REPO_CKSUM_LEN 16u   /* BLAKE2b-128 */

/* Areas */
#define REPO_OFF_SUPER    0u
#define REPO_OFF_CONFIG_A (1u << 20)
#define REPO_OFF_CONFIG_B (2u << 20)
#define REPO_OFF_STAGED   (3u << 20)
#define REPO_CONFIG_AREA  (1u << 20) /* size of each config area */
#define REPO_OFF_SLOTS    (4u << 20)
#define REPO_OFF_LEASE    (REPO_OFF_SLOTS + REPO_MAX_SLOTS * REPO_SLOT_SIZE)
#define REPO_OFF_CFGLOCK  (REPO_OFF_LEASE + REPO_BLOCK) /* configuration lock block */
#define REPO_OFF_SNAP     ((6u << 20) + (128u << 10))   /* snapshot region */
#define REPO_SNAP_AREA    (64u << 10)                   /* one snapshot: header block + text */
#define REPO_OFF_END      (8u << 20)
/* The byte range repo_config_lock covers: slots A, B and the staged area. */
#define REPO_LOCK_START REPO_OFF_CONFIG_A
#define REPO_LOCK_LEN   (REPO_OFF_SLOTS - REPO_OFF_CONFIG_A)

static_assert(REPO_OFF_CONFIG_B == REPO_OFF_CONFIG_A + REPO_CONFIG_AREA, "config B follows A");
static_assert(REPO_OFF_STAGED == REPO_OFF_CONFIG_B + REPO_CONFIG_AREA, "staged follows B");
static_assert(REPO_OFF_SLOTS == REPO_OFF_STAGED + REPO_CONFIG_AREA, "slots follow staged");
static_assert(REPO_OFF_LEASE == (6u << 20), "lease at 6 MiB");
static_assert(REPO_OFF_END == REPO_MIN_SIZE, "minimum size covers the layout");
static_assert(REPO_OFF_LEASE < REPO_OFF_END, "lease inside the minimum size");
static_assert(REPO_SLOT_SIZE % REPO_BLOCK == 0 && REPO_SLOT_SIZE == 8 * REPO_BLOCK,
              "one slot is eight blocks");
static_assert(REPO_LOCK_START == (1u << 20) && REPO_LOCK_LEN == (3u << 20), "lock 1..4 MiB");

/* Superblock (first block):
 *   0  8 bytes magic "HAMRREPO"
 *   8  u32 version
 *   12 u64 size (bytes, at format time)
 *   20 16 bytes BLAKE2b-128 over bytes 0..19 */
#define REPO_SB_MAGIC       "HAMRREPO"
#define REPO_SB_VERSION     3u /* 3: 32 KiB slots, lease at 6 MiB */
#define REPO_SB_OFF_MAGIC   0u
#define REPO_SB_OFF_VERSION 8u
#define REPO_SB_OFF_SIZE    12u
#define REPO_SB_OFF_CKSUM   20u
#define REPO_SB_LEN         36u
/* Then the disk's identity (repo_ident.c), in the same first sector:
 *   36 16 random bytes chosen when the disk is formatted
 *   52 16 bytes BLAKE2b-128 over bytes 36..51
 * A superblock written before the identity existed has zeros there (and
 * repo_format adds one). */
#define REPO_SB_OFF_IDENT       36u
#define REPO_SB_OFF_IDENT_CKSUM 52u
#define REPO_SB_IDENT_END       68u
static_assert(REPO_SB_OFF_IDENT == REPO_SB_LEN, "the identity follows the superblock header");
static_assert(REPO_SB_OFF_IDENT_CKSUM == REPO_SB_OFF_IDENT + REPO_IDENT_LEN, "identity length");
static_assert(REPO_SB_IDENT_END == REPO_SB_OFF_IDENT_CKSUM + REPO_CKSUM_LEN, "identity end");
static_assert(REPO_SB_IDENT_END <= 512, "superblock and identity in the first sector");
/* Writes a fresh random identity into superblock block blk (repo_ident.c). */
void repo_ident_new(uint8_t *blk);
static_assert(sizeof(REPO_SB_MAGIC) - 1 == 8, "superblock magic is 8 bytes");
static_assert(REPO_SB_OFF_VERSION == REPO_SB_OFF_MAGIC + 8, "magic is 8 bytes");
static_assert(REPO_SB_OFF_SIZE == REPO_SB_OFF_VERSION + 4, "version is u32");
static_assert(REPO_SB_OFF_CKSUM == REPO_SB_OFF_SIZE + 8, "size is u64");
static_assert(REPO_SB_LEN == REPO_SB_OFF_CKSUM + REPO_CKSUM_LEN, "superblock header length");

/* Config header (first block of slot A, slot B and the staged area; text
 * starts one block in):
 *   0  u32 magic "HCFG"
 *   4  u32 version
 *   8  u64 generation
 *   16 u32 length (text bytes)
 *   20 16 bytes BLAKE2b-128 over generation || length || text */
#define REPO_CFG_MAGIC       0x48434647u /* "HCFG" */
#define REPO_CFG_VERSION     1u
#define REPO_CFG_OFF_MAGIC   0u
#define REPO_CFG_OFF_VERSION 4u
#define REPO_CFG_OFF_GEN     8u
#define REPO_CFG_OFF_LENGTH  16u
#define REPO_CFG_OFF_CKSUM   20u
#define REPO_CFG_HDR_LEN     36u
#define REPO_CFG_OFF_TEXT    REPO_BLOCK
static_assert(REPO_CFG_OFF_VERSION == REPO_CFG_OFF_MAGIC + 4, "magic is u32");
static_assert(REPO_CFG_OFF_GEN == REPO_CFG_OFF_VERSION + 4, "version is u32");
static_assert(REPO_CFG_OFF_LENGTH == REPO_CFG_OFF_GEN + 8, "generation is u64");
static_assert(REPO_CFG_OFF_CKSUM == REPO_CFG_OFF_LENGTH + 4, "length is u32");
static_assert(REPO_CFG_HDR_LEN == REPO_CFG_OFF_CKSUM + REPO_CKSUM_LEN, "config header length");
static_assert(REPO_CFG_HDR_LEN <= REPO_CFG_OFF_TEXT, "header fits its block");
static_assert(REPO_CFG_OFF_TEXT + REPO_CONFIG_MAX == REPO_CONFIG_AREA, "text fills the area");

/* Node slot (one block):
 *   0  u32 magic "HSLT"
 *   4  u16 node_id
 *   6  u16 reserved (0)
 *   8  u64 incarnation
 *   16 u64 seq
 *   24 u64 write_realtime_usec
 *   32 u32 body_len
 *   36 16 bytes BLAKE2b-128 over bytes 0..35 || body
 *   52 body */
#define REPO_SLOT_MAGIC       0x48534c54u /* "HSLT" */
#define REPO_SLOT_OFF_MAGIC   0u
#define REPO_SLOT_OFF_NODE    4u
#define REPO_SLOT_OFF_RSVD    6u
#define REPO_SLOT_OFF_INC     8u
#define REPO_SLOT_OFF_SEQ     16u
#define REPO_SLOT_OFF_TIME    24u
#define REPO_SLOT_OFF_BODYLEN 32u
#define REPO_SLOT_OFF_CKSUM   36u
#define REPO_SLOT_OFF_BODY    52u
static_assert(REPO_SLOT_OFF_NODE == REPO_SLOT_OFF_MAGIC + 4, "magic is u32");
static_assert(REPO_SLOT_OFF_RSVD == REPO_SLOT_OFF_NODE + 2, "node_id is u16");
static_assert(REPO_SLOT_OFF_INC == REPO_SLOT_OFF_RSVD + 2, "reserved is u16");
static_assert(REPO_SLOT_OFF_SEQ == REPO_SLOT_OFF_INC + 8, "incarnation is u64");
static_assert(REPO_SLOT_OFF_TIME == REPO_SLOT_OFF_SEQ + 8, "seq is u64");
static_assert(REPO_SLOT_OFF_BODYLEN == REPO_SLOT_OFF_TIME + 8, "write time is u64");
static_assert(REPO_SLOT_OFF_CKSUM == REPO_SLOT_OFF_BODYLEN + 4, "body_len is u32");
static_assert(REPO_SLOT_OFF_BODY == REPO_SLOT_OFF_CKSUM + REPO_CKSUM_LEN, "slot header length");
static_assert(REPO_SLOT_OFF_BODY + REPO_SLOT_MAX_BODY <= REPO_SLOT_SIZE, "body fits the slot");

/* Tie-breaker lease (one block at REPO_OFF_LEASE; the record fits in the
 * first 512-byte sector so that a write is never seen half done, and the
 * rest of the block stays zero):
 *   0  u32 magic "HLSE"
 *   4  u16 version
 *   6  u16 owner node id (REPO_LEASE_NONE: free)
 *   8  u64 owner incarnation
 *   16 u64 counter
 *   24 16 bytes BLAKE2b-128 over bytes 0..23 */
#define REPO_LEASE_MAGIC       0x484c5345u /* "HLSE" */
#define REPO_LEASE_VERSION     1u
#define REPO_LEASE_OFF_MAGIC   0u
#define REPO_LEASE_OFF_VERSION 4u
#define REPO_LEASE_OFF_OWNER   6u
#define REPO_LEASE_OFF_INC     8u
#define REPO_LEASE_OFF_COUNTER 16u
#define REPO_LEASE_OFF_CKSUM   24u
#define REPO_LEASE_LEN         40u
static_assert(REPO_LEASE_OFF_VERSION == REPO_LEASE_OFF_MAGIC + 4, "magic is u32");
static_assert(REPO_LEASE_OFF_OWNER == REPO_LEASE_OFF_VERSION + 2, "version is u16");
static_assert(REPO_LEASE_OFF_INC == REPO_LEASE_OFF_OWNER + 2, "owner is u16");
static_assert(REPO_LEASE_OFF_COUNTER == REPO_LEASE_OFF_INC + 8, "incarnation is u64");
static_assert(REPO_LEASE_OFF_CKSUM == REPO_LEASE_OFF_COUNTER + 8, "counter is u64");
static_assert(REPO_LEASE_LEN == REPO_LEASE_OFF_CKSUM + REPO_CKSUM_LEN, "lease record length");
static_assert(REPO_LEASE_LEN <= 512, "lease record fits one sector");
static_assert(REPO_OFF_LEASE % REPO_BLOCK == 0, "lease block aligned");
static_assert(REPO_OFF_LEASE + REPO_BLOCK <= REPO_OFF_END, "lease block inside the layout");
/* The configuration lock: the same record in the block right after the
 * tie-breaker lease (owner may also be REPO_CFGLOCK_ANON). */
static_assert(REPO_OFF_CFGLOCK == (6u << 20) + 4096u, "config lock block right after the lease");
static_assert(REPO_OFF_CFGLOCK % REPO_BLOCK == 0, "config lock block aligned");
static_assert(REPO_OFF_CFGLOCK + REPO_BLOCK <= REPO_OFF_END, "config lock inside the layout");

/* Snapshot region (REPO_SNAP_MAX areas of REPO_SNAP_AREA bytes from
 * REPO_OFF_SNAP, up to the end of the minimum size: space that layout
 * version 3 left unused and zero, so older repositories read as having no
 * snapshots and need no new version). Each area: a header block, then the
 * text (the snapshot's "# NAME=..." header lines and the configuration):
 *   0  u32 magic "HSNP"
 *   4  u32 version
 *   8  u32 length (text bytes)
 *   12 16 bytes BLAKE2b-128 over length || text */
#define REPO_SNAP_MAGIC       0x48534e50u /* "HSNP" */
#define REPO_SNAP_VERSION     1u
#define REPO_SNAP_OFF_MAGIC   0u
#define REPO_SNAP_OFF_VERSION 4u
#define REPO_SNAP_OFF_LENGTH  8u
#define REPO_SNAP_OFF_CKSUM   12u
#define REPO_SNAP_HDR_LEN     28u
#define REPO_SNAP_OFF_TEXT    REPO_BLOCK
static_assert(REPO_SNAP_OFF_VERSION == REPO_SNAP_OFF_MAGIC + 4, "magic is u32");
static_assert(REPO_SNAP_OFF_LENGTH == REPO_SNAP_OFF_VERSION + 4, "version is u32");
static_assert(REPO_SNAP_OFF_CKSUM == REPO_SNAP_OFF_LENGTH + 4, "length is u32");
static_assert(REPO_SNAP_HDR_LEN == REPO_SNAP_OFF_CKSUM + REPO_CKSUM_LEN, "snapshot header length");
static_assert(REPO_SNAP_OFF_TEXT + REPO_SNAP_TEXT_MAX == REPO_SNAP_AREA, "text fills the area");
static_assert(REPO_OFF_SNAP >= REPO_OFF_CFGLOCK + REPO_BLOCK, "snapshots after the config lock");
static_assert(REPO_OFF_SNAP % REPO_BLOCK == 0, "snapshot region aligned");
static_assert(REPO_OFF_SNAP + REPO_SNAP_MAX * REPO_SNAP_AREA == REPO_OFF_END,
              "the snapshot region ends at the minimum size");

/* One open repository. Immutable after repo_open except for the lock state,
 * which only the config (main) thread touches; slot and config I/O allocate
 * their buffers per call, so the two threads share nothing mutable. */
struct repo {
        int fd;
        bool direct;   /* block device opened O_DIRECT */
        bool locked;   /* config lock held by this handle */
        uint64_t size; /* bytes, at open */
        char *path;
};

/* A zeroed REPO_BLOCK-aligned buffer of len bytes (aborts on OOM); free(). */
void *repo_alloc_aligned(size_t len);
/* Whole-length pread/pwrite at off (EINTR retried); short -> -EIO. */
int repo_pread_full(int fd, void *buf, size_t len, uint64_t off);
int repo_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
/* BLAKE2b-128 of a || b (b may be NULL when blen is 0). */
void repo_checksum(uint8_t out[REPO_CKSUM_LEN], const void *a, size_t alen, const void *b,
                   size_t blen);

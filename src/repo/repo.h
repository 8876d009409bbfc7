/* repo: the repository disk (a file or block device shared by all nodes).
 *
 * Fixed layout, explicit byte order (big-endian), offsets pinned with
 * static_assert in repo_layout.h:
 *   0        superblock (4 KiB): magic "HAMRREPO", version, size
 *   1 MiB    config slot A (1 MiB): header {magic, generation, length,
 *            checksum (BLAKE2b-128 over generation||length||text)} + text
 *   2 MiB    config slot B
 *   3 MiB    staged config (1 MiB), same header; generation = base generation
 *   4 MiB    node slots: 64 x 32 KiB, slot i belongs to node id i (a node
 *            writes and reads only the blocks its body needs)
 *   6 MiB    tie-breaker lease (4 KiB): {magic, version, owner, incarnation,
 *            counter, checksum}
 *   6 MiB + 4 KiB  configuration lock (4 KiB): the same record (owner may
 *            also be REPO_CFGLOCK_ANON)
 *   6 MiB + 128 KiB  snapshots: 30 x 64 KiB, each {magic, version, length,
 *            checksum} + text (repo_snap_*)
 *   8 MiB    end (minimum size)
 * A config generation is written to the slot not holding the newest valid
 * generation, then fdatasync'd; a torn write fails its checksum and readers
 * keep the previous generation.
 * Block devices are opened O_DIRECT (aligned buffers) so that other hosts'
 * writes are seen; regular files use the page cache (the lab shares one host).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define REPO_MIN_SIZE      (8u << 20)
#define REPO_SLOT_SIZE     32768u /* status, view, report and control: 64 nodes, 1024 groups */
#define REPO_SLOT_MAX_BODY 32640u
#define REPO_MAX_SLOTS     64
#define REPO_CONFIG_MAX    ((1u << 20) - 4096u)

#define REPO_SNAP_MAX      30u                   /* snapshots the repository holds */
#define REPO_SNAP_TEXT_MAX ((64u << 10) - 4096u) /* bytes of one snapshot's text */

typedef struct repo repo_t;

/* The identity of a disk as a node sees it (repo_ident.c): what clmgr
 * verify compares between the nodes to tell that they all reach the same
 * repository. */
#define REPO_IDENT_LEN 16u
typedef enum {
        REPO_DISK_REPOSITORY = 0, /* a hamr repository: id = its identity */
        REPO_DISK_OLD,            /* a repository formatted without an identity: id = digest */
        REPO_DISK_BLANK,          /* no repository (first block all zero): id = digest */
        REPO_DISK_FOREIGN,        /* other data: id = digest of the first block and size */
} repo_disk_kind_t;
typedef struct repo_ident {
        repo_disk_kind_t kind;
        uint8_t id[REPO_IDENT_LEN];
        uint64_t size; /* bytes */
} repo_ident_t;
/* Reads path's first block (read-only; O_DIRECT for a block device) into
 * ret (out, written on success). 0 or -errno (-ENOTBLK: neither a regular
 * file nor a block device). Blocks: call it off the event loop. */
int repo_ident_read(const char *path, repo_ident_t *ret);
/* Decodes a first block (in, REPO_BLOCK bytes) of a disk of `size` bytes. Pure. */
void repo_ident_decode(const uint8_t *blk, uint64_t size, repo_ident_t *ret);
const char *repo_disk_kind_str(repo_disk_kind_t k);

/* Create the file if missing (size REPO_MIN_SIZE, zero-filled) or accept an
 * existing file/device of at least REPO_MIN_SIZE; write the superblock if it
 * has none. Existing content is kept if already formatted. */
int repo_format(const char *path);
/* Open a formatted repository: -ENODATA if no valid superblock. */
int repo_open(const char *path, repo_t **ret_repo);
void repo_close(repo_t *repo); /* accepts NULL */
const char *repo_path(const repo_t *repo);

/* Newest valid generation: ret_text malloc'd, NUL-terminated. -ENOENT if none. */
int repo_config_read(repo_t *repo, uint64_t *ret_generation, char **ret_text);
/* Write generation (must be > the newest valid one, else -ESTALE). */
int repo_config_write(repo_t *repo, uint64_t generation, const char *text, size_t len);
/* Staged (uncommitted) edits; -ENOENT if none. clear = write empty marker. */
int repo_staged_read(repo_t *repo, uint64_t *ret_base_generation, char **ret_text);
int repo_staged_write(repo_t *repo, uint64_t base_generation, const char *text, size_t len);
int repo_staged_clear(repo_t *repo);
/* Serialise config writers across processes on one host (fcntl OFD lock on
 * the config area). Blocks. */
int repo_config_lock(repo_t *repo);
void repo_config_unlock(repo_t *repo);

typedef struct repo_slot {
        uint16_t node_id;
        uint64_t incarnation;
        uint64_t seq; /* increases on every write */
        uint64_t write_realtime_usec;
        uint32_t body_len;
        uint8_t body[REPO_SLOT_MAX_BODY];
} repo_slot_t;

/* Slot I/O: one pwrite of the blocks the body needs; a read of the first
 * block, then of the rest if the body needs it. Slot has a checksum; a slot
 * that fails it or was never written reads as -ENOENT. */
int repo_slot_write(repo_t *repo, uint16_t node_id, uint64_t incarnation, uint64_t seq,
                    const void *body, size_t body_len);
int repo_slot_read(repo_t *repo, uint16_t node_id, repo_slot_t *ret_slot);
/* The pure halves of the above (no I/O; what fuzz and unit tests call).
 * encode: fills blk (out, len >= REPO_SLOT_SIZE; the first REPO_SLOT_SIZE
 * bytes written) with a sealed slot; -EINVAL, -EMSGSIZE as for write.
 * decode: checks and decodes the slot in blk (in, len bytes, normally
 * REPO_SLOT_SIZE) expected for node_id into ret_slot (out, written only on
 * success); -ENOENT if it is not a valid slot of node_id. */
int repo_slot_encode(uint8_t *blk, size_t len, uint16_t node_id, uint64_t incarnation, uint64_t seq,
                     uint64_t write_realtime_usec, const void *body, size_t body_len);
int repo_slot_decode(const uint8_t *blk, size_t len, uint16_t node_id, repo_slot_t *ret_slot);

/* A slot body is a sequence of REPO_SLOT_PARTS parts (hamrd: status, view,
 * report, control), each a u16 length and that many bytes (0: absent).
 * Splits body into them (pointers into body); -EBADMSG if the lengths do
 * not add up to exactly len. Pure; fuzzed. */
#define REPO_SLOT_PARTS 4
int repo_slot_parts(const uint8_t *body, size_t len, const uint8_t *ret_part[REPO_SLOT_PARTS],
                    size_t ret_len[REPO_SLOT_PARTS]);

/* The tie-breaker lease record (see src/lease for the protocol). */
#define REPO_LEASE_NONE 0xffffu /* owner of a free (released) lease */

/* Counters at or above this cannot have been reached by counting (2^63
 * writes): a record carrying one is foreign or forged, and reads as invalid.
 * Otherwise a claim over it (counter + 1) would wrap and repeat counters,
 * which the lease protocol relies on never happening. */
#define REPO_LEASE_COUNTER_LIMIT (UINT64_C(1) << 63)

typedef struct repo_lease_rec {
        uint16_t owner;       /* node id < REPO_MAX_SLOTS, or REPO_LEASE_NONE */
        uint64_t incarnation; /* the owner's incarnation */
        uint64_t counter;     /* incremented by every write */
} repo_lease_rec_t;

/* One pread of the lease block into ret (out, written only on success).
 * -ENOENT: never written (all zero; callers treat it as free, counter 0);
 * -EBADMSG: not a valid record (bad magic, version, owner, checksum, or a
 * counter >= REPO_LEASE_COUNTER_LIMIT: foreign data or a torn write; callers
 * must not treat it as free);
 * other -errno: I/O error. Thread-safe (own buffer). */
int repo_lease_read(repo_t *repo, repo_lease_rec_t *ret);
/* One whole-block pwrite of rec (in); no fdatasync, like slots.
 * -EINVAL if rec->owner is neither a slot id nor REPO_LEASE_NONE, or
 * rec->counter >= REPO_LEASE_COUNTER_LIMIT. */
int repo_lease_write(repo_t *repo, const repo_lease_rec_t *rec);
/* The pure halves (no I/O). encode: rec (in) into blk (out, len >=
 * REPO_LEASE_LEN; at most one block zeroed then written); -EINVAL for an
 * invalid owner or if len is too short (any counter is encoded, so that
 * tests can forge records the reader must refuse). decode: the record at the start of blk (in,
 * len bytes, normally a whole block) into ret (out, written only on
 * success); -ENOENT if all zero, -EBADMSG if invalid (also when shorter
 * than a record and not all zero). */
int repo_lease_encode(uint8_t *blk, size_t len, const repo_lease_rec_t *rec);
int repo_lease_decode(const uint8_t *blk, size_t len, repo_lease_rec_t *ret);

/* The configuration lock block (right after the lease block): the same
 * record, results and rules as repo_lease_read/write; the owner may also be
 * REPO_CFGLOCK_ANON (a node that has no id yet: no configuration synced).
 * The protocol is src/lease driven by repo_cfglock.h. */
#define REPO_CFGLOCK_ANON 0xfffdu
int repo_cfglock_read(repo_t *repo, repo_lease_rec_t *ret);
int repo_cfglock_write(repo_t *repo, const repo_lease_rec_t *rec);

/* Snapshots (repo_snapshot.c): REPO_SNAP_MAX areas, each one text of at most
 * REPO_SNAP_TEXT_MAX bytes with a checksum. An area never written, cleared
 * or torn reads as free. Not ordered by anything: callers look texts up by
 * the name in their header (repo_snap_info_parse).
 * read_all: one pread of the whole region; ret_texts[i] (out) is a malloc'd
 * NUL-terminated text, or NULL for a free area; the caller frees them.
 * write: area idx (< REPO_SNAP_MAX) gets text, then fdatasync; -EFBIG if
 * too long. clear: area idx becomes free (header zeroed, fdatasync). */
int repo_snap_read_all(repo_t *repo, char *ret_texts[REPO_SNAP_MAX]);
int repo_snap_write(repo_t *repo, unsigned idx, const char *text, size_t len);
int repo_snap_clear(repo_t *repo, unsigned idx);
/* The pure halves (no I/O): encode text into area (out, REPO_SNAP_AREA
 * bytes, zeroed first); decode the area (in, len bytes) into a malloc'd
 * NUL-terminated *ret_text (out, written only on success): -ENOENT if free
 * (all zero header), -EBADMSG if not a valid snapshot (magic, version,
 * length, checksum, or a NUL byte in the text). */
int repo_snap_encode(uint8_t *area, size_t len, const char *text, size_t tlen);
int repo_snap_decode(const uint8_t *area, size_t len, char **ret_text);

/* A snapshot's text starts with "# KEY=value" header lines (the first one
 * "# hamr snapshot"), then the configuration as conf_db_format writes it.
 * Pure helpers for it. */
#define REPO_SNAP_NAME_MAX 64
#define REPO_SNAP_DESC_MAX 256
typedef struct repo_snap_info {
        char name[REPO_SNAP_NAME_MAX + 1];
        char description[REPO_SNAP_DESC_MAX + 1];
        char time[32];                     /* UTC, ISO 8601 */
        char node[REPO_SNAP_NAME_MAX + 1]; /* the node that took it */
        uint64_t generation;               /* the configuration generation it holds */
} repo_snap_info_t;

/* Name rule: 1..REPO_SNAP_NAME_MAX of letters, digits, '_', '.', '-',
 * starting with a letter or digit. 0, or -EINVAL with err (may be NULL)
 * naming the value and what is allowed. */
int repo_snap_name_check(const char *name, char *err, size_t errlen);
/* Description rule: at most REPO_SNAP_DESC_MAX printable characters
 * (no newline or control characters). 0 or -EINVAL with err. */
int repo_snap_desc_check(const char *desc, char *err, size_t errlen);
/* Reads the header lines of text (in) into *ret (out; fields missing from
 * the header stay empty / 0) and returns the offset where the configuration
 * starts. A text without "# hamr snapshot" first has no header (offset 0). */
size_t repo_snap_info_parse(const char *text, repo_snap_info_t *ret);
/* A snapshot text: info's header lines, then config (the configuration
 * text without a snapshot header). malloc'd. */
char *repo_snap_text_make(const repo_snap_info_t *info, const char *config);

/* hamr_buf: bounds-checked big-endian writer and reader for wire and disk bodies. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
        uint8_t *data;
        size_t cap;
        size_t len;
        bool overflow; /* set when a put did not fit; len stops growing */
} bufw_t;

typedef struct {
        const uint8_t *data;
        size_t len;
        size_t pos;
        bool error; /* set when a get ran past the end; gets then return 0 */
} bufr_t;

void bufw_init(bufw_t *w, void *data, size_t cap);
void bufw_u8(bufw_t *w, uint8_t v);
void bufw_u16(bufw_t *w, uint16_t v);
void bufw_u32(bufw_t *w, uint32_t v);
void bufw_u64(bufw_t *w, uint64_t v);
void bufw_bytes(bufw_t *w, const void *p, size_t n);
/* u16 length then bytes */
void bufw_str(bufw_t *w, const char *s);

void bufr_init(bufr_t *r, const void *data, size_t len);
uint8_t bufr_u8(bufr_t *r);
uint16_t bufr_u16(bufr_t *r);
uint32_t bufr_u32(bufr_t *r);
uint64_t bufr_u64(bufr_t *r);
void bufr_bytes(bufr_t *r, void *p, size_t n);
/* reads a bufw_str into out (NUL-terminated); error if it does not fit or
 * contains a NUL byte */
void bufr_str(bufr_t *r, char *out, size_t outcap);

/* hamr_buf: explicit byte order, no unaligned access, sticky error flags. */
#include "common/hamr_buf.h"

#include <string.h>

void bufw_init(bufw_t *w, void *data, size_t cap)
{
        w->data = data;
        w->cap = cap;
        w->len = 0;
        w->overflow = false;
}

void bufw_bytes(bufw_t *w, const void *p, size_t n)
{
        if (w->overflow || n > w->cap - w->len) {
                w->overflow = true;
                return;
        }
        if (n)
                memcpy(w->data + w->len, p, n);
        w->len += n;
}

static void put_be(bufw_t *w, uint64_t v, int n)
{
        uint8_t b[8];
        for (int i = 0; i < n; i++)
                b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
        bufw_bytes(w, b, (size_t)n);
}

void bufw_u8(bufw_t *w, uint8_t v) { put_be(w, v, 1); }
void bufw_u16(bufw_t *w, uint16_t v) { put_be(w, v, 2); }
void bufw_u32(bufw_t *w, uint32_t v) { put_be(w, v, 4); }
void bufw_u64(bufw_t *w, uint64_t v) { put_be(w, v, 8); }

void bufw_str(bufw_t *w, const char *s)
{
        size_t n = strlen(s);
        if (n > UINT16_MAX) {
                w->overflow = true;
                return;
        }
        bufw_u16(w, (uint16_t)n);
        bufw_bytes(w, s, n);
}

void bufr_init(bufr_t *r, const void *data, size_t len)
{
        r->data = data;
        r->len = len;
        r->pos = 0;
        r->error = false;
}

void bufr_bytes(bufr_t *r, void *p, size_t n)
{
        if (r->error || n > r->len - r->pos) {
                r->error = true;
                memset(p, 0, n);
                return;
        }
        memcpy(p, r->data + r->pos, n);
        r->pos += n;
}

static uint64_t get_be(bufr_t *r, int n)
{
        uint8_t b[8];
        uint64_t v = 0;
        bufr_bytes(r, b, (size_t)n);
        for (int i = 0; i < n; i++)
                v = (v << 8) | b[i];
        return v;
}

uint8_t bufr_u8(bufr_t *r) { return (uint8_t)get_be(r, 1); }
uint16_t bufr_u16(bufr_t *r) { return (uint16_t)get_be(r, 2); }
uint32_t bufr_u32(bufr_t *r) { return (uint32_t)get_be(r, 4); }
uint64_t bufr_u64(bufr_t *r) { return get_be(r, 8); }

void bufr_str(bufr_t *r, char *out, size_t outcap)
{
        uint16_t n = bufr_u16(r);
        /* an embedded NUL would hide bytes from every reader: malformed */
        if (r->error || n >= outcap || n > r->len - r->pos || memchr(r->data + r->pos, 0, n)) {
                r->error = true;
                if (outcap)
                        out[0] = '\0';
                return;
        }
        memcpy(out, r->data + r->pos, n);
        out[n] = '\0';
        r->pos += n;
}

/* fuzz_memb: the HEARTBEAT (node status) and VIEW body decoders. Whatever
 * decodes must re-encode and decode to the same value. First byte picks the
 * decoder. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memb/memb_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static memb_status_t st, st2;
        static memb_view_t v, v2;
        static uint8_t buf[65536];
        int n;

        if (size < 1)
                return 0;
        if (data[0] & 1) {
                if (memb_view_decode(data + 1, size - 1, &v) != 0)
                        return 0;
                n = memb_view_encode(&v, buf, sizeof(buf));
                if (n < 0 || memb_view_decode(buf, (size_t)n, &v2) != 0 ||
                    memcmp(&v, &v2, sizeof(v)) != 0)
                        abort();
        } else {
                if (memb_status_decode(data + 1, size - 1, &st) != 0)
                        return 0;
                n = memb_status_encode(&st, buf, sizeof(buf));
                if (n < 0 || memb_status_decode(buf, (size_t)n, &st2) != 0)
                        abort();
                if (memcmp(&st, &st2, sizeof(st)) != 0)
                        abort();
        }
        return 0;
}

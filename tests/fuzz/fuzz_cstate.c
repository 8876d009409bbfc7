/* fuzz_cstate: the cluster-state message decoders (REPORT and CONTROL, from
 * another node over UDP or its repository slot). data[0] picks the decoder
 * (even: report, odd: control); the rest is the body, copied into an exact
 * buffer. Whatever decodes must re-encode, decode again and encode to the
 * same bytes; any disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "cstate/cstate_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static uint8_t enc[65536], enc2[65536];

static void report(const uint8_t *p, size_t len)
{
        cstate_report_t a = {0}, b = {0};
        int n, n2;

        if (cstate_report_decode(p, len, &a) < 0)
                return;
        n = cstate_report_encode(&a, CSTATE_REASON_LEN, enc, sizeof(enc));
        CHECK(n > 0);
        CHECK(cstate_report_decode(enc, (size_t)n, &b) == 0);
        n2 = cstate_report_encode(&b, CSTATE_REASON_LEN, enc2, sizeof(enc2));
        CHECK(n2 == n && memcmp(enc, enc2, (size_t)n) == 0);
        /* shortened reasons still decode */
        n = cstate_report_encode(&a, 3, enc, sizeof(enc));
        CHECK(n > 0);
        cstate_report_clear(&b);
        CHECK(cstate_report_decode(enc, (size_t)n, &b) == 0);
        cstate_report_clear(&a);
        cstate_report_clear(&b);
}

static void control(const uint8_t *p, size_t len)
{
        static cstate_ctl_t a, b;
        int n;

        if (cstate_ctl_decode(p, len, &a) < 0)
                return;
        n = cstate_ctl_encode(&a, enc, sizeof(enc));
        CHECK(n > 0);
        CHECK(cstate_ctl_decode(enc, (size_t)n, &b) == 0);
        CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint8_t *q;

        if (size < 1)
                return 0;
        q = malloc(size - 1 ? size - 1 : 1);
        if (!q)
                abort();
        memcpy(q, data + 1, size - 1);
        if (data[0] & 1)
                control(q, size - 1);
        else
                report(q, size - 1);
        free(q);
        return 0;
}

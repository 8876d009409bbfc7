/* hamr_alloc: the one place that handles out-of-memory (by aborting). */
#include "common/hamr_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *oom(void)
{
        fputs("hamr: out of memory\n", stderr);
        abort();
}

void *zalloc(size_t size)
{
        void *p = calloc(1, size ? size : 1);
        return p ? p : oom();
}

void *zcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        return p ? p : oom();
}

void *zrealloc(void *p, size_t size)
{
        void *q = realloc(p, size ? size : 1);
        return q ? q : oom();
}

char *zstrdup(const char *s)
{
        char *p = strdup(s ? s : "");
        return p ? p : oom();
}

char *zstrndup(const char *s, size_t n)
{
        char *p = strndup(s ? s : "", n);
        return p ? p : oom();
}

void freep(void *pp)
{
        free(*(void **)pp);
}

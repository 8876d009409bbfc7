/* hamr_alloc: zeroing allocators that abort on out-of-memory. */
#pragma once
#include <stddef.h>

void *zalloc(size_t size);
void *zcalloc(size_t n, size_t size);
void *zrealloc(void *p, size_t size);
char *zstrdup(const char *s);
char *zstrndup(const char *s, size_t n);

/* __attribute__((cleanup)) helper: char *p __attribute__((cleanup(freep))) */
void freep(void *pp);
#define _cleanup_free_ __attribute__((cleanup(freep)))

/* fuzz_check: the one assertion the fuzz targets use. A failed CHECK is a
 * finding: it prints where and aborts, so that libFuzzer keeps the input. */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c)) {                                                                        \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

/* tt_tests_internal: the network, IP label and application tests
 * (tt_tests_net.c), called by tt_tests.c's dispatch. */
#pragma once
#include "testtool/tt_tests.h"

int tt_net_prepare(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);
bool tt_net_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);

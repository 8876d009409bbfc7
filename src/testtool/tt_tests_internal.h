/* tt_tests_internal: the network, IP label and application tests
 * (tt_tests_net.c), called by tt_tests.c's dispatch. */
#pragma once
#include "testtool/tt_run.h"

int tt_net_prepare(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);
bool tt_net_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);

/* A group that was on a node which gave it up: ONLINE on another node when
 * one of its nodes other than from could take it (active, with its network
 * up when need_net), else not ONLINE on from. */
bool tt_check_moved_off(tt_ctx_t *ctx, const char *rg, const char *from, bool need_net, char *why,
                        size_t len);

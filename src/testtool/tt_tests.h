/* tt_tests: the catalogue's tests: their parameters, entrance criteria,
 * actions and success indicators (tt_tests.c, the network ones in
 * tt_tests_net.c). */
#pragma once
#include "testtool/tt_state.h"

/* tt_tests.c: resolves parameters and checks the entrance criteria against
 * ctx->cl (fresh status), filling st's actions and expectations; 0, or -1
 * with the unmet criterion in why. */
int tt_tests_prepare(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);
/* Whether the success indicators hold on ctx->cl's status; false with the
 * violated indicator in why. */
bool tt_tests_check(tt_ctx_t *ctx, tt_state_t *st, char *why, size_t len);

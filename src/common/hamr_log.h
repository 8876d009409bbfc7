/* hamr_log: daemon logging with subsystem tag, levels and key=value details. */
#pragma once
#include <stdarg.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Levels: ERR = the node or a group needs an operator; WARN = degraded but
 * handled; INFO = state changes an operator wants in the history; DEBUG =
 * everything else. */
void hamr_log_set_level(enum log_level lvl);
void hamr_log_set_ident(const char *ident);
void hamr_log(enum log_level lvl, const char *subsys, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_err(sub, ...)   hamr_log(LOG_LVL_ERR, sub, __VA_ARGS__)
#define log_warn(sub, ...)  hamr_log(LOG_LVL_WARN, sub, __VA_ARGS__)
#define log_info(sub, ...)  hamr_log(LOG_LVL_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...) hamr_log(LOG_LVL_DEBUG, sub, __VA_ARGS__)

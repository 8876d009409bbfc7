/* hamr_log: daemon logging with subsystem tag, levels and key=value details. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

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

/* Where the log lines go: the absolute path of stderr when it is a regular
 * file, "journal" when it is systemd's journal stream (JOURNAL_STREAM), else
 * "" (a terminal or pipe). buf of len bytes (PATH_MAX is enough). */
void hamr_log_target(char *buf, size_t len);

/* Structured logging: one JSON object per line on stderr. Never pass secrets, tokens,
 * passwords or request bodies to these functions. */
#ifndef LGVO_LOG_H
#define LGVO_LOG_H

#include <stdint.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(enum log_level level);
int log_enabled(enum log_level level);
/* Parses "debug" | "info" | "warn" | "error"; returns -1 for anything else. */
int log_level_parse(const char *s);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct log_request_line {
    const char *request_id;
    const char *method;
    const char *path;
    int status;
    int64_t duration_us;
    const char *principal; /* NULL for anonymous callers */
    const char *subject;   /* user or client id; NULL for anonymous callers */
};
void log_request(const struct log_request_line *line);

#endif

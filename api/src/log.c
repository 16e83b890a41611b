/* JSON log lines on stderr. Each line is written with a single write(2) so that lines from
 * concurrent threads never interleave. */
#include "log.h"

#include "util/clock.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_int current_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
    atomic_store(&current_level, (int)level);
}

int log_enabled(enum log_level level)
{
    return (int)level >= atomic_load(&current_level);
}

int log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

static void start_line(struct strbuf *b, enum log_level level)
{
    char ts[40];
    clock_format_rfc3339(clock_wall_us(), ts, sizeof ts);
    strbuf_addf(b, "{\"time\":\"%s\",\"level\":\"%s\"", ts, level_names[level]);
}

static void emit(struct strbuf *b)
{
    strbuf_add(b, "}\n", 2);
    (void)!write(STDERR_FILENO, b->data, b->len);
    strbuf_free(b);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct strbuf b;
    strbuf_init(&b);
    start_line(&b, level);
    strbuf_adds(&b, ",\"msg\":");
    strbuf_add_json_string(&b, msg);
    emit(&b);
}

void log_request(const struct log_request_line *line)
{
    if (!log_enabled(LOG_INFO))
        return;
    struct strbuf b;
    strbuf_init(&b);
    start_line(&b, LOG_INFO);
    strbuf_adds(&b, ",\"request_id\":");
    strbuf_add_json_string(&b, line->request_id);
    strbuf_adds(&b, ",\"method\":");
    strbuf_add_json_string(&b, line->method);
    /* The path is client input: keep the log line valid UTF-8. */
    char *path = xstrdup(line->path);
    utf8_scrub(path);
    strbuf_adds(&b, ",\"path\":");
    strbuf_add_json_string(&b, path);
    free(path);
    strbuf_addf(&b, ",\"status\":%d,\"duration_us\":%lld", line->status,
                (long long)line->duration_us);
    if (line->principal) {
        strbuf_adds(&b, ",\"principal\":");
        strbuf_add_json_string(&b, line->principal);
    }
    if (line->subject) {
        strbuf_adds(&b, ",\"subject\":");
        strbuf_add_json_string(&b, line->subject);
    }
    emit(&b);
}

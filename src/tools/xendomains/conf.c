/* conf.c - /etc/default/xendomains (Debian) or /etc/sysconfig/xendomains (RPM):
 * upstream's variable names plus our own, read strictly (never evaluated). */
#define _GNU_SOURCE
#include "xendomains.h"
#include "kvconf.h"
#include "log.h"
#include "value.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum kind { K_PATH, K_STR, K_BOOL, K_UINT, K_SIZE, K_ACTION, K_IGNORED };

struct key {
    const char *name;
    enum kind kind;
    size_t off, len;        /* field in struct xd_conf and its size (strings) */
    uint64_t min, max;      /* K_UINT bounds */
};

#define S(f) offsetof(struct xd_conf, f), sizeof(((struct xd_conf *)0)->f)
#define U(f) offsetof(struct xd_conf, f), 0
static const struct key keys[] = {
    { "XENDOMAINS_AUTO",                K_PATH,   S(auto_dir),      0, 0 },
    { "XENDOMAINS_SAVE",                K_PATH,   S(save_dir),      0, 0 },
    { "XENDOMAINS_RESTORE",             K_BOOL,   U(restore),       0, 0 },
    { "XENDOMAINS_MIGRATE",             K_STR,    S(migrate),       0, 0 },
    { "XENDOMAINS_STOP_MAXWAIT",        K_UINT,   U(stop_maxwait),  1, 86400 },
    { "XENDOMAINS_SYSRQ",               K_STR,    S(sysrq),         0, 0 },
    { "XENDOMAINS_AUTO_ONLY",           K_BOOL,   U(auto_only),     0, 0 },
    { "XENDOMAINS_PARALLEL",            K_UINT,   U(parallel),      1, 256 },
    { "XENDOMAINS_START_DELAY",         K_UINT,   U(start_delay),   0, 3600 },
    { "XENDOMAINS_START_MAXWAIT",       K_UINT,   U(start_maxwait), 1, 86400 },
    { "XENDOMAINS_DISK_WAIT",           K_UINT,   U(disk_wait),     0, 86400 },
    { "XENDOMAINS_STOP_TIMEOUT_ACTION", K_ACTION, U(timeout_action), 0, 0 },
    { "XENDOMAINS_SAVE_MARGIN",         K_SIZE,   U(save_margin),   0, 0 },
    { "XENDOMAINS_STATE_DIR",           K_PATH,   S(state_dir),     0, 0 },
    { "XENDOMAINS_XL",                  K_PATH,   S(xl),            0, 0 },
    /* upstream's, meaningless for a parallel engine that waits for events */
    { "XENDOMAINS_USLEEP",              K_IGNORED, 0, 0, 0, 0 },
    { "XENDOMAINS_CREATE_USLEEP",       K_IGNORED, 0, 0, 0, 0 },
    { "XENDOMAINS_SHUTDOWN",            K_IGNORED, 0, 0, 0, 0 },
    { "XENDOMAINS_SHUTDOWN_ALL",        K_IGNORED, 0, 0, 0, 0 },
};

void xd_conf_defaults(struct xd_conf *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->auto_dir, sizeof c->auto_dir, "/etc/xen/auto");
    snprintf(c->save_dir, sizeof c->save_dir, "/var/lib/xen/save");
    c->restore = 1;
    c->stop_maxwait = 300;
    c->auto_only = 0;
    c->parallel = 4;
    c->start_delay = 0;
    c->start_maxwait = 300;
    c->disk_wait = 120;
    c->timeout_action = XD_TMO_DESTROY;
    c->save_margin = 256ULL << 20;
    snprintf(c->state_dir, sizeof c->state_dir, "/var/lib/xen/xendomains");
    snprintf(c->xl, sizeof c->xl, "%s", XD_XL_DEFAULT);
    c->poll_ms = 500;
}

static int set_key(const char *k, const char *v, const char *file, int line, void *ctx)
{
    struct xd_conf *c = ctx;
    const struct key *key = NULL;
    const char *why = NULL;
    char *field;

    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(keys[i].name, k)) key = &keys[i];
    if (!key) {
        xh_warn(XH_KV_UNKNOWN, file, line, k);
        return 0;
    }
    field = (char *)c + key->off;
    switch (key->kind) {
    case K_IGNORED:
        xh_debug("%s:%d: %s: not used by this xendomains, ignoring", file, line, k);
        return 0;
    case K_PATH:
        if (*v && *v != '/') why = "not an absolute path";
        /* fall through */
    case K_STR:
        if (!why && strlen(v) >= key->len) why = "too long";
        if (!why) memcpy(field, v, strlen(v) + 1);
        break;
    case K_BOOL:
        /* as upstream's script, which tests for "true": an empty value is false */
        if (!*v) *(int *)field = 0;
        else if (xh_parse_bool(v, (int *)field) < 0) why = "not a boolean (true or false)";
        break;
    case K_UINT:
        if (xh_parse_uint(v, key->min, key->max, (uint64_t *)field, &why) < 0 && !why) why = "not a number";
        break;
    case K_SIZE:
        if (xh_parse_size(v, 1ULL << 20, (uint64_t *)field, &why) < 0 && !why) why = "not a size";
        break;
    case K_ACTION:
        if (!strcmp(v, "destroy")) *(int *)field = XD_TMO_DESTROY;
        else if (!strcmp(v, "leave")) *(int *)field = XD_TMO_LEAVE;
        else why = "must be destroy or leave";
        break;
    }
    if (why) {
        xh_err("%s:%d: %s=\"%s\": %s", file, line, k, v, why);
        return -1;
    }
    return 0;
}

/* "xendomains check": the effective settings, one KEY=value a line. */
int xd_cmd_check(const struct xd_conf *c)
{
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const struct key *k = &keys[i];
        const char *field = (const char *)c + k->off;
        char size[32];
        switch (k->kind) {
        case K_PATH: case K_STR: printf("%s=\"%s\"\n", k->name, field); break;
        case K_BOOL: printf("%s=%s\n", k->name, *(const int *)field ? "true" : "false"); break;
        case K_UINT: printf("%s=%llu\n", k->name, (unsigned long long)*(const uint64_t *)field); break;
        case K_SIZE:
            xh_format_size(*(const uint64_t *)field, size, sizeof size);
            printf("%s=%s\n", k->name, size);
            break;
        case K_ACTION: printf("%s=%s\n", k->name, *(const int *)field == XD_TMO_LEAVE ? "leave" : "destroy"); break;
        case K_IGNORED: break;
        }
    }
    printf("# settings from %s\n", c->file[0] ? c->file : "built-in defaults (no configuration file)");
    printf("# domain state read through %s\n", xd_state_source(c));
    return 0;
}

int xd_conf_load(struct xd_conf *c, const char *path)
{
    static const char *const std[] = { "/etc/default/xendomains", "/etc/sysconfig/xendomains" };
    char err[512];
    int rc;

    if (!path) {
        for (size_t i = 0; i < sizeof std / sizeof *std && !path; i++)
            if (access(std[i], F_OK) == 0) path = std[i];
        if (!path)
            return 0; /* built-in defaults */
    }
    snprintf(c->file, sizeof c->file, "%s", path);
    rc = xh_kv_parse_file(path, XH_KV_SHELL, set_key, c, err, sizeof err);
    if (rc == -2 || (rc == -1 && err[0])) {
        xh_err("%s", err);
        return -1;
    }
    if (rc != 0)
        return -1; /* set_key logged it */
    if (!c->auto_dir[0] && !c->save_dir[0])
        xh_info("%s: neither XENDOMAINS_AUTO nor XENDOMAINS_SAVE is set: nothing will be started", path);
    return 0;
}

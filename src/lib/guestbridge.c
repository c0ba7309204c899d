#define _GNU_SOURCE
#include "guestbridge.h"
#include "kvconf.h"
#include <stdio.h>
#include <string.h>

int xh_ifname_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 15 || !strcmp(name, ".") || !strcmp(name, "..")) return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            return 0;
    return 1;
}

struct gb_ctx { char *out; size_t len; int found; char bad[128]; };

static int gb_kv(const char *key, const char *value, const char *file, int line, void *vctx)
{
    struct gb_ctx *c = vctx;
    (void)file; (void)line;
    if (strcmp(key, XH_GUEST_BRIDGE_KEY) != 0) return 0;
    if (!*value) { c->found = 0; c->bad[0] = '\0'; return 0; }   /* "KEY=": the default */
    if (!xh_ifname_ok(value)) { snprintf(c->bad, sizeof c->bad, "%.100s", value); c->found = 0; return 0; }
    snprintf(c->out, c->len, "%s", value);
    c->found = 1;
    c->bad[0] = '\0';
    return 0;
}

int xh_guest_bridge(const char *path, char *out, size_t len, char *why, size_t whylen)
{
    struct gb_ctx c = { out, len, 0, "" };
    char err[512];
    int rc;

    snprintf(out, len, "%s", XH_GUEST_BRIDGE_DEFAULT);
    rc = xh_kv_parse_file(path, XH_KV_SHELL, gb_kv, &c, err, sizeof err);
    if (rc == -2) return 1;
    if (rc < 0) { snprintf(why, whylen, "%s", err); snprintf(out, len, "%s", XH_GUEST_BRIDGE_DEFAULT); return -1; }
    if (c.bad[0]) {
        snprintf(why, whylen, "%s: %s=\"%s\": not an interface name (1 to 15 letters, digits, '_', '.', '-')",
                 path, XH_GUEST_BRIDGE_KEY, c.bad);
        snprintf(out, len, "%s", XH_GUEST_BRIDGE_DEFAULT);
        return -1;
    }
    return c.found ? 0 : 1;
}

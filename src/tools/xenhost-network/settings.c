/* settings.c - the one setting for the bridge guests use by default,
 * XENHOST_GUEST_BRIDGE in /etc/default/xenhost-network (src/lib/guestbridge.h),
 * and the line of /etc/xen/xl.conf that must agree with it
 * (vif.default.bridge: libxl's default for a vif that names no bridge). setup
 * changes each by one line; status reports every place that disagrees. */
#define _GNU_SOURCE
#include "xn.h"
#include "guestbridge.h"
#include "kvconf.h"
#include "log.h"
#include "xlcfg.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "KEY=..." (active) or "#KEY=..." / "# KEY=..." (commented) */
static int match_key(const char *line, size_t len, const char *key, int *active, int xl)
{
    size_t i = 0, kl = strlen(key);
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    *active = 1;
    if (i < len && line[i] == '#') {
        *active = 0;
        i++;
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    }
    if (!xl && *active && len - i > 7 && !strncmp(line + i, "export ", 7)) i += 7;
    if (len - i < kl || strncmp(line + i, key, kl) != 0) return 0;
    i += kl;
    if (xl) while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    return i < len && line[i] == '=';
}

int xn_sh_key(const char *line, size_t len, const char *key, int *active) { return match_key(line, len, key, active, 0); }
int xn_xl_key(const char *line, size_t len, const char *key, int *active) { return match_key(line, len, key, active, 1); }

/* One line of f set to new_line (the line it replaces is remembered for remove). */
static int plan_line(struct xn_plan *p, const char *path, const char *key, xn_key_fn fn, const char *new_line)
{
    struct xn_file *f = xn_plan_file(p, path, XN_LINE);
    size_t s, e, n;
    char *t;
    if (!f) return -1;
    xn_pf(f->key, sizeof f->key, "%s", key);
    xn_pf(f->new_line, sizeof f->new_line, "%s", new_line);
    f->old_line[0] = '\0';
    if (f->old && xn_key_line(f->old, f->old_len, key, fn, &s, &e) >= 0) {
        if (e - s >= sizeof f->old_line) { xh_err("%s: the %s line is too long", path, key); return -1; }
        memcpy(f->old_line, f->old + s, e - s);
        f->old_line[e - s] = '\0';
    }
    if (!(t = xn_line_edit(f->old ? f->old : "", f->old_len, key, fn, new_line, &n))) { xh_err("out of memory"); return -1; }
    xn_file_set(f, t, n);
    free(t);
    return 0;
}

struct xl_ctx { char bridge[64]; int set; };
static int xl_kv(const char *key, char *const *values, size_t nvalues, int is_list, int line, void *vctx)
{
    struct xl_ctx *c = vctx;
    (void)line;
    if ((!strcmp(key, "vif.default.bridge") || !strcmp(key, "defaultbridge")) && nvalues == 1 && !is_list) {
        xn_pf(c->bridge, sizeof c->bridge, "%s", values[0]);
        c->set = 1;
    }
    return 0;
}

/* xl.conf's default bridge as xl reads it; 1 set there, 0 libxl's default, -1 unreadable (why) */
static int xl_bridge(char *out, size_t len, char *why, size_t whylen)
{
    char path[XN_PATH];
    struct xl_ctx c = { XH_GUEST_BRIDGE_DEFAULT, 0 };
    xn_path(path, sizeof path, XN_XL_CONF);
    if (access(path, F_OK) == 0 && xh_xlcfg_read(path, xl_kv, &c, why, whylen) < 0) { xn_pf(out, len, "?"); return -1; }
    xn_pf(out, len, "%s", c.bridge);
    return c.set;
}

int xn_settings_plan(struct xn_plan *p)
{
    char path[XN_PATH], cur[64], why[512], line[128];
    int rc;

    xn_path(path, sizeof path, XH_NETWORK_DEFAULTS);
    rc = xh_guest_bridge(path, cur, sizeof cur, why, sizeof why);
    if (rc < 0) { xh_err("%s", why); return -1; }
    if (strcmp(cur, p->bridge) != 0 || (rc == 1 && access(path, F_OK) != 0)) {
        xn_pf(line, sizeof line, "%s=%s", XH_GUEST_BRIDGE_KEY, p->bridge);
        if (plan_line(p, XH_NETWORK_DEFAULTS, XH_GUEST_BRIDGE_KEY, xn_sh_key, line) < 0) return -1;
    }
    rc = xl_bridge(cur, sizeof cur, why, sizeof why);
    if (rc < 0) { xh_err("%s: %s: cannot tell which bridge xl uses by default", XN_XL_CONF, why); return -1; }
    if (strcmp(cur, p->bridge) != 0) {
        xn_pf(line, sizeof line, "vif.default.bridge=\"%s\"", p->bridge);
        if (plan_line(p, XN_XL_CONF, "vif.default.bridge", xn_xl_key, line) < 0) return -1;
    }
    return 0;
}

struct xt_ctx { char bridge[64]; int line; };
static int xt_kv(const char *key, const char *value, const char *file, int line, void *vctx)
{
    struct xt_ctx *c = vctx;
    (void)file;
    if (!strcmp(key, "bridge") && *value) { xn_pf(c->bridge, sizeof c->bridge, "%s", value); c->line = line; }
    return 0;
}

int xn_settings_report(FILE *out, const char *configured)
{
    char path[XN_PATH], setting[64], xl[64], why[512], err[512];
    struct xt_ctx xt = { "", 0 };
    int rc, bad = 0;

    xn_path(path, sizeof path, XH_NETWORK_DEFAULTS);
    rc = xh_guest_bridge(path, setting, sizeof setting, why, sizeof why);
    if (rc < 0) { fprintf(out, "guest bridge setting: %s (error: %s)\n", setting, why); bad = 1; }
    else fprintf(out, "guest bridge setting: %s (%s%s)\n", setting, rc == 0 ? XH_GUEST_BRIDGE_KEY " in " : "built-in default: no " XH_GUEST_BRIDGE_KEY " in ",
                 XH_NETWORK_DEFAULTS);
    rc = xl_bridge(xl, sizeof xl, why, sizeof why);
    if (rc < 0) { fprintf(out, "xl.conf default bridge: unknown (%s)\n", why); bad = 1; }
    else {
        int agree = !strcmp(xl, setting);
        fprintf(out, "xl.conf default bridge: %s (%s; %s)\n", xl, rc ? "vif.default.bridge in " XN_XL_CONF : "libxl's default, not set in " XN_XL_CONF,
                agree ? "agrees" : "DISAGREES with the setting");
        bad |= !agree;
    }
    xn_path(path, sizeof path, XN_XEN_TOOLS_CONF);
    xh_kv_parse_file(path, XH_KV_SPACED, xt_kv, &xt, err, sizeof err);
    if (xt.bridge[0]) {
        int agree = !strcmp(xt.bridge, setting);
        fprintf(out, "xen-create-image default bridge: %s (bridge = %s in %s:%d; %s)\n", xt.bridge, xt.bridge, XN_XEN_TOOLS_CONF, xt.line,
                agree ? "agrees" : "DISAGREES with the setting: it wins for xen-create-image");
        bad |= !agree;
    } else {
        fprintf(out, "xen-create-image default bridge: %s (from the setting)\n", setting);
    }
    if (configured && configured[0] && strcmp(configured, setting) != 0) {
        fprintf(out, "configured bridge %s: DISAGREES with the setting (%s)\n", configured, setting);
        bad = 1;
    }
    if (!xn_link_exists(setting)) { fprintf(out, "guest bridge %s: MISSING (guests fail with \"vif could not be connected\"; run xenhost-network setup)\n", setting); bad = 1; }
    else if (!xn_link_is_bridge(setting)) { fprintf(out, "guest bridge %s: NOT A BRIDGE\n", setting); bad = 1; }
    else fprintf(out, "guest bridge %s: present\n", setting);
    return bad;
}

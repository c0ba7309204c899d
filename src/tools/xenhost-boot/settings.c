/* settings.c - read /etc/default/xen strictly (never as shell) and check every
 * value; see settings.h and docs/boot.md. */
#define _GNU_SOURCE
#include "settings.h"
#include "buf.h"
#include "kvconf.h"
#include "log.h"
#include "value.h"
#include "spawn.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (UINT64_C(1) << 20)
#define MIN_DOM0_MIB 256

uint64_t xb_auto_dom0_mib(uint64_t host_mib)
{
    uint64_t r = (host_mib + 1023) / 1024, m = 1024 + 64 * r;
    if (m > 8192) m = 8192;
    if (m > 512 * r) m = 512 * r;
    return m;
}

int xb_xen_word(const char *word, char *out, unsigned outlen, const char **why)
{
    size_t n = strlen(word);
    if (n + 1 > outlen) { *why = "too long"; return -1; }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)word[i];
        if (!isalnum(c) && !strchr("_.,:=+/@%-", c)) {
            static char buf[64];
            snprintf(buf, sizeof buf, "character '%c' is not allowed in a Xen option", isprint(c) ? c : '?');
            *why = buf;
            return -1;
        }
    }
    memcpy(out, word, n + 1);
    return 0;
}

static uint64_t meminfo_mib(const char *path)
{
    FILE *f = fopen(path, "re");
    char line[256];
    unsigned long long kib = 0;
    if (!f) { xh_warn("%s: %s", path, strerror(errno)); return 0; }
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %llu kB", &kib) == 1) break;
    fclose(f);
    if (!kib) xh_warn("%s: no MemTotal line", path);
    return kib / 1024;
}

int xb_is_dom0(const char *proc)
{
    char path[512], buf[256] = "";
    FILE *f;
    snprintf(path, sizeof path, "%s/xen/capabilities", proc);
    if (!(f = fopen(path, "re"))) return 0;
    if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
    fclose(f);
    return strstr(buf, "control_d") != NULL;
}

/* Under Xen, dom0's MemTotal is dom0's share: ask the hypervisor instead. */
static uint64_t xl_total_mib(void)
{
    char *argv[] = { "xl", "info", NULL };
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 20000 };
    struct xh_run_result r;
    uint64_t mib = 0;
    const char *p;
    if (xh_run(argv, &o, &r) == 0 && r.out && (p = strstr(r.out, "\ntotal_memory")) && (p = strchr(p, ':')))
        mib = strtoull(p + 1, NULL, 10);
    else
        xh_warn("xl info: %s", r.status == -1 ? r.why : (r.err && *r.err ? r.err : "no total_memory"));
    xh_run_result_free(&r);
    return mib;
}

/* "N" or "MIN-MAX", 1..4096 */
static int vcpu_range(const char *v)
{
    uint64_t a, z;
    const char *why;
    char buf[32];
    const char *dash = strchr(v, '-');
    if (strlen(v) >= sizeof buf) return -1;
    if (!dash) return xh_parse_uint(v, 1, 4096, &a, &why);
    snprintf(buf, sizeof buf, "%.*s", (int)(dash - v), v);
    if (xh_parse_uint(buf, 1, 4096, &a, &why) < 0 || xh_parse_uint(dash + 1, 1, 4096, &z, &why) < 0) return -1;
    return a <= z ? 0 : -1;
}

struct ctx {
    struct xb_settings *s;
    const char *mem;    /* XEN_DOM0_MEM, checked after the host size is known */
    char mem_buf[128];
    const char *mem_file;
    int mem_line;
};

static void bad(struct ctx *c, const char *file, int line, const char *key, const char *val,
                const char *why, const char *instead)
{
    xh_err("%s:%d: %s=\"%s\": %s; %s", file, line, key, val, why, instead);
    c->s->errors++;
}

static int on_kv(const char *key, const char *val, const char *file, int line, void *vctx)
{
    struct ctx *c = vctx;
    struct xb_settings *s = c->s;
    const char *why = NULL;
    uint64_t n;
    int b;

    if (strcmp(key, "XEN_DOM0_MEM") == 0) {
        snprintf(c->mem_buf, sizeof c->mem_buf, "%s", val);
        c->mem_file = file;
        c->mem_line = line;
        c->mem = c->mem_buf;
    } else if (strcmp(key, "XEN_DOM0_VCPUS") == 0) {
        if (!*val || strcasecmp(val, "all") == 0)
            s->vcpus[0] = '\0';
        else if (vcpu_range(val) == 0)
            snprintf(s->vcpus, sizeof s->vcpus, "%s", val);
        else
            bad(c, file, line, key, val, "not a vCPU count (N or MIN-MAX, 1..4096, or all)", "left out (dom0 gets Xen's default)");
    } else if (strcmp(key, "XEN_DOM0_VCPUS_PIN") == 0) {
        if (xh_parse_bool(val, &b) == 0) s->vcpus_pin = b;
        else bad(c, file, line, key, val, "not yes or no", "left out (not pinned)");
    } else if (strcmp(key, "XEN_DOM0_BALLOONING") == 0) {
        if (xh_parse_bool(val, &b) == 0) s->ballooning = b;
        else bad(c, file, line, key, val, "not yes or no", "using no (ballooning off)");
    } else if (strcmp(key, "XEN_SERIAL_CONSOLE") == 0) {
        unsigned port = 0, speed = 115200;
        int used = 0;
        if (!*val || strcasecmp(val, "none") == 0 || strcasecmp(val, "no") == 0)
            s->serial_port = 0;
        else if ((sscanf(val, "com%u%n", &port, &used) == 1 && (size_t)used == strlen(val))
                 || (sscanf(val, "com%u,%u%n", &port, &speed, &used) == 2 && (size_t)used == strlen(val))) {
            static const unsigned speeds[] = { 9600, 19200, 38400, 57600, 115200 };
            int ok = 0;
            for (unsigned i = 0; i < sizeof speeds / sizeof speeds[0]; i++) ok |= speed == speeds[i];
            if (port < 1 || port > 4 || !ok)
                bad(c, file, line, key, val, "port must be com1..com4, speed 9600..115200", "left out (no serial console)");
            else { s->serial_port = (int)port; s->serial_speed = speed; }
        } else
            bad(c, file, line, key, val, "not none, comN or comN,SPEED", "left out (no serial console)");
    } else if (strcmp(key, "XEN_CMDLINE_EXTRA") == 0) {
        char *copy = strdup(val), *save = NULL, word[256];
        struct xh_buf eb;
        xh_buf_init(&eb, s->extra, sizeof s->extra);
        for (char *w = copy ? strtok_r(copy, " \t", &save) : NULL; w; w = strtok_r(NULL, " \t", &save)) {
            size_t before = eb.len;
            if (strncmp(w, "dom0_mem=", 9) == 0) why = "dom0's memory is set by XEN_DOM0_MEM";
            else if (xb_xen_word(w, word, sizeof word, &why) == 0 && xh_buf_add(&eb, "%s%s", eb.len ? " " : "", word) < 0) {
                why = "too long";
                xh_buf_truncate(&eb, before);   /* this word is left out; a shorter one may still fit */
            }
            if (why) {
                char what[300];
                snprintf(what, sizeof what, "word '%s': %s", w, why);
                bad(c, file, line, key, val, what, "word left out");
                why = NULL;
                continue;
            }
        }
        free(copy);
    } else if (strcmp(key, "XEN_PANIC_REBOOT") == 0) {
        if (xh_parse_uint(val, 0, 3600, &n, &why) == 0) s->panic_reboot = (int)n;
        else bad(c, file, line, key, val, why ? why : "not a number of seconds", "using 10");
    } else if (strcmp(key, "XEN_DEFAULT_ENTRY") == 0) {
        if (strcasecmp(val, "force") == 0) s->default_entry = XB_DEFAULT_FORCE;
        else if (xh_parse_bool(val, &b) == 0) s->default_entry = b ? XB_DEFAULT_YES : XB_DEFAULT_NO;
        else bad(c, file, line, key, val, "not yes, no or force", "using yes");
    } else if (strcmp(key, "XEN_TRIAL_BOOT") == 0) {
        if (xh_parse_bool(val, &b) == 0) s->trial = b;
        else bad(c, file, line, key, val, "not yes or no", "using yes");
    } else {
        xh_warn(XH_KV_UNKNOWN, file, line, key);
    }
    return 0;
}

/* A line that is not KEY=VALUE costs only itself. */
static void bad_line(const char *msg, void *vctx)
{
    struct ctx *c = vctx;
    xh_err("%s; line ignored", msg);
    c->s->errors++;
}

static void parse_conf(const char *path, struct ctx *c)
{
    char err[512];
    int rc = xh_kv_parse_file_each(path, XH_KV_SHELL, on_kv, bad_line, c, err, sizeof err);
    if (rc == -1) { xh_err("%s; using the defaults", err); c->s->errors++; }
}

void xb_settings_load(const struct xb_sources *src, struct xb_settings *s)
{
    const char *conf = src->conf ? src->conf : XB_DEFAULT_CONF;
    const char *proc = src->proc ? src->proc : "/proc";
    struct ctx c = { .s = s };
    char mi[512];

    memset(s, 0, sizeof *s);
    s->panic_reboot = 10;
    s->default_entry = XB_DEFAULT_YES;
    s->trial = 1;
    s->mem_auto = 1;
    parse_conf(conf, &c);

    if (!src->meminfo && xb_is_dom0(proc))
        s->host_mib = xl_total_mib();
    if (!s->host_mib) {
        snprintf(mi, sizeof mi, "%s/meminfo", proc);
        s->host_mib = meminfo_mib(src->meminfo ? src->meminfo : mi);
    }
    if (!s->host_mib) s->host_mib = 2048; /* unknown: the formula still gives a sane 1152 MiB */

    s->dom0_mem_mib = xb_auto_dom0_mib(s->host_mib);
    if (c.mem && *c.mem && strcasecmp(c.mem, "auto") != 0) {
        uint64_t bytes = 0;
        const char *why = NULL;
        char instead[96];
        snprintf(instead, sizeof instead, "using auto (%llum)", (unsigned long long)s->dom0_mem_mib);
        if (xh_parse_size(c.mem, MIB, &bytes, &why) < 0)
            bad(&c, c.mem_file, c.mem_line, "XEN_DOM0_MEM", c.mem, why ? why : "not a size", instead);
        else if (bytes / MIB < MIN_DOM0_MIB)
            bad(&c, c.mem_file, c.mem_line, "XEN_DOM0_MEM", c.mem, "less than 256M, too small for dom0", instead);
        else if (bytes / MIB >= s->host_mib + 1024)
            bad(&c, c.mem_file, c.mem_line, "XEN_DOM0_MEM", c.mem, "more than the host's memory", instead);
        else { s->dom0_mem_mib = bytes / MIB; s->mem_auto = 0; }
    }
}

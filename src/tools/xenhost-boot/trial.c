/* trial.c - confirm, check, status and retry of the trial boot (trial.h). */
#define _GNU_SOURCE
#include "trial.h"
#include "atomicfile.h"
#include "files.h"
#include "log.h"
#include "settings.h"
#include "spawn.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_MAX 256
#define FAILURE_FILE "trial-failure"

struct env { char tried[TOKEN_MAX], good[TOKEN_MAX]; int readable; };

static int editenv(const char *grubenv, char *const args[], char **out)
{
    char *argv[8] = { "grub-editenv", (char *)grubenv };
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 30000 };
    struct xh_run_result r;
    int i, rc;
    for (i = 0; args[i] && i < 5; i++) argv[2 + i] = args[i];
    argv[2 + i] = NULL;
    rc = xh_run(argv, &o, &r);
    if (rc != 0)
        xh_err("grub-editenv %s %s: %s", grubenv, args[0],
               rc == -1 ? r.why : r.err && *r.err ? strtok(r.err, "\n") : "failed");
    else if (out) { *out = r.out; r.out = NULL; }
    xh_run_result_free(&r);
    return rc == 0 ? 0 : -1;
}

static void env_read(const char *grubenv, struct env *e)
{
    char *out = NULL, *save = NULL;
    memset(e, 0, sizeof *e);
    if (access(grubenv, R_OK) != 0 || editenv(grubenv, (char *[]){ "list", NULL }, &out) < 0) return;
    e->readable = 1;
    for (char *l = out ? strtok_r(out, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        if (strncmp(l, "xenhost_tried=", 14) == 0) snprintf(e->tried, sizeof e->tried, "%s", l + 14);
        if (strncmp(l, "xenhost_good=", 13) == 0) snprintf(e->good, sizeof e->good, "%s", l + 13);
    }
    free(out);
}

static int env_set(const char *grubenv, const char *key, const char *val)
{
    char kv[TOKEN_MAX + 32];
    snprintf(kv, sizeof kv, "%s=%s", key, val);
    return editenv(grubenv, (char *[]){ "set", kv, NULL }, NULL);
}

/* The trial token this boot was started with (xenhost.trial= on dom0's command line). */
static int boot_token(const char *proc, char *tok, size_t len)
{
    char path[512], buf[4096] = "", *save = NULL;
    FILE *f;
    tok[0] = '\0';
    snprintf(path, sizeof path, "%s/cmdline", proc);
    if (!(f = fopen(path, "re"))) return 0;
    if (!fgets(buf, sizeof buf, f)) buf[0] = '\0';
    fclose(f);
    for (char *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
        if (strncmp(w, "xenhost.trial=", 14) == 0) snprintf(tok, len, "%s", w + 14);
    return tok[0] != '\0';
}

static void state_path(const struct xb_paths *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", p->state, FAILURE_FILE);
}

/* Why the trial tok failed, as recorded by a dom0 that came up but could not confirm. */
static void failure_reason(const struct xb_paths *p, const char *tok, char *why, size_t len)
{
    char path[600], line[TOKEN_MAX + 8], reason[1024] = "";
    FILE *f;
    snprintf(why, len, "the hypervisor or dom0 did not come up (crash, hang or reset before dom0's services started)");
    state_path(p, path, sizeof path);
    if (!(f = fopen(path, "re"))) return;
    if (fgets(line, sizeof line, f) && strcmp(strtok(line, "\n") ? line : "", tok) == 0
        && fgets(reason, sizeof reason, f) && strtok(reason, "\n"))
        snprintf(why, len, "dom0 came up but %s", reason);
    fclose(f);
}

static void record_failure(const struct xb_paths *p, const char *tok, const char *reason)
{
    char path[600], buf[2048];
    int n = snprintf(buf, sizeof buf, "%s\n%s\n", tok, reason);
    state_path(p, path, sizeof path);
    if (xh_mkdir_p(p->state, 0755, NULL, NULL) < 0)
        xh_warn("%s: cannot create it: %s; the reason is not recorded", p->state, strerror(errno));
    else if (xh_atomic_write(path, buf, (size_t)n, 0644, 0) < 0)
        xh_warn("%s: %s; the reason is not recorded", path, strerror(errno));
}

int xb_confirm(const struct xb_paths *p)
{
    char tok[TOKEN_MAX], path[600];
    struct env e;
    char *argv[] = { "xl", "list", "0", NULL };
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 60000 };
    struct xh_run_result r;

    if (!xb_is_dom0(p->proc)) { xh_info("not running as Xen's dom0: nothing to confirm"); return 0; }
    if (!boot_token(p->proc, tok, sizeof tok)) {
        xh_info("this boot carries no trial token (not the default Xen entry): nothing to confirm");
        return 0;
    }
    if (xh_run(argv, &o, &r) != 0) {
        char reason[600];
        snprintf(reason, sizeof reason, "the Xen toolstack did not answer: xl list 0: %s",
                 r.status == -1 ? r.why : r.timed_out ? "timed out" : r.err && *r.err ? strtok(r.err, "\n") : "failed");
        xh_run_result_free(&r);
        xh_err("Xen trial boot %s not confirmed: %s", tok, reason);
        record_failure(p, tok, reason);
        return 1;
    }
    xh_run_result_free(&r);
    env_read(p->grubenv, &e);
    if (!e.readable) { xh_err("%s: cannot read GRUB's environment block; trial %s not confirmed", p->grubenv, tok); return 1; }
    if (strcmp(e.tried, tok) != 0)
        xh_warn("GRUB did not record this trial (xenhost_tried=%s): it may be unable to write %s; "
                "trial boots then give no protection", e.tried[0] ? e.tried : "(unset)", p->grubenv);
    if (strcmp(e.good, tok) != 0 && (env_set(p->grubenv, "xenhost_good", tok) < 0 || env_set(p->grubenv, "xenhost_tried", tok) < 0))
        return 1;
    state_path(p, path, sizeof path);
    unlink(path);
    xh_info("Xen boot confirmed: %s is now the default", tok);
    return 0;
}

static int failed_trial(const struct xb_paths *p, const struct env *e, char *why, size_t len)
{
    if (!e->tried[0] || strcmp(e->tried, e->good) == 0) return 0;
    failure_reason(p, e->tried, why, len);
    return 1;
}

int xb_check(const struct xb_paths *p)
{
    char tok[TOKEN_MAX], why[1200], msg[2048];
    struct env e;
    int n;

    if (xb_is_dom0(p->proc) && boot_token(p->proc, tok, sizeof tok)) {
        unlink(p->motd);
        return 0; /* a trial or confirmed Xen boot: xenhost-boot-confirm judges it */
    }
    env_read(p->grubenv, &e);
    if (!failed_trial(p, &e, why, sizeof why)) { unlink(p->motd); return 0; }
    n = snprintf(msg, sizeof msg,
                 "xenhost: the trial boot of Xen (%s) failed: %s.\n"
                 "xenhost: this boot fell back to native Linux. Logs of a dom0 that came up: journalctl -b -1\n"
                 "xenhost: fix the cause (/etc/default/xen, /etc/default/grub), run update-grub, or try the same again: xenhost-boot retry\n",
                 e.tried, why);
    xh_err("the trial boot of Xen (%s) failed: %s; this boot fell back to native Linux; "
           "after fixing the cause run update-grub, or run xenhost-boot retry", e.tried, why);
    if (n > 0 && (size_t)n < sizeof msg) {
        char dir[512], *slash;
        snprintf(dir, sizeof dir, "%s", p->motd);
        if ((slash = strrchr(dir, '/'))) *slash = '\0';
        if (slash && xh_mkdir_p(dir, 0755, NULL, NULL) < 0)
            xh_warn("%s: cannot create it: %s; no login message", dir, strerror(errno));
        else if (xh_atomic_write(p->motd, msg, (size_t)n, 0644, 0) < 0)
            xh_warn("%s: %s", p->motd, strerror(errno));
    }
    return 0;
}

/* xl.conf's autoballoon must stay "auto" to follow /etc/default/xen (docs/boot.md). */
static void check_xl_conf(const char *path)
{
    FILE *f = fopen(path, "re");
    char line[512], val[64];
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        const char *l = line + strspn(line, " \t");
        if (sscanf(l, "autoballoon = \"%63[^\"]\"", val) == 1 || sscanf(l, "autoballoon=\"%63[^\"]\"", val) == 1
            || sscanf(l, "autoballoon=%63s", val) == 1)
            if (strcmp(val, "auto") != 0)
                xh_warn("%s sets autoballoon=\"%s\": xl no longer follows XEN_DOM0_BALLOONING in /etc/default/xen", path, val);
    }
    fclose(f);
}

int xb_status(const struct xb_paths *p)
{
    char tok[TOKEN_MAX], why[1200];
    struct env e;
    int dom0 = xb_is_dom0(p->proc), has_tok = boot_token(p->proc, tok, sizeof tok);

    env_read(p->grubenv, &e);
    printf("running: %s%s%s\n", dom0 ? "Xen dom0" : "native Linux (or a Xen guest)",
           dom0 && has_tok ? ", trial token " : "", dom0 && has_tok ? tok : "");
    printf("last trial: %s\n", e.tried[0] ? e.tried : "(none)");
    printf("confirmed: %s\n", e.good[0] ? e.good : "(none)");
    if (!e.readable)
        printf("state: unknown (%s unreadable)\n", p->grubenv);
    else if (dom0 && has_tok && strcmp(tok, e.good) == 0)
        printf("state: running the confirmed Xen configuration\n");
    else if (dom0 && has_tok)
        printf("state: trial in progress (xenhost-boot-confirm.service confirms it)\n");
    else if (failed_trial(p, &e, why, sizeof why))
        printf("state: failed trial: %s\n", why);
    else
        printf("state: no failed trial\n");
    check_xl_conf(p->xl_conf);
    return 0;
}

int xb_retry(const struct xb_paths *p)
{
    char path[600];
    if (editenv(p->grubenv, (char *[]){ "unset", "xenhost_tried", NULL }, NULL) < 0) return 1;
    state_path(p, path, sizeof path);
    unlink(path);
    unlink(p->motd);
    printf("the next boot tries Xen again (unless GRUB's default was changed)\n");
    return 0;
}

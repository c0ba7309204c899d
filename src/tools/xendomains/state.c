/* state.c - per-guest records of the last start and stop (one small file each,
 * written atomically), and keep-alive messages to systemd while we work. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "atomicfile.h"
#include "buf.h"
#include "files.h"
#include "log.h"
#include "spawn.h"
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* "<name>.<phase>": "<unix time>\t<ok|failed>\t<message>\n" */
void xd_record(const struct xd_conf *c, const char *name, const char *phase, int ok, const char *fmt, ...)
{
    char path[PATH_MAX + XD_NAME_MAX + 16], msg[1024], line[1200];
    struct xh_buf lb;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    xh_log(ok ? XH_INFO : XH_ERR, "%s: %s", name, msg);
    if (!c->state_dir[0] || !xd_name_ok(name))
        return;
    xh_buf_init(&lb, line, sizeof line);
    xh_buf_add(&lb, "%lld\t%s\t%s\n", (long long)time(NULL), ok ? "ok" : "failed", msg);   /* fits: msg is shorter */
    snprintf(path, sizeof path, "%s/%s.%s", c->state_dir, name, phase);
    if (xh_mkdir_p(c->state_dir, 0755, NULL, NULL) < 0 || xh_atomic_write(path, line, lb.len, 0644, 0) < 0)
        xh_warn("%s: cannot record the %s result: %s", path, phase, strerror(errno));
}

int xd_record_read(const struct xd_conf *c, const char *name, const char *phase, char *buf, size_t len)
{
    char path[PATH_MAX + XD_NAME_MAX + 16], line[1200], *tab1, *tab2;
    long long t;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s.%s", c->state_dir, name, phase);
    if (!(f = fopen(path, "re"))) return -1;
    if (!fgets(line, sizeof line, f)) { fclose(f); return -1; }
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    tab1 = strchr(line, '\t');
    tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (!tab2) return -1;
    *tab1 = *tab2 = '\0';
    t = atoll(line);
    time_t tt = (time_t)t;
    struct tm tm;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&tt, &tm));
    snprintf(buf, len, "%s %s: %s", when, tab1 + 1, tab2 + 1);
    return 0;
}

/* Move a saved image out of the way, keeping it for the admin. */
int xd_quarantine(const struct xd_conf *c, const char *image, const char *name, char *dest, size_t len)
{
    char dir[PATH_MAX + 16], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
    snprintf(dir, sizeof dir, "%s/quarantine", c->save_dir);
    snprintf(dest, len, "%s/%s.%s", dir, name, stamp);
    if (xh_mkdir_p(dir, 0700, NULL, NULL) < 0 || rename(image, dest) < 0) {
        xh_err("%s: cannot move it to %s: %s", image, dest, strerror(errno));
        snprintf(dest, len, "%s (could not be moved)", image);
        return -1;
    }
    xh_fsync_parent(dest);
    xh_fsync_parent(image);
    return 0;
}

void xd_sleep_until(int64_t t)
{
    int64_t now;
    while ((now = xh_now_ms()) < t) {
        struct timespec ts = { (t - now) / 1000, ((t - now) % 1000) * 1000000 };
        nanosleep(&ts, NULL);
    }
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static int notify(const char *msg)
{
    const char *sock = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t l;
    int fd, rc;

    if (!sock || (sock[0] != '/' && sock[0] != '@') || (l = strlen(sock)) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, sock, l);
    if (sa.sun_path[0] == '@') sa.sun_path[0] = '\0';
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) return -1;
    rc = (int)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
                     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l));
    close(fd);
    return rc < 0 ? -1 : 0;
}

static pthread_t ka_thread;
static pthread_mutex_t ka_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ka_cond = PTHREAD_COND_INITIALIZER;
static int ka_running, ka_done;
static int64_t ka_until;

/* Every 10 s, ask for 30 s more, until the bound the caller computed from the
 * configuration: a hung engine is still cut off, a working one never is. */
static void *keepalive(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ka_lock);
    while (!ka_done) {
        int64_t now = xh_now_ms();
        struct timespec ts;
        if (now >= ka_until) break;
        pthread_mutex_unlock(&ka_lock);
        notify("EXTEND_TIMEOUT_USEC=30000000");
        pthread_mutex_lock(&ka_lock);
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 10;
        pthread_cond_timedwait(&ka_cond, &ka_lock, &ts);
    }
    pthread_mutex_unlock(&ka_lock);
    return NULL;
}

void xd_keepalive_start(int64_t until_ms)
{
    if (!getenv("NOTIFY_SOCKET") || ka_running) return;
    ka_until = until_ms;
    ka_done = 0;
    ka_running = pthread_create(&ka_thread, NULL, keepalive, NULL) == 0;
}

void xd_keepalive_stop(void)
{
    if (!ka_running) return;
    pthread_mutex_lock(&ka_lock);
    ka_done = 1;
    pthread_cond_signal(&ka_cond);
    pthread_mutex_unlock(&ka_lock);
    pthread_join(ka_thread, NULL);
    ka_running = 0;
}

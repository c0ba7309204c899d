/* progress.c - one line per phase with its elapsed time on stdout; on a
 * terminal (and without --verbose), a line on stderr ticking every second. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include "../lib/testhooks.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void xci_progress_start(struct xci_build *b)
{
    struct xci_progress *g = &b->prog;
    memset(g, 0, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->t_start = xh_now_ms();
}

double xci_elapsed(const struct xci_build *b) { return (double)(xh_now_ms() - b->prog.t_start) / 1000; }

static void *tick_main(void *arg)
{
    struct xci_progress *g = arg;
    pthread_mutex_lock(&g->mu);
    while (g->tick_on) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&g->cv, &g->mu, &ts);
        if (g->tick_on)
            fprintf(stderr, "\r  %-14s %5.0fs ...", g->phase, (double)(xh_now_ms() - g->t_phase) / 1000);
    }
    fprintf(stderr, "\r\033[K");
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

void xci_phase_end(struct xci_build *b, const char *note)
{
    struct xci_progress *g = &b->prog;
    if (!g->phase) return;
    if (g->tick_thread) {
        pthread_mutex_lock(&g->mu);
        g->tick_on = 0;
        pthread_cond_signal(&g->cv);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->ticker, NULL);
        g->tick_thread = 0;
    }
    printf("  %-14s %6.1fs%s%s\n", g->phase, (double)(xh_now_ms() - g->t_phase) / 1000, note ? "  " : "", note ? note : "");
    fflush(stdout);
    g->phase = NULL;
}

/* -1 when a signal came or an undo entry could not be recorded. In test builds,
 * XENHOST_XCI_FAULT=NAME delivers SIGTERM at the start of phase NAME. */
int xci_phase(struct xci_build *b, const char *name)
{
    struct xci_progress *g = &b->prog;
    xci_phase_end(b, NULL);
    g->phase = name;
    g->t_phase = xh_now_ms();
    xh_debug("phase %s", name);
    const char *fault = XH_TEST_ENV("XENHOST_XCI_FAULT");
    if (fault && !strcmp(fault, name)) raise(SIGTERM);
    if (isatty(2) && !b->o->verbose) {
        g->tick_on = 1;
        g->tick_thread = pthread_create(&g->ticker, NULL, tick_main, g) == 0;
    }
    return xci_signalled() || b->undo_lost ? -1 : 0;
}

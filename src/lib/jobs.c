#define _GNU_SOURCE
#include "jobs.h"
#include <pthread.h>
#include <stdlib.h>

struct pool {
    pthread_mutex_t lock;
    size_t next, n;
    xh_job_fn fn;
    void *ctx;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        size_t i;
        pthread_mutex_lock(&p->lock);
        i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        p->fn(i, p->ctx);
    }
}

unsigned xh_jobs_run(size_t n, unsigned max_par, xh_job_fn fn, void *ctx)
{
    struct pool p = { .next = 0, .n = n, .fn = fn, .ctx = ctx };
    size_t want = max_par == 0 || max_par > n ? n : max_par;
    pthread_t *tids;
    unsigned started = 0;

    if (n == 0)
        return 0;
    if (want > XH_JOBS_MAX_THREADS)
        want = XH_JOBS_MAX_THREADS;
    pthread_mutex_init(&p.lock, NULL);
    tids = want > 1 ? calloc(want, sizeof *tids) : NULL;
    for (size_t t = 0; tids && t < want; t++) {
        if (pthread_create(&tids[t], NULL, worker, &p) != 0)
            break;
        started++;
    }
    if (started == 0) {
        worker(&p); /* one job at a time on this thread */
        started = 1;
    } else {
        for (unsigned t = 0; t < started; t++)
            pthread_join(tids[t], NULL);
    }
    free(tids);
    pthread_mutex_destroy(&p.lock);
    return started;
}

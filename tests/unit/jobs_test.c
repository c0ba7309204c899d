/* Unit tests for src/lib/jobs.c: every job runs once, the bound holds, jobs
 * really overlap, index order is kept when the bound is 1. */
#define _GNU_SOURCE
#include "test.h"
#include "../../src/lib/jobs.h"
#include <pthread.h>
#include <unistd.h>

struct ctx {
    pthread_mutex_t lock;
    int runs[64];
    int running, peak;
    size_t order[64], done;
};

static void job(size_t i, void *arg)
{
    struct ctx *c = arg;
    pthread_mutex_lock(&c->lock);
    c->runs[i]++;
    if (++c->running > c->peak) c->peak = c->running;
    pthread_mutex_unlock(&c->lock);
    usleep(20000);
    pthread_mutex_lock(&c->lock);
    c->running--;
    c->order[c->done++] = i;
    pthread_mutex_unlock(&c->lock);
}

static void run(size_t n, unsigned bound, int want_peak, const char *what)
{
    struct ctx c = { .lock = PTHREAD_MUTEX_INITIALIZER };
    int once = 1;
    xh_jobs_run(n, bound, job, &c);
    for (size_t i = 0; i < n; i++) once &= c.runs[i] == 1;
    CHECK(once && c.done == n, "%s: each of %zu jobs ran exactly once", what, n);
    CHECK(c.peak == want_peak, "%s: at most %d at once (peak %d)", what, want_peak, c.peak);
    if (bound == 1) {
        int inorder = 1;
        for (size_t i = 0; i < n; i++) inorder &= c.order[i] == i;
        CHECK(inorder, "%s: jobs run in index order", what);
    }
}

int main(void)
{
    run(16, 4, 4, "bound 4");
    run(8, 1, 1, "bound 1");
    run(5, 0, 5, "unbounded");
    run(3, 10, 3, "bound above n");
    CHECK(xh_jobs_run(0, 4, job, NULL) == 0, "no jobs: no threads");
    return TEST_END();
}

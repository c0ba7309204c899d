/* jobs.h - run n independent jobs on a bounded number of threads.
 * Each job is fn(i, ctx) for i in [0, n); jobs are taken in index order, so
 * callers put the jobs they want started first at the lowest indexes.
 * Jobs must be thread-safe; each one logs its own lines (xh_log writes a line
 * at a time, so lines of concurrent jobs never mix). */
#ifndef XH_JOBS_H
#define XH_JOBS_H
#include <stddef.h>

typedef void (*xh_job_fn)(size_t i, void *ctx);

/* Run all n jobs with at most max_par running at once (0 = one thread per job,
 * capped at XH_JOBS_MAX_THREADS) and return when every job has returned.
 * Never fails: when threads cannot be created the calling thread runs the
 * remaining jobs itself. Returns the number of threads that ran jobs. */
#define XH_JOBS_MAX_THREADS 512
unsigned xh_jobs_run(size_t n, unsigned max_par, xh_job_fn fn, void *ctx);
#endif

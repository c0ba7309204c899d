/* slots.c - a fair counting semaphore for heavy toolstack operations. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "log.h"
#include "spawn.h"
#include <pthread.h>
#include <stdlib.h>

struct xd_slots {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned max, active;
    uint64_t head, tail;        /* tickets: first come, first served */
    int64_t delay_ms, next_launch;
};

struct xd_slots *xd_slots_new(unsigned max, uint64_t delay_s)
{
    struct xd_slots *s = calloc(1, sizeof *s);
    if (!s) xh_die(1, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->max = max ? max : 1;
    s->delay_ms = (int64_t)delay_s * 1000;
    return s;
}

void xd_slot_take(struct xd_slots *s, int launch)
{
    int64_t at = 0;
    pthread_mutex_lock(&s->lock);
    uint64_t me = s->tail++;
    while (me != s->head || s->active >= s->max)
        pthread_cond_wait(&s->cond, &s->lock);
    s->head++;
    s->active++;
    if (launch && s->delay_ms) {
        int64_t now = xh_now_ms();
        at = now > s->next_launch ? now : s->next_launch;
        s->next_launch = at + s->delay_ms;
    }
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    if (at)
        xd_sleep_until(at);
}

void xd_slot_give(struct xd_slots *s)
{
    pthread_mutex_lock(&s->lock);
    s->active--;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

void xd_slots_free(struct xd_slots *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s);
}

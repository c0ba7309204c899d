/* budget.c - the time a start or stop may take: the one formula behind the
 * unit's timeouts ("xendomains timeouts", which the generator writes into a
 * drop-in, and whose defaults t440 checks against xendomains.service) and the
 * bound up to which a running start or stop asks systemd for more time. */
#define _GNU_SOURCE
#include "xendomains.h"
#include <stdio.h>

/* Each guest's worst case per wave of XENDOMAINS_PARALLEL guests: a start waits
 * for its disks once, then a restore and, if that fails, a create (two launches,
 * START_DELAY apart), each within START_MAXWAIT; a stop saves (or migrates) and
 * then shuts down, each within STOP_MAXWAIT, plus the sysrq and destroy calls. */
uint64_t xd_budget_s(const struct xd_conf *c, enum xd_op op, size_t n)
{
    uint64_t par = c->parallel ? c->parallel : 1, waves = n ? (n + par - 1) / par : 1;
    if (op == XD_START)
        return c->disk_wait + waves * (2 * c->start_maxwait + c->start_delay) + 60;
    return waves * (2 * c->stop_maxwait + 90);
}

/* "xendomains timeouts": the unit's timeouts for one wave; longer runs send keep-alives. */
int xd_cmd_timeouts(const struct xd_conf *c)
{
    printf("[Service]\nTimeoutStartSec=%llu\nTimeoutStopSec=%llu\n",
           (unsigned long long)xd_budget_s(c, XD_START, 1), (unsigned long long)xd_budget_s(c, XD_STOP, 1));
    return 0;
}

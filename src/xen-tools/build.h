/* build.h - make the guest: base system, configuration, images, publish. */
#ifndef XCI_BUILD_H
#define XCI_BUILD_H
#include "plan.h"

/* Check what exists, then build. Returns 0, 1 (failed; everything this run
 * created removed) or 2 (refused before touching anything). */
int xci_build(const struct xci *o, struct xci_plan *p);
#endif

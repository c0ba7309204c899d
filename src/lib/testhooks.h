/* testhooks.h - the hooks the test suite drives programs through, compiled only
 * into test builds: each component's "make test" builds its programs again in
 * test/ with -DXH_TEST_HOOKS; what is installed has none. A hook is an
 * environment variable, read with XH_TEST_ENV(name): NULL in a production build,
 * whatever the environment holds.
 *   XENHOST_XEN_TOOLS_CONF  xen-create-image: read this instead of /etc/xen-tools/xen-tools.conf
 *   XENHOST_APT_DIR         xen-create-image: the host's apt directory instead of /etc/apt
 *   XENHOST_XCI_FAULT=PHASE xen-create-image: SIGTERM to itself when PHASE starts
 *   XENHOST_NETWORK_DEFAULTS xen-create-image: read this instead of /etc/default/xenhost-network
 *   XENHOST_NET_ROOT, XENHOST_NET_SYSROOT, XENHOST_NET_SELF  xenhost-network: fixture roots for
 *                           /etc, /run, /var, /lib and for /proc, /sys; the program the guard runs
 *   XENHOST_XD_POLL_MS=N    xendomains: look again every N ms instead of 500 */
#ifndef XH_TESTHOOKS_H
#define XH_TESTHOOKS_H
#ifdef XH_TEST_HOOKS
#include <stdlib.h>
#define XH_TEST_ENV(name) getenv(name)
#else
#define XH_TEST_ENV(name) ((const char *)NULL)
#endif
#endif

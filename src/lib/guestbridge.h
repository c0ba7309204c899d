/* guestbridge.h - the one setting that names the bridge guests use by default:
 * XENHOST_GUEST_BRIDGE in /etc/default/xenhost-network (docs/network.md).
 * xenhost-network setup writes it (and keeps xl.conf's vif.default.bridge in
 * agreement), xen-create-image takes its --bridge default from it,
 * xenhost-network status reports any disagreement. Read here only. */
#ifndef XH_GUESTBRIDGE_H
#define XH_GUESTBRIDGE_H
#include <stddef.h>

#define XH_NETWORK_DEFAULTS "/etc/default/xenhost-network"
#define XH_GUEST_BRIDGE_KEY "XENHOST_GUEST_BRIDGE"
/* What libxl itself uses when neither the guest nor xl.conf names a bridge. */
#define XH_GUEST_BRIDGE_DEFAULT "xenbr0"

/* 1 if name is a usable Linux interface name (1..15 of [A-Za-z0-9_.-], not "." or ".."). */
int xh_ifname_ok(const char *name);

/* The guest bridge from the defaults file at path (out: len bytes). Returns 0
 * when the file sets it, 1 when the built-in default was used (no file, or no
 * key, or an empty value), -1 with why set when the file cannot be read or
 * holds a bad line or a value that is not an interface name (out then holds
 * the default too: callers decide whether that is fatal). */
int xh_guest_bridge(const char *path, char *out, size_t len, char *why, size_t whylen);
#endif

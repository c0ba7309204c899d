/* dists.h - the distributions xenhost knows, kept once: xen-create-image reads the
 * rows as C (src/xen-tools/dists.c), src/build/fetch-orig takes the names of the
 * DEBIAN rows with sed. Keep one row a line, in exactly this form:
 *
 *   XH_DIST("name", FAMILY, nic, security)
 *
 * FAMILY    DEBIAN (a Debian code or suite name: the Debian archive serves it) or
 *           UBUNTU.
 * nic       the name the dist's kernel and udev give a Xen vif ("enX0" from
 *           systemd 250 on), or NULL for an archive suite alias (stable, testing...):
 *           recognised in apt sources, never a --dist (what it names changes).
 * security  the dist's security suite, NULL when it has none.
 * No include guard: include it where XH_DIST is defined. */
XH_DIST("buster",    DEBIAN, "eth0", "buster/updates")
XH_DIST("bullseye",  DEBIAN, "eth0", "bullseye-security")
XH_DIST("bookworm",  DEBIAN, "enX0", "bookworm-security")
XH_DIST("trixie",    DEBIAN, "enX0", "trixie-security")
XH_DIST("forky",     DEBIAN, "enX0", "forky-security")
XH_DIST("duke",      DEBIAN, "enX0", "duke-security")
XH_DIST("sid",       DEBIAN, "enX0", NULL)
XH_DIST("unstable",  DEBIAN, "enX0", NULL)
XH_DIST("testing",   DEBIAN, NULL,   NULL)
XH_DIST("stable",    DEBIAN, NULL,   NULL)
XH_DIST("oldstable", DEBIAN, NULL,   NULL)
XH_DIST("focal",     UBUNTU, "eth0", "focal-security")
XH_DIST("jammy",     UBUNTU, "eth0", "jammy-security")
XH_DIST("noble",     UBUNTU, "enX0", "noble-security")

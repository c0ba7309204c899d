/* Unit tests of the engine's readers: "xl list" output, guest config files,
 * disk specifications. */
#define _GNU_SOURCE
#include "../unit/test.h"
#include "../../src/tools/xendomains/xendomains.h"
#include <stdlib.h>

static void list(void)
{
    struct xd_dom *d;
    char why[256] = "";
    const char *ok =
        "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
        "Domain-0                                     0  1024     2     r-----      12.5\n"
        "web                                          3   512     1     -b----       1.0\n"
        "odd name                                    17  2048     4     --p---       0.0\n"
        "(null)                                       9     0     1     --ps-d       0.1\n\n";
    int n = xd_parse_list(ok, &d, why, sizeof why);
    CHECK(n == 2, "xl list: two guests, Domain-0 and a nameless dying domain skipped (got %d %s)", n, why);
    if (n == 2) {
        CHECK_STR(d[0].name, "web", "xl list: name");
        CHECK(d[0].id == 3 && d[0].mem_mib == 512, "xl list: id and memory");
        CHECK_STR(d[1].name, "odd name", "xl list: name with a blank");
        free(d);
    }
    CHECK(xd_parse_list("Name ID Mem VCPUs State Time(s)\nweb 3 x 1 -b---- 1.0\n", &d, why, sizeof why) < 0,
          "xl list: junk memory column is an error (%s)", why);
    CHECK(xd_parse_list("libxl: error: something\n", &d, why, sizeof why) < 0, "xl list: error text is an error");
    CHECK(xd_parse_list("", &d, why, sizeof why) == 0, "xl list: empty output, no guests");
}

static void cfg(void)
{
    struct xd_guestcfg g;
    char why[256] = "";
    const char *text =
        "# a guest\n"
        "name = \"web1\"   # trailing comment\n"
        "memory = 512; vcpus = 2\n"
        "kernel = '/boot/vmlinuz'\n"
        "extra = \"root=/dev/xvda1 # not a comment\"\n"
        "disk = [ 'phy:/dev/vg0/web1-disk,xvda1,w',\n"
        "         'file:/srv/xen/web1-swap.img,xvda2,w',  # swap\n"
        "         'format=raw, vdev=xvdb, access=rw, target=/dev/mapper/data',\n"
        "         'vdev=xvdc, script=iscsi, target=iqn.2001-04.com.example:disk',\n"
        "         ',hdc:cdrom,r', 'phy:vg1/lv,xvdd,w', 'rbd:pool/img,xvde,w' ]\n"
        "vif = [ 'bridge=xenbr0' ]\n";
    int rc = xd_guestcfg_parse(text, strlen(text), &g, why, sizeof why);
    CHECK(rc == 0, "guest config parses (%s)", why);
    CHECK_STR(g.name, "web1", "guest config: name");
    CHECK(g.memory_mib == 512, "guest config: memory");
    CHECK(g.ndisks == 4, "guest config: 4 local disks (got %zu)", g.ndisks);
    if (g.ndisks == 4) {
        CHECK_STR(g.disks[0], "/dev/vg0/web1-disk", "disk: phy: prefix");
        CHECK_STR(g.disks[1], "/srv/xen/web1-swap.img", "disk: file: prefix");
        CHECK_STR(g.disks[2], "/dev/mapper/data", "disk: target= form");
        CHECK_STR(g.disks[3], "/dev/vg1/lv", "disk: relative phy path under /dev");
    }
    xd_guestcfg_free(&g);
    const char *bad[] = { "memory = 5\n", "name = \"a\nb\"\n", "name = \"x\"\ndisk = [ 'a' 'b' ]\n",
                          "name = \"../etc\"\n", "name \"x\"\n", "name = \"x\"\ndisk = [ 'a',\n" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        why[0] = '\0';
        CHECK(xd_guestcfg_parse(bad[i], strlen(bad[i]), &g, why, sizeof why) < 0 && why[0],
              "bad guest config %zu rejected (%s)", i, why);
    }
    char *p = xd_disk_path("tap:aio:/img/x.raw,xvda,w");
    CHECK_STR(p, "/img/x.raw", "disk: tap:aio: prefix");
    free(p);
    CHECK(xd_disk_path("iscsi:iqn.x,xvda,w") == NULL, "disk: iscsi target is not a local path");
}

int main(void)
{
    list();
    cfg();
    return TEST_END();
}

/* Unit tests of --type=hvm's boot sectors (bootdisk.c): the MBR, the boot code
 * taken from GRUB's boot.img, core.img's placement, with good and bad input.
 * Failures must say why and leave the output buffers as they were. */
#define _GNU_SOURCE
#include "../../unit/test.h"
#include "../../../src/xen-tools/build.h"
#include <stdint.h>

static uint32_t rd32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static int all(const unsigned char *p, size_t n, unsigned char v) { for (size_t i = 0; i < n; i++) if (p[i] != v) return 0; return 1; }

#define MIB (1024ULL * 1024)
#define GIB (1024 * MIB)

/* A stand-in for GRUB's boot.img: the parts xci_grub_boot_code looks at */
static void fake_boot(unsigned char b[512])
{
    memset(b, 0x11, 512);
    b[0x66] = 0xeb;     /* the drive check's short jmp */
    b[0x67] = 0x05;
    b[510] = 0x55;
    b[511] = 0xaa;
}

/* A stand-in for grub-mkimage's core.img: diskboot.img's default blocklist */
static void fake_core(unsigned char *c, size_t len)
{
    memset(c, 0x22, len);
    memset(c + 488, 0, 24);      /* the terminator entry before it, and the list */
    c[500] = 2;                  /* start: sector 2 */
    c[510] = 0x20;               /* segment 0x820 */
    c[511] = 0x08;
}

int main(void)
{
    unsigned char s[512], code[440], boot[512], keep[512];
    char why[256];

    /* --- xci_part_sectors */
    CHECK(xci_part_sectors(GIB + MIB) == 2097152, "partition of a 1 GiB + 1 MiB disk: 1 GiB of sectors");
    CHECK(xci_part_sectors(MIB) == 0 && xci_part_sectors(0) == 0, "no partition in the first MiB");
    CHECK(xci_part_sectors(GIB + MIB + 300) == 2097152, "a partial last sector is not used");

    /* --- xci_mbr: a 1 GiB + 1 MiB disk */
    for (int i = 0; i < 440; i++) code[i] = (unsigned char)(i * 7 + 1);
    memset(s, 0xee, sizeof s);
    CHECK(xci_mbr(s, code, 0x58de30de, GIB + MIB, why, sizeof why) == 0, "MBR of a 1 GiB + 1 MiB disk");
    CHECK(memcmp(s, code, 440) == 0, "... the boot code in the first 440 bytes");
    CHECK(rd32(s + 440) == 0x58de30de, "... the disk signature at 0x1b8");
    CHECK(s[444] == 0 && s[445] == 0, "... then two zero bytes");
    const unsigned char *e = s + 446;
    CHECK(e[0] == 0x80, "... partition 1 active");
    CHECK(e[4] == 0x83, "... of type 0x83 (Linux)");
    CHECK(rd32(e + 8) == 2048, "... starting at sector 2048 (1 MiB)");
    CHECK(rd32(e + 12) == 2097152, "... to the end of the disk (%u sectors)", rd32(e + 12));
    CHECK(e[1] == 32 && e[2] == 33 && e[3] == 0, "... its start as CHS 0/32/33 (fdisk's geometry)");
    CHECK(e[5] == 170 && e[6] == 40 && e[7] == 130, "... its end as CHS 130/170/40");
    CHECK(all(s + 462, 48, 0), "... partitions 2-4 empty");
    CHECK(s[510] == 0x55 && s[511] == 0xaa, "... the 0x55AA signature");
    CHECK(xci_mbr(s, NULL, 1, GIB + MIB, why, sizeof why) == 0 && all(s, 440, 0), "no code: zeros before the signature");

    /* the largest disk an MBR describes; one sector more is refused */
    uint64_t maxd = 0xffffffffULL * 512;
    CHECK(xci_mbr(s, code, 1, maxd, why, sizeof why) == 0, "a disk of 2^32-1 sectors has a partition table");
    CHECK(rd32(s + 446 + 12) == 0xffffffffu - 2048, "... its partition ends at the last sector");
    CHECK(s[446 + 5] == 254 && s[446 + 6] == 0xff && s[446 + 7] == 0xff, "... past cylinder 1023: CHS 1023/254/63");
    memcpy(keep, s, sizeof s);
    why[0] = '\0';
    CHECK(xci_mbr(s, code, 1, maxd + 512, why, sizeof why) < 0, "2 TiB: refused");
    CHECK(strstr(why, "2 TiB") != NULL, "... saying why (%s)", why);
    CHECK(memcmp(s, keep, sizeof s) == 0, "... the sector left as it was");
    why[0] = '\0';
    CHECK(xci_mbr(s, code, 1, MIB + 512 * 1000, why, sizeof why) < 0, "a disk with less than 1 MiB after the gap: refused");
    CHECK(strstr(why, "too small") != NULL, "... saying why (%s)", why);
    CHECK(xci_mbr(s, code, 1, 0, why, sizeof why) < 0, "an empty volume: refused");
    CHECK(memcmp(s, keep, sizeof s) == 0, "... the sector left as it was");

    /* --- xci_grub_boot_code */
    fake_boot(boot);
    memset(code, 0, sizeof code);
    CHECK(xci_grub_boot_code(code, boot, 512, why, sizeof why) == 0, "boot code from a GRUB 2 boot.img");
    CHECK(rd64(code + 0x5c) == 1, "... core.img at sector 1");
    CHECK(code[0x64] == 0xff, "... the drive from the BIOS (0xff)");
    CHECK(code[0x66] == 0x90 && code[0x67] == 0x90, "... the drive check's jmp made nops (a hard disk)");
    CHECK(all(code + 3, 0x5a - 3, 0), "... the BPB area zero");
    CHECK(code[0] == 0x11 && code[2] == 0x11 && code[0x5a] == 0x11 && code[0x68] == 0x11 && code[439] == 0x11,
          "... everything else as in boot.img");
    unsigned char keepc[440];
    memcpy(keepc, code, sizeof code);
    const struct { const char *what; size_t len; int off; unsigned char val; } badboot[] = {
        { "a file of 511 bytes", 511, -1, 0 }, { "a file of 1024 bytes", 1024, -1, 0 }, { "an empty file", 0, -1, 0 },
        { "no 0x55AA", 512, 511, 0x00 }, { "no drive check jmp (not GRUB 2)", 512, 0x66, 0x90 },
    };
    for (size_t i = 0; i < sizeof badboot / sizeof badboot[0]; i++) {
        unsigned char big[1024];
        memset(big, 0, sizeof big);
        fake_boot(big);
        if (badboot[i].off >= 0) big[badboot[i].off] = badboot[i].val;
        why[0] = '\0';
        int rc = xci_grub_boot_code(code, big, badboot[i].len, why, sizeof why);
        CHECK(rc < 0 && strstr(why, "boot.img") && memcmp(code, keepc, sizeof code) == 0,
              "boot.img refused: %s (%s), the code left as it was", badboot[i].what, why);
    }
    CHECK(xci_grub_boot_code(code, NULL, 512, why, sizeof why) < 0, "no boot.img at all: refused");

    /* --- xci_core_place */
    size_t len = 27022;                     /* Debian 12's core.img: 53 sectors */
    unsigned char *c = malloc(888 * 512 + 1);
    REQUIRE(c, "malloc");
    fake_core(c, len);
    CHECK(xci_core_place(c, len, why, sizeof why) == 0, "core.img of 27022 bytes placed");
    CHECK(rd64(c + 500) == 2, "... the rest from sector 2");
    CHECK(rd16(c + 508) == 52, "... 52 sectors after diskboot.img");
    CHECK(rd16(c + 510) == 0x820, "... to 0x820:0");
    CHECK(all(c + 488, 12, 0), "... the terminator entry kept");
    fake_core(c, 888 * 512);
    CHECK(xci_core_place(c, 888 * 512, why, sizeof why) == 0 && rd16(c + 508) == 887, "core.img of 888 sectors (diskboot's limit) placed");
    const struct { const char *what; size_t len; int off; unsigned char val; const char *says; } badcore[] = {
        { "one byte over 888 sectors", 888 * 512 + 1, -1, 0, "does not fit" },
        { "smaller than two sectors", 1023, -1, 0, "too small" },
        { "empty", 0, -1, 0, "too small" },
        { "another segment", 4096, 511, 0x07, "diskboot" },
        { "no terminator before the list", 4096, 496, 1, "diskboot" },
    };
    for (size_t i = 0; i < sizeof badcore / sizeof badcore[0]; i++) {
        fake_core(c, badcore[i].len ? badcore[i].len : 1);
        if (badcore[i].off >= 0) c[badcore[i].off] = badcore[i].val;
        unsigned char before[512];
        memcpy(before, c, 512);
        why[0] = '\0';
        int rc = xci_core_place(c, badcore[i].len, why, sizeof why);
        CHECK(rc < 0 && strstr(why, badcore[i].says) && memcmp(c, before, 512) == 0,
              "core.img refused: %s (%s), left as it was", badcore[i].what, why);
    }
    free(c);
    return TEST_END();
}

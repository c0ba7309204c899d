/* bootdisk.c - --type=hvm's disk: SeaBIOS boots sector 0, so the root volume is a
 * partitioned disk carrying GRUB for BIOS, taken from the guest's own grub-pc-bin
 * and installed the classic manual way, without grub-install and without mounting:
 *
 *   sector 0          boot.img's code (440 bytes), a disk signature, an MBR partition
 *                     table with one active Linux partition, 0x55AA
 *   sectors 1..       core.img (diskboot.img + GRUB's kernel with biosdisk, part_msdos
 *                     and ext2), made by the guest's own grub-mkimage
 *   sector 2048..end  the root filesystem (image.c: mke2fs -E offset=1048576)
 *
 * core.img finds its modules, and grub.cfg, at (hd0,msdos1)/boot/grub: the modules
 * are copied there from the guest's /usr/lib/grub/i386-pc, as grub-install does, so
 * they always match core.img (an upgrade of grub-pc-bin in the guest touches
 * neither: only grub-install would).
 *
 * The byte layout follows GRUB 2's util/setup.c (grub-bios-setup) and
 * include/grub/i386/pc/boot.h, checked against Debian 12's grub-pc-bin 2.06. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/atomicfile.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GRUB_DIR "usr/lib/grub/i386-pc"     /* grub-pc-bin's images and modules, in the tree */
#define GUEST_GRUB_DIR "boot/grub/i386-pc"  /* where core.img's prefix looks for modules */
/* boot.img (GRUB's boot.h) */
#define BOOT_BPB_START 0x03                 /* a FAT BPB's place: scratch space at boot */
#define BOOT_BPB_END 0x5a
#define BOOT_KERNEL_SECTOR 0x5c             /* le64: where core.img starts */
#define BOOT_DRIVE 0x64                     /* 0xff: the drive the BIOS booted from (%dl) */
#define BOOT_DRIVE_CHECK 0x66               /* a 2-byte jmp grub-bios-setup turns into nops */
#define MBR_CODE 440                        /* boot code; then the disk signature at 0x1b8 */
#define MBR_DISK_ID 0x1b8
#define MBR_PART 0x1be
/* diskboot.img, core.img's first sector: its blocklist, read right to left from the
 * sector's end: start (le64), len (le16), segment (le16) */
#define DISKBOOT_LIST (512 - 12)
#define CORE_SEGMENT 0x820                  /* GRUB_BOOT_I386_PC_KERNEL_SEG + 512/16 */
/* diskboot loads core.img below 0x78000, from 0x8000 (grub-bios-setup's maxsec:
 * (0x78000 - GRUB_KERNEL_I386_PC_LINK_ADDR 0x9000) / 512): a tighter limit than
 * the 2047 sectors before the partition */
#define CORE_MAX_SECTORS 888u

static void le16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void le64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }

/* The CHS address of an LBA in the geometry every tool assumes for LBA disks
 * (255 heads, 63 sectors); past cylinder 1023 the "use LBA" marker 1023/254/63. */
static void chs(unsigned char out[3], uint64_t lba)
{
    uint64_t c = lba / (255 * 63), h = (lba / 63) % 255, s = lba % 63 + 1;
    if (c > 1023) { c = 1023; h = 254; s = 63; }
    out[0] = (unsigned char)h;
    out[1] = (unsigned char)(s | ((c >> 2) & 0xc0));
    out[2] = (unsigned char)c;
}

uint64_t xci_part_sectors(uint64_t disk_bytes)
{
    uint64_t n = disk_bytes / 512;
    return n > XCI_PART_START_SECTOR ? n - XCI_PART_START_SECTOR : 0;
}

int xci_mbr(unsigned char sector[512], const unsigned char *code, uint32_t disk_id, uint64_t disk_bytes,
            char *why, size_t whylen)
{
    uint64_t n = xci_part_sectors(disk_bytes);
    /* at least room for core.img's gap and a filesystem; 32-bit sector fields */
    if (n < 2048) { snprintf(why, whylen, "volume of %llu bytes: too small for a partition", (unsigned long long)disk_bytes); return -1; }
    if (XCI_PART_START_SECTOR + n > 0xffffffffULL) {
        snprintf(why, whylen, "volume of %llu bytes: an MBR partition must end below 2 TiB", (unsigned long long)disk_bytes);
        return -1;
    }
    memset(sector, 0, 512);
    if (code) memcpy(sector, code, MBR_CODE);
    le32(sector + MBR_DISK_ID, disk_id);        /* 0x1bc..0x1bd: zero ("not copy-protected") */
    unsigned char *e = sector + MBR_PART;       /* entries 2-4 stay empty */
    e[0] = 0x80;                                /* active: old BIOSes boot only such a disk */
    chs(e + 1, XCI_PART_START_SECTOR);
    e[4] = 0x83;                                /* Linux */
    chs(e + 5, XCI_PART_START_SECTOR + n - 1);
    le32(e + 8, (uint32_t)XCI_PART_START_SECTOR);
    le32(e + 12, (uint32_t)n);
    sector[510] = 0x55;
    sector[511] = 0xaa;
    return 0;
}

int xci_grub_boot_code(unsigned char code[440], const unsigned char *boot, size_t len, char *why, size_t whylen)
{
    /* a GRUB 2 boot.img: one sector, the boot signature, the drive check's short jmp */
    if (!boot || len != 512 || boot[510] != 0x55 || boot[511] != 0xaa || boot[BOOT_DRIVE_CHECK] != 0xeb) {
        snprintf(why, whylen, "not GRUB 2's boot.img for BIOS (%zu bytes)", len);
        return -1;
    }
    memcpy(code, boot, MBR_CODE);
    /* what grub-bios-setup writes for a hard disk: core.img at sector 1, the drive
     * from the BIOS (%dl), and the jmp over "testb $0x80, %dl" replaced by nops so a
     * BIOS passing 0x00/0x01 for a hard disk still reads 0x80. The BPB area it
     * copies from the disk (3..0x5a: boot.img's scratch space) is zero on a new disk. */
    memset(code + BOOT_BPB_START, 0, BOOT_BPB_END - BOOT_BPB_START);
    le64(code + BOOT_KERNEL_SECTOR, 1);
    code[BOOT_DRIVE] = 0xff;
    code[BOOT_DRIVE_CHECK] = 0x90;
    code[BOOT_DRIVE_CHECK + 1] = 0x90;
    return 0;
}

int xci_core_place(unsigned char *core, size_t len, char *why, size_t whylen)
{
    size_t sectors = (len + 511) / 512;
    if (len < 1024) { snprintf(why, whylen, "core.img of %zu bytes: too small to be GRUB's", len); return -1; }
    if (sectors > CORE_MAX_SECTORS) {
        snprintf(why, whylen, "core.img of %zu bytes (%zu sectors) does not fit: GRUB for BIOS loads at most %u sectors",
                 len, sectors, CORE_MAX_SECTORS);
        return -1;
    }
    unsigned char *bl = core + DISKBOOT_LIST;
    /* grub-mkimage's default list already says: from sector 2, the rest of core.img,
     * to 0x820:0 (diskboot.S; mkimage.c fills len). Written here all the same, as
     * grub-bios-setup does, so the image does not depend on those defaults; the
     * segment and the terminator before it check that this is diskboot.img. */
    if (bl[10] != (CORE_SEGMENT & 0xff) || bl[11] != (CORE_SEGMENT >> 8) || bl[-12 + 8] || bl[-12 + 9]) {
        snprintf(why, whylen, "core.img: its first sector is not GRUB's diskboot.img");
        return -1;
    }
    le64(bl, 2);                        /* diskboot.img itself is sector 1 */
    le16(bl + 8, (uint16_t)(sectors - 1));
    le16(bl + 10, CORE_SEGMENT);
    return 0;
}

/* A file of the guest's own GRUB, read whole: a regular file in the tree (a link
 * could lead out of it, to dom0's files). */
static int read_guest(const char *tree, const char *rel, size_t max, char **buf, size_t *len)
{
    char path[PATH_MAX];
    struct stat st;
    pf(path, sizeof path, "%s/%s", tree, rel);
    int rc = lstat(path, &st);
    if (rc < 0 || !S_ISREG(st.st_mode)) {
        xh_err("--type=hvm: %s: %s (GRUB for BIOS comes from the guest's grub-pc-bin package)", path,
               rc == 0 ? "not a regular file" : errno == ENOENT ? "missing" : strerror(errno));
        return -1;
    }
    if (xh_read_file(path, max, buf, len) < 0) { xh_err("%s: %s", path, xh_read_file_why(errno)); return -1; }
    return 0;
}

int xci_grub_modules(struct xci_build *b, const char *S, const char *R)
{
    char src[PATH_MAX], dst[PATH_MAX];
    pf(src, sizeof src, "%s/%s/boot.img", S, GRUB_DIR);
    if (!xci_exists(src)) {
        xh_err("--type=hvm: %s: missing (the guest needs grub-pc-bin, GRUB for BIOS)", src);
        return -1;
    }
    pf(dst, sizeof dst, "%s/%s", R, GUEST_GRUB_DIR);
    if (xci_mkdirs(b, dst, 0755, 0) < 0) return -1;
    pf(src, sizeof src, "%s/%s", S, GRUB_DIR);
    DIR *d = opendir(src);
    if (!d) { xh_err("%s: %s", src, strerror(errno)); return -1; }
    struct dirent *e;
    int rc = 0, n = 0;
    while (!rc && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        /* what grub-install copies for i386-pc: the modules and their lists */
        if (l < 5 || (strcmp(e->d_name + l - 4, ".mod") && strcmp(e->d_name + l - 4, ".lst"))) continue;
        char rel[300], *data = NULL;
        size_t len;
        pf(rel, sizeof rel, "%s/%s", GRUB_DIR, e->d_name);
        if (read_guest(S, rel, 16u << 20, &data, &len) < 0) { rc = -1; break; }
        pf(dst, sizeof dst, "%s/%s/%s", R, GUEST_GRUB_DIR, e->d_name);
        if (xh_atomic_write(dst, data, len, 0644, XH_ATOMIC_NOSYNC) < 0) { xh_err("%s: %s", dst, strerror(errno)); rc = -1; }
        free(data);
        n++;
    }
    closedir(d);
    if (!rc && !n) { xh_err("--type=hvm: %s: no GRUB modules in it", src); rc = -1; }
    return rc;
}

/* The guest's own dynamic loader and library directories, by architecture: the
 * real file, not /lib64's absolute link (that would be dom0's loader). */
static int guest_loader(const struct xci *o, const char *tree, char *ld, size_t ldlen, char *libs, size_t libslen)
{
    int i386 = !strcmp(o->arch, "i386");
    const char *triplet = i386 ? "i386-linux-gnu" : "x86_64-linux-gnu", *name = i386 ? "ld-linux.so.2" : "ld-linux-x86-64.so.2";
    const char *dirs[] = { "usr/lib", "lib" };
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        pf(ld, ldlen, "%s/%s/%s/%s", tree, dirs[i], triplet, name);
        if (lstat(ld, &st) == 0 && S_ISREG(st.st_mode)) {
            pf(libs, libslen, "%s/lib/%s:%s/usr/lib/%s", tree, triplet, tree, triplet);
            return 0;
        }
    }
    xh_err("--type=hvm: %s/usr/lib/%s/%s: missing (the guest's dynamic loader, to run its grub-mkimage)", tree, triplet, name);
    return -1;
}

int xci_core_image(struct xci_build *b, const char *tree, const char *tmp, char **core, size_t *len)
{
    char ld[PATH_MAX], libs[2 * PATH_MAX + 64], mkimage[PATH_MAX], dir[PATH_MAX + 16], out[PATH_MAX + 16], why[256];
    struct stat st;
    *core = NULL;
    *len = 0;
    if (guest_loader(b->o, tree, ld, sizeof ld, libs, sizeof libs) < 0) return -1;
    pf(mkimage, sizeof mkimage, "%s/usr/bin/grub-mkimage", tree);
    if (lstat(mkimage, &st) < 0 || !S_ISREG(st.st_mode)) {
        xh_err("--type=hvm: %s: missing (grub-common, which grub-pc-bin depends on)", mkimage);
        return -1;
    }
    pf(dir, sizeof dir, "--directory=%s/%s", tree, GRUB_DIR);
    pf(out, sizeof out, "--output=%s", tmp);   /* not stdout: grub-mkimage fsyncs its output */
    /* the guest's grub-mkimage on the guest's libraries (never dom0's: no
     * ld.so.cache), run without a chroot: it only reads the modules it is given
     * and writes one file, so it needs no /proc or /dev mounted in the tree. The
     * modules core.img needs to read its prefix; the rest (normal.mod, linux.mod,
     * ...) it loads from there. */
    char *argv[] = { ld, "--inhibit-cache", "--library-path", libs, mkimage, dir, "--format=i386-pc",
                     "--prefix=(hd0,msdos1)/boot/grub", out, "biosdisk", "part_msdos", "ext2", NULL };
    if (xci_undo_push(b, U_FILE, tmp) < 0) return -1;
    int rc = xci_run(b, "make GRUB's core.img (the guest's grub-mkimage)", argv);
    if (rc == 0 && xh_read_file(tmp, 1u << 20, core, len) < 0) {
        xh_err("%s: %s", tmp, xh_read_file_why(errno));
        rc = -1;
    }
    if (unlink(tmp) == 0 || errno == ENOENT) xci_undo_drop(b, tmp);
    if (rc == 0 && xci_core_place((unsigned char *)*core, *len, why, sizeof why) < 0) {
        xh_err("--type=hvm: %s", why);
        rc = -1;
    }
    if (rc < 0) { free(*core); *core = NULL; *len = 0; }
    return rc;
}

int xci_write_bootdisk(const char *dev, const char *tree, const char *core, size_t len)
{
    char *boot = NULL, why[256];
    size_t blen;
    unsigned char code[MBR_CODE], sector[512];
    uint32_t disk_id;
    if (read_guest(tree, GRUB_DIR "/boot.img", 4096, &boot, &blen) < 0) return -1;
    int rc = xci_grub_boot_code(code, (unsigned char *)boot, blen, why, sizeof why);
    free(boot);
    if (rc < 0) { xh_err("--type=hvm: %s/%s/boot.img: %s", tree, GRUB_DIR, why); return -1; }
    if (xci_random_bytes(&disk_id, sizeof disk_id) < 0) { xh_err("getrandom: %s", strerror(errno)); return -1; }
    int fd = open(dev, O_WRONLY | O_CLOEXEC);
    if (fd < 0) { xh_err("%s: %s", dev, strerror(errno)); return -1; }
    off_t size = lseek(fd, 0, SEEK_END);   /* an LV may be larger than asked (extents) */
    if (size < 0 || xci_mbr(sector, code, disk_id, (uint64_t)size, why, sizeof why) < 0) {
        xh_err("%s: %s", dev, size < 0 ? strerror(errno) : why);
        close(fd);
        return -1;
    }
    /* core.img from sector 1, padded to whole sectors (xci_core_place checked it
     * ends far below the partition at sector 2048) */
    size_t padded = (len + 511) / 512 * 512;
    char *img = calloc(1, padded);
    if (!img) { close(fd); return -1; }
    memcpy(img, core, len);
    /* sector 0 last: until it is written the volume has no partition table */
    errno = EIO;    /* what a short write reports */
    int ok = pwrite(fd, img, padded, 512) == (ssize_t)padded && pwrite(fd, sector, 512, 0) == 512 && fsync(fd) == 0;
    int err = errno;
    free(img);
    if (!ok) {
        xh_err("%s: writing the boot sectors: %s", dev, strerror(err));
        close(fd);
        return -1;
    }
    if (close(fd) < 0) { xh_err("%s: %s", dev, strerror(errno)); return -1; }
    return 0;
}

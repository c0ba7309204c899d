# tests/xen-tools/common-build.sh - for tests that really build guests (root,
# debootstrap from the host's own apt mirror). The base system is cached in
# $XENHOST_CACHE/xen-create-image between runs: one cold debootstrap, then copies.
t_need_root
t_need_cmd debootstrap mke2fs debugfs ssh-keygen
. "$T_TOP/tests/xen-tools/common.sh"
export XENHOST_APT_DIR=/etc/apt
XCI_CACHE=$XENHOST_CACHE/xen-create-image
mkdir -p "$XCI_CACHE" etc srv
# build NAME ARGS...: a 1G bookworm guest under $T_TMP; output in NAME.out, exit code in NAME.rc.
# Its root volume is $T_TMP/srv/domains/NAME/disk.img (img_disk NAME), its xl config
# $T_TMP/etc/NAME.cfg. With --type=hvm the volume is a bootable partitioned disk (1G + the
# 1 MiB before the partition), for QEMU as well: qemu-system-x86_64 -drive file=IMG,format=raw.
build() {
    local n=$1; shift
    "$XCI" --hostname="$n" --dist=bookworm --size=1G --swap=64M --memory=256M --dir="$T_TMP/srv" \
        --output="$T_TMP/etc" --cachedir="$XCI_CACHE" --hooksdir="$T_TMP/hooks" "$@" >"$n.out" 2>&1
    echo $? >"$n.rc"
}
# build_bg NAME ARGS...: the same in the background; XCI_PID is xen-create-image's own pid
build_bg() {
    local n=$1; shift
    "$XCI" --hostname="$n" --dist=bookworm --size=1G --swap=64M --memory=256M --dir="$T_TMP/srv" \
        --output="$T_TMP/etc" --cachedir="$XCI_CACHE" --hooksdir="$T_TMP/hooks" "$@" >"$n.out" 2>&1 &
    XCI_PID=$!
}
# wait_bg NAME: wait for it, exit code to NAME.rc
wait_bg() { wait "$XCI_PID"; echo $? >"$1.rc"; }
# img_disk NAME: NAME's root volume (for --type=hvm the whole disk: MBR, GRUB, partition)
img_disk() { echo "$T_TMP/srv/domains/$1/disk.img"; }
# img_fs NAME: NAME's root filesystem as debugfs and e2fsck open it: the volume, or for
# --type=hvm (its xl config says so) the partition at 1 MiB inside it
img_fs() {
    if grep -q '^type *= *"hvm"' "$T_TMP/etc/$1.cfg" 2>/dev/null; then echo "$(img_disk "$1")?offset=1048576"
    else img_disk "$1"; fi
}
# img_cat NAME PATH: a file inside NAME's root filesystem (read with debugfs, nothing mounted)
img_cat() { debugfs -R "cat $2" "$(img_fs "$1")" 2>/dev/null; }
img_stat() { debugfs -R "stat $2" "$(img_fs "$1")" 2>/dev/null; }

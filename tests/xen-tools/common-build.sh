# tests/xen-tools/common-build.sh - for tests that really build guests (root,
# debootstrap from the host's own apt mirror). The base system is cached in
# $XENHOST_CACHE/xen-create-image between runs: one cold debootstrap, then copies.
t_need_root
t_need_cmd debootstrap mke2fs debugfs ssh-keygen
. "$T_TOP/tests/xen-tools/common.sh"
export XENHOST_APT_DIR=/etc/apt
XCI_CACHE=$XENHOST_CACHE/xen-create-image
mkdir -p "$XCI_CACHE" etc srv
# build NAME ARGS...: a 1G bookworm guest under $T_TMP; output in NAME.out, exit code in NAME.rc
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
# img_cat NAME PATH: a file inside NAME's root image (read with debugfs, nothing mounted)
img_cat() { debugfs -R "cat $2" "$T_TMP/srv/domains/$1/disk.img" 2>/dev/null; }
img_stat() { debugfs -R "stat $2" "$T_TMP/srv/domains/$1/disk.img" 2>/dev/null; }

#!/bin/bash
# make bench: xendomains on a real Xen host (QEMU TCG, the packaged Xen, dom0 Debian 12)
# against upstream's own xendomains script from the pinned Xen source tree
# (tools/hotplug/Linux/xendomains.in with its settings file init.d/sysconfig.xendomains.in,
# substituted and installed as upstream's make install does), in one boot, on the same
# N guests of 128 MiB (PV: dom0's kernel and a busybox initramfs that prints a token, the
# marker of its memory). tests/bench/xendomains-xen-dom0 runs in dom0; this prints the
# table, ratios upstream/xenhost (above 1: ours is faster).
set -u
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
N=${BENCH_N:-8}
die() { echo "bench: $*" >&2; exit 1; }
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || die "needs busybox-static"
# The packages of this tree (cached: a no-op when they are built).
(cd "$T_TOP" && sh src/build/build-debs >&2) || die "the packages do not build"
recipe=$T_TOP/src/xen/recipe
orig=$XENHOST_CACHE/src/$(sh "$T_TOP/src/build/recipe-value" "$recipe" ORIG_FILE)
[ -f "$orig" ] || orig=$(sh "$T_TOP/src/build/fetch-orig" "$recipe" "$XENHOST_CACHE/src") || die "the pinned Xen source"
img=$(qh_host_image) || die "no host image (qh_host_image failed)"

# Upstream's script and settings, substituted with the values our build configures
# (configure --prefix=/usr, Debian's /etc/default; XEN_SCRIPT_DIR, XEN_LIB_DIR).
tar xJf "$orig" --wildcards '*/tools/hotplug/Linux/xendomains.in' '*/tools/hotplug/Linux/init.d/sysconfig.xendomains.in'
h=$(echo "$T_TMP"/xen-*/tools/hotplug/Linux)
[ -f "$h/xendomains.in" ] && [ -f "$h/init.d/sysconfig.xendomains.in" ] || die "upstream's xendomains.in not found in $(basename "$orig")"
cp "$h/xendomains.in" xendomains.in; cp "$h/init.d/sysconfig.xendomains.in" sysconfig.xendomains.in
sed -e 's|@CONFIG_DIR@|/etc|; s|@CONFIG_LEAF_DIR@|default|; s|@XEN_SCRIPT_DIR@|/etc/xen/scripts|' xendomains.in > upstream-xendomains
sed -e 's|@XEN_LIB_DIR@|/var/lib/xen|' sysconfig.xendomains.in > upstream.default
! grep -n '@[A-Z_]*@' upstream-xendomains upstream.default || die "unsubstituted placeholders in upstream's files"

# The guest: PID 1 prints its token every 2 s and powers off on xl shutdown.
g=$T_TMP/guest; mkdir -p "$g/bin" "$g/sbin" "$g/proc" "$g/sys" "$g/dev"
cp /bin/busybox "$g/bin/busybox"
for a in sh mount poweroff sleep cat echo; do ln -s busybox "$g/bin/$a"; done
ln -s ../bin/busybox "$g/sbin/poweroff"
cat > "$g/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
name=guest
for a in $(cat /proc/cmdline); do case $a in qh_name=*) name=${a#qh_name=} ;; esac; done
token=$(cat /proc/sys/kernel/random/uuid)
trap 'poweroff -f' USR1 USR2 TERM INT
while :; do echo "QH-TOKEN $name $token"; sleep 2 & wait $!; done
INIT
chmod 755 "$g/init"
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) > guest-initrd.gz
echo "$N" > n

echo "# xendomains on real Xen: booting a host in QEMU (TCG) with $N guests of 128 MiB; takes 15-30 min" >&2
qh_boot "$img" out "$T_TOP/tests/bench/xendomains-xen-dom0" --direct --timeout 3600 --memory $((1536 + N * 160)) \
    --file "$T_TMP/guest-initrd.gz:/var/lib/xenhost-test/guest-initrd.gz" --file "$T_TMP/n:/var/lib/xenhost-test/n" \
    --file "$T_TMP/upstream-xendomains:/var/lib/xenhost-test/upstream-xendomains" \
    --file "$T_TMP/upstream.default:/var/lib/xenhost-test/upstream.default" || die "the host did not run to power-off (out/console.log)"
L=out/test.log
grep -q '^QB-DONE' "$L" || { tail -n 30 "$L" >&2; die "the dom0 part did not finish"; }
val() { sed -n "s/^QB-$1 $2 .*[ ]$3=\([^ ]*\).*/\1/p" "$L" | head -n 1; }
grep -E '^QB-(UPSTREAM-INSTALLED|PARALLEL|HOST)' "$L" | sed 's/^QB-/# /'
printf 'xendomains on real Xen (QEMU TCG): %d PV guests of 128 MiB; upstream %s vs xenhost\n' "$N" \
    "$(basename "$orig" .orig.tar.xz | tr _ ' ')"
printf '%-44s %10s %10s %8s\n' phase upstream xenhost ratio
bad=0
row() {
    local label=$1 u=$2 x=$3
    printf '%-44s %8s s %8s s %7sx\n' "$label" "${u:-?}" "${x:-?}" \
        "$(awk -v u="${u:-0}" -v x="${x:-0}" 'BEGIN { printf "%.1f", (x > 0 ? u / x : 0) }')"
}
row "boot: start $N from /etc/xen/auto (returned)" "$(val upstream START returned)" "$(val xenhost START returned)"
row "boot: ... until every guest is up" "$(val upstream START allup)" "$(val xenhost START allup)"
row "shutdown: save $N" "$(val upstream SAVE secs)" "$(val xenhost SAVE secs)"
row "boot: restore the saved (returned)" "$(val upstream RESTORE returned)" "$(val xenhost RESTORE returned)"
row "boot: ... until every guest is up" "$(val upstream RESTORE allup)" "$(val xenhost RESTORE allup)"
printf '%-44s %10s %10s\n' "guests saved" "$(val upstream SAVE saved)/$N" "$(val xenhost SAVE saved)/$N"
printf '%-44s %10s %10s\n' "guests restored with their memory" "$(val upstream RESTORE restored)/$N" "$(val xenhost RESTORE restored)/$N"
for m in upstream xenhost; do
    [ "$(val $m START running)" = "$N" ] && [ "$(val $m SAVE saved)" = "$N" ] && [ "$(val $m SAVE running)" = 0 ] ||
        { echo "bench: $m: did not start and save all $N guests" >&2; bad=1; }
done
[ "$(val xenhost RESTORE restored)" = "$N" ] || { echo "bench: xenhost restored $(val xenhost RESTORE restored) of $N" >&2; bad=1; }
[ $bad = 0 ] || grep '^QB-OUT' "$L" | tail -n 30 >&2
exit $bad

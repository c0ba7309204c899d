#!/bin/bash
# xendomains and the Xen units on a real Xen host (QEMU TCG, packaged Xen, dom0
# Debian 12). Everything under test is what the packages ship: the units, the
# generator and the engine built with libxl (the packages are built from this
# tree, so a change here rebuilds them and the host image). Three boots:
#   1. two PV guests (dom0 kernel + a busybox initramfs that prints a random
#      token every 2 s: the "marker in guest memory") in /etc/xen/auto are
#      started by xendomains.service; systemctl/service start xend works;
#      systemctl poweroff saves them;
#   2. the next boot restored them: the same tokens; saving is switched off;
#   3. they were shut down cleanly at the last poweroff and created fresh at boot.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
t_need_root
t_need_cmd qemu-system-x86_64 debootstrap cpio
t_need_packages
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || { t_skip "$T_NAME" "needs busybox-static"; exit 0; }
img=$(qh_host_image) || { t_skip "$T_NAME" "no host image (qh_host_image failed)"; exit 0; }

# The guest: PID 1 is a shell that prints its token and obeys xl shutdown.
g=$T_TMP/guest; mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev"
cp /bin/busybox "$g/bin/busybox"
for a in sh mount poweroff sleep cat echo; do ln -s busybox "$g/bin/$a"; done
mkdir -p "$g/sbin"; ln -s ../bin/busybox "$g/sbin/poweroff"
cat > "$g/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
name=guest
for a in $(cat /proc/cmdline); do case $a in qh_name=*) name=${a#qh_name=} ;; esac; done
token=$(cat /proc/sys/kernel/random/uuid)
echo "QH-GUEST-UP $name $token"
trap 'echo "QH-GUEST-DOWN $name"; poweroff -f' USR1 USR2 TERM INT
while :; do echo "QH-TOKEN $name $token"; sleep 2 & wait $!; done
INIT
chmod 755 "$g/init"
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) > guest-initrd.gz

files=(--file "$T_TMP/guest-initrd.gz:/var/lib/xenhost-test/guest-initrd.gz")
for boot in 1 2 3; do
    qh_boot "$img" out "$T_TOP/tests/qemu/xendomains-guest.sh" --direct --timeout 900 "${files[@]}"
    t_eq "boot $boot: QEMU ran to power-off within the time limit" 0 "$?"
    cp out/test.log "test$boot.log"; cp out/console.log "console$boot.log"
    t_diag "boot $boot took $(cat out/seconds) s"
    t_grep "boot $boot: test script finished" '^QH-TEST-END rc=0' "test$boot.log"
done
t_grep "units enabled" '^QH-ENABLED enabled enabled' test1.log
t_grep "systemctl start xend starts the dom0 services" '^QH-XEND active xenstored=active xenconsoled=active' test1.log
t_grep "service xend start works" '^QH-SERVICE-XEND rc=0 active' test1.log
# what systemd shows: the stop budget of the shipped settings (budget.c), as a time span
make -s -C "$T_TOP/src/tools/xendomains" >/dev/null 2>&1 || t_fail "xendomains builds (for its timeouts)"
stop_s=$("$T_TOP/src/tools/xendomains/xendomains" -c "$T_TOP/etc/default/xendomains" timeouts | sed -n 's/^TimeoutStopSec=//p')
span() { local s=$1 out=; [ "$s" -ge 3600 ] && out="$((s / 3600))h"; s=$((s % 3600))
         [ "$s" -ge 60 ] && out="${out:+$out }$((s / 60))min"; s=$((s % 60)); [ "$s" -gt 0 ] && out="${out:+$out }${s}s"; echo "$out"; }
t_grep "generator: stop timeout derived from the settings (${stop_s:-?} s)" "^QH-STOPTIMEOUT $(span "${stop_s:-0}")\$" test1.log
t_grep "xendomains.service (re)started with the guests" '^QH-XENDOMAINS-START active' test1.log
t_grep "the packaged engine reads domain state through libxl" '^QH-STATE-SOURCE libxl$' test1.log
t_grep "libxl and \"xl list\" see the same running guests" '^QH-SOURCES-AGREE g1 yes g2 yes $' test1.log
for gg in g1 g2; do
    t_grep "boot 1: $gg running with a token" "^QH-TOKEN1 $gg [0-9a-f-]{36}\$" test1.log
    t_grep "boot 2: $gg restored with its memory (same token)" "^QH-TOKEN-SURVIVED $gg " test2.log
    t_grep "boot 2: $gg's last stop was a save" "^QH-STATUS +last stop: .* ok: saved to /var/lib/xen/save/$gg" test2.log
    t_grep "boot 3: $gg shut down cleanly at the last poweroff" "^QH-CLEAN-SHUTDOWN $gg" test3.log
    t_grep "boot 3: $gg booted fresh (new token)" "^QH-FRESH-BOOT $gg " test3.log
done
t_grep "boot 2: status says restored" '^QH-STATUS +last start: .* ok: restored from' test2.log
t_grep "boot 3: status says shut down" '^QH-STATUS +last stop: .* ok: shut down in' test3.log
t_nogrep "boot 3: nothing left in the save directory" '^QH-SAVEDIR ' test3.log
grep -h '^QH-JOURNAL' test2.log test3.log | sed 's/^/# /'
t_end

#!/bin/bash
# The hypervisor package's maintainer scripts, run for real (POSIX sh) in a
# private mount namespace: /boot, /run, /sys and /var/lib are fixtures there;
# dpkg-divert and update-grub are fakes that log their calls.
. "$(dirname "$0")/../lib.sh"
t_need_root
t_need_cmd unshare grub-editenv

D=$T_TOP/debian
for s in preinst postinst postrm; do
    f=$D/xenhost-hypervisor.$s
    t_check "$s: POSIX sh syntax" sh -n "$f"
    t_grep "$s: has #DEBHELPER#" '^#DEBHELPER#$' "$f"
    command -v checkbashisms >/dev/null && t_check "$s: no bashisms" checkbashisms "$f"
    sed 's/^#DEBHELPER#$//' "$f" > "$s"; chmod +x "$s"
done

mkdir -p fake
for c in dpkg-divert update-grub; do
    printf '#!/bin/sh\necho "%s $*" >> %s/calls\n' "$c" "$T_TMP" > "fake/$c"
done
chmod +x fake/*
XEN=$T_XEN_VERSION

# mscript SCRIPT ARGS...: run a maintainer script against the fixture.
# Fixture knobs: boot/ (copied to /boot), running (Xen version in /sys/hypervisor),
# NO_UPDATE_GRUB=1 (update-grub not installed).
mscript() {
    local path=$T_TMP/fake:/usr/bin:/bin
    [ -n "${NO_UPDATE_GRUB:-}" ] && { rm -f fake/update-grub; }
    : > calls
    unshare -m --propagation private sh -c "
        set -e
        mount --bind '$T_TMP/boot' /boot
        mount -t tmpfs none /run
        mount -t tmpfs none /sys
        mount -t tmpfs none /var/lib
        mkdir -p /var/lib/xenhost/boot && cp -a '$T_TMP/varlib/.' /var/lib/ 2>/dev/null || true
        if [ -s '$T_TMP/running' ]; then
            mkdir -p /sys/hypervisor/version
            echo xen > /sys/hypervisor/type
            v=\$(cat '$T_TMP/running')
            echo \${v%%.*} > /sys/hypervisor/version/major
            r=\${v#*.}; echo \${r%%.*} > /sys/hypervisor/version/minor
            echo .\${r#*.} > /sys/hypervisor/version/extra
        fi
        [ ! -e '$T_TMP/motd' ] || { mkdir -p /run/motd.d; cp '$T_TMP/motd' /run/motd.d/xenhost-boot; }
        rc=0; PATH='$path' ./$* || rc=\$?
        ls /run > '$T_TMP/run.list'; cat /run/reboot-required.pkgs > '$T_TMP/pkgs' 2>/dev/null || : > '$T_TMP/pkgs'
        ls /run/motd.d > '$T_TMP/motd.list' 2>/dev/null || : > '$T_TMP/motd.list'
        find /var/lib > '$T_TMP/varlib.list'
        exit \$rc"
}
fresh() {
    rm -rf boot varlib running motd; mkdir -p boot/grub varlib
    printf 'x\n' > "boot/xen-$XEN.gz"
    grub-editenv boot/grub/grubenv create
    printf '#!/bin/sh\necho "update-grub $*" >> %s/calls\n' "$T_TMP" > fake/update-grub; chmod +x fake/update-grub
}
DIVERT="--package xenhost-hypervisor --add --rename --divert /etc/grub.d/20_linux_xen.dpkg-xenhost /etc/grub.d/20_linux_xen"
UNDIVERT="--package xenhost-hypervisor --remove --rename --divert /etc/grub.d/20_linux_xen.dpkg-xenhost /etc/grub.d/20_linux_xen"

fresh
t_check "preinst install succeeds" mscript preinst install
t_eq "preinst install diverts the distribution's 20_linux_xen" "dpkg-divert $DIVERT" "$(cat calls)"
t_check "preinst upgrade succeeds" mscript preinst upgrade 1.0
t_eq "preinst upgrade keeps the diversion (idempotent --add)" "dpkg-divert $DIVERT" "$(cat calls)"

fresh
t_check "postinst configure on native Linux succeeds" mscript postinst configure
t_eq "... runs update-grub" "update-grub " "$(cat calls)"
t_nogrep "... does not ask for a reboot" 'reboot-required' run.list
t_grep "... creates the state directory" '^/var/lib/xenhost/boot$' varlib.list

fresh; rmdir boot/grub 2>/dev/null || rm -rf boot/grub
t_check "postinst without /boot/grub succeeds" mscript postinst configure
t_eq "... and does not run update-grub" "" "$(cat calls)"
fresh; NO_UPDATE_GRUB=1
t_check "postinst without update-grub succeeds" mscript postinst configure
NO_UPDATE_GRUB=
t_eq "... quietly" "" "$(cat calls)"

fresh; echo "$XEN" > running
t_check "postinst while running the same Xen succeeds" mscript postinst configure 1.0
t_nogrep "... no reboot needed" 'reboot-required' run.list
fresh; echo "$XEN" | cut -c1-19 > running
t_check "postinst while running the same Xen, as sysfs truncates it, succeeds" mscript postinst configure 1.0
t_nogrep "... no reboot needed ($(cat running))" 'reboot-required' run.list
fresh; echo "4.20.2+10-gdeadbeef01" > running
t_check "postinst replacing the running Xen succeeds" mscript postinst configure 1.0
t_grep "... flags /run/reboot-required" '^reboot-required$' run.list
t_grep "... naming the package" '^xenhost-hypervisor$' pkgs
fresh; echo "$XEN" > running; printf 'x\n' > "boot/xen-4.20.9+1-g0000000001.gz"; printf 'x\n' > "boot/xen-4.21.0-dbg.gz"
t_check "postinst with a newer release build installed succeeds" mscript postinst configure 1.0
t_grep "... flags a reboot (the debug build does not count)" '^reboot-required$' run.list

fresh
t_check "postrm remove succeeds" mscript postrm remove
t_eq "... gives 20_linux_xen back and rewrites the menu" "dpkg-divert $UNDIVERT
update-grub " "$(cat calls)"
fresh
t_check "postrm abort-install succeeds" mscript postrm abort-install
t_grep "... undoes the diversion" "^dpkg-divert $UNDIVERT\$" calls
fresh
t_check "postrm upgrade succeeds" mscript postrm upgrade 2.0
t_eq "... keeps the diversion" "" "$(cat calls)"

fresh; mkdir -p varlib/xenhost/boot; echo tok > varlib/xenhost/boot/trial-failure; echo msg > motd
grub-editenv boot/grub/grubenv set xenhost_tried=a/b/1 xenhost_good=a/b/1 saved_entry=keepme
t_check "postrm purge succeeds" mscript postrm purge
t_eq "... rewrites the menu" "update-grub " "$(cat calls)"
t_eq "... leaves only the admin's grubenv values" "saved_entry=keepme" "$(grub-editenv boot/grub/grubenv list)"
t_nogrep "... removes the state" 'xenhost' varlib.list
t_nogrep "... removes the login message" 'xenhost' motd.list
t_end

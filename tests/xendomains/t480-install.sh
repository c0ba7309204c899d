#!/bin/bash
# make install of src/tools/xendomains puts the engine, its man page, settings,
# units, generator, dom0 check and SysV scripts in place with the right modes.
. "$(dirname "$0")/../lib.sh"
make -s -C "$T_TOP/src/tools/xendomains" install DESTDIR="$T_TMP/d" systemdunitdir=/lib/systemd/system \
    systemdgeneratordir=/lib/systemd/system-generators >install.log 2>&1
t_eq "make install succeeds" 0 "$?"
(cd d && find . -type f -printf '%m %p\n' | sort) > got
cat > want <<'LIST'
644 ./etc/default/xencommons
644 ./etc/default/xendomains
644 ./lib/systemd/system/proc-xen.mount
644 ./lib/systemd/system/xen-init-dom0.service
644 ./lib/systemd/system/xen-qemu-dom0-disk-backend.service
644 ./lib/systemd/system/xen-watchdog.service
644 ./lib/systemd/system/xencommons.service
644 ./lib/systemd/system/xenconsoled.service
644 ./lib/systemd/system/xend.service
644 ./lib/systemd/system/xendomains.service
644 ./lib/systemd/system/xenstored.service
644 ./usr/lib/xen/xenhost-init-functions
644 ./usr/share/man/man8/xendomains.8
755 ./etc/init.d/xen-watchdog
755 ./etc/init.d/xencommons
755 ./etc/init.d/xend
755 ./etc/init.d/xendomains
755 ./lib/systemd/system-generators/xendomains-generator
755 ./usr/lib/xen/bin/xenhost-dom0-check
755 ./usr/sbin/xendomains
LIST
t_eq "installed files and modes" "$(cat want)" "$(cat got)"
# (xenhost-network's units install with it: tests/network/t630)
t_check "every unit in scripts/init/systemd is installed" \
    test "$(ls "$T_TOP"/scripts/init/systemd/*.service "$T_TOP"/scripts/init/systemd/*.mount | grep -vc '/xenhost-network-')" = "$(grep -c '/lib/systemd/system/' got)"
if command -v groff >/dev/null; then
    groff -mdoc -Tutf8 -ww -z "$T_TOP/src/tools/xendomains/xendomains.8" > man.err 2>&1
    t_check "xendomains.8: groff -mdoc reports nothing" test ! -s man.err
fi
t_end

#!/bin/sh
# Runs in dom0 (tests/qemu/t590-create-image-boot.sh): starts the guest that
# xen-create-image built on the build machine (attached as the virtio disk
# "extra1"), waits for its login prompt on hvc0 and pings it over a bridge.
S=/var/lib/xenhost-test
log() { echo "QH-$*"; }
CON=/var/log/xen/console/guest-qg1.log
grep -q '^XENCONSOLED_TRACE=guest' /etc/default/xencommons 2>/dev/null ||
    echo 'XENCONSOLED_TRACE=guest' >> /etc/default/xencommons
systemctl start xend.service 2>/dev/null || systemctl start xencommons.service 2>/dev/null
systemctl restart xenconsoled.service
log "XENCONSOLED $(systemctl is-active xenconsoled.service)"
ip link add xenbr0 type bridge && ip addr add 192.0.2.1/24 dev xenbr0 && ip link set xenbr0 up
log "BRIDGE $(ip -br addr show xenbr0 | tr -s ' ')"
log "LOADER $(ls /usr/lib/grub-xen/grub-i386-xen_pvh.bin 2>&1)"
dev=/dev/disk/by-id/virtio-extra1
i=0; while [ ! -e $dev ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
sed "s|target=[^']*/disk.img|target=$dev|" $S/qg1.cfg > /etc/xen/qg1.cfg
sed 's/^/QH-CFG /' /etc/xen/qg1.cfg
rm -f $CON
xl create /etc/xen/qg1.cfg > /tmp/create.log 2>&1
log "CREATE rc=$?"
sed 's/^/QH-CREATE-OUT /' /tmp/create.log
# The guest restarts itself after a crash or reboot (on_crash/on_reboot =
# "restart"): only a domain missing for 3 looks in a row (9 s) ends the wait.
# Bounded at 900 s: in a cold make check the guest's systemd was still starting ssh and
# e2scrub_reap at 600 s while the other lane ran the xen-tools tiers (2026-12-03); in the
# cold run before, when that lane had ended sooner, the whole test took 548 s.
i=0; gone=0
while [ $i -lt 900 ] && [ $gone -lt 3 ]; do
    grep -aq 'qg1 login:' $CON 2>/dev/null && break
    if xl list qg1 >/dev/null 2>&1; then gone=0; else gone=$((gone + 1)); fi
    sleep 3; i=$((i + 3))
done
log "WAITED ${i}s"
grep -a 'qg1 login:' $CON | head -n 1 | tr -d '\r' | sed 's/^/QH-LOGIN /'
grep -a -m1 'Reading (' $CON | tr -d '\r' | sed 's/^/QH-GRUB /'
grep -a -m1 'Linux version' $CON | tr -d '\r' | sed 's/^/QH-KERNEL /'
# how often the guest kernel started (more than once: it crashed or rebooted), and why
log "GUEST-BOOTS $(grep -ac 'Linux version' $CON)"
grep -a -E 'Kernel panic|Oops|BUG:|general protection|segfault|reboot: ' $CON | head -n 5 |
    tr -d '\r' | sed 's/^/QH-GUEST-TROUBLE /'
xl dmesg 2>/dev/null | grep -E 'd[1-9][0-9]*v[0-9]|crash' | tail -n 8 | sed 's/^/QH-XLDMESG /'
PING=ping; command -v ping >/dev/null 2>&1 || PING="$S/busybox ping"   # the host image has no iputils
ok=1; i=0
while [ $i -lt 20 ]; do
    if $PING -c 1 -W 2 192.0.2.20 > /tmp/ping.log 2>&1; then ok=0; break; fi
    i=$((i + 1)); sleep 3
done
log "PING rc=$ok"
sed 's/^/QH-PINGOUT /' /tmp/ping.log
ip -br link | sed 's/^/QH-LINK /'
tail -n 60 $CON | tr -d '\r' | sed 's/^/QH-CONSOLE /'
timeout 120 xl shutdown -w qg1 > /dev/null 2>&1; log "SHUTDOWN rc=$?"
xl destroy qg1 > /dev/null 2>&1
xl list 2>&1 | sed 's/^/QH-XLLIST /'
log "END"

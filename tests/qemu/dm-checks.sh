#!/bin/sh
# Runs in dom0 before tests/qemu/hvm-guests.sh (t595 joins the two: one boot for both): the device model xenhost-qemu installed (its devices, machines and
# firmware), the qdisk unit, xl create of an HVM guest whose device model cannot start,
# and a PV guest whose disk is a qcow2 file served by qdisk (payload from
# tests/qemu/dmlib.sh). Markers QH-... on the test log; every wait bounded.
S=/var/lib/xenhost-test
DM=/usr/lib/xen/bin/qemu-system-i386
log() { echo "QH-$*"; }
grep -q '^XENCONSOLED_TRACE=guest' /etc/default/xencommons 2>/dev/null || {
    echo 'XENCONSOLED_TRACE=guest' >> /etc/default/xencommons; systemctl restart xenconsoled.service; }
# --- the packages -----------------------------------------------------------------
log "DM-PACKAGE $(dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}' xenhost-qemu 2>&1)"
log "DM-VERSION $($DM --version 2>&1 | head -n 1)"
$DM -device help > /tmp/devices.txt 2>&1
for d in xen-platform usb-tablet virtio-net-pci virtio-blk-pci e1000 rtl8139 cirrus-vga VGA ide-hd ich9-ahci; do
    if grep -q "name \"$d\"" /tmp/devices.txt; then log "DM-DEVICE $d yes"; else log "DM-DEVICE $d no"; fi
done
log "DM-ACCELS $($DM -accel help 2>&1 | sed 1d | sort | tr '\n' ' ')"
log "DM-MACHINES $($DM -machine help 2>&1 | awk '$1 ~ /^xen/ { print $1 }' | sort | tr '\n' ' ')"
log "DM-LDD-MISSING $(ldd $DM 2>&1 | grep -c 'not found')"
for f in /usr/lib/xen/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/ovmf/OVMF.fd; do
    if [ -s "$f" ]; then log "FIRMWARE $f present"; else log "FIRMWARE $f missing"; fi
done
log "QDISK-UNIT $(systemctl is-active xen-qemu-dom0-disk-backend.service)"
log "QDISK-PROC $(pgrep -f -- "^$DM .*-xen-domid 0 " >/dev/null && echo running || echo none)"

# --- a device model that cannot start --------------------------------
cat > /etc/xen/hvm-baddm.cfg <<'EOF'
name = "hvm-baddm"
type = "hvm"
memory = 64
vcpus = 1
vnc = 0
device_model_args = [ "-no-such-option" ]
EOF
timeout 180 xl create /etc/xen/hvm-baddm.cfg > /tmp/baddm.log 2>&1
log "BADDM rc=$?"
sed 's/^/QH-BADDM-OUT /' /tmp/baddm.log
if xl list hvm-baddm >/dev/null 2>&1; then log "BADDM-DOMAIN left"; else log "BADDM-DOMAIN none"; fi
log "BADDM-QEMU $(pgrep -f -- "-name hvm-baddm" >/dev/null && echo left || echo none)"
grep -m 2 -i 'no-such-option' /var/log/xen/qemu-dm-hvm-baddm.log 2>/dev/null | sed 's/^/QH-BADDM-DMLOG /'
xl destroy hvm-baddm >/dev/null 2>&1

# --- a PV guest on a qcow2 disk (the qdisk backend) -------------------
CON=/var/log/xen/console/guest-qd1.log
rm -f $CON
cat > /etc/xen/qd1.cfg <<EOF
name = "qd1"
type = "pv"
kernel = "$(ls /boot/vmlinuz-* | head -n 1)"
ramdisk = "$S/qdisk-initrd.gz"
extra = "console=hvc0"
memory = 96
disk = [ 'format=qcow2, vdev=xvda, access=ro, target=$S/qdisk.qcow2' ]
on_poweroff = "destroy"
EOF
xl create /etc/xen/qd1.cfg > /tmp/qd1.log 2>&1
log "QDISK-CREATE rc=$?"
sed 's/^/QH-QDISK-CREATE-OUT /' /tmp/qd1.log
qid=$(xl domid qd1 2>/dev/null)
log "QDISK-BACKEND $(xenstore-list "/local/domain/0/backend/qdisk/${qid:-x}" 2>/dev/null | tr '\n' ' ')"
i=0; while [ $i -lt 400 ] && ! grep -aq 'QH-QDISK-DONE' $CON 2>/dev/null; do sleep 2; i=$((i + 2)); done
log "QDISK-WAITED ${i}s"
grep -a 'QH-QDISK-' $CON 2>/dev/null | tr -d '\r' | sed 's/^/QH-QDISK-GUEST /'
grep -aq 'QH-QDISK-DONE' $CON 2>/dev/null || { xl list 2>&1; tail -n 30 $CON 2>&1; } | tr -d '\r' | sed 's/^/QH-QDISK-TRACE /'
xl destroy qd1 >/dev/null 2>&1

log "DM-CHECKS-END"

#!/bin/sh
# Runs in dom0 (tests/qemu/t595-hvm-guests.sh), one boot for the HVM guests
# (after tests/qemu/dm-checks.sh, in the same boot):
#   - hvm1: the HVM guest xen-create-image --type=hvm built on the build machine (the
#     virtio disk "extra1"), booted SeaBIOS -> its GRUB -> its kernel -> login on the
#     emulated serial port; pinged over a bridge
#   - after hvm1: an OVMF guest whose GRUB (EFI) prints a marker
# Every wait is bounded; markers go to the test log (QH-...).
S=/var/lib/xenhost-test
DM=/usr/lib/xen/bin/qemu-system-i386
log() { echo "QH-$*"; }
T0=$(date +%s)
el() { echo $(( $(date +%s) - T0 )); }

grep -q '^XENCONSOLED_TRACE=guest' /etc/default/xencommons 2>/dev/null ||
    echo 'XENCONSOLED_TRACE=guest' >> /etc/default/xencommons
systemctl start xend.service 2>/dev/null || systemctl start xencommons.service 2>/dev/null
systemctl restart xenconsoled.service

ip link add xenbr0 type bridge && ip addr add 192.0.2.1/24 dev xenbr0 && ip link set xenbr0 up
log "BRIDGE $(ip -br addr show xenbr0 | tr -s ' ')"

# create_paused NAME CFG SERIALLOG TAG: xl create -p; the serial pty (from xenstore) read
# into SERIALLOG from before the guest runs. Sets DOMID, TTY and READER (the cat's pid).
create_paused() {
    xl create -p "$2" > "/tmp/create-$1.log" 2>&1
    log "$4CREATE rc=$?"
    sed "s/^/QH-$4CREATE-OUT /" "/tmp/create-$1.log"
    DOMID=$(xl domid "$1" 2>/dev/null) READER=
    TTY=$(xenstore-read "/local/domain/$DOMID/serial/0/tty" 2>/dev/null || xenstore-read "/local/domain/$DOMID/console/tty" 2>/dev/null)
    log "$4SERIAL-PTY ${TTY:-none}"
    if [ -n "$TTY" ] && [ -e "$TTY" ]; then
        stty -F "$TTY" raw -echo 2>/dev/null
        cat "$TTY" > "$3" 2>/dev/null &
        READER=$!
    fi
}

# --- hvm1: start it paused, attach a reader to its serial pty, unpause ---------------
dev=/dev/disk/by-id/virtio-extra1
i=0; while [ ! -e $dev ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
sed "s|target=[^']*/disk.img|target=$dev|" $S/hvm1.cfg > /etc/xen/hvm1.cfg
sed 's/^/QH-CFG /' /etc/xen/hvm1.cfg
SER=/var/log/xen/hvm1-serial.log
create_paused hvm1 /etc/xen/hvm1.cfg $SER ""
id=$DOMID tty=$TTY reader=$READER
log "HVM1-DM $(pgrep -f -- "^$DM .*-xen-domid $id " >/dev/null && echo running || echo none)"
xl unpause hvm1; log "UNPAUSE rc=$?"
T1=$(date +%s)

# --- hvm1's boot: markers on its serial port and in the hypervisor's log ------------
# first seen, in seconds after unpause: the guest's GRUB, its kernel, its login prompt
grub_t='' load_t='' initrd_t='' kern_t='' login_t='' gone=0 i=0
while [ $i -lt 1500 ] && [ $gone -lt 3 ]; do
    now=$(( $(date +%s) - T1 ))
    [ -z "$grub_t" ] && grep -aq 'GNU GRUB' $SER 2>/dev/null && grub_t=$now
    [ -z "$load_t" ] && grep -aq 'Loading Linux' $SER 2>/dev/null && load_t=$now
    [ -z "$initrd_t" ] && grep -aq 'Loading initial ramdisk' $SER 2>/dev/null && initrd_t=$now
    [ -z "$kern_t" ] && grep -aq 'Linux version' $SER 2>/dev/null && kern_t=$now
    if grep -aq 'hvm1 login:' $SER 2>/dev/null; then login_t=$now; break; fi
    if xl list hvm1 >/dev/null 2>&1; then gone=0; else gone=$((gone + 1)); fi
    # Seen here (2026-12-03): GRUB's menu drawn at 251 s, no kernel by 1500 s. The guest's
    # grub.cfg echoes "Loading Linux" when its 2 s countdown has ended and it begins to
    # read the kernel through the BIOS, then "Loading initial ramdisk": no "Loading Linux"
    # 90 s after the menu is a countdown that does not end (the guest's timer under double
    # emulation), and Enter on the console, as an admin would press it, is sent once and
    # logged; "Loading Linux" and nothing after it is slow BIOS disk reads.
    if [ -n "$grub_t" ] && [ -z "$load_t" ] && [ -z "${enter_t:-}" ] && [ $(( now - grub_t )) -ge 90 ] &&
       [ -n "$tty" ]; then
        printf '\r' > "$tty"; enter_t=$now; log "HVM1-ENTER-SENT ${now}s"
    fi
    # progress for whoever reads the log of a slow or stuck boot: bytes on the serial
    # port so far and its last line
    if [ $(( now / 120 )) != "${shown:-x}" ]; then
        shown=$(( now / 120 ))
        log "HVM1-PROGRESS ${now}s serial=$(wc -c < $SER 2>/dev/null)B last=$(tr -d '\r' < $SER 2>/dev/null | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | grep -a . | tail -n 1 | cut -c1-100)"
    fi
    sleep 5; i=$(( $(date +%s) - T1 ))
done
log "HVM1-TIMES grub=${grub_t:-none} enter=${enter_t:-none} loading-linux=${load_t:-none} loading-initrd=${initrd_t:-none} kernel=${kern_t:-none} login=${login_t:-none}"
xl dmesg > /tmp/xldmesg.txt 2>&1
grep -a -m 1 "(d$id) HVM Loader" /tmp/xldmesg.txt | sed 's/^/QH-HVMLOADER /'
grep -a -m 1 "(d$id) .*SeaBIOS (version" /tmp/xldmesg.txt | sed 's/^/QH-SEABIOS /'
grep -a -m 1 "(d$id) .*Booting from Hard Disk" /tmp/xldmesg.txt | sed 's/^/QH-SEABIOS-BOOT /'
grep -a -m 1 'GNU GRUB' $SER 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^/QH-GRUB /'
grep -a -m 1 'Linux version' $SER 2>/dev/null | tr -d '\r' | sed 's/^/QH-KERNEL /'
grep -a -m 1 'hvm1 login:' $SER 2>/dev/null | tr -d '\r' | sed 's/^/QH-LOGIN /'
log "HVM1-BOOTS $(grep -ac 'Linux version' $SER 2>/dev/null)"
grep -a -E 'Kernel panic|Oops|BUG:|general protection' $SER 2>/dev/null | head -n 5 | tr -d '\r' | sed 's/^/QH-TROUBLE /'
PING=ping; command -v ping >/dev/null 2>&1 || PING="$S/busybox ping"
ok=1; i=0
while [ $i -lt 20 ]; do
    if $PING -c 1 -W 2 192.0.2.30 > /tmp/ping.log 2>&1; then ok=0; break; fi
    i=$((i + 1)); sleep 3
done
log "PING rc=$ok"
sed 's/^/QH-PINGOUT /' /tmp/ping.log
log "HVM1-NIC $(xenstore-list "/local/domain/0/backend/vif/$id" 2>/dev/null | tr '\n' ' ')"
if [ -z "$login_t" ]; then
    tail -n 60 $SER 2>/dev/null | tr -d '\r' | sed 's/^/QH-SERIAL /'
    grep -a "(d$id)" /tmp/xldmesg.txt | tail -n 40 | sed 's/^/QH-XLDMESG /'
    tail -n 20 "/var/log/xen/qemu-dm-hvm1.log" 2>/dev/null | sed 's/^/QH-DMLOG /'
fi
timeout 180 xl shutdown -w hvm1 > /dev/null 2>&1; log "HVM1-SHUTDOWN rc=$?"
xl destroy hvm1 > /dev/null 2>&1
[ -n "${reader:-}" ] && kill "$reader" 2>/dev/null

# --- an OVMF guest: its firmware loads, its GRUB (EFI) prints a marker and halts -------
cat > /etc/xen/ovmf1.cfg <<EOF
name = "ovmf1"
type = "hvm"
bios = "ovmf"
memory = 128
vcpus = 1
vnc = 0
serial = "pty"
disk = [ 'format=raw, vdev=hda, access=rw, target=$S/ovmf.img' ]
on_poweroff = "destroy"
on_reboot = "destroy"
EOF
OSER=/var/log/xen/ovmf1-serial.log
create_paused ovmf1 /etc/xen/ovmf1.cfg $OSER OVMF-
oid=$DOMID oreader=$READER
xl unpause ovmf1
T2=$(date +%s); i=0; marker_t=
while [ $i -lt 600 ]; do
    if grep -aq 'XENHOST-OVMF-GRUB-RAN' $OSER 2>/dev/null; then marker_t=$i; break; fi
    xl list ovmf1 >/dev/null 2>&1 || break
    sleep 5; i=$(( $(date +%s) - T2 ))
done
log "OVMF-TIMES marker=${marker_t:-none}"
xl dmesg > /tmp/xldmesg2.txt 2>&1
grep -a -m 1 "(d$oid) HVM Loader" /tmp/xldmesg2.txt | sed 's/^/QH-OVMF-HVMLOADER /'
grep -a -m 1 -i "(d$oid) .*Loading OVMF" /tmp/xldmesg2.txt | sed 's/^/QH-OVMF-LOADING /'
grep -a -m 1 'XENHOST-OVMF-GRUB-RAN' $OSER 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/^/QH-OVMF-MARKER /'
if [ -z "$marker_t" ]; then
    tail -c 3000 $OSER 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tail -n 30 | sed 's/^/QH-OVMF-SERIAL /'
    grep -a "(d$oid)" /tmp/xldmesg2.txt | tail -n 30 | sed 's/^/QH-OVMF-XLDMESG /'
fi
xl destroy ovmf1 > /dev/null 2>&1
[ -n "${oreader:-}" ] && kill "$oreader" 2>/dev/null
xl list 2>&1 | sed 's/^/QH-XLLIST /'
log "LEFT-DMS $(pgrep -c -f -- "^$DM .*-xen-domid [1-9]")"
log "END $(el)s"

#!/bin/bash
# HVM guests and the device model on a real Xen host (QEMU TCG, our packages): one boot
# (tests/qemu/hvm-guests.sh in dom0) for
#   - the packaged device model (xenhost-qemu): its devices, machines, firmware paths
#   - an HVM guest made by xen-create-image --type=hvm: hvmloader + SeaBIOS, the guest's
#     own GRUB, its kernel and a login prompt on the emulated serial port, ping from dom0
#   - an OVMF guest (bios = "ovmf"): firmware, then GRUB for EFI printing a marker
#   - a PV guest whose disk is a qcow2 file, served by the qdisk backend
#   - xl create of an HVM guest whose device model cannot start: a clear error, no domain
#     and no QEMU left
# Under TCG the HVM guest is emulated twice (QEMU's SVM, then Xen's device model): slow,
# so it gets a long bound and the other checks run while it boots.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
t_need_root
t_need_cmd qemu-system-x86_64 qemu-img debootstrap mke2fs debugfs cpio sgdisk mkfs.vfat mmd mcopy grub-mkimage
[ -d /usr/lib/grub/x86_64-efi ] || { t_skip "$T_NAME" "needs grub-efi-amd64-bin (the OVMF guest's GRUB)"; exit 0; }
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || { t_skip "$T_NAME" "needs busybox-static"; exit 0; }
t_need_packages
ls "$T_DEBS"/xenhost-qemu_*.deb >/dev/null 2>&1 || { t_fail "the device model package xenhost-qemu is built (src/build/build-qemu)"; t_end; }
img=$(qh_host_image) || { t_skip "$T_NAME" "no host image (qh_host_image failed)"; exit 0; }
rootfs=$(qh_rootfs) || { t_fail "host root"; t_end; }
. "$T_TOP/tests/xen-tools/common-build.sh"

# hvm1: what an admin gets from xen-create-image --type=hvm
build hvm1 --type=hvm --ip=192.0.2.30/24 --gateway=192.0.2.1 --noswap --hooks=0 --password=qemu-test-pw
t_eq "HVM guest image built by xen-create-image --type=hvm" 0 "$(cat hvm1.rc)"
[ "$(cat hvm1.rc)" = 0 ] || { t_diag "$(tail -n 20 hvm1.out)"; t_end; }

# qd1: a busybox guest with xen-blkfront that prints the head of its qcow2 disk
kver=$(ls "$rootfs/lib/modules" | head -n 1)
blkfront=$(find "$rootfs/lib/modules/$kver" -name 'xen-blkfront.ko*' | head -n 1)
g=$T_TMP/qguest; mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev"
cp /bin/busybox "$g/bin/busybox"
for a in sh mount poweroff sleep cat echo head insmod; do ln -s busybox "$g/bin/$a"; done
[ -z "$blkfront" ] || cp "$blkfront" "$g/xen-blkfront.ko"
cat > "$g/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
[ -f /xen-blkfront.ko ] && insmod /xen-blkfront.ko
i=0; while [ ! -b /dev/xvda ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
echo "QH-QDISK-READ $(head -c 48 /dev/xvda 2>&1)"
echo "QH-QDISK-DONE"
poweroff -f
INIT
chmod 755 "$g/init"
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) > qdisk-initrd.gz
token="QDISK-TOKEN-$(cat /proc/sys/kernel/random/uuid)"
printf '%-48s' "$token" > qdisk.raw && truncate -s 16M qdisk.raw &&
    qemu-img convert -f raw -O qcow2 qdisk.raw qdisk.qcow2 || t_fail "qcow2 disk made with qemu-img"
t_eq "the qcow2 file is qcow2 (not raw)" qcow2 "$(qemu-img info --output=json qdisk.qcow2 | sed -n 's/.*"format": "\([a-z0-9]*\)".*/\1/p' | head -n 1)"

# ovmf1: GPT disk with an ESP holding GRUB for EFI, whose embedded config prints a marker
truncate -s 48M ovmf.img
sgdisk -o -n1:2048:0 -t1:ef00 ovmf.img >/dev/null
esp_end=$(sgdisk -i 1 ovmf.img | awk '/Last sector/ { print $3 }')
mkfs.vfat -F 16 -n ESP --offset 2048 ovmf.img $(( (esp_end - 2048 + 1) / 2 )) >/dev/null
printf 'echo XENHOST-OVMF-GRUB-RAN\nsleep 3\nhalt\n' > ovmf-early.cfg
grub-mkimage -O x86_64-efi -o BOOTX64.EFI -c ovmf-early.cfg -p /EFI/BOOT echo sleep halt > mkimage.log 2>&1 &&
    mmd -i ovmf.img@@1M ::/EFI ::/EFI/BOOT && mcopy -i ovmf.img@@1M BOOTX64.EFI ::/EFI/BOOT/BOOTX64.EFI ||
    t_fail "OVMF guest disk made (GPT, ESP, GRUB for EFI)" "$(cat mkimage.log)"

S=/var/lib/xenhost-test
qh_boot "$img" out "$T_TOP/tests/qemu/hvm-guests.sh" --direct --timeout 2700 --memory 2560 \
    --xen-args "guest_loglvl=all" --disk "$T_TMP/srv/domains/hvm1/disk.img" \
    --file "$T_TMP/etc/hvm1.cfg:$S/hvm1.cfg" --file /bin/busybox:$S/busybox \
    --file "$T_TMP/qdisk-initrd.gz:$S/qdisk-initrd.gz" --file "$T_TMP/qdisk.qcow2:$S/qdisk.qcow2" \
    --file "$T_TMP/ovmf.img:$S/ovmf.img"
t_eq "QEMU ran to power-off within the time limit" 0 "$?"
cp out/test.log test.log; cp out/console.log console.log
t_diag "boot took $(cat out/seconds) s" "$(grep -E '^QH-(DM-VERSION|HVM1-TIMES|OVMF-TIMES|END)' test.log)"

# the packaged device model
t_grep "xenhost-qemu is installed (pulled in by xenhost's Recommends)" '^QH-DM-PACKAGE xenhost-qemu .* ii ?$' test.log
t_grep "the device model runs: QEMU $(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/qemu/recipe" UPSTREAM_VERSION | cut -d+ -f1)" \
    "^QH-DM-VERSION QEMU emulator version $(t_re "$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/qemu/recipe" UPSTREAM_VERSION | cut -d+ -f1)")" test.log
t_grep "the device model finds all its libraries" '^QH-DM-LDD-MISSING 0$' test.log
for d in xen-platform usb-tablet virtio-net-pci e1000 rtl8139 cirrus-vga VGA ide-hd ahci; do
    t_grep "the device model has the $d device" "^QH-DM-DEVICE $d yes\$" test.log
done
t_grep "the device model's only accelerator is Xen (no TCG, no KVM)" '^QH-DM-ACCELS xen $' test.log
t_grep "the device model has the xenfv and xenpv machines" '^QH-DM-MACHINES .*xenfv.* xenpv' test.log
for f in /usr/lib/xen/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/ovmf/OVMF.fd; do
    t_grep "firmware $f installed" "^QH-FIRMWARE $f present\$" test.log
done
t_grep "the qdisk unit is active" '^QH-QDISK-UNIT active$' test.log
t_grep "the qdisk unit runs the packaged device model for dom0" '^QH-QDISK-PROC running$' test.log

# a device model that cannot start
t_nogrep "xl create of an HVM guest whose device model cannot start fails" '^QH-BADDM rc=0$' test.log
t_grep "... with an error naming the device model" '^QH-BADDM-OUT .*(device model|qemu|Device Model)' test.log
t_grep "... and leaves no domain behind" '^QH-BADDM-DOMAIN none$' test.log
t_grep "... and no QEMU behind" '^QH-BADDM-QEMU none$' test.log
t_grep "... and the device model's log says why" '^QH-BADDM-DMLOG .*no-such-option' test.log

# qdisk
t_grep "xl create of a PV guest on a qcow2 disk succeeded" '^QH-QDISK-CREATE rc=0$' test.log
t_grep "the disk is served by the qdisk backend" '^QH-QDISK-BACKEND [0-9]' test.log
t_grep "the guest read its qcow2 disk's contents" "^QH-QDISK-GUEST QH-QDISK-READ $(t_re "$token")" test.log

# hvm1
t_grep "xl create of the generated HVM config succeeded" '^QH-CREATE rc=0$' test.log
t_grep "its device model was started" '^QH-HVM1-DM running$' test.log
t_grep "hvmloader ran" '^QH-HVMLOADER .*HVM Loader' test.log
t_grep "SeaBIOS ran" '^QH-SEABIOS .*SeaBIOS \(version' test.log
t_grep "the guest's own GRUB ran (on the serial console)" '^QH-GRUB .*GNU GRUB' test.log
t_grep "the guest's own kernel started" '^QH-KERNEL .*Linux version' test.log
t_grep "login prompt on the emulated serial port" '^QH-LOGIN .*hvm1 login:' test.log
t_grep "the HVM guest answers ping from dom0 over the bridge (PV NIC)" '^QH-PING rc=0$' test.log
t_grep "the HVM guest shut down cleanly" '^QH-HVM1-SHUTDOWN rc=0$' test.log
boots=$(sed -n 's/^QH-HVM1-BOOTS //p' test.log)
if [ "$boots" = 1 ]; then t_ok "the HVM guest came up on its first boot"
else t_skip "the HVM guest came up on its first boot" "its kernel started ${boots:-?} times: $(grep -m1 '^QH-TROUBLE' test.log)"; fi

# ovmf1
t_grep "xl create of an OVMF guest succeeded" '^QH-OVMF-CREATE rc=0$' test.log
t_grep "hvmloader loaded OVMF" '^QH-OVMF-(HVMLOADER|LOADING) ' test.log
t_grep "GRUB for EFI ran under OVMF (its marker on the serial port)" '^QH-OVMF-MARKER .*XENHOST-OVMF-GRUB-RAN' test.log

t_grep "no device model left running" '^QH-LEFT-DMS 0$' test.log
t_grep "test script finished" '^QH-TEST-END rc=0' test.log
[ $T_FAILED = 0 ] || t_diag "$(grep -E '^QH-(CFG|CREATE-OUT|SERIAL|XLDMESG|DMLOG|PINGOUT|OVMF-SERIAL|OVMF-XLDMESG|OVMF-CREATE-OUT|BADDM-OUT|QDISK-CREATE-OUT)' test.log | tail -n 120)"
t_end

#!/bin/bash
# HVM guests on a real Xen host (QEMU TCG, our packages): one boot (tests/qemu/hvm-guests.sh
# in dom0) for
#   - an HVM guest made by xen-create-image --type=hvm: hvmloader + SeaBIOS, the guest's
#     own GRUB, its kernel and a login prompt on the emulated serial port, ping from dom0
#   - an OVMF guest (bios = "ovmf"): firmware, then GRUB for EFI printing a marker
# and, first in the same boot, the device model's other checks (tests/qemu/dmlib.sh): the
# package, qdisk with a qcow2 disk, an HVM guest whose device model cannot start.
# Under TCG the HVM guest is emulated twice (QEMU's SVM, then Xen's device model): slow,
# so it gets a long bound (and the OVMF guest runs last: if the host QEMU fails under it,
# the HVM results are in already).
# tests/run starts it only after the device model build (it installs xenhost-qemu):
# needs-build: qemu
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
# Measured 2026-12-03 (xenhost-qemu 7.2, Xen 4.20.3, host QEMU 7.2 TCG on 2 cores): hvmloader
# and SeaBIOS ran and the guest's GRUB drew its menu 251 s after unpause, but its kernel
# had not started 1250 s later; the whole boot took 29 min, more than the 90-minute CI has
# room for beside the rest of the suite. So it runs on request: make check-hvm.
if [ "${XENHOST_TEST_HVM:-0}" != 1 ]; then
    t_skip "$T_NAME" "an HVM guest under Xen under QEMU TCG takes more than 25 min (GRUB at 251 s, no kernel by 1500 s, 2026-12-03), too long for the CI budget: run make check-hvm (XENHOST_TEST_HVM=1)"
    exit 0
fi
t_need_root
t_need_cmd qemu-system-x86_64 debootstrap mke2fs debugfs cpio sgdisk mkfs.vfat mmd mcopy grub-mkimage
[ -d /usr/lib/grub/x86_64-efi ] || { t_skip "$T_NAME" "needs grub-efi-amd64-bin (the OVMF guest's GRUB)"; exit 0; }
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || { t_skip "$T_NAME" "needs busybox-static"; exit 0; }
t_need_packages
ls "$T_DEBS"/xenhost-qemu_*.deb >/dev/null 2>&1 || { t_fail "the device model package xenhost-qemu is built (src/build/build-qemu)"; t_end; }
# a host with the device model (the other boot tests' hosts are made without it)
export QH_DEVICE_MODEL=1
img=$(qh_host_image) || { t_fail "a host image with xenhost-qemu (qh_host_image)"; t_end; }
. "$T_TOP/tests/xen-tools/common-build.sh"
. "$T_TOP/tests/qemu/dmlib.sh"
rootfs=$(qh_rootfs) || { t_fail "host root"; t_end; }
dm_payload "$rootfs"
# dom0 runs the device model checks first (quick), then the HVM guests
cat "$T_TOP/tests/qemu/dm-checks.sh" "$T_TOP/tests/qemu/hvm-guests.sh" > "$T_TMP/dom0-script.sh"

# hvm1: what an admin gets from xen-create-image --type=hvm
build hvm1 --type=hvm --ip=192.0.2.30/24 --gateway=192.0.2.1 --noswap --hooks=0 --password=qemu-test-pw
t_eq "HVM guest image built by xen-create-image --type=hvm" 0 "$(cat hvm1.rc)"
[ "$(cat hvm1.rc)" = 0 ] || { t_diag "$(tail -n 20 hvm1.out)"; t_end; }

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
qh_boot "$img" out "$T_TMP/dom0-script.sh" --direct --timeout 2700 --memory 2560 \
    --xen-args "guest_loglvl=all" "${DM_FILES[@]}" --disk "$T_TMP/srv/domains/hvm1/disk.img" \
    --file "$T_TMP/etc/hvm1.cfg:$S/hvm1.cfg" --file /bin/busybox:$S/busybox \
    --file "$T_TMP/ovmf.img:$S/ovmf.img"
t_eq "QEMU ran to power-off within the time limit" 0 "$?"
cp out/test.log test.log; cp out/console.log console.log
t_diag "boot took $(cat out/seconds) s" "$(grep -E '^QH-(DM-VERSION|HVM1-TIMES|OVMF-TIMES|END)' test.log)"

dm_verdicts test.log

# hvm1
t_grep "xl create of the generated HVM config succeeded" '^QH-CREATE rc=0$' test.log
t_grep "its device model was started" '^QH-HVM1-DM running$' test.log
t_grep "hvmloader ran" '^QH-HVMLOADER .*HVM Loader' test.log
t_grep "SeaBIOS ran" '^QH-SEABIOS .*SeaBIOS \(version' test.log
t_grep "the guest's own GRUB ran (on the serial console)" '^QH-GRUB .*GNU GRUB' test.log
t_grep "its GRUB ended its countdown and began reading the kernel" '^QH-HVM1-TIMES .* loading-linux=[0-9]' test.log
t_grep "... and then the initrd" '^QH-HVM1-TIMES .* loading-initrd=[0-9]' test.log
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
t_diag "$(grep -E '^QH-HVM1-(PROGRESS|ENTER-SENT)' test.log)" "$(tail -n 5 out/qemu.out)"
t_grep "test script finished" '^QH-TEST-END rc=0' test.log
[ $T_FAILED = 0 ] || t_diag "$(grep -E '^QH-(CREATE-OUT|SERIAL|XLDMESG|DMLOG|PINGOUT|OVMF-SERIAL|OVMF-XLDMESG|OVMF-CREATE-OUT)' test.log | tail -n 120)"
t_end

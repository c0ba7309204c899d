# tests/qemu/dmlib.sh - the device model checks that share the HVM test's boot (t595):
# their payload, made here, and their verdicts, read from that boot's test log. The dom0
# side is tests/qemu/dm-checks.sh. Sourced after tests/lib.sh and hostlib.sh (bash).

# dm_payload ROOTFS: the qdisk guest (a busybox initramfs with the host kernel's
# xen-blkfront, printing the head of its disk) and its qcow2 disk, made with qemu-img from
# a raw file holding a random token. Sets DM_FILES (qh_boot --file arguments), DM_TOKEN.
dm_payload() {
    local rootfs=$1 kver blkfront g a
    kver=$(ls "$rootfs/lib/modules" | head -n 1)
    blkfront=$(find "$rootfs/lib/modules/$kver" -name 'xen-blkfront.ko*' | head -n 1)
    g=$T_TMP/qguest; rm -rf "$g"; mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev"
    cp /bin/busybox "$g/bin/busybox"
    for a in sh mount poweroff sleep cat echo head insmod; do ln -s busybox "$g/bin/$a"; done
    [ -z "$blkfront" ] || cp "$blkfront" "$g/xen-blkfront.ko"
    cat > "$g/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
echo "QH-QDISK-UP"
[ -f /xen-blkfront.ko ] && insmod /xen-blkfront.ko
i=0; while [ ! -b /dev/xvda ] && [ $i -lt 150 ]; do sleep 1; i=$((i + 1)); done
echo "QH-QDISK-XVDA after ${i}s: $(ls /sys/bus/xen/devices 2>&1 | tr '\n' ' ') blkfront=$(grep -c xen_blkfront /proc/modules)"
echo "QH-QDISK-READ $(head -c 48 /dev/xvda 2>&1)"
echo "QH-QDISK-DONE"
poweroff -f
INIT
    chmod 755 "$g/init"
    (cd "$g" && find . | cpio -o -H newc --quiet | gzip -9) > "$T_TMP/qdisk-initrd.gz"
    DM_TOKEN="QDISK-TOKEN-$(cat /proc/sys/kernel/random/uuid)"
    printf '%-48s' "$DM_TOKEN" > "$T_TMP/qdisk.raw" && truncate -s 16M "$T_TMP/qdisk.raw" &&
        qemu-img convert -f raw -O qcow2 "$T_TMP/qdisk.raw" "$T_TMP/qdisk.qcow2" || t_fail "qcow2 disk made with qemu-img"
    t_eq "the qdisk guest's disk is a qcow2 file" qcow2 \
        "$(qemu-img info --output=json "$T_TMP/qdisk.qcow2" | sed -n 's/.*"format": "\([a-z0-9]*\)".*/\1/p' | head -n 1)"
    DM_FILES=(--file "$T_TMP/qdisk-initrd.gz:/var/lib/xenhost-test/qdisk-initrd.gz"
              --file "$T_TMP/qdisk.qcow2:/var/lib/xenhost-test/qdisk.qcow2")
}

# dm_verdicts LOG: the checks, from the markers of tests/qemu/dm-checks.sh in LOG
dm_verdicts() {
    local log=$1 qv d f
    qv=$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/qemu/recipe" UPSTREAM_VERSION | cut -d+ -f1)
    t_grep "xenhost-qemu is installed (pulled in by xenhost's Recommends)" '^QH-DM-PACKAGE xenhost-qemu .* ii ?$' "$log"
    t_grep "the device model runs: QEMU $qv" "^QH-DM-VERSION QEMU emulator version $(t_re "$qv")" "$log"
    t_grep "the device model finds all its libraries" '^QH-DM-LDD-MISSING 0$' "$log"
    for d in xen-platform usb-tablet virtio-net-pci e1000 rtl8139 cirrus-vga VGA ide-hd ich9-ahci; do
        t_grep "the device model has the $d device" "^QH-DM-DEVICE $d yes\$" "$log"
    done
    t_grep "the device model's only accelerator is Xen (no TCG, no KVM)" '^QH-DM-ACCELS xen $' "$log"
    t_grep "the device model has the xenfv and xenpv machines" '^QH-DM-MACHINES .*xenfv.* xenpv' "$log"
    for f in /usr/lib/xen/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/ovmf/OVMF.fd; do
        t_grep "firmware $f installed" "^QH-FIRMWARE $f present\$" "$log"
    done
    t_grep "the qdisk unit is active" '^QH-QDISK-UNIT active$' "$log"
    t_grep "the qdisk unit runs the packaged device model for dom0" '^QH-QDISK-PROC running$' "$log"
    t_nogrep "xl create of an HVM guest whose device model cannot start fails" '^QH-BADDM rc=0$' "$log"
    t_grep "... with an error naming the device model" '^QH-BADDM-OUT .*device model' "$log"
    t_grep "... and leaves no domain behind" '^QH-BADDM-DOMAIN none$' "$log"
    t_grep "... and no QEMU behind" '^QH-BADDM-QEMU none$' "$log"
    t_grep "... and the device model's log says why" '^QH-BADDM-DMLOG .*no-such-option' "$log"
    t_grep "xl create of a PV guest on a qcow2 disk succeeded" '^QH-QDISK-CREATE rc=0$' "$log"
    t_grep "the qcow2 disk is served by the qdisk backend" '^QH-QDISK-BACKEND [0-9]' "$log"
    t_grep "the guest read its qcow2 disk's contents" "^QH-QDISK-GUEST QH-QDISK-READ $(t_re "$DM_TOKEN")" "$log"
    t_grep "the device model checks finished" '^QH-DM-CHECKS-END' "$log"
    grep -q '^QH-QDISK-GUEST QH-QDISK-READ' "$log" || t_diag "$(grep -E '^QH-QDISK-(TRACE|WAITED|CREATE-OUT)' "$log")"
}

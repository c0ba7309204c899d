# tests/qemu/hostlib.sh - a real Debian 12 Xen host, built from our packages, booted
# under QEMU TCG. Sourced after tests/lib.sh (bash).
#
#   qh_rootfs            directory: debootstrap'ed bookworm + `apt-get install xenhost` from
#                        a local repository of build/debs (cached by packages + this file)
#   qh_host_image        raw disk image (GPT: BIOS boot, ESP, root) with GRUB installed for
#                        BIOS and UEFI and update-grub run in the image (cached likewise)
#   qh_plain_image       the same disk for a plain Debian 12 without Xen (the test plumbing
#                        only): what an admin has before `apt-get install xenhost`
#   qh_offline_repo      directory: a local apt repository of build/debs plus every Debian
#                        package `apt-get install xenhost` pulls into the plain system (the
#                        test hosts reach no archive), with its Packages index
#   qh_boot IMAGE OUTDIR SCRIPT [--uefi] [--direct] [--timeout S] [--file SRC:DEST]...
#                        [--disk FILE] [--xen-args ARGS] [--memory MiB] [--native]
#       Boots a private copy of IMAGE (OUTDIR/disk.img, reused when already there, so
#       several boots share state). SCRIPT (POSIX sh) and the --file payloads travel on a
#       small tar disk (virtio serial "xenhost-test"); in the host a unit copies them in
#       place, installs SCRIPT as /usr/local/sbin/xenhost-test and runs it after
#       multi-user.target, its output going to the second serial port (OUTDIR/test.log).
#       The whole first serial port is OUTDIR/console.log. The machine powers off when the
#       script returns, unless it exported QH_NO_POWEROFF=1. --direct boots Xen with QEMU's
#       multiboot loader instead of firmware + GRUB; --native boots the host image's
#       Linux kernel (qh_rootfs's, as --direct does) that way, without Xen: for package
#       work that needs no hypervisor (a PV dom0 under TCG ran t320's apt work 1.8 times
#       as slowly). --disk attaches a raw disk with virtio serial "extra1"
#       (/dev/disk/by-id/virtio-extra1 in dom0). Returns non-zero on timeout.
# Every step is logged under $T_TMP; caches live in $XENHOST_CACHE/qemu.

QH_SUITE=bookworm
QH_CACHE=$XENHOST_CACHE/qemu
QH_INCLUDE=systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,kmod,procps,iproute2,ifupdown,isc-dhcp-client,busybox,grub-pc,grub-efi-amd64-bin,less,ca-certificates

qh_log() { echo "# qemu: $*" >&2; }

# The host's own Debian mirror for $QH_SUITE (never a hard-coded host name).
qh_mirror() {
    sh "$T_TOP/src/build/apt-entries" | awk -F'|' -v s="$QH_SUITE" '$2 == s { print $1; exit }'
}

# Run CMD... with proc/sys/dev mounted in ROOT; always unmounts.
qh_chroot() {
    local root=$1 rc; shift
    mount -t proc proc "$root/proc" && mount -t sysfs sys "$root/sys" && mount --bind /dev "$root/dev" &&
        mount -t devpts devpts "$root/dev/pts" 2>/dev/null
    chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
    rc=$?
    umount "$root/dev/pts" 2>/dev/null; umount "$root/dev" "$root/sys" "$root/proc" 2>/dev/null
    return $rc
}

# debootstrap base: $QH_CACHE/base-<key>, key = suite + mirror + package list.
qh_base() {
    local mirror key dir tmp
    mirror=$(qh_mirror)
    [ -n "$mirror" ] || { qh_log "no apt source for $QH_SUITE on this host"; return 1; }
    key=$(printf '%s\n' "$QH_SUITE" "$mirror" "$QH_INCLUDE" | sha256sum | cut -c1-12)
    dir=$QH_CACHE/base-$key
    if [ ! -f "$dir/.complete" ]; then
        mkdir -p "$QH_CACHE"
        tmp=$(mktemp -d "$QH_CACHE/base.XXXXXX")
        qh_log "debootstrap $QH_SUITE from $mirror (cold cache, about 2 min)"
        if ! debootstrap --variant=minbase --include="$QH_INCLUDE" "$QH_SUITE" "$tmp" "$mirror" > "$T_TMP/debootstrap.log" 2>&1; then
            qh_log "debootstrap failed: $(tail -n 3 "$T_TMP/debootstrap.log")"; rm -rf "$tmp"; return 1
        fi
        chroot "$tmp" apt-get clean
        touch "$tmp/.complete"
        # another test (tests/run's other lane) may have made it meanwhile and be using it
        if [ -f "$dir/.complete" ]; then rm -rf "$tmp"; else rm -rf "$dir"; mv "$tmp" "$dir"; fi
    fi
    echo "$dir"
}

# The .debs a test host is made from: every package of build-debs, and the device model
# (xenhost-qemu, build-qemu) only when QH_DEVICE_MODEL=1. The boot tests of PV and PVH
# hosts run while make check builds the device model beside them (tests/run's lanes), so
# their hosts are made without it, as `apt-get install xenhost` makes one when the
# recommended xenhost-qemu is not available; t595 (HVM) and t650's offline repository
# (qh_offline_repo, all of build/debs) have it.
qh_host_debs() {
    local d
    for d in "$XENHOST_BUILD"/debs/*.deb; do
        [ -f "$d" ] || continue
        case ${d##*/} in xenhost-qemu_*|xenhost-qemu-dbgsym_*) [ "${QH_DEVICE_MODEL:-0}" = 1 ] || continue ;; esac
        echo "$d"
    done
}
qh_debs_sum() { qh_host_debs | xargs -r cat -- | sha256sum | cut -c1-12; }

# Copy BASE to DIR and install our packages with apt from a local repository in it.
# Leaves the repository configured in DIR only if QH_KEEP_REPO=1.
qh_install_xenhost() {
    local base=$1 dir=$2 pkgs=${3:-xenhost}
    cp -a "$base/." "$dir/" || return 1
    rm -f "$dir/.complete"
    mkdir -p "$dir/srv/xenhost-repo"
    qh_host_debs | xargs -r cp -t "$dir/srv/xenhost-repo/" --
    (cd "$dir/srv/xenhost-repo" && apt-ftparchive packages . > Packages) || return 1
    echo "deb [trusted=yes] file:/srv/xenhost-repo ./" > "$dir/etc/apt/sources.list.d/xenhost-local.list"
    # shellcheck disable=SC2086
    qh_chroot "$dir" sh -c "apt-get update -q && apt-get install -y -q $pkgs"
}

# The image depends on the base, the packages and the code that builds it (not on the
# code that boots it).
qh_rootfs_key() {
    { basename "$1"; qh_debs_sum; declare -f qh_install_xenhost qh_configure_rootfs qh_disk_image; } | sha256sum | cut -c1-12
}

qh_rootfs() {
    local base key dir tmp
    base=$(qh_base) || return 1
    ls "$XENHOST_BUILD"/debs/xenhost_*.deb >/dev/null 2>&1 || { qh_log "no packages in $XENHOST_BUILD/debs"; return 1; }
    key=$(qh_rootfs_key "$base")
    dir=$QH_CACHE/rootfs-$key
    if [ ! -f "$dir/.complete" ]; then
        tmp=$(mktemp -d "$QH_CACHE/rootfs.XXXXXX")
        qh_log "installing xenhost into a copy of $(basename "$base")"
        if ! qh_install_xenhost "$base" "$tmp" > "$T_TMP/rootfs-install.log" 2>&1; then
            qh_log "apt-get install xenhost failed: $(tail -n 5 "$T_TMP/rootfs-install.log")"; rm -rf "$tmp"; return 1
        fi
        rm -rf "$tmp/srv/xenhost-repo" "$tmp/etc/apt/sources.list.d/xenhost-local.list" "$tmp"/var/lib/apt/lists/_srv_*
        qh_configure_rootfs "$tmp" || { rm -rf "$tmp"; return 1; }
        touch "$tmp/.complete"
        rm -rf "$dir"; mv "$tmp" "$dir"
        # keep the cache bounded: roots and disks of other packages go after 12 hours
        # (not at once: another test run may be using them right now)
        find "$QH_CACHE" -maxdepth 1 \( -name 'rootfs-*' -o -name 'disk-*' -o -name 'repo-*' \) ! -name 'disk-plain-*' \
            ! -name "*-$key*" -mmin +720 -exec rm -rf {} +
    fi
    echo "$dir"
}

# Test plumbing and a serial console, as an admin of a headless host would set up.
qh_configure_rootfs() {
    local r=$1
    echo xenhost-test > "$r/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 xenhost-test\n' > "$r/etc/hosts"
    chroot "$r" passwd -d root >/dev/null
    cat > "$r/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0,115200n8"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
# Xen under QEMU TCG: see shared/notes/xen-in-qemu.md (eager FPU avoids corrupted SSE state)
GRUB_CMDLINE_XEN_DEFAULT="console=com1 com1=115200,8n1 spec-ctrl=eager-fpu"
GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="console=hvc0 earlyprintk=xen"
EOF
    cat > "$r/usr/local/sbin/xenhost-test-runner" <<'EOF'
#!/bin/sh
# Runs the test script that arrived on the "xenhost-test" disk; output to ttyS1.
disk=/dev/disk/by-id/virtio-xenhost-test
out=/dev/ttyS1
[ -w "$out" ] && stty -F "$out" 115200 raw 2>/dev/null || out=/dev/console
rm -rf /run/xenhost-test && mkdir -p /run/xenhost-test
tar -xf "$disk" -C /run/xenhost-test || { echo "QH-TEST-ERROR cannot read $disk" > "$out"; exit 1; }
if [ -d /run/xenhost-test/files ]; then cp -a /run/xenhost-test/files/. /; fi
install -m 0755 /run/xenhost-test/script /usr/local/sbin/xenhost-test
echo "QH-TEST-START boot=$(cat /proc/sys/kernel/random/boot_id)" > "$out"
sh -c 'trap "[ \"\${QH_NO_POWEROFF:-}\" = 1 ] && touch /run/xenhost-test/no-poweroff" EXIT; . /usr/local/sbin/xenhost-test' > "$out" 2>&1
rc=$?
echo "QH-TEST-END rc=$rc" > "$out"
sync
[ -e /run/xenhost-test/no-poweroff ] || systemctl --no-block poweroff
EOF
    chmod 0755 "$r/usr/local/sbin/xenhost-test-runner"
    cat > "$r/etc/systemd/system/xenhost-test.service" <<'EOF'
[Unit]
Description=xenhost test script from the test disk
After=multi-user.target
ConditionPathExists=/dev/disk/by-id/virtio-xenhost-test

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/xenhost-test-runner
StandardOutput=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
    ln -sf /etc/systemd/system/xenhost-test.service "$r/etc/systemd/system/multi-user.target.wants/xenhost-test.service"
    # No login prompt on the consoles: the tests read markers, not logins.
    ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"
    ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS1.service"
    ln -sf /dev/null "$r/etc/systemd/system/serial-getty@hvc0.service"
}

# A plain Debian 12 root: the debootstrap base with the test plumbing, no Xen.
qh_plain_rootfs() {
    local base key dir tmp
    base=$(qh_base) || return 1
    key=$( { basename "$base"; declare -f qh_configure_rootfs qh_disk_image; } | sha256sum | cut -c1-12)
    dir=$QH_CACHE/plain-$key
    if [ ! -f "$dir/.complete" ]; then
        tmp=$(mktemp -d "$QH_CACHE/plain.XXXXXX")
        qh_log "plain Debian root from $(basename "$base")"
        cp -a "$base/." "$tmp/" && rm -f "$tmp/.complete" && qh_configure_rootfs "$tmp" || { rm -rf "$tmp"; return 1; }
        touch "$tmp/.complete"
        rm -rf "$dir"; mv "$tmp" "$dir"
    fi
    echo "$dir"
}

# The local repository an offline `apt-get install xenhost` needs on a plain system:
# our packages and the Debian packages they pull in (Recommends included, as apt does by
# default), found by apt itself in a copy of the plain root. $QH_CACHE/repo-<key>.
qh_offline_repo() {
    local base key dir tmp root
    base=$(qh_base) || return 1
    ls "$XENHOST_BUILD"/debs/xenhost_*.deb >/dev/null 2>&1 || { qh_log "no packages in $XENHOST_BUILD/debs"; return 1; }
    # all of our packages, the recommended device model too (an admin's apt installs it)
    ls "$XENHOST_BUILD"/debs/xenhost-qemu_*.deb >/dev/null 2>&1 ||
        { qh_log "no xenhost-qemu .deb in $XENHOST_BUILD/debs (src/build/build-qemu)"; return 1; }
    key=$( { basename "$base"; QH_DEVICE_MODEL=1 qh_debs_sum; declare -f qh_offline_repo; } | sha256sum | cut -c1-12)
    dir=$QH_CACHE/repo-$key
    if [ ! -f "$dir/Packages" ]; then
        tmp=$(mktemp -d "$QH_CACHE/repo.XXXXXX"); root=$tmp/root
        mkdir -p "$root" "$tmp/repo"
        qh_log "finding the Debian packages apt-get install xenhost pulls in"
        cp -a "$base/." "$root/" && mkdir -p "$root/srv/xenhost-debs" &&
            cp "$XENHOST_BUILD"/debs/*.deb "$root/srv/xenhost-debs/" &&
            (cd "$root/srv/xenhost-debs" && apt-ftparchive packages . > Packages) &&
            echo "deb [trusted=yes] file:/srv/xenhost-debs ./" > "$root/etc/apt/sources.list.d/xenhost-local.list" &&
            qh_chroot "$root" sh -c 'apt-get update -q && apt-get install -y -q --download-only xenhost' > "$T_TMP/repo.log" 2>&1 &&
            cp "$root"/var/cache/apt/archives/*.deb "$XENHOST_BUILD"/debs/*.deb "$tmp/repo/" &&
            (cd "$tmp/repo" && apt-ftparchive packages . > Packages) ||
            { qh_log "offline repository failed: $(tail -n 5 "$T_TMP/repo.log")"; rm -rf "$tmp"; return 1; }
        rm -rf "$dir"; mv "$tmp/repo" "$dir"; rm -rf "$tmp"
    fi
    echo "$dir"
}

qh_host_image() { local r; r=$(qh_rootfs) && qh_disk_image "$r"; }
qh_plain_image() { local r; r=$(qh_plain_rootfs) && qh_disk_image "$r"; }

# The disk image of ROOTFS: $QH_CACHE/disk-<name>.img with partitions BIOS boot, ESP, root.
qh_disk_image() {
    local rootfs=$1 key img tmp uuid esp_uuid loop mnt rc=0
    key=$(basename "$rootfs"); key=${key#rootfs-}
    img=$QH_CACHE/disk-$key.img
    if [ ! -f "$img" ]; then
        tmp=$QH_CACHE/disk-$key.tmp
        rm -f "$tmp"
        qh_log "making the disk image (GRUB for BIOS and UEFI)"
        uuid=$(cat /proc/sys/kernel/random/uuid)
        truncate -s 6G "$tmp"
        sgdisk -o -n1:2048:+1M -t1:ef02 -n2:0:+64M -t2:ef00 -n3:0:0 -t3:8300 "$tmp" >/dev/null 2>&1 || return 1
        local p3_start p3_end p2_start
        p2_start=$(sgdisk -i 2 "$tmp" | awk '/First sector/ {print $3}')
        p3_start=$(sgdisk -i 3 "$tmp" | awk '/First sector/ {print $3}')
        p3_end=$(sgdisk -i 3 "$tmp" | awk '/Last sector/ {print $3}')
        cat > "$rootfs.fstab" <<EOF
UUID=$uuid / ext4 errors=remount-ro 0 1
EOF
        cp "$rootfs.fstab" "$rootfs/etc/fstab"
        # Root filesystem populated without mounting; then GRUB needs a mounted tree.
        mkfs.ext4 -q -F -U "$uuid" -L xenhost-root -E offset=$((p3_start * 512)) -d "$rootfs" \
            "$tmp" $(((p3_end - p3_start + 1) / 2))k || { rm -f "$tmp"; return 1; }
        esp_uuid=$(printf '%04X-%04X' $((RANDOM)) $((RANDOM)))
        mkfs.vfat -F 16 -n ESP -i "${esp_uuid%-*}${esp_uuid#*-}" --offset "$p2_start" "$tmp" 65536 >/dev/null 2>&1 || { rm -f "$tmp"; return 1; }
        loop=$(losetup -f --show "$tmp") || { rm -f "$tmp"; return 1; }
        partx -a "$loop" 2>/dev/null || true
        mnt=$(mktemp -d)
        # Only the root is mounted (ext4): this build host's kernel has no vfat, so the
        # ESP is written with mtools below.
        if mount "${loop}p3" "$mnt"; then
            # A private /dev so update-grub writes root=UUID=..., not the build host's loop name.
            mount -t tmpfs tmpfs "$mnt/dev" && mkdir -p "$mnt/dev/disk/by-uuid" &&
                cp -a "$loop" "${loop}p1" "${loop}p2" "${loop}p3" /dev/null /dev/zero /dev/urandom "$mnt/dev/" &&
                ln -s "../../$(basename "$loop")p3" "$mnt/dev/disk/by-uuid/$uuid" &&
                mount -t proc proc "$mnt/proc" && mount -t sysfs sys "$mnt/sys" || rc=1
            echo "UUID=$esp_uuid /boot/efi vfat umask=0077,nofail 0 1" >> "$mnt/etc/fstab"
            mkdir -p "$mnt/boot/efi"
            if [ $rc = 0 ]; then
                # BIOS: GRUB's core image in the BIOS boot partition. UEFI: a removable-path
                # EFI image that finds the root by UUID and reads the same grub.cfg.
                mkdir -p "$mnt/boot/grub/x86_64-efi"
                cp "$mnt"/usr/lib/grub/x86_64-efi/*.mod "$mnt"/usr/lib/grub/x86_64-efi/*.lst "$mnt/boot/grub/x86_64-efi/"
                printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n' \
                    "$uuid" > "$mnt/boot/grub/efi-early.cfg"
                chroot "$mnt" grub-install --target=i386-pc "$loop" > "$T_TMP/grub-install.log" 2>&1 &&
                chroot "$mnt" grub-mkimage -O x86_64-efi -o /boot/grub/BOOTX64.EFI -c /boot/grub/efi-early.cfg \
                    -p /boot/grub part_gpt part_msdos fat ext2 normal configfile search search_fs_uuid \
                    multiboot2 linux gzio serial terminal echo test all_video efi_gop boot ls cat loadenv \
                    >> "$T_TMP/grub-install.log" 2>&1 &&
                cp "$mnt/boot/grub/BOOTX64.EFI" "$T_TMP/BOOTX64.EFI" &&
                chroot "$mnt" update-grub >> "$T_TMP/grub-install.log" 2>&1 || rc=1
            fi
            [ $rc = 0 ] || qh_log "GRUB installation failed: $(tail -n 5 "$T_TMP/grub-install.log")"
            umount "$mnt/proc" "$mnt/sys" "$mnt/dev" 2>/dev/null
            umount "$mnt" || rc=1
        else
            rc=1
        fi
        rmdir "$mnt"
        partx -d "$loop" 2>/dev/null || true
        losetup -d "$loop"
        if [ $rc = 0 ]; then
            mmd -i "$tmp@@$((p2_start * 512))" ::/EFI ::/EFI/BOOT &&
                mcopy -i "$tmp@@$((p2_start * 512))" "$T_TMP/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI || rc=1
        fi
        [ $rc = 0 ] || { rm -f "$tmp"; return 1; }
        mv "$tmp" "$img"
    fi
    echo "$img"
}

# Files QEMU's multiboot loader needs for --direct, cached next to the rootfs.
qh_direct_files() {
    local rootfs=$1 d=$1.direct
    if [ ! -f "$d/.complete" ]; then
        rm -rf "$d"; mkdir -p "$d"
        local xen
        xen=$(ls "$rootfs"/boot/xen-*.gz | grep -v -- '-dbg\.gz$' | head -n 1)
        [ -n "$xen" ] || { qh_log "no hypervisor in $rootfs/boot"; return 1; }
        gunzip -c "$xen" > "$d/xen" && cp "$rootfs"/boot/vmlinuz-* "$d/vmlinuz" &&
            cp "$rootfs"/boot/initrd.img-* "$d/initrd.img" && touch "$d/.complete" || return 1
    fi
    echo "$d"
}

qh_boot() {
    local image=$1 out=$2 script=$3 uefi=0 direct=0 native=0 timeout=600 disk= xen_args= mem=3072 spec
    shift 3
    local -a files=()
    while [ $# -gt 0 ]; do
        case $1 in
            --uefi) uefi=1 ;;
            --direct) direct=1 ;;
            --native) native=1 ;;
            --timeout) timeout=$2; shift ;;
            --file) files+=("$2"); shift ;;
            --disk) disk=$2; shift ;;
            --xen-args) xen_args=$2; shift ;;
            --memory) mem=$2; shift ;;
            *) qh_log "qh_boot: unknown option $1"; return 2 ;;
        esac
        shift
    done
    mkdir -p "$out"
    [ -f "$out/disk.img" ] || cp --sparse=always "$image" "$out/disk.img" || return 1
    # The test disk: a tar with the script and the payload files.
    local pay=$out/payload
    rm -rf "$pay"; mkdir -p "$pay/files"
    cp "$script" "$pay/script" || return 1
    for spec in "${files[@]}"; do
        mkdir -p "$pay/files/$(dirname "${spec#*:}")"
        cp -a "${spec%%:*}" "$pay/files/${spec#*:}" || return 1
    done
    tar -C "$pay" -cf "$out/test.tar" script files
    : > "$out/console.log"; : > "$out/test.log"
    local -a q=(qemu-system-x86_64 -M pc -m "$mem" -smp 2 -cpu max,-smap,-smep,-rdtscp
        -display none -no-reboot -monitor none
        -serial "file:$out/console.log" -serial "file:$out/test.log"
        # the system disk boots before the test disks (SeaBIOS hangs on the tar disk);
        # index 1, since QEMU's -kernel loader takes index 0
        -drive "file=$out/disk.img,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0,bootindex=1
        -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0)
    [ -z "$disk" ] || q+=(-drive "file=$disk,format=raw,if=none,id=x1" -device "virtio-blk-pci,drive=x1,serial=extra1")
    q+=(-drive "file=$out/test.tar,format=raw,if=none,id=t,readonly=on" -device "virtio-blk-pci,drive=t,serial=xenhost-test")
    if [ $uefi = 1 ]; then
        [ -f "$out/OVMF_VARS.fd" ] || cp /usr/share/OVMF/OVMF_VARS.fd "$out/OVMF_VARS.fd"
        q+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd
            -drive "if=pflash,format=raw,file=$out/OVMF_VARS.fd")
    fi
    if [ $direct = 1 ] || [ $native = 1 ]; then
        local rootfs d uuid
        rootfs=$(qh_rootfs) || return 1
        d=$(qh_direct_files "$rootfs") || return 1
        uuid=$(awk '$2 == "/" { sub(/^UUID=/, "", $1); print $1 }' "$rootfs.fstab")
        if [ $direct = 1 ]; then
            q+=(-kernel "$d/xen"
                -append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M spec-ctrl=eager-fpu $xen_args"
                -initrd "$d/vmlinuz root=UUID=$uuid ro console=hvc0 earlyprintk=xen panic=-1,$d/initrd.img")
        else
            q+=(-kernel "$d/vmlinuz" -initrd "$d/initrd.img" -append "root=UUID=$uuid ro console=ttyS0,115200 panic=-1")
        fi
    fi
    printf '%q ' "${q[@]}" > "$out/qemu.cmd"
    local start=$(date +%s) rc
    timeout --kill-after=15 "$timeout" "${q[@]}" > "$out/qemu.out" 2>&1
    rc=$?
    echo "$(( $(date +%s) - start ))" > "$out/seconds"
    [ $rc = 0 ] || qh_log "QEMU exited $rc after $(cat "$out/seconds") s (124 = timeout)"
    return $rc
}

#!/bin/bash
# --lvm VG with lvm2 on a loop device (common-lvm.sh: real lvm2; activation
# stood in for by loop devices when the kernel has no device-mapper): the LVs
# and their sizes, the filesystem and the guest's files inside the disk LV, the
# xl config, refusal without --force leaving the LV untouched, injected
# failures leaving no temporary LV, a SIGKILLed run's temporary LV swept by the
# next run (an LV of a live process and look-alike names left alone), and
# xen-delete-image removing the LVs.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xen-tools/common-build.sh"
. "$T_TOP/tests/xen-tools/common-lvm.sh"
t_diag "volume group $VG on $PV, activation: $LVM_MODE"
[ $LVM_MODE = real ] || t_skip "real LV activation" "no device-mapper in this kernel: LVs are activated as loop devices over their extents"
t0=$(date +%s)

# --- a guest on LVM (the cached base: the fast path)
build l1 --lvm="$VG" --dhcp --hooks=0
t_eq "a guest builds into $VG" 0 "$(cat l1.rc)"
[ "$(cat l1.rc)" = 0 ] || { t_diag "$(cat l1.out)"; t_end; }
t_eq "LVs l1-disk (1G) and l1-swap (64M), nothing else" "l1-disk 1073741824|l1-swap 67108864" "$(lv_list | paste -sd'|')"
t_eq "the disk LV holds an ext4 filesystem" ext4 "$(blkid -p -o value -s TYPE "/dev/$VG/l1-disk")"
t_eq "the guest's /etc/hostname, read from the LV" l1 "$(debugfs -R 'cat /etc/hostname' "/dev/$VG/l1-disk" 2>/dev/null)"
t_check "the filesystem on the LV is clean (e2fsck -fn)" e2fsck -fn "/dev/$VG/l1-disk"
t_eq "the swap LV has a swap signature" swap "$(blkid -p -o value -s TYPE "/dev/$VG/l1-swap")"
t_grep "xl config: root disk is the LV" "target=/dev/$VG/l1-disk'" etc/l1.cfg
t_grep "xl config: swap is the LV" "target=/dev/$VG/l1-swap'" etc/l1.cfg
t_grep "xl config: marked as ours, storage lvm:$VG" "^#xci .* storage=lvm:$VG " etc/l1.cfg
t_eq "no image directory made for an LVM guest" "" "$(ls srv/domains 2>/dev/null)"

# --- refused without --force; the LV is untouched
sum() { dd if="/dev/$VG/l1-disk" bs=1M count=1 2>/dev/null | sha256sum; }
sum1=$(sum); uuid1=$(blkid -p -o value -s UUID "/dev/$VG/l1-disk"); lvs1=$(lv_list)
build l1 --lvm="$VG" --dhcp --hooks=0 --autostart
t_eq "second run without --force: exit 1" 1 "$(cat l1.rc)"
t_grep "second run: names the existing LV" "/dev/$VG/l1-disk: exists; refusing" l1.out
t_eq "second run: the LV's first MiB unchanged" "$sum1" "$(sum)"
t_eq "second run: same filesystem UUID" "$uuid1" "$(blkid -p -o value -s UUID "/dev/$VG/l1-disk")"
t_eq "second run: no LV added or removed" "$lvs1" "$(lv_list)"
t_eq "second run: no autostart link" "" "$(ls etc/auto 2>/dev/null)"

# --- injected failures leave no temporary LV
XENHOST_XCI_FAULT=publish build l2 --lvm="$VG" --dhcp --hooks=0
t_eq "SIGTERM at publish (both LVs made): exit 1" 1 "$(cat l2.rc)"
t_eq "SIGTERM at publish: only the LVs from before" "$lvs1" "$(lv_list)"
mkdir -p failbin; printf '#!/bin/sh\necho "lvrename: injected failure" >&2\nexit 5\n' > failbin/lvrename; chmod +x failbin/lvrename
PATH="$T_TMP/failbin:$PATH" build l2 --lvm="$VG" --dhcp --hooks=0
t_eq "lvrename fails: exit 1" 1 "$(cat l2.rc)"
t_grep "lvrename fails: its message is shown" 'lvrename: injected failure' l2.out
t_eq "lvrename fails: only the LVs from before" "$lvs1" "$(lv_list)"
build l2 --lvm="$VG" --dhcp --hooks=0 --size=256M
t_eq "root filesystem too small for the LV: exit 1" 1 "$(cat l2.rc)"
t_eq "root filesystem too small: only the LVs from before" "$lvs1" "$(lv_list)"
t_eq "failures wrote no config" "" "$(ls etc/l2.cfg 2>/dev/null)"

# --- SIGKILL during mkfs on the LV: the next run sweeps the temporary LV
build_bg l3 --lvm="$VG" --dhcp --hooks=0
for i in $(seq 600); do pgrep -f "mke2fs .*/dev/$VG/l3-disk.xci$XCI_PID" >/dev/null && break; sleep 0.05; done
kill -KILL "$XCI_PID"; wait_bg l3; killed=$XCI_PID
for i in $(seq 600); do pgrep -f "\.xci$killed" >/dev/null || break; sleep 0.1; done   # orphaned mke2fs
t_eq "SIGKILL during mkfs: killed" 137 "$(cat l3.rc)"
t_grep "SIGKILL during mkfs: its temporary LV is left (SIGKILL cannot be handled)" "^l3-disk\.xci$killed " <(lv_list)
sleep 300 & live=$!; t_cleanup "kill $live"
( : ) & dead=$!; wait $dead
for lv in "fake-disk.xci$live" fake-disk.xci "fake-data.xci$dead" "fake-disk.xci0$dead" "fake-disk.xci${dead}x" "fake_x-disk.xci$dead"; do
    lvcreate -q -y -L 4m -n "$lv" "$VG" >/dev/null 2>&1 || t_diag "could not make LV $lv"
done
decoys=$(lv_list | grep '^fake')
t_eq "decoy LVs made" 6 "$(echo "$decoys" | grep -c .)"
build l3 --lvm="$VG" --dhcp --hooks=0
t_eq "next run: builds" 0 "$(cat l3.rc)"
t_grep "next run: says it removed the killed run's LV" "removed logical volume $VG/l3-disk.xci$killed: left by process $killed" l3.out
t_grep "next run: and the killed run's staging tree" "removed $XCI_CACHE/stage/l3\.$killed: left by process $killed" l3.out
t_eq "next run: one line per removed item, nothing else removed" 2 "$(grep -c 'removed ' l3.out)"
t_eq "next run: the guest's LVs, the decoys, no temporary" \
    "$(printf '%s\n' "$lvs1" "l3-disk 1073741824" "l3-swap 67108864" "$decoys" | sort)" "$(lv_list)"
t_eq "next run: the guest's hostname in its LV" l3 "$(debugfs -R 'cat /etc/hostname' "/dev/$VG/l3-disk" 2>/dev/null)"
t_grep "an LV of a live process is kept" "^fake-disk\.xci$live " <(lv_list)

# --- --type=hvm on an LV: the partition runs to the end of the LV's extents (1G + 1 MiB
# rounded up to 4 MiB extents), the filesystem fills it, debugfs adds the guest's files
# at the offset on the LV as on a file
build l4 --lvm="$VG" --type=hvm --dhcp --noswap --hooks=0
t_eq "an hvm guest builds into $VG" 0 "$(cat l4.rc)"
[ "$(cat l4.rc)" = 0 ] || t_diag "$(cat l4.out)"
l4=$(lv_list | sed -n 's/^l4-disk //p')
t_eq "hvm: its disk LV is 1G + 1 MiB in whole extents" $((1024 * 1024 * 1024 + 4 * 1048576)) "$l4"
t_eq "hvm: the partition runs to the LV's end" $((l4 / 512 - 2048)) "$(od -An -tu4 -j 458 -N 4 "/dev/$VG/l4-disk" | tr -d ' ')"
t_eq "hvm: the MBR's signature" 55aa "$(od -An -tx1 -j 510 -N 2 "/dev/$VG/l4-disk" | tr -d ' ')"
t_eq "hvm: the guest's /etc/hostname, at 1 MiB in the LV" l4 "$(debugfs -R 'cat /etc/hostname' "/dev/$VG/l4-disk?offset=1048576" 2>/dev/null)"
t_eq "hvm: the filesystem fills the partition" $(((l4 - 1048576) / 4096)) \
    "$(dumpe2fs -h "/dev/$VG/l4-disk?offset=1048576" 2>/dev/null | sed -n 's/^Block count: *//p')"
t_check "hvm: the filesystem on the LV is clean (e2fsck -fn)" e2fsck -fn "/dev/$VG/l4-disk?offset=1048576"
t_grep "hvm: xl config: the LV as the whole disk" "vdev=xvda, access=rw, target=/dev/$VG/l4-disk'" etc/l4.cfg

# --- xen-delete-image --lvm removes the LVs (and only those)
t_check "xen-delete-image --lvm removes l1, l3 and l4" "$XDI" --lvm="$VG" --output="$T_TMP/etc" l1 l3 l4
t_eq "only the decoys are left in $VG" "$decoys" "$(lv_list)"
t_eq "the configs are gone" "" "$(ls etc/*.cfg 2>/dev/null)"
t_diag "t570 builds took $(( $(date +%s) - t0 )) s"
t_end

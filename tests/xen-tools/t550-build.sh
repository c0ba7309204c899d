#!/bin/bash
# Real builds of bookworm guests into file images (nothing mounted), checked
# from inside the images: fstab, hostname, hvc0 getty, network for the real NIC
# name, password hash, fresh SSH host keys and machine-id per guest, kernel and
# GRUB config, apt sources; secrets kept out of logs, hooks and configs.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xen-tools/common-build.sh"

# guest A: fast path (image made from the cache, per-guest files added)
start=$(date +%s.%N)
build ga --dhcp --password='Sekr1t-pw!' --hooks=0
t_eq "guest A builds" 0 "$(cat ga.rc)"
t_diag "guest A: $(tail -1 ga.out) ($(grep -o 'base system.*' ga.out))"
[ "$(cat ga.rc)" = 0 ] || { t_diag "$(cat ga.out)"; t_end; }

# guest B: a hook and a role (the staging-copy path), static address, sha512
mkdir -p hooks roles
cat > hooks/10-record <<'EOS'
#!/bin/sh
# record what a hook sees: its arguments and environment
{ echo "args: $*"; env; } > "$HOOK_LOG_DIR/hook.env"
echo hooked > "$1/etc/hook-was-here"
EOS
cat > roles/marker <<'EOS'
#!/bin/sh
echo "role $2" > "$1/etc/role-was-here"
EOS
chmod +x hooks/10-record roles/marker
export HOOK_LOG_DIR=$T_TMP   # not passed on: hooks get a clean environment
sed -i "s|\$HOOK_LOG_DIR|$T_TMP|" hooks/10-record
start=$(date +%s.%N)
build gb --ip=192.0.2.20/24 --gateway=192.0.2.1 --nameserver=192.0.2.53 --password='Sekr1t-pw!' --hash_method=sha512 \
    --role=marker --role-args=blue --roledir="$T_TMP/roles" --autostart --verbose
warm=$(echo "$(date +%s.%N) - $start" | bc)
t_eq "guest B builds from the cache" 0 "$(cat gb.rc)"
t_grep "guest B used the cached base" 'base system .*copied from cache' gb.out
t_diag "guest B (from cache, with hook and role): ${warm}s"

# --- inside the images
t_eq "A: hostname" ga "$(img_cat ga /etc/hostname)"
t_eq "A: fstab" "/dev/xvda / ext4 noatime,errors=remount-ro 0 1|/dev/xvdb none swap sw 0 0" \
    "$(img_cat ga /etc/fstab | grep -v '^#' | tr '\t' ' ' | paste -sd'|')"
t_eq "A: hvc0 getty enabled" /lib/systemd/system/serial-getty@.service \
    "$(img_stat ga /etc/systemd/system/getty.target.wants/serial-getty@hvc0.service | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')"
img_stat ga /lib/systemd/system/serial-getty@.service | grep -q 'Type: regular' && t_ok "A: serial-getty@.service exists" || t_fail "A: serial-getty@.service exists"
img_cat ga /etc/network/interfaces > a.if
t_grep "A: network on enX0 (bookworm's name for a Xen vif)" '^allow-hotplug enX0$' a.if
t_grep "A: DHCP" '^iface enX0 inet dhcp$' a.if
img_cat gb /etc/network/interfaces > b.if
t_grep "B: static address" '^    address 192.0.2.20/24$' b.if
t_grep "B: gateway" '^    gateway 192.0.2.1$' b.if
t_eq "B: resolv.conf" "nameserver 192.0.2.53" "$(img_cat gb /etc/resolv.conf | grep -v '^#')"
t_eq "A: no resolv.conf copied from the build host" "" "$(img_cat ga /etc/resolv.conf)"
t_grep "B: hosts has the address" '^192.0.2.20	gb$' <(img_cat gb /etc/hosts)
img_cat ga /etc/shadow | grep '^root:' | cut -d: -f2 > a.hash
img_cat gb /etc/shadow | grep '^root:' | cut -d: -f2 > b.hash
t_grep "A: root password hashed with yescrypt" '^\$y\$' a.hash
t_grep "B: root password hashed with SHA-512" '^\$6\$' b.hash
cat > chk.c <<'EOS'
#include <crypt.h>
#include <stdio.h>
#include <string.h>
int main(int c, char **v) { char h[256]; if (c < 2 || !fgets(h, sizeof h, stdin)) return 2; h[strcspn(h, "\n")] = 0;
    const char *r = crypt(v[1], h); return r && strcmp(r, h) == 0 ? 0 : 1; }
EOS
cc -o chk chk.c -lcrypt 2>chk.log || { t_fail "the hash checker compiles" "$(cat chk.log)"; t_end; }
t_check "A: the hash is of the given password" sh -c "./chk 'Sekr1t-pw!' < a.hash"
t_must_fail "A: and not of another" sh -c "./chk 'wrong' < a.hash"
img_stat ga /etc/shadow | grep -q 'Mode:  0640' && img_stat ga /etc/shadow | grep -q 'Group:    42' \
    && t_ok "A: /etc/shadow stays root:shadow 0640" || t_fail "A: /etc/shadow mode" "$(img_stat ga /etc/shadow | head -3)"
ka=$(img_cat ga /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2); kb=$(img_cat gb /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2)
[ -n "$ka" ] && [ -n "$kb" ] && [ "$ka" != "$kb" ] && t_ok "A and B have different SSH host keys" || t_fail "different SSH host keys" "$ka" "$kb"
img_stat ga /etc/ssh/ssh_host_rsa_key | grep -q 'Mode:  0600' && t_ok "A: private host key is 0600" || t_fail "A: private host key is 0600"
t_eq "no SSH host key in the cache" "" "$(ls "$XCI_CACHE"/base/*/etc/ssh/ssh_host_* 2>/dev/null)"
ma=$(img_cat ga /etc/machine-id); mb=$(img_cat gb /etc/machine-id)
[[ $ma =~ ^[0-9a-f]{32}$ ]] && [[ $mb =~ ^[0-9a-f]{32}$ ]] && [ "$ma" != "$mb" ] && t_ok "A and B have different machine-ids" || t_fail "machine-ids" "$ma" "$mb"
k=$(img_stat ga /vmlinuz | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')
img_stat ga "/$k" | grep -q 'Type: regular' && t_ok "A: /vmlinuz -> $k, a kernel inside the guest" || t_fail "A: kernel inside the guest" "$k"
img_stat ga /initrd.img | grep -q 'Fast link dest' && t_ok "A: /initrd.img link" || t_fail "A: /initrd.img link"
t_grep "A: GRUB config boots /vmlinuz on xvda with console hvc0" 'linux /vmlinuz root=/dev/xvda ro console=hvc0' <(img_cat ga /boot/grub/grub.cfg)
img_cat ga /etc/apt/sources.list > a.apt
t_grep "A: apt sources: the dist" "^deb [^ ]+ bookworm main$" a.apt
t_grep "A: apt sources: security" "^deb [^ ]+ bookworm-security main$" a.apt
t_eq "B: the hook ran in the guest tree" hooked "$(img_cat gb /etc/hook-was-here)"
t_eq "B: the role ran with its argument" "role blue" "$(img_cat gb /etc/role-was-here)"
t_eq "A: no hook output (--hooks=0)" "" "$(img_cat ga /etc/hook-was-here)"
t_check "A: filesystem is clean (e2fsck -fn)" e2fsck -fn "$T_TMP/srv/domains/ga/disk.img"
t_check "B: filesystem is clean (e2fsck -fn)" e2fsck -fn "$T_TMP/srv/domains/gb/disk.img"
t_eq "image files are 0600" "600 600" "$(stat -c %a srv/domains/ga/disk.img srv/domains/gb/swap.img | paste -sd' ')"
t_eq "image size" 1073741824 "$(stat -c %s srv/domains/ga/disk.img)"
t_check "swap volume has a swap signature" sh -c "blkid -p srv/domains/ga/swap.img | grep -q 'TYPE=\"swap\"'"

# --- outside: config, autostart, secrets
t_grep "xl config written" '^name += "gb"$' etc/gb.cfg
t_eq "autostart link points to the config" "$T_TMP/etc/gb.cfg" "$(readlink etc/auto/gb.cfg)"
t_check "hook got the guest root as \$1" grep -q "^args: $T_TMP/srv\|^args: $XCI_CACHE/stage/gb" hook.env
t_nogrep "no secret in the hook's environment" 'Sekr1t|HOOK_LOG_DIR' hook.env
t_nogrep "no secret in the (verbose) output" 'Sekr1t' gb.out
t_nogrep "no secret in the xl config" 'Sekr1t|\$6\$|\$y\$' etc/gb.cfg
t_eq "no staging tree left behind" "" "$(ls "$XCI_CACHE/stage" 2>/dev/null)"

# --- --genpass: shown once on the terminal, nowhere else
t_need_cmd script
script -qec "$XCI --hostname=gc --dist=bookworm --size=1G --noswap --dir=$T_TMP/srv --output=$T_TMP/etc --cachedir=$XCI_CACHE --hooks=0 --genpass=1 --genpass_len=16" /dev/null > gc.tty 2>&1
pw=$(sed -n 's/^root password of gc: \([A-Za-z0-9]*\).*/\1/p' gc.tty)
t_eq "--genpass: a 16-character password shown on the terminal" 16 "${#pw}"
img_cat gc /etc/shadow | grep '^root:' | cut -d: -f2 > c.hash
t_check "--genpass: the image has its hash" sh -c "./chk '$pw' < c.hash"
t_eq "--genpass: shown exactly once" 1 "$(grep -c "$pw" gc.tty)"

# --- companions on real guests
t_check "xen-list-images lists the three" sh -c "$XLI --output=$T_TMP/etc | grep -c '^Name:' | grep -qx 3"
t_check "xen-delete-image removes A (the fake xl: not running)" "$XDI" --output="$T_TMP/etc" ga
[ ! -e srv/domains/ga ] && [ ! -e etc/ga.cfg ] && t_ok "A is gone whole" || t_fail "A is gone whole"

# --- --type=hvm: a partitioned disk booted by SeaBIOS and the guest's own GRUB (the
# build tests/qemu boots), checked structurally: MBR, boot.img's code, core.img at
# sector 1, the filesystem at 1 MiB, its UUID in fstab and grub.cfg, the xl config
build gh --type=hvm --ip=192.0.2.30/24 --gateway=192.0.2.1 --noswap --hooks=0 --password=qemu-test-pw
t_eq "hvm guest builds" 0 "$(cat gh.rc)"
t_diag "hvm guest: $(tail -1 gh.out) ($(grep -o 'base system.*' gh.out))"
[ "$(cat gh.rc)" = 0 ] || { t_diag "$(cat gh.out)"; t_end; }
D=$(img_disk gh)
# bytes N..N+L-1 of the disk as hex; an le32 at N as a number
hex() { od -An -tx1 -v -j "$1" -N "$2" "$D" | tr -d ' \n'; }
le32() { od -An -tu4 -j "$1" -N 4 "$D" | tr -d ' '; }
t_eq "hvm: the volume is --size plus the 1 MiB before the partition" $((1024 * 1024 * 1024 + 1048576)) "$(stat -c %s "$D")"
t_eq "hvm: MBR signature 0x55AA" 55aa "$(hex 510 2)"
t_eq "hvm: partition 1 active" 80 "$(hex 446 1)"
t_eq "hvm: partition 1 of type 0x83" 83 "$(hex 450 1)"
t_eq "hvm: partition 1 starts at sector 2048" 2048 "$(le32 454)"
t_eq "hvm: partition 1 runs to the end of the disk" 2097152 "$(le32 458)"
t_eq "hvm: partitions 2-4 empty" "$(printf '0%.0s' $(seq 96))" "$(hex 462 48)"
[ "$(hex 440 4)" != 00000000 ] && t_ok "hvm: a disk signature" || t_fail "hvm: a disk signature" "$(hex 440 6)"
blkid -p -o export "$D" > h.blkid
t_grep "hvm: blkid sees a DOS partition table" '^PTTYPE=dos$' h.blkid
t_grep "hvm: ... with our disk signature" "^PTUUID=$(od -An -tx4 -j 440 -N 4 "$D" | tr -d ' ')\$" h.blkid
# the tree the guest was made from: its grub-pc-bin's images
G=$(ls -d "$XCI_CACHE"/base/bookworm-amd64-*/usr/lib/grub/i386-pc 2>/dev/null | head -1)
if [ -z "$G" ] || [ ! -f "$G/boot.img" ]; then
    t_fail "hvm: the cached base has grub-pc-bin's images" "$(ls "$XCI_CACHE"/base)"
else
    # boot.img's code as grub-bios-setup writes it: BPB area zero, core.img at sector 1,
    # the BIOS drive, the drive check's jmp as nops; everything else from boot.img
    bhex() { od -An -tx1 -v -j "$1" -N "$2" "$G/boot.img" | tr -d ' \n'; }
    t_eq "hvm: boot.img's code before the BPB" "$(bhex 0 3)" "$(hex 0 3)"
    t_eq "hvm: BPB area zero" "$(printf '0%.0s' $(seq 174))" "$(hex 3 87)"
    t_eq "hvm: boot.img's code after the BPB" "$(bhex 90 2)" "$(hex 90 2)"
    t_eq "hvm: core.img's sector (le64 at 0x5c): 1" 0100000000000000 "$(hex 92 8)"
    t_eq "hvm: boot drive 0xff (the BIOS's)" ff "$(hex 100 1)"
    t_eq "hvm: the drive check's jmp is two nops" 9090 "$(hex 102 2)"
    t_eq "hvm: the rest of boot.img's code, to byte 440" "$(bhex 104 336)" "$(hex 104 336)"
    # core.img from sector 1: diskboot.img (its first sector) and its blocklist
    dhex() { od -An -tx1 -v -j "$1" -N "$2" "$G/diskboot.img" | tr -d ' \n'; }
    t_eq "hvm: diskboot.img at sector 1" "$(dhex 0 488)" "$(hex 512 488)"
    t_eq "hvm: its blocklist starts at sector 2" 0200000000000000 "$(hex 1012 8)"
    t_eq "hvm: ... loads to 0x820:0" 2008 "$(hex 1022 2)"
    n=$(od -An -tu2 -j 1020 -N 2 "$D" | tr -d ' ')
    [ "$n" -gt 20 ] && [ $((2 + n)) -le 2048 ] && t_ok "hvm: core.img ($((n + 1)) sectors) ends before the partition" \
        || t_fail "hvm: core.img's length" "$n"
    # core.img itself: what the same grub-mkimage makes again (its output is reproducible)
    R=${G%/usr/lib/grub/i386-pc}
    "$R/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$R/lib/x86_64-linux-gnu:$R/usr/lib/x86_64-linux-gnu" \
        "$R/usr/bin/grub-mkimage" -d "$G" -O i386-pc -p '(hd0,msdos1)/boot/grub' -o core.img biosdisk part_msdos ext2 2>mkimage.log
    t_check "hvm: core.img at sector 1 is the guest grub-mkimage's, prefix (hd0,msdos1)/boot/grub" \
        sh -c "[ -s core.img ] && dd if='$D' bs=512 skip=1 count=$((n + 1)) 2>/dev/null | head -c $(stat -c %s core.img 2>/dev/null) | cmp - core.img"
    t_eq "hvm: nothing between core.img and the partition" 0 \
        "$(dd if="$D" bs=512 skip=$((2 + n)) count=$((2046 - n)) 2>/dev/null | tr -d '\0' | wc -c)"
fi
# the filesystem in the partition
uuid=$(dumpe2fs -h "$(img_fs gh)" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
[[ $uuid =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] && t_ok "hvm: an ext4 filesystem at 1 MiB with a random UUID ($uuid)" \
    || t_fail "hvm: filesystem at 1 MiB" "$(dumpe2fs -h "$(img_fs gh)" 2>&1 | head -5)"
t_check "hvm: the filesystem is clean (e2fsck -fn)" e2fsck -fn "$(img_fs gh)"
t_eq "hvm: the filesystem fills the partition" $((1024 * 1024 / 4)) "$(dumpe2fs -h "$(img_fs gh)" 2>/dev/null | sed -n 's/^Block count: *//p')"
t_eq "hvm: fstab mounts the root by UUID, no swap" "UUID=$uuid / ext4 noatime,errors=remount-ro 0 1" \
    "$(img_cat gh /etc/fstab | grep -v '^#' | tr '\t' ' ' | paste -sd'|')"
img_cat gh /boot/grub/grub.cfg > h.grub
t_grep "hvm: grub.cfg boots /vmlinuz with root=UUID on ttyS0" \
    "^	linux /vmlinuz root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8$" h.grub
t_eq "hvm: GRUB says when it reads the kernel and the initrd" "echo 'Loading Linux ...'|echo 'Loading initial ramdisk ...'" \
    "$(sed -n '/^menuentry .Debian GNU\/Linux. {$/,/^}$/p' h.grub | sed -n 's/^\t\(echo .*\)/\1/p' | paste -sd'|')"
t_grep "hvm: GRUB itself on the serial port" '^serial --unit=0 --speed=115200$' h.grub
t_grep "hvm: ... and the console" '^terminal_output serial console$' h.grub
img_stat gh /boot/grub/i386-pc/normal.mod | grep -q 'Type: regular' && t_ok "hvm: /boot/grub/i386-pc/normal.mod (the modules core.img loads)" \
    || t_fail "hvm: /boot/grub/i386-pc/normal.mod"
t_eq "hvm: every module of the guest's grub-pc-bin copied" "$(ls "$G" | grep -cE '\.(mod|lst)$')" \
    "$(debugfs -R 'ls -p /boot/grub/i386-pc' "$(img_fs gh)" 2>/dev/null | grep -cE '\/[^/]+\.(mod|lst)\/[0-9]+\/$')"
t_eq "hvm: ttyS0 getty enabled" /lib/systemd/system/serial-getty@.service \
    "$(img_stat gh /etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service | sed -n 's/^Fast link dest: "\(.*\)"/\1/p')"
t_eq "hvm: no hvc0 getty" "" "$(img_stat gh /etc/systemd/system/getty.target.wants/serial-getty@hvc0.service)"
t_grep "hvm: static address" '^    address 192.0.2.30/24$' <(img_cat gh /etc/network/interfaces)
# the xl config
t_grep "hvm: xl type hvm" '^type += "hvm"$' etc/gh.cfg
t_nogrep "hvm: no kernel line" '^kernel' etc/gh.cfg
t_grep "hvm: boot from the disk" '^boot += "c"$' etc/gh.cfg
t_grep "hvm: the serial port on a pty" '^serial += "pty"$' etc/gh.cfg
t_grep "hvm: VNC on localhost" '^vnclisten += "127.0.0.1"$' etc/gh.cfg
t_grep "hvm: the whole disk as xvda, no swap disk" "^disk += \[ 'format=raw, vdev=xvda, access=rw, target=$D' \]$" etc/gh.cfg
t_grep "hvm: a PV NIC" "^vif += \[ 'mac=[0-9a-f:]+, ip=192.0.2.30, bridge=xenbr0, type=vif' \]$" etc/gh.cfg
t_nogrep "hvm: no secret in the xl config" 'qemu-test-pw' etc/gh.cfg

# hvm through the staging copy (a hook: the filesystem is made from the copied tree), with swap
build gi --type=hvm --dhcp
t_eq "hvm guest with a hook builds" 0 "$(cat gi.rc)"
t_eq "hvm with a hook: the hook ran" hooked "$(img_cat gi /etc/hook-was-here)"
img_stat gi /boot/grub/i386-pc/normal.mod | grep -q 'Type: regular' && t_ok "hvm with a hook: GRUB's modules" || t_fail "hvm with a hook: GRUB's modules"
t_check "hvm with a hook: the filesystem is clean" e2fsck -fn "$(img_fs gi)"
t_eq "hvm with a hook: partition at 2048" 2048 "$(od -An -tu4 -j 454 -N 4 "$(img_disk gi)" | tr -d ' ')"
swapuuid=$(blkid -p -o value -s UUID srv/domains/gi/swap.img)
t_eq "hvm with swap: fstab names the swap volume by its UUID" "UUID=$swapuuid none swap sw 0 0" \
    "$(img_cat gi /etc/fstab | grep -v '^#' | tr '\t' ' ' | grep swap)"
[ -n "$swapuuid" ] && t_ok "hvm with swap: the swap volume has a UUID ($swapuuid)" || t_fail "hvm with swap: swap UUID"
t_grep "hvm with swap: the swap volume as xvdb" "vdev=xvdb, access=rw, target=$T_TMP/srv/domains/gi/swap.img'" etc/gi.cfg
sig() { od -An -tx4 -j 440 -N 4 "$(img_disk "$1")" | tr -d ' '; }
[ "$(sig gh)" != "$(sig gi)" ] && t_ok "hvm: the two disks have different signatures" || t_fail "hvm: disk signatures" "$(sig gh) $(sig gi)"
t_eq "no staging tree left behind (hvm)" "" "$(ls "$XCI_CACHE/stage" 2>/dev/null)"
t_end

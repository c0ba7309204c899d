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
t_end

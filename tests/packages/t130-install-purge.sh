#!/bin/bash
# apt installs the xenhost pattern from a local repository into a clean Debian 12 root
# (debootstrap, cached), with no error; purging our packages leaves none of our files.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
t_need_root
t_need_cmd debootstrap apt-ftparchive
t_need_packages
base=$(qh_base) || { t_fail "debootstrap a clean bookworm root" "$(tail -n 5 debootstrap.log 2>/dev/null)"; t_end; }
root=$T_TMP/root
mkdir -p "$root"
t_cleanup "umount -R '$root/proc' '$root/sys' '$root/dev' 2>/dev/null"

# what the root had before
snapshot() { (cd "$1" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
    -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./srv \) -prune \
    -o -print | LC_ALL=C sort); }

QH_DEVICE_MODEL=1 qh_install_xenhost "$base" "$root" xenhost > install.log 2>&1
rc=$?
t_eq "apt-get install xenhost exits 0" 0 "$rc"
t_nogrep "apt-get install xenhost prints no error" '^(E:|dpkg: error)' install.log
ours=$(chroot "$root" dpkg-query -W -f '${Package} ${Status}\n' 'xenhost*' | awk '$4 == "installed" { print $1 }' | sort | tr '\n' ' ')
for p in xenhost xenhost-hypervisor xenhost-utils xenhost-libs xenhost-qemu; do
    case " $ours " in *" $p "*) t_ok "$p is installed" ;; *) t_fail "$p is installed" "installed: $ours" ;; esac
done
t_eq "xl, xenstored and the device model find all their libraries" "" \
    "$(chroot "$root" ldd /usr/sbin/xl /usr/sbin/xenstored /usr/lib/xen/bin/qemu-system-i386 | grep 'not found')"
t_check "/etc/xen/auto exists" test -d "$root/etc/xen/auto"
t_eq "the packages enabled exactly these units" "$T_ENABLED_UNITS" \
    "$(find "$root"/etc/systemd/system -path '*.wants/*' -name 'xen*' -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"

# every file of ours, as dpkg knows it
for p in $ours; do chroot "$root" dpkg -L "$p"; done | sort -u > owned.txt
chroot "$root" sh -c 'apt-get purge -y -q "xenhost*"' > purge.log 2>&1
t_eq "apt-get purge of our packages exits 0" 0 "$?"
left=$(chroot "$root" dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' 'xenhost*' 2>/dev/null | awk '$2 != "un"')
t_eq "no package of ours left in any state" "" "$left"
leftover=
while read -r f; do
    [ -n "$f" ] && [ -e "$root$f" ] && [ ! -d "$root$f" ] && leftover="$leftover $f"
done < owned.txt
t_eq "no file of ours left after purge" "" "$leftover"
for d in /etc/xen /var/lib/xen /var/log/xen /etc/default/xen /etc/default/xendomains; do
    if [ -e "$root$d" ]; then t_fail "purge removed $d" "$(find "$root$d" | head -n 10)"; else t_ok "purge removed $d"; fi
done
t_end

#!/bin/bash
# xen-create-image refuses before touching anything: existing config, image or
# autostart link without --force; --genpass without a terminal; missing roles.
. "$(dirname "$0")/../lib.sh"
t_need_root
. "$T_TOP/tests/xen-tools/common.sh"
mkdir -p etc srv/domains/g1 cache
common=(--hostname=g1 --dir="$T_TMP/srv" --output="$T_TMP/etc" --cachedir="$T_TMP/cache" --hooks=0)
snapshot() { (cd "$T_TMP" && find etc srv cache -printf '%p %s %m\n' | sort); }

echo 'name = "g1" # the admin own config' > etc/g1.cfg
before=$(snapshot)
xci_out r1 "${common[@]}"
t_eq "existing config: exit 1" 1 "$(cat r1.rc)"
t_grep "existing config: says why" "etc/g1.cfg: exists; refusing to overwrite it \(use --force\)" r1.out
t_eq "existing config: nothing changed" "$before" "$(snapshot)"
rm etc/g1.cfg

echo data > srv/domains/g1/disk.img
before=$(snapshot)
xci_out r2 "${common[@]}"
t_eq "existing image: exit 1" 1 "$(cat r2.rc)"
t_grep "existing image: says why" "disk.img: exists; refusing" r2.out
t_eq "existing image: untouched" "data" "$(cat srv/domains/g1/disk.img)"
t_eq "existing image: nothing changed" "$before" "$(snapshot)"
rm srv/domains/g1/disk.img

mkdir -p etc/auto; ln -s /elsewhere etc/auto/g1.cfg
xci_out r3 "${common[@]}" --autostart
t_eq "existing autostart link: exit 1" 1 "$(cat r3.rc)"
t_eq "existing autostart link: untouched" /elsewhere "$(readlink etc/auto/g1.cfg)"
rm -r etc/auto

before=$(snapshot)
setsid "$XCI" "${common[@]}" --genpass=1 >r4.out 2>&1 </dev/null; echo $? >r4.rc
t_eq "--genpass without a terminal: exit 2" 2 "$(cat r4.rc)"
t_grep "--genpass without a terminal: says why" "no terminal to show the password" r4.out
xci_out r5 "${common[@]}" --role=nosuchrole --roledir="$T_TMP/roles"
t_eq "missing role: exit 2" 2 "$(cat r5.rc)"
t_grep "missing role: names it" "--role nosuchrole: $T_TMP/roles/nosuchrole" r5.out
t_eq "refusals changed nothing" "$before" "$(snapshot)"

# --type=hvm from a tree without GRUB for BIOS (no grub-pc-bin): the build stops at
# the configure step saying what is missing, and leaves nothing behind
mkdir -p tree/etc tree/usr/lib/grub
before=$(snapshot)
xci_out r6 "${common[@]}" --type=hvm --noswap --install-method=copy --install-source="$T_TMP/tree"
t_eq "hvm without grub-pc-bin in the tree: exit 1" 1 "$(cat r6.rc)"
t_grep "hvm without grub-pc-bin: names the missing file and package" \
    "--type=hvm: $T_TMP/cache/stage/g1\.[0-9]+/usr/lib/grub/i386-pc/boot.img: missing \(the guest needs grub-pc-bin" r6.out
t_eq "hvm without grub-pc-bin: nothing left behind" "$before" "$(snapshot | grep -v '^cache/stage ')"
t_end

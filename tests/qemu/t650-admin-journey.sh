#!/bin/bash
# The admin's journey on one disk, as a user walks it (tests/qemu/journey-dom0.sh runs
# each boot's part in the host):
#   boot 1  a plain Debian 12 without Xen (a static address, as the installer writes it)
#           boots native Linux through GRUB; `apt-get
#           install xenhost` from a local repository (our packages and the Debian
#           packages they pull in: the host reaches no archive)
#   boot 2  GRUB boots Xen by default; a `xenhost-network setup` nobody confirms rolls
#           itself back (dom0's address and default route come back); setup in bridge
#           mode, confirmed; the guest xen-create-image --autostart built here is put in
#   boot 3  xendomains starts the guest; it gets its address by DHCP through the bridge
#           (QEMU's user network serves it) and answers ping and ssh from dom0
#   boot 4  poweroff saved it, boot restored it with its memory (a token in its tmpfs,
#           its boot id); NAT mode: remove, setup --mode nat, a guest on the NAT bridge
#           gets a lease and DNS from dnsmasq and reaches the uplink's gateway
# tests/run starts it only after the device model build (it installs xenhost-qemu):
# needs-build: qemu
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
t_need_root
t_need_cmd qemu-system-x86_64 debootstrap mke2fs debugfs ssh-keygen cpio apt-ftparchive
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || { t_skip "$T_NAME" "needs busybox-static"; exit 0; }
t_need_packages
img=$(qh_plain_image) || { t_fail "plain Debian 12 disk image (no Xen)"; t_end; }
repo=$(qh_offline_repo) || { t_fail "local repository for apt-get install xenhost"; t_end; }
plain=$(qh_plain_rootfs) || { t_fail "plain Debian 12 root"; t_end; }
t_ok "plain Debian 12 image and a local repository of $(ls "$repo"/*.deb | wc -l) packages"
. "$T_TOP/tests/xen-tools/common-build.sh"

# The guest, as an admin makes it: DHCP, autostart, root's ssh key from a role.
ssh-keygen -q -t ed25519 -N '' -C journey -f key
mkdir -p roles
cat > roles/sshkey <<'EOS'
#!/bin/sh
mkdir -p "$1/root/.ssh" && cp "$2" "$1/root/.ssh/authorized_keys" && chmod 700 "$1/root/.ssh" && chmod 600 "$1/root/.ssh/authorized_keys"
EOS
chmod +x roles/sshkey
build qg --dhcp --noswap --hooks=0 --autostart --role=sshkey --role-args="$T_TMP/key.pub" --roledir="$T_TMP/roles"
t_eq "xen-create-image --dhcp --autostart built the guest" 0 "$(cat qg.rc)"
[ "$(cat qg.rc)" = 0 ] || { t_diag "$(tail -n 20 qg.out)"; t_end; }
t_eq "... with its autostart link" "$T_TMP/etc/qg.cfg" "$(readlink etc/auto/qg.cfg)"
t_grep "... on the default guest bridge" "bridge=xenbr0" etc/qg.cfg

# The NAT test guest: dom0's kernel, busybox, xen-netfront; DHCP, DNS, ping out.
n=$T_TMP/natguest; mkdir -p "$n/bin" "$n/proc" "$n/sys" "$n/dev" "$n/tmp" "$n/sbin"
cp /bin/busybox "$n/bin/busybox"
for a in sh mount ip udhcpc ping nslookup insmod sleep cat ls awk grep head poweroff; do ln -s busybox "$n/bin/$a"; done
ln -s ../bin/busybox "$n/sbin/poweroff"
mod=$(find "$plain/lib/modules" -name 'xen-netfront.ko*' | head -n 1)
case $mod in *.xz) xz -dc "$mod" > "$n/xen-netfront.ko" ;; ?*) cp "$mod" "$n/xen-netfront.ko" ;; esac
cat > "$n/udhcpc.script" <<'EOS'
#!/bin/sh
case $1 in bound|renew)
    ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -z "$router" ] || ip route add default via "${router%% *}" dev "$interface"
    echo "$dns" > /tmp/dns ;;
esac
EOS
cat > "$n/init" <<'EOS'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
[ -f /xen-netfront.ko ] && insmod /xen-netfront.ko
i=0; while [ $i -lt 20 ] && [ -z "$(ls /sys/class/net | grep -v '^lo$')" ]; do sleep 1; i=$((i + 1)); done
ifc=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
ip link set lo up; ip link set "$ifc" up
udhcpc -i "$ifc" -s /udhcpc.script -n -q -t 10 -T 3 > /tmp/udhcpc.log 2>&1; echo "QJ-NAT-DHCP rc=$?"
gw=$(ip route | awk '/^default/ { print $3; exit }')
echo "QJ-NAT-LEASE $(ip -4 -o addr show dev "$ifc" | awk '{ print $4; exit }') via ${gw:-none} dns $(cat /tmp/dns 2>/dev/null)"
ping -c 2 -W 2 "$gw" > /dev/null 2>&1; echo "QJ-NAT-PING-GW rc=$?"
ping -c 3 -W 3 10.0.2.2 > /dev/null 2>&1; echo "QJ-NAT-PING-OUT rc=$?"
echo "QJ-NAT-DNS $(nslookup xenhost-test "$(cat /tmp/dns 2>/dev/null | awk '{ print $1 }')" 2>&1 | awk '/^Address/ { a = $NF } END { print a }')"
echo "QJ-NAT-DONE"
poweroff -f
EOS
chmod 755 "$n/init" "$n/udhcpc.script"
(cd "$n" && find . | cpio -o -H newc --quiet | gzip -9) > nat-initrd.gz

files=(--file "$T_TMP/key:/var/lib/xenhost-test/key" --file "$T_TMP/etc/qg.cfg:/var/lib/xenhost-test/qg.cfg"
       --file /bin/busybox:/var/lib/xenhost-test/busybox --file "$T_TMP/nat-initrd.gz:/var/lib/xenhost-test/nat-initrd.gz")
for boot in 1 2 3 4; do
    extra=()
    [ $boot = 1 ] && extra=(--file "$repo:/srv/xenhost-repo")
    [ $boot -ge 3 ] && extra=(--disk "$T_TMP/srv/domains/qg/disk.img")
    qh_boot "$img" out "$T_TOP/tests/qemu/journey-dom0.sh" --timeout 1500 "${files[@]}" "${extra[@]}"
    t_eq "boot $boot: QEMU ran to power-off within the time limit" 0 "$?"
    cp out/test.log "j$boot.log"; cp out/console.log "console$boot.log"
    t_diag "boot $boot took $(cat out/seconds) s"
    t_grep "boot $boot: the step finished" '^QH-TEST-END rc=0' "j$boot.log"
done
v() { sed -n "s/^QJ-$2 //p" "j$1.log" | head -n 1; }

# boot 1: native Linux, apt-get install xenhost
t_eq "boot 1: native Linux (no hypervisor)" none "$(v 1 HV)"
t_grep "boot 1: apt-get install xenhost succeeded" '^QJ-INSTALL rc=0 ' j1.log
for p in xenhost xenhost-hypervisor xenhost-utils xenhost-libs xenhost-create-image xenhost-qemu; do
    t_grep "boot 1: $p installed" "^QJ-PKG $p\$" j1.log
done
t_grep "boot 1: the menu's default is the Xen entry" '^QJ-MENU-DEFAULT .*set default=.*xenhost-xen' j1.log
t_diag "$(grep -E '^QJ-(INSTALL|UPLINK|NET-NATIVE)' j1.log)"

# boot 2: Xen by default; the lock-out check; bridge mode
t_eq "boot 2: GRUB booted Xen by default" xen "$(v 2 HV)"
t_grep "boot 2: through the xenhost-xen entry" '^QJ-CMDLINE .*xenhost\.trial=' j2.log
before=$(v 2 NET-BEFORE)
t_check "boot 2: dom0 had its address and default route ($before)" grep -Eq '^[0-9.]+/[0-9]+ via [0-9.]+ dev ' <<< "$before"
t_grep "unconfirmed setup: applied, on trial" '^QJ-SETUP-UNCONFIRMED rc=0' j2.log
t_grep "... xenbr0 carried dom0's address during the trial" "^QJ-DURING ${before%% *} via " j2.log
t_grep "... and rolled itself back" '^QJ-ROLLBACK-WAIT [0-9]+$' j2.log
t_eq "... dom0's address and default route are back on the uplink" "$before" "$(v 2 NET-ROLLEDBACK)"
t_eq "... the bridge is gone" absent "$(v 2 BRIDGE-AFTER-ROLLBACK)"
t_grep "... status says it was rolled back" '^QJ-STATUS1 last: rolled-back' j2.log
t_grep "setup in bridge mode succeeded" '^QJ-SETUP rc=0' j2.log
t_grep "... confirmed" '^QJ-CONFIRM rc=0' j2.log
t_eq "... dom0's address and route moved onto xenbr0" "${before% dev *} dev xenbr0" "$(v 2 NET-BRIDGE)"
t_eq "... the uplink is the bridge's port" xenbr0 "$(v 2 PORT-OF)"
t_grep "... status: no trial pending" '^QJ-STATUS2 trial: none pending' j2.log
t_nogrep "... status: nothing disagrees" '^QJ-STATUS2 .*(DISAGREE|MISSING)' j2.log
t_diag "$(grep -E '^QJ-(NET-WAIT|ROLLBACK-WAIT|ROLLBACK-NET-WAIT)' j2.log)"

# boot 3: the guest started by xendomains, DHCP through the bridge, ping and ssh
t_grep "boot 3: xendomains started the autostart guest at boot" '^QJ-XL-LIST-AT-START .*qg ' j3.log
t_grep "boot 3: the PVH GRUB of grub-xen-host read the guest's own GRUB config" '^QJ-GRUB .*Reading \(xen/xvda\)/boot/grub/grub.cfg' j3.log
t_grep "boot 3: the guest's own kernel started" '^QJ-KERNEL .*Linux version .*cloud-amd64' j3.log
t_grep "boot 3: login prompt on its console" '^QJ-LOGIN .*qg login:' j3.log
t_grep "boot 3: the guest got an address by DHCP through the bridge" '^QJ-GUEST-IP [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+ ' j3.log
t_grep "boot 3: it answers ping from dom0" '^QJ-PING rc=0' j3.log
t_grep "boot 3: ssh from dom0 with the key the role installed" '^QJ-SSH rc=0' j3.log
t_grep "boot 3: the guest's own view: its DHCP address" "^QJ-GUEST-addr=$(t_re "$(v 3 GUEST-IP | cut -d' ' -f1)")/" j3.log
t_grep "boot 3: a token in the guest's memory" '^QJ-GUEST-token=[0-9a-f-]{36}$' j3.log
t_diag "$(grep -E '^QJ-(LOGIN-WAIT|GUEST-IP|GUEST-up|GUEST-BOOTS|GUEST-TROUBLE)' j3.log)"
# A guest kernel that started twice (it crashed and on_crash restarted it) has been
# seen under QEMU TCG: the checks above still prove it boots; a restart is shown.
if [ "$(v 3 GUEST-BOOTS)" = 1 ]; then t_ok "boot 3: the guest came up on its first boot"
else t_skip "boot 3: the guest came up on its first boot" "its kernel started $(v 3 GUEST-BOOTS) times: $(v 3 GUEST-TROUBLE)"; fi

# boot 4: restored with its memory; NAT mode
t_grep "boot 4: the guest is running at boot" '^QJ-XL-LIST-AT-START .*qg ' j4.log
t_grep "boot 4: xendomains restored it (not a fresh start)" '^QJ-XD .*last start: .* ok: restored from' j4.log
t_grep "boot 4: its memory is intact (same token)" '^QJ-TOKEN-SURVIVED$' j4.log
t_grep "boot 4: ... and it is the same guest boot (same boot id)" '^QJ-SAME-GUEST-BOOT$' j4.log
up3=$(sed -n 's/^QJ-GUEST-up=//p' j3.log); up4=$(sed -n 's/^QJ-RESTORED-up=//p' j4.log)
t_check "boot 4: its uptime went on (${up3:-?} s before, ${up4:-?} s after)" test "${up4:-0}" -ge "${up3:-1}"
t_grep "remove succeeded" '^QJ-REMOVE rc=0' j4.log
t_eq "... dom0's network is as before setup" "$before" "$(v 4 NET-REMOVED)"
t_grep "setup --mode nat succeeded" '^QJ-NAT-SETUP rc=0' j4.log
t_grep "... confirmed" '^QJ-NAT-CONFIRM rc=0' j4.log
t_eq "... the uplink was not touched" "$before" "$(v 4 NAT-UPLINK)"
t_grep "... a host-only bridge with its own /24" '^QJ-NAT-BRIDGE [0-9.]+/24 via ' j4.log
t_grep "... masquerading in nftables" '^QJ-NFT .*xenhost' j4.log
t_grep "... dnsmasq runs" '^QJ-DNSMASQ [1-9]' j4.log
t_grep "a guest on the default bridge (now the NAT bridge, from xl.conf) was created" '^QJ-NAT-GUEST-CREATE rc=0' j4.log
nat=$(v 4 NAT-BRIDGE); nat=${nat%%/*}
t_grep "... it got a lease from dnsmasq in the NAT network" "^QJ-NAT-LEASE $(t_re "${nat%.*}")\\.[0-9]+/24 via $(t_re "$nat") " j4.log
t_grep "... it reaches dom0 on the NAT bridge" '^QJ-NAT-PING-GW rc=0' j4.log
t_grep "... and the uplink's gateway through the masquerade" '^QJ-NAT-PING-OUT rc=0' j4.log
t_grep "... dnsmasq answers its DNS queries (dom0's host name)" '^QJ-NAT-DNS [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' j4.log
[ $T_FAILED = 0 ] || t_diag "$(grep -hE '^QJ-(SETUP|STATUS|NAT-OUT|NAT-CONFIRM-OUT|CONFIRM-OUT|NAT-CREATE|SSH-ERR|INSTALL-LOG|CFG|REMOVE-OUT)' j*.log | tail -n 60)"
t_end

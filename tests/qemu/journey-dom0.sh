# In the host of tests/qemu/t650-admin-journey.sh (POSIX sh, runs once per boot as the
# test script). Four boots of one disk; /var/lib/xenhost-test/phase says which:
#   1  plain Debian 12, native Linux: the installer's DHCP stanza for the NIC, then
#      `apt-get install xenhost` from the local repository on the test disk
#   2  first boot of Xen: the lock-out check (a setup never confirmed rolls itself back),
#      then setup in bridge mode, confirmed; the guest built by xen-create-image
#      --autostart is put in place
#   3  xendomains started the guest at boot: DHCP through the bridge, ping and ssh from
#      dom0, a token written into the guest's memory (tmpfs); poweroff saves it
#   4  the guest was restored: same token, same boot; then NAT mode: remove, setup --mode
#      nat, a small guest on the NAT bridge gets a lease from dnsmasq and reaches the
#      uplink's gateway through the masquerade
# Markers: QJ-<WHAT> lines, asserted by the host side. Every wait is bounded.
S=/var/lib/xenhost-test
mkdir -p $S
phase=$(cat $S/phase 2>/dev/null || echo 1)
log() { echo "QJ-$*"; }
log "PHASE $phase"
PING=ping; command -v ping >/dev/null 2>&1 || PING="$S/busybox ping"   # no iputils on a minimal host
# net IF: "ADDRESS/PREFIX via GATEWAY dev DEV" of IF and the default route
net() {
    a=$(ip -4 -o addr show dev "$1" 2>/dev/null | awk '{ print $4; exit }')
    r=$(ip -4 route show default | awk '{ for (i = 1; i <= NF; i++) if ($i == "dev") d = $(i + 1); print $3 " dev " d; exit }')
    echo "${a:-none} via ${r:-none}"
}
# wait_for SECONDS CMD...: until CMD succeeds (bounded); prints the seconds waited
wait_for() {
    n=$1; shift; i=0
    while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1 && { echo $i; return 0; }; sleep 2; i=$((i + 2)); done
    echo $i; return 1
}
has_addr() { ip -4 -o addr show dev "$1" | grep -q inet; }
gssh() { ssh -i $S/key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
             -o ConnectTimeout=10 "root@$(cat $S/guest-ip)" "$@"; }
CON=/var/log/xen/console/guest-qg.log

case $phase in
1)
    log "HV $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
    nic=
    for d in /sys/class/net/*; do [ -e "$d/device" ] && { nic=${d##*/}; break; }; done
    echo "$nic" > $S/uplink
    log "UPLINK $nic"
    # What the Debian installer writes for a static network (this image was
    # debootstrapped). Static, because QEMU's user network with restrict=on leaves the
    # router and DNS out of its DHCP offers, and a host needs a default route; the
    # address is below the DHCP pool (10.0.2.15 on), which the guests use.
    if ! grep -q "^iface $nic " /etc/network/interfaces 2>/dev/null; then
        printf 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\n# The primary network interface\nallow-hotplug %s\niface %s inet static\n\taddress 10.0.2.10/24\n\tgateway 10.0.2.2\n\t# dns-* options are implemented by the resolvconf package, if installed\n\tdns-nameservers 10.0.2.3\n' \
            "$nic" "$nic" > /etc/network/interfaces
    fi
    ifup "$nic" > /tmp/ifup.log 2>&1; log "IFUP rc=$?"
    log "NET-NATIVE $(net "$nic")"
    echo 'deb [trusted=yes] file:/srv/xenhost-repo ./' > /etc/apt/sources.list.d/xenhost.list
    # The host's archive is unreachable from here: only the local repository is read.
    APT="-o Dir::Etc::SourceList=/etc/apt/sources.list.d/xenhost.list -o Dir::Etc::SourceParts=/dev/null"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    { apt-get $APT update && DEBIAN_FRONTEND=noninteractive apt-get $APT install -y xenhost; } > /root/install.log 2>&1
    log "INSTALL rc=$? $(( $(date +%s) - t0 ))s"
    tail -n 8 /root/install.log | sed 's/^/QJ-INSTALL-LOG /'
    dpkg-query -W -f '${db:Status-Status} ${Package}\n' 'xenhost*' | awk '$1 == "installed" { print "QJ-PKG " $2 }'
    # the default 09_xenhost sets (it follows 00_header's and takes effect)
    log "MENU-DEFAULT $(sed -n '/^### BEGIN .*09_xenhost/,/^### END .*09_xenhost/p' /boot/grub/grub.cfg | grep -m1 'set default=')"
    log "MENU-NATIVE $(grep -c "^menuentry '" /boot/grub/grub.cfg)"
    echo 2 > $S/phase ;;
2)
    nic=$(cat $S/uplink)
    log "HV $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
    log "CMDLINE $(cat /proc/cmdline)"
    log "NET-WAIT $(wait_for 120 has_addr "$nic")"
    log "NET-BEFORE $(net "$nic")"
    # The lock-out check: a setup nobody confirms rolls itself back.
    xenhost-network setup --confirm-timeout 30 > /tmp/setup1.log 2>&1; log "SETUP-UNCONFIRMED rc=$?"
    sed 's/^/QJ-SETUP1 /' /tmp/setup1.log
    log "DURING $(net xenbr0)"
    log "ROLLBACK-WAIT $(wait_for 300 test ! -e /var/lib/xenhost-network/trial)"
    log "ROLLBACK-NET-WAIT $(wait_for 120 has_addr "$nic")"
    log "NET-ROLLEDBACK $(net "$nic")"
    log "BRIDGE-AFTER-ROLLBACK $(ip link show xenbr0 >/dev/null 2>&1 && echo present || echo absent)"
    xenhost-network status 2>&1 | sed 's/^/QJ-STATUS1 /'
    # The real setup, confirmed within its window.
    xenhost-network setup > /tmp/setup2.log 2>&1; log "SETUP rc=$?"
    sed 's/^/QJ-SETUP2 /' /tmp/setup2.log
    xenhost-network confirm > /tmp/confirm.log 2>&1; log "CONFIRM rc=$?"
    sed 's/^/QJ-CONFIRM-OUT /' /tmp/confirm.log
    log "NET-BRIDGE $(net xenbr0)"
    log "PORT-OF $(basename "$(readlink /sys/class/net/"$nic"/master 2>/dev/null)")"
    xenhost-network status 2>&1 | sed 's/^/QJ-STATUS2 /'
    grep -n 'xenbr0' /etc/network/interfaces | sed 's/^/QJ-IFACES /'
    # The guest xen-create-image --autostart made on the build machine: its config and
    # autostart link as --output=/etc/xen gives them, its disk on the virtio disk extra1.
    sed "s|target=[^']*/disk.img|target=/dev/disk/by-id/virtio-extra1|" $S/qg.cfg > /etc/xen/qg.cfg
    mkdir -p /etc/xen/auto && ln -sf /etc/xen/qg.cfg /etc/xen/auto/qg.cfg
    grep -q '^XENCONSOLED_TRACE=guest' /etc/default/xencommons || echo 'XENCONSOLED_TRACE=guest' >> /etc/default/xencommons
    mkdir -p /var/log/journal
    sed 's/^/QJ-CFG /' /etc/xen/qg.cfg
    echo 3 > $S/phase ;;
3)
    log "XL-LIST-AT-START $(xl list 2>&1 | awk 'NR > 1 { printf "%s ", $1 }')"
    log "LOGIN-WAIT $(wait_for 900 grep -aq 'qg login:' $CON)"
    grep -a -m1 'Reading (' $CON | tr -d '\r' | sed 's/^/QJ-GRUB /'
    grep -a -m1 'Linux version' $CON | tr -d '\r' | sed 's/^/QJ-KERNEL /'
    log "GUEST-BOOTS $(grep -ac 'Linux version' $CON)"
    grep -a -E 'Kernel panic|Oops|BUG:|general protection|segfault' $CON | head -n 5 | tr -d '\r' | sed 's/^/QJ-GUEST-TROUBLE /'
    grep -a 'qg login:' $CON | head -n 1 | tr -d '\r' | sed 's/^/QJ-LOGIN /'
    mac=$(sed -n "s/.*mac=\([0-9a-f:]*\).*/\1/p" /etc/xen/qg.cfg | head -n 1)
    # The guest's DHCP address: ask the subnet (bounded) and read the neighbour table.
    self=$(ip -4 -o addr show dev xenbr0 | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
    ip=; i=0
    while [ -z "$ip" ] && [ $i -lt 10 ]; do
        for h in 15 16 17 18 19 20 21 22; do
            a=${self%.*}.$h; [ "$a" = "$self" ] && continue
            $PING -c 1 -W 1 "$a" >/dev/null 2>&1
        done
        ip=$(ip neigh show dev xenbr0 | awk -v m="$mac" 'tolower($0) ~ m && $1 ~ /^[0-9.]+$/ { print $1; exit }')
        i=$((i + 1)); [ -n "$ip" ] || sleep 10
    done
    echo "$ip" > $S/guest-ip
    log "GUEST-IP ${ip:-none} (mac $mac, dom0 $self)"
    $PING -c 3 -W 2 "$ip" > /tmp/ping.log 2>&1; log "PING rc=$?"
    r=$(gssh 'echo boot=$(cat /proc/sys/kernel/random/boot_id); cat /proc/sys/kernel/random/uuid > /dev/shm/xenhost-token; echo token=$(cat /dev/shm/xenhost-token); echo up=$(cut -d. -f1 /proc/uptime); echo addr=$(ip -4 -o addr show | grep -v " lo " | awk "{print \$4}")' 2>/tmp/ssh.err)
    log "SSH rc=$?"
    printf '%s\n' "$r" | sed 's/^/QJ-GUEST-/'
    sed 's/^/QJ-SSH-ERR /' /tmp/ssh.err | tail -n 3
    printf '%s\n' "$r" | sed -n 's/^token=//p' > $S/token
    printf '%s\n' "$r" | sed -n 's/^boot=//p' > $S/guest-boot
    xendomains status 2>&1 | sed 's/^/QJ-XD /'
    echo 4 > $S/phase ;;
4)
    log "XL-LIST-AT-START $(xl list 2>&1 | awk 'NR > 1 { printf "%s ", $1 }')"
    xendomains status 2>&1 | sed 's/^/QJ-XD /'
    r=; i=0
    while [ $i -lt 30 ]; do
        r=$(gssh 'echo boot=$(cat /proc/sys/kernel/random/boot_id); echo token=$(cat /dev/shm/xenhost-token); echo up=$(cut -d. -f1 /proc/uptime)' 2>/dev/null) && break
        i=$((i + 1)); sleep 10
    done
    log "SSH-AFTER-RESTORE tries=$i"
    printf '%s\n' "$r" | sed 's/^/QJ-RESTORED-/'
    [ -n "$r" ] && [ "$(printf '%s\n' "$r" | sed -n 's/^token=//p')" = "$(cat $S/token)" ] && log "TOKEN-SURVIVED"
    [ -n "$r" ] && [ "$(printf '%s\n' "$r" | sed -n 's/^boot=//p')" = "$(cat $S/guest-boot)" ] && log "SAME-GUEST-BOOT"
    # NAT mode: the bridge goes, the host's own network is as before, a host-only bridge comes.
    timeout 300 xl shutdown -w qg > /dev/null 2>&1; log "GUEST-SHUTDOWN rc=$?"
    nic=$(cat $S/uplink)
    xenhost-network remove > /tmp/remove.log 2>&1; log "REMOVE rc=$?"
    sed 's/^/QJ-REMOVE-OUT /' /tmp/remove.log
    log "REMOVE-NET-WAIT $(wait_for 120 has_addr "$nic")"
    log "NET-REMOVED $(net "$nic")"
    xenhost-network setup --mode nat > /tmp/nat.log 2>&1; log "NAT-SETUP rc=$?"
    sed 's/^/QJ-NAT-OUT /' /tmp/nat.log
    xenhost-network confirm > /tmp/nat-confirm.log 2>&1; log "NAT-CONFIRM rc=$?"
    sed 's/^/QJ-NAT-CONFIRM-OUT /' /tmp/nat-confirm.log
    xenhost-network status 2>&1 | sed 's/^/QJ-STATUS3 /'
    log "NAT-BRIDGE $(net xenbr-nat)"
    log "NAT-UPLINK $(net "$nic")"
    log "NFT $(nft list tables 2>&1 | tr '\n' ' ')"
    log "DNSMASQ $(pgrep -c dnsmasq)"
    for k in /boot/vmlinuz-*; do cp "$k" $S/vmlinuz; break; done
    cat > /etc/xen/nat1.cfg <<CFG
name = "nat1"
type = "pv"
kernel = "$S/vmlinuz"
ramdisk = "$S/nat-initrd.gz"
extra = "console=hvc0"
memory = 128
vif = [ '' ]
on_poweroff = "destroy"
CFG
    xl create /etc/xen/nat1.cfg > /tmp/nat1.log 2>&1; log "NAT-GUEST-CREATE rc=$?"
    sed 's/^/QJ-NAT-CREATE-OUT /' /tmp/nat1.log
    log "NAT-GUEST-WAIT $(wait_for 300 grep -aq 'QJ-NAT-DONE' /var/log/xen/console/guest-nat1.log)"
    grep -a '^QJ-NAT-' /var/log/xen/console/guest-nat1.log | tr -d '\r'
    xl destroy nat1 > /dev/null 2>&1
    echo finished > $S/phase ;;
esac

#!/bin/bash
# nat mode for real in a network namespace: a /24 that collides with nothing on the
# host, the bridge (its fixed MAC), IPv4 forwarding, the nftables table and dnsmasq
# come up with the real ip, nft and dnsmasq; status agrees; remove takes them all
# down again and restores every file. The uplink is not touched.
if [ -z "${XN_IN_NS:-}" ]; then
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && exec env XN_IN_NS=1 unshare -n -m bash "$0" "$@"
    echo "skip - t640-nat # needs root and unshare (network and mount namespaces)"; exit 0
fi
. "$(dirname "$0")/../lib.sh"
t_need_cmd ip nft dnsmasq
mount --make-rprivate / && mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run || { t_fail "private /sys and /run"; t_end; }
. "$T_TOP/tests/network/netlib.sh"
R=$T_TMP/root
export XENHOST_NET_ROOT=$R
xn_root "$R"
mount --bind /run "$R/run" && t_cleanup "umount -l '$R/run'"
echo 0123456789abcdef0123456789abcdef > "$R/etc/machine-id"
cp -a "$R/etc" "$T_TMP/etc.orig"
ip link set lo up
# the host's uplink, and a network that takes the first candidate /24
# (veth pairs: the test kernel may have no dummy driver)
ip link add eth0 type veth peer name eth0p && ip address add 192.0.2.2/24 dev eth0 && ip link set eth0 up && ip link set eth0p up
ip route add default via 192.0.2.1 dev eth0
ip link add lab0 type veth peer name lab0p && ip address add 10.200.0.1/24 dev lab0 && ip link set lab0 up
echo 0 > /proc/sys/net/ipv4/ip_forward
xn setup --mode nat --dry-run; cp "$T_TMP/xn.out" dry.out
t_eq "nat --dry-run: exit 0" 0 "$XN_RC"
t_grep "... the first /24 free on the host (10.200.0.0/24 is taken)" '^ADDRESS=10.200.1.1/24$' dry.out
t_grep "... a locally administered MAC" '^MAC=02:[0-9a-f:]{14}$' dry.out
t_grep "... the guests' default bridge becomes xenbr-nat" '^XENHOST_GUEST_BRIDGE=xenbr-nat$' dry.out
t_grep "... and xl.conf agrees" '^vif.default.bridge="xenbr-nat"$' dry.out
t_eq "... nothing changed" "" "$(diff -r "$T_TMP/etc.orig" "$R/etc")"
xn setup --mode nat --confirm-timeout 0; cp "$T_TMP/xn.out" setup.out
t_eq "nat setup: exit 0" 0 "$XN_RC"
[ "$XN_RC" = 0 ] || t_diag "$(cat setup.out)"
t_check "xenbr-nat is a bridge" test -d /sys/class/net/xenbr-nat/bridge
t_eq "... with the MAC of nat.conf" "$(sed -n 's/^MAC=//p' "$R/etc/xenhost-network/nat.conf")" "$(cat /sys/class/net/xenbr-nat/address)"
t_grep "... and its address" 'inet 10.200.1.1/24' <(ip -o -4 address show dev xenbr-nat)
t_eq "IPv4 forwarding is on" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
t_grep "nftables masquerades the /24" 'ip saddr 10.200.1.0/24 oifname != "xenbr-nat" masquerade' <(nft list table ip xenhost_xenbr_nat)
pid=$(cat /run/xenhost-network/dnsmasq-xenbr-nat.pid 2>/dev/null)
t_check "dnsmasq runs (pid ${pid:-none})" kill -0 "${pid:-0}"
t_grep "... serving DHCP on the bridge" '^dhcp-range=10.200.1.10,10.200.1.250,' /run/xenhost-network/dnsmasq-xenbr-nat.conf
t_grep "the uplink is not touched" 'inet 192.0.2.2/24' <(ip -o -4 address show dev eth0)
xn status; cp "$T_TMP/xn.out" status.out
t_grep "status: nat mode" '^configured: nat mode' status.out
t_nogrep "status: everything agrees" 'DISAGREES|MISSING' status.out
xn remove
t_eq "remove: exit 0" 0 "$XN_RC"
t_check "... the bridge is gone" test ! -e /sys/class/net/xenbr-nat
t_check "... dnsmasq is gone" sh -c "! kill -0 ${pid:-0} 2>/dev/null"
t_check "... the nftables table is gone" sh -c '! nft list table ip xenhost_xenbr_nat 2>/dev/null'
t_eq "... forwarding is off again" 0 "$(cat /proc/sys/net/ipv4/ip_forward)"
t_eq "... every file as before" "" "$(diff -r "$T_TMP/etc.orig" "$R/etc")"
t_end

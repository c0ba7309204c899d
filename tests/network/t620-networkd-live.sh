#!/bin/bash
# The trial with the real systemd-networkd (and networkctl over a private D-Bus) in
# network namespaces: a host whose uplink eth0 networkd configures statically, its
# gateway in namespace gw. setup makes the bridge that networkd itself creates from
# the written .netdev and configures from the written .network; confirm; remove
# gives eth0 its address back; an unconfirmed trial rolls back by itself.
# /sys is mounted read-only, as in a container, so that networkd does not wait for
# udev (which does not run here).
if [ -z "${XN_IN_NS:-}" ]; then
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && exec env XN_IN_NS=1 unshare -n -m bash "$0" "$@"
    echo "skip - t620-networkd-live # needs root and unshare (network and mount namespaces)"; exit 0
fi
. "$(dirname "$0")/../lib.sh"
ND=/lib/systemd/systemd-networkd
t_need_cmd networkctl dbus-daemon ip ping
[ -x $ND ] || { t_skip "$T_NAME" "needs systemd-networkd"; t_end; }
id systemd-network >/dev/null 2>&1 || { t_skip "$T_NAME" "needs the systemd-network user"; t_end; }
[ -d /etc/systemd/network ] || { t_skip "$T_NAME" "needs /etc/systemd/network to mount over"; t_end; }
mount --make-rprivate / && mount -t sysfs -o ro sysfs /sys && mount -t tmpfs tmpfs /run ||
    { t_fail "private /sys and /run in the test's namespaces"; t_end; }
. "$T_TOP/tests/network/netlib.sh"
R=$T_TMP/root
export XENHOST_NET_ROOT=$R
xn_root "$R"
mkdir -p "$R/etc/systemd/network" "$T_TMP/empty"
cat > "$R/etc/systemd/network/10-eth0.network" <<'EOF'
# the host's uplink (tests/network/t620)
[Match]
Name=eth0

[Network]
Address=192.0.2.2/24
Gateway=192.0.2.1
EOF
cp -a "$R/etc" "$T_TMP/etc.orig"
mount --bind "$R/etc/systemd/network" /etc/systemd/network && mount --bind "$T_TMP/empty" /lib/systemd/network &&
    mount --bind /run "$R/run" || { t_fail "fixture /etc/systemd/network"; t_end; }
ip link set lo up
GW=xh-t620-gw-$$
ip netns add "$GW" && t_cleanup "ip netns del $GW; umount -l '$R/run' 2>/dev/null"
ip link add eth0 address 52:54:00:aa:bb:02 type veth peer name gw0 netns "$GW"
ip -n "$GW" link set lo up && ip -n "$GW" address add 192.0.2.1/24 dev gw0 && ip -n "$GW" link set gw0 up
mkdir -p /run/dbus /run/systemd/netif && chown systemd-network:systemd-network /run/systemd/netif
dbus-daemon --system --fork --print-pid > dbus.pid || { t_fail "a private system bus"; t_end; }
t_cleanup "kill \$(cat '$T_TMP/dbus.pid') 2>/dev/null"
$ND > networkd.log 2>&1 &
ndpid=$!
t_cleanup "kill $ndpid 2>/dev/null"
waitfor() { local i; for ((i = 0; i < $1 * 5; i++)); do eval "$2" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
t_check "networkd configures eth0 from its file" waitfor 20 "ip -o -4 address show dev eth0 | grep -q 192.0.2.2/24"
t_check "the gateway answers" waitfor 10 "ping -c 1 -W 1 192.0.2.1"

xn setup --confirm-timeout 60; cp "$T_TMP/xn.out" setup1.out
t_eq "setup (networkd): exit 0" 0 "$XN_RC"
[ "$XN_RC" = 0 ] || t_diag "$(cat setup1.out)" "$(tail -20 networkd.log)"
t_grep "... the networkd backend was chosen" 'bridge mode, networkd' "$R/var/lib/xenhost-network/log"
t_check "networkd made xenbr0, a bridge" test -d /sys/class/net/xenbr0/bridge
t_eq "... with eth0 as its port" "eth0" "$(ls /sys/class/net/xenbr0/brif 2>/dev/null)"
t_eq "... and eth0's MAC (MACAddress= in the .netdev)" "52:54:00:aa:bb:02" "$(cat /sys/class/net/xenbr0/address 2>/dev/null)"
t_eq "... STP off" 0 "$(cat /sys/class/net/xenbr0/bridge/stp_state 2>/dev/null)"
t_eq "... no forwarding delay" 0 "$(cat /sys/class/net/xenbr0/bridge/forward_delay 2>/dev/null)"
t_check "... eth0's address is on the bridge" waitfor 10 "ip -o -4 address show dev xenbr0 | grep -q 192.0.2.2/24"
t_nogrep "... and no longer on eth0" '192\.0\.2\.2' <(ip -o -4 address show dev eth0; echo)
t_check "the gateway answers through the bridge" ping -c 1 -W 2 192.0.2.1
t_grep "networkd itself configures the bridge from the written file" 'NETWORK_FILE=/etc/systemd/network/00-xenhost-xenbr0.network' \
    "/run/systemd/netif/links/$(cat /sys/class/net/xenbr0/ifindex)"
t_grep "... and eth0 from the port file" 'NETWORK_FILE=/etc/systemd/network/00-xenhost-eth0.network' \
    "/run/systemd/netif/links/$(cat /sys/class/net/eth0/ifindex)"
t_check "the admin's file is untouched" cmp "$T_TMP/etc.orig/systemd/network/10-eth0.network" "$R/etc/systemd/network/10-eth0.network"
xn confirm
t_eq "confirm: exit 0" 0 "$XN_RC"
[ "$XN_RC" = 0 ] || t_diag "$(cat "$T_TMP/xn.out")" "$(tail -20 "$R/var/lib/xenhost-network/log")"
xn remove
t_eq "remove: exit 0" 0 "$XN_RC"
t_eq "remove: every file as before setup" "" "$(diff -r "$T_TMP/etc.orig" "$R/etc")"
t_check "... no bridge left" test ! -e /sys/class/net/xenbr0
t_check "... eth0 has its address back" waitfor 10 "ip -o -4 address show dev eth0 | grep -q 192.0.2.2/24"
t_check "... the gateway answers" waitfor 10 "ping -c 1 -W 1 192.0.2.1"

xn setup --confirm-timeout 4
t_eq "unconfirmed trial (networkd): setup exit 0" 0 "$XN_RC"
t_check "... the trial ends by itself" xn_wait_trial_end 40
t_grep "... rolled back" 'last: rolled-back at .*not confirmed within 4 s' <("$XN" status)
t_eq "... every file as before" "" "$(diff -r "$T_TMP/etc.orig" "$R/etc")"
t_check "... no bridge left" test ! -e /sys/class/net/xenbr0
t_check "... eth0 has its address back" waitfor 10 "ip -o -4 address show dev eth0 | grep -q 192.0.2.2/24"
t_end

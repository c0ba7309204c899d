#!/bin/bash
# The ifupdown and networkd converters over real-world configurations
# (tests/network/fixtures/*/meta says what each one is): setup writes files that
# ifupdown itself parses (the real ifup --no-act -a) and that keep every setting
# of the uplink (the real ifquery, before and after); networkd files keep every
# line of the uplink's file; what must be refused is refused with its reason and
# changes nothing; --dry-run changes nothing; remove restores every byte.
# The network is faked here (tests/network/fake-live: ifdown/ifup/networkctl only
# log; t610 and t620 run the real ones); /sys and /proc are fixtures. Runs in its
# own network and mount namespaces.
if [ -z "${XN_IN_NS:-}" ]; then
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && exec env XN_IN_NS=1 unshare -n -m bash "$0" "$@"
    echo "skip - t600-converters # needs root and unshare (network and mount namespaces)"; exit 0
fi
. "$(dirname "$0")/../lib.sh"
mount --make-rprivate / || { t_fail "private mount namespace"; t_end; }
t_need_cmd ifup ifquery ip
. "$T_TOP/tests/network/netlib.sh"
mkdir -p fake && for c in ifup ifdown ifquery networkctl; do ln -s "$T_TOP/tests/network/fake-live" "fake/$c"; done
export PATH=$T_TMP/fake:$PATH FAKE_LIVE_LOG=$T_TMP/live.log
ip link set lo up

# sysfs LINK MAC INDEX: an interface in the fixture /sys
sysfs() {
    local d=$S/sys/class/net/$1
    mkdir -p "$d" && echo "$2" > "$d/address" && echo "$3" > "$d/ifindex" && echo "INTERFACE=$1" > "$d/uevent"
}
# ifq ETC_NETWORK IFACE: ifquery of IFACE with ETC_NETWORK mounted on /etc/network
ifq() { mount --bind "$1" /etc/network && ifquery --no-mappings "$2"; local rc=$?; umount /etc/network; return $rc; }

n_convert=0 n_refuse=0
for fx in "$T_TOP"/tests/network/fixtures/*/; do
    name=$(basename "$fx")
    UPLINK= EXPECT= REFUSE= ARGS= ROUTE_DEV= BRIDGES= NM= BRIDGE_MAC= DESC=
    . "$fx/meta"
    mac=52:54:00:12:34:56
    R=$T_TMP/$name/root S=$T_TMP/$name/sys
    export XENHOST_NET_ROOT=$R XENHOST_NET_SYSROOT=$S
    xn_root "$R"
    cp -a "$fx/." "$R/" && rm -f "$R/meta"
    touch "$R/etc/network/if-pre-up.d/bridge"
    [ -n "$NM" ] && mkdir -p "$R/run/NetworkManager"
    sysfs "$UPLINK" "$mac" 2
    for b in $BRIDGES; do
        sysfs "$b" "$mac" 3; mkdir -p "$S/sys/class/net/$b/bridge" "$S/sys/class/net/$b/brif/eth0"
        [ "$b" != "$UPLINK" ] && sysfs eth0 "$mac" 4
        [ "$UPLINK" = eth0 ] && ln -s "../$b" "$S/sys/class/net/eth0/master"
    done
    mkdir -p "$S/proc/net"
    printf 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n%s\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' \
        "${ROUTE_DEV:-$UPLINK}" > "$S/proc/net/route"
    cp -a "$R/etc" "$T_TMP/$name/etc.orig"
    export FAKE_BRIDGE=xenbr0
    [ "$EXPECT" = adopt ] && FAKE_BRIDGE=$UPLINK
    ip link del xenbr0 2>/dev/null
    # shellcheck disable=SC2086
    xn setup $ARGS --dry-run; cp "$T_TMP/xn.out" "$name.dry"
    t_eq "$name: --dry-run changes nothing" "" "$(diff -r "$T_TMP/$name/etc.orig" "$R/etc")"
    case $EXPECT in
    refuse)
        n_refuse=$((n_refuse + 1))
        t_eq "$name: --dry-run refuses too (exit 3)" 3 "$XN_RC"
        # shellcheck disable=SC2086
        xn setup $ARGS --confirm-timeout 0; cp "$T_TMP/xn.out" "$name.out"
        t_eq "$name: refused (exit 3): $DESC" 3 "$XN_RC"
        t_grep "$name: ... with the reason" "refused: .*$REFUSE" "$name.out"
        t_eq "$name: ... and nothing changed" "" "$(diff -r "$T_TMP/$name/etc.orig" "$R/etc"; ls -A "$R/var/lib")"
        continue ;;
    esac
    n_convert=$((n_convert + 1))
    t_eq "$name: --dry-run passes its checks" 0 "$XN_RC"
    # shellcheck disable=SC2086
    xn setup $ARGS --confirm-timeout 0; cp "$T_TMP/xn.out" "$name.out"
    t_eq "$name: setup (exit 0): $DESC" 0 "$XN_RC"
    [ "$XN_RC" = 0 ] || { t_diag "$(cat "$name.out")"; continue; }
    t_grep "$name: the dry run showed what was written" "^# xenhost-network setup --dry-run" "$name.dry"
    if [ "$EXPECT" = adopt ]; then
        t_eq "$name: no network file changed" "" "$(diff -r "$T_TMP/$name/etc.orig/network" "$R/etc/network")"
        t_grep "$name: the setting names the admin's bridge" "^XENHOST_GUEST_BRIDGE=$UPLINK$" "$R/etc/default/xenhost-network"
        t_grep "$name: xl.conf agrees" "^vif.default.bridge=\"$UPLINK\"$" "$R/etc/xen/xl.conf"
    elif [ -d "$R/etc/network" ] && [ -s "$R/etc/network/interfaces" ] && grep -rqw "iface $UPLINK" "$T_TMP/$name/etc.orig/network"; then
        # the real ifupdown reads the written files
        mkdir -p "$T_TMP/st.$name"
        mount --bind "$R/etc/network" /etc/network
        out=$(ifup --no-act --no-mappings --state-dir "$T_TMP/st.$name" -a 2>&1); rc=$?
        umount /etc/network
        t_eq "$name: ifup --no-act -a parses the written files" 0 "$rc"
        [ $rc = 0 ] || t_diag "$out" "$(cat "$R/etc/network/interfaces")"
        ifq "$T_TMP/$name/etc.orig/network" "$UPLINK" > "$name.before" 2>&1; rb=$?
        ifq "$R/etc/network" xenbr0 > "$name.after" 2>&1; ra=$?
        t_eq "$name: ifquery reads $UPLINK before and xenbr0 after" "0 0" "$rb $ra"
        ifq "$R/etc/network" "$UPLINK" > "$name.port" 2>&1
        lost=$(grep -vxF -f "$name.after" "$name.before")
        t_eq "$name: the bridge keeps every setting of $UPLINK (ifquery before and after)" "" "$lost"
        t_grep "$name: bridge_ports $UPLINK" "^bridge_ports: $UPLINK$" "$name.after"
        t_grep "$name: the bridge keeps the MAC" "^bridge_hw: ${BRIDGE_MAC:-$mac}$" "$name.after"
        t_grep "$name: STP off, no forwarding delay" "^bridge_stp: off$" "$name.after"
        t_grep "$name: ... " "^bridge_fd: 0$" "$name.after"
        t_eq "$name: the port keeps only mtu and hwaddress" "" "$(grep -v -e '^mtu:' -e '^hwaddress:' "$name.port")"
        t_nogrep "$name: no stanza of $UPLINK is hotplugged or auto" "^(auto|allow-hotplug).*[[:space:]]$UPLINK([[:space:]]|$)" <(cat "$R"/etc/network/interfaces "$R"/etc/network/interfaces.d/* 2>/dev/null; echo)
        if grep -Eq "^(auto|allow-hotplug)[[:space:]].*$UPLINK" -r "$T_TMP/$name/etc.orig/network"; then
            t_grep "$name: the bridge comes up at boot (auto)" "^auto( .*)? xenbr0( |$)" <(cat "$R"/etc/network/interfaces "$R"/etc/network/interfaces.d/* 2>/dev/null)
        fi
    else
        nd=$R/etc/systemd/network
        t_check "$name: the bridge's .netdev" test -s "$nd/00-xenhost-xenbr0.netdev"
        t_grep "$name: ... keeps the uplink's MAC" "^MACAddress=$mac$" "$nd/00-xenhost-xenbr0.netdev"
        t_grep "$name: ... STP off" '^STP=no$' "$nd/00-xenhost-xenbr0.netdev"
        t_grep "$name: ... no forwarding delay" '^ForwardDelaySec=0$' "$nd/00-xenhost-xenbr0.netdev"
        t_grep "$name: the uplink is the bridge's port" '^Bridge=xenbr0$' "$nd/00-xenhost-$UPLINK.network"
        orig=$(ls "$T_TMP/$name/etc.orig/systemd/network/"*.network)
        awk '/^\[/ { m = ($0 == "[Match]") } !m && NF && !/^#/' "$orig" > "$name.keep"
        lost=$(grep -vxF -f "$nd/00-xenhost-xenbr0.network" "$name.keep")
        t_eq "$name: the bridge's .network keeps every line of $(basename "$orig") but [Match]" "" "$lost"
        t_grep "$name: ... and matches the bridge" '^Name=xenbr0$' "$nd/00-xenhost-xenbr0.network"
        t_check "$name: the admin's file is not touched" cmp "$orig" "$R/etc/systemd/network/$(basename "$orig")"
        if grep -q '^MTUBytes=' "$orig"; then t_grep "$name: the port keeps the MTU" "^$(grep '^MTUBytes=' "$orig")$" "$nd/00-xenhost-$UPLINK.network"; fi
    fi
    xn status; cp "$T_TMP/xn.out" "$name.status"
    t_grep "$name: status says what is configured" "^configured: (bridge|adopt) mode" "$name.status"
    t_nogrep "$name: status: the setting, xl.conf and xen-create-image agree" 'DISAGREES|unknown' "$name.status"
    xn remove; cp "$T_TMP/xn.out" "$name.remove"
    t_eq "$name: remove (exit 0)" 0 "$XN_RC"
    t_eq "$name: remove restores every file byte for byte and deletes what setup created" "" "$(diff -r "$T_TMP/$name/etc.orig" "$R/etc")"
    t_eq "$name: ... and forgets the setup" "" "$(ls "$R/var/lib/xenhost-network" | grep -v -x -e log -e last -e backup -e written)"
done
t_check "at least 15 real-world configurations ($n_convert converted, $n_refuse refused)" test $((n_convert + n_refuse)) -ge 15
t_end

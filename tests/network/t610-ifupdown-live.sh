#!/bin/bash
# The whole trial with the real ifupdown, bridge-utils and ip in network
# namespaces: a host (this script's namespace, eth0 a veth with a static address)
# and its provider (namespace gw, the gateway 192.0.2.1). setup, confirm, remove;
# a trial left unconfirmed rolls back by itself; a gateway that stops answering
# rolls back; the guard outlives the admin's session (its session is killed); a
# "reboot" during a trial (guard killed, live state gone) restores the old files
# at boot; a new configuration that does not come up is rolled back at once.
# Nothing is faked: only the tool's /etc, /run and /var/lib are a fixture root
# (its /etc/network is also mounted on /etc/network for ifupdown).
if [ -z "${XN_IN_NS:-}" ]; then
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && exec env XN_IN_NS=1 unshare -n -m bash "$0" "$@"
    echo "skip - t610-ifupdown-live # needs root and unshare (network and mount namespaces)"; exit 0
fi
. "$(dirname "$0")/../lib.sh"
t_need_cmd ifup ifdown ifquery brctl ip ping inotifywait
[ -x /etc/network/if-pre-up.d/bridge ] || { t_skip "$T_NAME" "needs bridge-utils' ifupdown hooks"; t_end; }
mount --make-rprivate / && mount -t sysfs sysfs /sys && mount -t tmpfs tmpfs /run && mkdir -p /run/network ||
    { t_fail "private /sys and /run in the test's namespaces"; t_end; }
. "$T_TOP/tests/network/netlib.sh"
R=$T_TMP/root
export XENHOST_NET_ROOT=$R
xn_root "$R"
for d in if-pre-up.d if-down.d if-post-down.d; do mkdir -p "$R/etc/network/$d"; cp -p "/etc/network/$d/bridge" "$R/etc/network/$d/"; done
mkdir -p "$R/etc/network/if-up.d"
mount --bind "$R/etc/network" /etc/network && mount --bind /run "$R/run" || { t_fail "fixture /etc/network"; t_end; }
t_cleanup "umount -l '$R/run'"
cat > "$R/etc/network/interfaces" <<'EOF'
# the host's uplink (tests/network/t610)
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet static
    address 192.0.2.2/24
    gateway 192.0.2.1
EOF
cp -a "$R/etc" "$T_TMP/etc.orig"
ip link set lo up
GW=xh-t610-gw-$$
ip netns add "$GW" && t_cleanup "ip netns del $GW"
ip link add eth0 address 52:54:00:aa:bb:01 type veth peer name gw0 netns "$GW"
ip -n "$GW" link set lo up && ip -n "$GW" address add 192.0.2.1/24 dev gw0 && ip -n "$GW" link set gw0 up
t_check "ifup -a brings the host's uplink up (the real ifupdown)" ifup -a
t_check "the gateway answers" ping -c 1 -W 2 192.0.2.1

pristine() { t_eq "$1: every file is as before setup" "" "$(diff -r "$T_TMP/etc.orig" "$R/etc")"; }
uplink_back() {
    t_check "$1: no bridge left" test ! -e /sys/class/net/xenbr0
    t_grep "$1: eth0 has its address back" 'inet 192.0.2.2/24' <(ip -o -4 address show dev eth0)
    t_check "$1: the gateway answers" ping -c 1 -W 2 192.0.2.1
}

# 1. setup, check, confirm, remove
xn setup --confirm-timeout 60; cp "$T_TMP/xn.out" setup1.out
t_eq "setup: exit 0" 0 "$XN_RC"
t_grep "setup: the trial is announced" "run 'xenhost-network confirm' within" setup1.out
t_check "xenbr0 is a bridge" test -d /sys/class/net/xenbr0/bridge
t_eq "... with eth0 as its port" "eth0" "$(ls /sys/class/net/xenbr0/brif)"
t_eq "... and eth0's MAC" "52:54:00:aa:bb:01" "$(cat /sys/class/net/xenbr0/address)"
t_eq "... STP off" 0 "$(cat /sys/class/net/xenbr0/bridge/stp_state)"
t_eq "... no forwarding delay" 0 "$(cat /sys/class/net/xenbr0/bridge/forward_delay)"
t_grep "... eth0's address" 'inet 192.0.2.2/24' <(ip -o -4 address show dev xenbr0)
t_grep "the default route is through xenbr0" '^default via 192.0.2.1 dev xenbr0' <(ip route)
t_check "the gateway answers through the bridge" ping -c 1 -W 2 192.0.2.1
xn status; cp "$T_TMP/xn.out" status1.out
t_grep "status: a trial is pending, with the time left" '^trial: pending, [0-9]+ s left' status1.out
t_grep "status: what is live" '^live: xenbr0 is a bridge, MAC 52:54:00:aa:bb:01, ports: eth0, addresses: 192.0.2.2/24' status1.out
# Watch the state directory through confirm and remove: the outcome ("last") must be
# in place before the trial file goes, since confirm and remove read it the moment
# they see no trial (t650 once saw a confirm that worked answer "too late: the trial
# ended removed"; the window was the fsync of the new "last").
inotifywait -m -e moved_to,delete --format '%e %f' -o "$T_TMP/state-events" "$R/var/lib/xenhost-network" 2> "$T_TMP/inotify.err" &
watch_pid=$!
t_cleanup "kill $watch_pid 2>/dev/null"
for ((i = 0; i < 50; i++)); do grep -q 'Watches established' "$T_TMP/inotify.err" && break; sleep 0.1; done
t_grep "the state directory is watched" 'Watches established' "$T_TMP/inotify.err"
xn confirm
t_eq "confirm: exit 0" 0 "$XN_RC"
xn status; cp "$T_TMP/xn.out" status2.out
t_grep "status: confirmed" '^last: confirmed at' status2.out
t_grep "status: no trial pending" '^trial: none pending' status2.out
t_grep "status: the setting and xl.conf agree" '^xl.conf default bridge: xenbr0 .*agrees' status2.out
t_nogrep "status: nothing disagrees" 'DISAGREES|MISSING' status2.out
t_eq "status: exit 0" 0 "$XN_RC"
xn remove; cp "$T_TMP/xn.out" remove1.out
t_eq "remove: exit 0" 0 "$XN_RC"
# inotifywait writes the events after they happened: give it up to 5 s for both
for ((i = 0; i < 50; i++)); do [ "$(grep -c '^DELETE trial$' "$T_TMP/state-events")" -ge 2 ] && break; sleep 0.1; done
kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null
grep -E ' (last|trial)$' "$T_TMP/state-events" > events.out
t_eq "confirm and remove each ended their trial" 2 "$(grep -c '^DELETE trial$' events.out)"
# every DELETE of the trial file comes right after a new "last"
t_eq "... each time with the outcome written first" "" \
    "$(awk '$0 == "DELETE trial" && prev != "MOVED_TO last" { print NR ": " prev " then " $0 } { prev = $0 }' events.out)"
[ $T_FAILED = 0 ] || t_diag "state events: $(tr "\n" " " < events.out)"
pristine "remove"
uplink_back "remove"

# 2. a trial nobody confirms: rolled back by itself
start=$(date +%s)
xn setup --confirm-timeout 4
t_eq "unconfirmed trial: setup exit 0" 0 "$XN_RC"
t_check "unconfirmed trial: the trial ends by itself" xn_wait_trial_end 40
t_grep "... it says why" 'last: rolled-back at .*: not confirmed within 4 s' <("$XN" status)
t_check "... within the timeout and a few seconds of rollback ($(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -le 30
pristine "unconfirmed trial"
uplink_back "unconfirmed trial"
xn confirm
t_eq "confirm after the rollback: exit 1" 1 "$XN_RC"

# 3. the gateway stops answering during the trial
xn setup --confirm-timeout 120
t_eq "gateway loss: setup exit 0" 0 "$XN_RC"
ip -n "$GW" link set gw0 down
t_check "gateway loss: the trial ends by itself (3 missed echoes)" xn_wait_trial_end 60
ip -n "$GW" link set gw0 up
t_grep "... because the gateway stopped answering" 'last: rolled-back at .*gateway 192.0.2.1 stopped answering' <("$XN" status)
pristine "gateway loss"
uplink_back "gateway loss"

# 4. the admin's session dies (the network drops under ssh): the guard lives on
setsid bash -c "'$XN' setup --confirm-timeout 120 > '$T_TMP/setup4.out' 2>&1" &
spid=$!
# killed once the trial is up (setup prints "within"), not while it is still applying,
# when confirm rightly refuses; bounded, and generous: make check runs this beside a QEMU
# boot and the builds (tests/run --lanes)
for i in $(seq 1 450); do grep -q "within" setup4.out 2>/dev/null && break; sleep 0.2; done
t_grep "session killed: setup had reached the trial first" 'within' setup4.out
kill -KILL -- -"$spid" 2>/dev/null; wait "$spid" 2>/dev/null
guard=$(sed -n "s/^GUARD='\(.*\)'$/\1/p" "$R/var/lib/xenhost-network/trial" 2>/dev/null)
t_check "session killed: the guard still runs (pid $guard)" kill -0 "${guard:-0}"
t_check "... in a session of its own" test "$(ps -o sid= -p "${guard:-0}" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
xn confirm
t_eq "... and confirm reaches it" 0 "$XN_RC"
[ "$XN_RC" = 0 ] || t_diag "confirm said: $(cat xn.out)" "setup said: $(cat setup4.out)"
xn remove
t_eq "remove after it: exit 0" 0 "$XN_RC"
pristine "session killed"

# 5. a reboot during the trial: the guard dies with the machine, the live state is gone,
# the boot restores the old files before networking (xenhost-network boot), ifup -a follows
xn setup --confirm-timeout 120
guard=$(sed -n "s/^GUARD='\(.*\)'$/\1/p" "$R/var/lib/xenhost-network/trial")
kill -KILL "$guard"; sleep 0.2
ip link del xenbr0; ip address flush dev eth0; rm -rf /run/network/*
xn boot
t_eq "reboot during the trial: xenhost-network boot exit 0" 0 "$XN_RC"
pristine "reboot during the trial"
t_grep "... the reason is kept" 'last: rolled-back at .*the host restarted during the trial \(pending\)' <("$XN" status)
t_check "... networking comes up with the old files" ifup -a
uplink_back "reboot during the trial"

# 6. a signal to the guard rolls back at once
xn setup --confirm-timeout 120
guard=$(sed -n "s/^GUARD='\(.*\)'$/\1/p" "$R/var/lib/xenhost-network/trial")
kill -TERM "$guard"
t_check "SIGTERM to the guard: the trial ends" xn_wait_trial_end 30
t_grep "... rolled back, saying why" 'last: rolled-back at .*stopped \(signal 15\)' <("$XN" status)
pristine "SIGTERM"
uplink_back "SIGTERM"

# 7. remove during the trial rolls it back
xn setup --confirm-timeout 120
xn remove
t_eq "remove during the trial: exit 0" 0 "$XN_RC"
t_grep "... rolled back" 'last: rolled-back at .*remove during the trial' <("$XN" status)
pristine "remove during the trial"
uplink_back "remove during the trial"

# 8. a new configuration that does not come up: rolled back before the trial starts
sed -i 's/^    gateway 192.0.2.1$/    gateway 192.0.2.1\n    pre-up [ "$IFACE" != xenbr0 ]/' "$R/etc/network/interfaces"
cp -a "$R/etc" "$T_TMP/etc.orig8"
xn setup --confirm-timeout 60; cp "$T_TMP/xn.out" setup8.out
t_eq "a bridge that does not come up: setup exit 1" 1 "$XN_RC"
t_grep "... says so" 'the new configuration did not come up: the old configuration is back' setup8.out
t_eq "... every file as before" "" "$(diff -r "$T_TMP/etc.orig8" "$R/etc")"
uplink_back "a bridge that does not come up"
t_grep "every step is in the log" 'ifdown eth0: done' "$R/var/lib/xenhost-network/log"
ifdown -a >/dev/null 2>&1
t_end

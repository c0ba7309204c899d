#!/bin/bash
# The Xen service units and SysV scripts: systemd-analyze verify, LSB headers,
# the dom0/toolstack check, the timeout generator, the SysV scripts' behaviour.
. "$(dirname "$0")/../lib.sh"
t_need_cmd systemd-analyze
I=$T_TOP/scripts/init
UNITS=$(cd "$I/systemd" && ls *.service *.mount)

# --- systemd-analyze verify in a root holding the system's units, ours, and stub programs
R=$T_TMP/root
mkdir -p "$R/usr/lib/systemd/system"
cp -a /lib/systemd/system/. "$R/usr/lib/systemd/system/"
for b in usr/sbin/xenstored usr/sbin/xenconsoled usr/sbin/xenwatchdogd usr/sbin/xendomains usr/sbin/xenhost-network \
         usr/lib/xen/bin/xen-init-dom0 usr/lib/xen/bin/xenhost-dom0-check bin/true bin/echo bin/mkdir bin/sh; do
    mkdir -p "$R/$(dirname $b)"; printf '#!/bin/sh\n' > "$R/$b"; chmod 755 "$R/$b"
done
verify() { (cd "$R/usr/lib/systemd/system" && systemd-analyze verify --man=no --root="$R" "$@") > verify.out 2>&1; }
cp "$I"/systemd/*.service "$I"/systemd/*.mount "$R/usr/lib/systemd/system/"
# shellcheck disable=SC2086
verify $UNITS
t_eq "systemd-analyze verify: exit 0" 0 "$?"
t_check "systemd-analyze verify: no complaints" test ! -s verify.out
[ -s verify.out ] && t_diag "$(cat verify.out)"
sed 's/^TimeoutStopSec=.*/TimeoutStopSec=soon/; s/^Requires=/Requires=nosuch.service /' "$I/systemd/xendomains.service" \
    > "$R/usr/lib/systemd/system/broken.service"
verify broken.service
t_grep "verify catches a broken unit (the check can fail)" 'Failed to parse' verify.out

# --- what every unit must say
for u in $UNITS; do
    f=$I/systemd/$u
    case $u in
    proc-xen.mount) t_grep "$u: only where /proc/xen exists" '^ConditionPathExists=/proc/xen$' "$f" ;;
    xend.service) t_grep "$u: starts xencommons" '^Requires=xencommons.service' "$f" ;;
    # the host's network (docs/network.md): also on native Linux, after a failed trial boot of Xen
    xenhost-network-restore.service)
        t_grep "$u: before any network stack" '^Before=network-pre.target networking.service .*systemd-networkd.service' "$f"
        t_grep "$u: early, without the default dependencies" '^DefaultDependencies=no$' "$f"
        t_grep "$u: only when a trial was pending" '^ConditionPathExists=/var/lib/xenhost-network/trial$' "$f" ;;
    xenhost-network-nat.service)
        t_grep "$u: only where setup made a NAT network" '^ConditionPathExists=/etc/xenhost-network/nat.conf$' "$f"
        t_grep "$u: after nftables.service (its ruleset flushes ours)" '^After=.*nftables.service' "$f" ;;
    *)  t_grep "$u: acts only in dom0 with a matching toolstack" '^ExecCondition=/usr/lib/xen/bin/xenhost-dom0-check$' "$f" ;;
    esac
done
X=$I/systemd/xendomains.service
t_grep "xendomains: a failed guest start does not fail the unit" '^ExecStart=-/usr/sbin/xendomains start$' "$X"
t_grep "xendomains: stop timeout set (not systemd's default)" '^TimeoutStopSec=[0-9]+$' "$X"
t_grep "xendomains: may ask for more time while working" '^NotifyAccess=exec$' "$X"
t_grep "xendomains: after the network" '^After=.*network-online.target' "$X"
t_grep "xendomains: after remote and local storage" '^After=.*remote-fs.target.*local-fs.target' "$X"
t_grep "xendomains: after iSCSI and mdadm" '^After=.*iscsid.service.*mdmonitor.service' "$X"
t_nogrep "xendomains: restarting xencommons never stops guests" '^Requires=.*xencommons' "$X"
t_grep "xenstored: refuses a manual stop" '^RefuseManualStop=yes' "$I/systemd/xenstored.service"
t_nogrep "no unit uses ConditionVirtualization=xen (false in dom0)" 'ConditionVirtualization' "$I"/systemd/*.service

# --- the unit's built-in timeouts are those of the default settings
make -s -C "$T_TOP/src/tools/xendomains" >build.log 2>&1 || { t_fail "xendomains builds" "$(tail build.log)"; t_end; }
XD=$T_TOP/src/tools/xendomains/xendomains
: > empty.conf
t_eq "unit timeouts = xendomains timeouts of the defaults" \
    "$("$XD" -c empty.conf timeouts | grep ^Timeout)" "$(grep ^Timeout "$X")"

# --- the installed engine has no test hooks (src/lib/testhooks.h)
"$XD" -c empty.conf --poll-ms 5 check > poll.out 2>&1; t_eq "installed engine: no --poll-ms option (exit 2)" 2 "$?"
grep -q XENHOST_XD_POLL_MS "$XD" && t_fail "installed engine: no XENHOST_XD_POLL_MS in the binary" || t_ok "installed engine: no XENHOST_XD_POLL_MS in the binary"

# --- the generator writes a drop-in derived from the settings
printf 'XENDOMAINS_STOP_MAXWAIT=1000\n' > big.conf
printf '#!/bin/sh\nexec %s -c %s "$@"\n' "$XD" "$T_TMP/big.conf" > xd-wrap; chmod +x xd-wrap
XENDOMAINS_BIN=$T_TMP/xd-wrap sh "$I/systemd/xendomains-generator" "$T_TMP/gen" "$T_TMP/gen-early" "$T_TMP/gen-late"
t_grep "generator: stop timeout from XENDOMAINS_STOP_MAXWAIT" '^TimeoutStopSec=2090$' gen/xendomains.service.d/50-timeouts.conf
printf 'XENDOMAINS_STOP_MAXWAIT=x\n' > big.conf
XENDOMAINS_BIN=$T_TMP/xd-wrap sh "$I/systemd/xendomains-generator" "$T_TMP/gen2"
t_eq "generator: bad settings -> no drop-in, exit 0" "0 no" "$? $([ -e gen2/xendomains.service.d ] && echo yes || echo no)"

# --- /etc/default/xencommons: readable by systemd (the same file it parses) and by sh
t_check "xencommons defaults: valid sh" sh -n "$T_TOP/etc/default/xencommons"
t_eq "xencommons defaults: what sh reads" "30 15|none|/usr/lib/xen/bin/qemu-system-i386" \
    "$(sh -c '. "$1"; echo "$XENWATCHDOGD_ARGS|$XENCONSOLED_TRACE|$QEMU_XEN"' _ "$T_TOP/etc/default/xencommons")"
for k in $(sed -n 's/^\([A-Z_0-9]*\)=.*/\1/p' "$T_TOP/etc/default/xencommons"); do
    t_check "xencommons defaults: $k is used by a unit or script" grep -rqs "$k" "$I/systemd" "$I/sysv"
done

# --- dom0 / toolstack check
chk() { XENHOST_ROOT=$T_TMP/fake sh "$I/xenhost-dom0-check" 2>chk.err; echo $?; }
mkdir -p fake/proc/xen fake/sys/hypervisor/version fake/usr/lib/x86_64-linux-gnu
t_eq "check: no /proc/xen -> 1 (skip)" 1 "$(chk)"
: > fake/proc/xen/capabilities
t_eq "check: domU (empty capabilities) -> 1 (skip)" 1 "$(chk)"
echo control_d > fake/proc/xen/capabilities
echo 4 > fake/sys/hypervisor/version/major; echo 20 > fake/sys/hypervisor/version/minor
touch fake/usr/lib/x86_64-linux-gnu/libxenctrl.so.4.20.0
t_eq "check: dom0, Xen 4.20 with 4.20 tools -> 0" 0 "$(chk)"
echo 17 > fake/sys/hypervisor/version/minor
t_eq "check: Xen 4.17 running, 4.20 tools -> 255 (fail)" 255 "$(chk)"
t_grep "check: mismatch says what to do" 'hypervisor is 4.17 but the installed toolstack is for Xen 4.20.*reboot into Xen 4.20' chk.err
touch fake/usr/lib/x86_64-linux-gnu/libxenctrl.so.4.17.0
t_eq "check: one of several installed toolstacks matches -> 0" 0 "$(chk)"

# --- LSB headers of the SysV scripts
for s in xencommons xend xendomains xen-watchdog; do
    f=$I/sysv/$s
    hdr=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$f")
    t_check "$s: has an LSB header" test -n "$hdr"
    for k in Provides Required-Start Required-Stop Default-Start Default-Stop Short-Description; do
        t_check "$s: LSB $k present" grep -q "^# $k:" <<<"$hdr"
    done
    t_check "$s: Provides its own name" grep -Eq "^# Provides: +$s( |\$)" <<<"$hdr"
    ds=$(sed -n 's/^# Default-Start: *//p' <<<"$hdr"); dp=$(sed -n 's/^# Default-Stop: *//p' <<<"$hdr")
    t_check "$s: runlevels valid and start/stop disjoint ($ds / $dp)" \
        bash -c '[[ "$1 $2" =~ ^[0-6S\ ]*$ ]] && for r in $1; do [[ " $2 " != *" $r "* ]] || exit 1; done' _ "$ds" "$dp"
    t_check "$s: same-named systemd unit (so systemd never runs the script)" test -e "$I/systemd/$s.service"
    t_check "$s: POSIX sh syntax" sh -n "$f"
    if command -v checkbashisms >/dev/null; then t_check "$s: no bashisms" checkbashisms "$f"; fi
    if command -v shellcheck >/dev/null; then t_check "$s: shellcheck" shellcheck -s sh -e SC1091 "$f"; fi
done
for f in "$I/xenhost-dom0-check" "$I/systemd/xendomains-generator" "$I/sysv/xenhost-init-functions"; do
    if command -v shellcheck >/dev/null; then t_check "$(basename "$f"): shellcheck" shellcheck -s sh -e SC1091 "$f"; fi
done

# --- SysV xendomains: quiet no-op outside dom0; runs the engine in dom0; refuses a mismatch
printf '#!/bin/sh\necho "engine $*" >> %s/engine.log\n' "$T_TMP" > engine; chmod +x engine
sysv() { XENHOST_ROOT=$T_TMP/fake XENHOST_DOM0_CHECK=$I/xenhost-dom0-check XENHOST_INIT_FUNCTIONS=$I/sysv/xenhost-init-functions \
         XENDOMAINS=$T_TMP/engine sh "$I/sysv/xendomains" "$@" > sysv.out 2>&1; echo $?; }
rm -f fake/usr/lib/x86_64-linux-gnu/libxenctrl.so.4.17.0
echo > fake/proc/xen/capabilities
t_eq "sysv xendomains outside dom0: exit 0" 0 "$(sysv start)"
t_check "sysv xendomains outside dom0: engine not run" test ! -e engine.log
echo control_d > fake/proc/xen/capabilities
t_eq "sysv xendomains, mismatched toolstack: exit 1" 1 "$(sysv start)"
t_grep "sysv xendomains, mismatch: says why" 'reboot into Xen 4.20' sysv.out
echo 20 > fake/sys/hypervisor/version/minor
t_eq "sysv xendomains in dom0: exit 0" 0 "$(sysv start)"
t_grep "sysv xendomains runs the engine with syslog" '^engine --syslog start$' engine.log
t_eq "sysv xendomains: bad action is a usage error" 2 "$(sysv frobnicate)"
t_end

#!/bin/bash
# xendomains: configuration errors, waiting for disks, the parallelism bound, start delay.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xendomains/xdlib.sh"

# peak OP: the most OP commands that overlapped, from fake-xl's call log
peak() { grep " $1 " "$FAKEXL_DIR/calls" | grep -E ' (start|end) ' | sort -n |
         awk '$2=="start"{n++; if(n>m)m=n} $2=="end"{n--} END{print m+0}'; }

# --- configuration
xd_conf 'XENDOMAINS_STOP_MAXWAIT=soon'
xd status
t_eq "bad number: exit 2" 2 "$XD_RC"
t_grep "bad number: file, line, key and reason" 'xendomains.conf:8: XENDOMAINS_STOP_MAXWAIT="soon": ' "$T_TMP/out"
xd_conf 'XENDOMAINS_SAVE=$(rm -rf /)'
xd status
t_eq "shell code in a value: exit 2" 2 "$XD_RC"
t_grep "shell code: refused with the reason" 'not supported' "$T_TMP/out"
xd_conf XENDOMAINS_STOP_TIMEOUT_ACTION=reboot
xd status; t_eq "bad timeout action: exit 2" 2 "$XD_RC"
xd_conf XENDOMAINS_SAVE=relative/dir
xd status; t_eq "relative save dir: exit 2" 2 "$XD_RC"
xd_conf XENDOMAINS_FROBNICATE=1 XENDOMAINS_USLEEP=100000
xd status
t_eq "unknown key only warns" 0 "$XD_RC"
t_grep "unknown key named" 'XENDOMAINS_FROBNICATE: unknown setting, ignoring' "$T_TMP/out"
t_must_fail "missing -c file fails" "$XD_BIN" -c "$T_TMP/nope" status
"$XD_BIN" -c "$XD_CONF" frobnicate >/dev/null 2>&1; t_eq "unknown command: exit 2" 2 "$?"
"$XD_BIN" >/dev/null 2>&1; t_eq "no command: exit 2" 2 "$?"
xd_conf XENDOMAINS_STOP_MAXWAIT=100 XENDOMAINS_DISK_WAIT=30 XENDOMAINS_START_MAXWAIT=200
xd timeouts
t_eq "timeouts derived from the configuration" "[Service] TimeoutStartSec=490 TimeoutStopSec=290" "$(tr '\n' ' ' < "$T_TMP/out" | sed 's/ $//')"
xd_conf XENDOMAINS_STOP_MAXWAIT=100 XENDOMAINS_DISK_WAIT=30 XENDOMAINS_START_MAXWAIT=200 XENDOMAINS_START_DELAY=30
xd timeouts
t_grep "the start timeout has room for the launch delay (a failed restore, then a create)" '^TimeoutStartSec=520$' "$T_TMP/out"

# --- a broken guest config does not hold up the others, and fails the start
xd_conf
guest ok1 64
printf 'memory = 64\n' > "$T_TMP/auto/noname.cfg"
echo 'name = "ok1"' > "$T_TMP/auto/dup.cfg"
touch "$T_TMP/auto/ok1.cfg~" "$T_TMP/auto/.hidden"
xd start
t_eq "broken config: start exits 1" 1 "$XD_RC"
t_grep "broken config named with the reason" 'noname.cfg: no name = ' "$T_TMP/out"
t_grep "duplicate name named" 'cfg: guest ok1 is also defined by .*ignoring this file' "$T_TMP/out"
t_check "good guest started" running ok1
t_eq "editor leftovers ignored" 1 "$(nrunning)"
rm -f "$T_TMP"/auto/* "$FAKEXL_DIR"/doms/*

# --- disks: one appears late, one never; a guest without disks is not held up.
# Times leave room for a loaded machine yet still tell parallel from serial: waiting
# in turn would take at least 2.5 + 4 s, in parallel about 4 s.
xd_conf XENDOMAINS_DISK_WAIT=4
guest late 64 "phy:$T_TMP/dev/late,xvda,w"
guest never 64 "file:$T_TMP/never.img,xvda,w"
guest free 64
: > "$FAKEXL_DIR/calls"
( sleep 2.5; mkdir -p "$T_TMP/dev"; touch "$T_TMP/dev/late" ) &
t0=$(date +%s.%N)
xd start
t1=$(date +%s.%N)
wait
t_eq "a missing disk fails the start" 1 "$XD_RC"
t_check "late disk: guest started once it appeared" running late
t_check "missing disk: guest not started" test ! -e "$FAKEXL_DIR/doms/never"
t_grep "missing disk: path and limit logged" "never: disk $T_TMP/never.img did not appear within 4 s" "$T_TMP/out"
t_grep "waiting is logged" "late: waiting up to 4 s for disk" "$T_TMP/out"
free_at=$(awk -v t0="$t0" '$2=="start" && $4=="free" {print $1 - t0}' "$FAKEXL_DIR/calls")
t_check "guest without disks started at once (${free_at}s)" awk -v x="$free_at" 'BEGIN{exit !(x < 2)}'
t_check "the whole start bounded by the disk wait ($(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}') s)" awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 6)}'
rm -f "$T_TMP"/auto/* "$FAKEXL_DIR"/doms/*

# --- parallelism: 8 guests, bound 3 for creates and saves; shutdowns are not bounded
# (latencies of 1-2 s: every call of a wave has started long before the first ends,
# even when starting a process takes a while)
for i in 1 2 3 4 5 6 7 8; do guest g$i 64; done
xd_conf XENDOMAINS_PARALLEL=3
: > "$FAKEXL_DIR/calls"
FAKEXL_LAT_create=1 xd start
t_eq "8 guests started" 8 "$(nrunning)"
t_eq "creates: exactly 3 at once" 3 "$(peak create)"
: > "$FAKEXL_DIR/calls"
FAKEXL_LAT_save=1 xd stop
t_eq "saves: exactly 3 at once" 3 "$(peak save)"
FAKEXL_LAT_restore=1 xd start
t_eq "restores: exactly 3 at once" 3 "$(peak restore)"
xd_conf XENDOMAINS_PARALLEL=3 XENDOMAINS_SAVE=
: > "$FAKEXL_DIR/calls"
FAKEXL_LAT_shutdown=2 xd stop
t_eq "shutdowns: all 8 at once" 8 "$(peak shutdown)"
xd_conf XENDOMAINS_PARALLEL=1
: > "$FAKEXL_DIR/calls"
FAKEXL_LAT_create=0.05 xd start
t_eq "bound 1: one create at a time" 1 "$(peak create)"
rm -f "$FAKEXL_DIR"/doms/*

# --- start delay spaces the launches
rm -f "$T_TMP"/auto/g[4-8].cfg
xd_conf XENDOMAINS_PARALLEL=8 XENDOMAINS_START_DELAY=1
: > "$FAKEXL_DIR/calls"
xd start
span=$(awk '$2=="start"{if(!a)a=$1; b=$1} END{print b - a}' "$FAKEXL_DIR/calls")
t_check "start delay: 3 launches spread over >= 2 s (${span}s)" awk -v x="$span" 'BEGIN{exit !(x >= 1.9)}'
t_end

#!/bin/bash
# xendomains engine against fake-xl faults: every guest's end state and log line.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xendomains/xdlib.sh"
xd_conf XENDOMAINS_STOP_MAXWAIT=1
guest a 64; guest b 64; guest c 64; guest d 64
xd start; t_eq "4 guests start" 4 "$(nrunning)"
ma=$(marker a); mb=$(marker b)

# save fails with ENOSPC (a), xl crashes mid-save (b), shutdown hangs (c), the
# domain vanishes before the shutdown (d is saved fine: use a shutdown-mode stop for it later)
fault save a enospc; fault save b crash; fault save c fail; fault shutdown c hang
xd stop
t_eq "stop reports the failure (exit 1)" 1 "$XD_RC"
t_grep "ENOSPC: says why and shuts down instead" 'a: save failed \(.*No space left on device\); shutting it down instead' "$T_TMP/out"
t_grep "a shut down cleanly" 'a: shut down in' "$T_TMP/out"
t_grep "crash: signal named" 'b: save failed \(xl save: killed by signal 11' "$T_TMP/out"
t_grep "hang: destroyed after the per-guest limit" 'c: did not shut down within 1 s .*; destroyed' "$T_TMP/out"
t_grep "d saved" 'd: saved to ' "$T_TMP/out"
t_eq "no guest left running" 0 "$(nrunning)"
t_eq "only d's image exists, no partial file" "d" "$(ls -A "$T_TMP/save")"
t_grep "status records the destroy" 'did not shut down' "$T_TMP/state/c.stop"

: > "$FAKEXL_DIR/faults"
xd start
t_eq "start after faults succeeds" 0 "$XD_RC"
t_eq "all 4 running again" 4 "$(nrunning)"
t_check "a was created fresh (no image)" test "$(marker a)" != "$ma"

# partial image from an interrupted save must not block the guest
rm -f "$FAKEXL_DIR/doms/a"; echo "FAKEXL-IM" > "$T_TMP/save/.a.partial"
xd start
t_grep "partial image removed with a warning" 'save/.a.partial: removed an incomplete save image' "$T_TMP/out"
t_check "a running after partial image" running a
t_check "partial gone" test ! -e "$T_TMP/save/.a.partial"

# restore fails: image quarantined, guest created from its config
xd stop
fault restore b fail once
echo "garbage" > "$T_TMP/save/c"   # a truncated/corrupt image
xd start
t_eq "start with bad images: all running" 4 "$(nrunning)"
t_grep "failed restore says why and falls back" 'b: restore failed \(xl restore: exit 1: .*\); image moved to .*quarantine/b\..*; starting it from' "$T_TMP/out"
t_grep "corrupt image says why" 'c: restore failed \(.*not a complete save image\)' "$T_TMP/out"
t_eq "two images kept in quarantine" 2 "$(ls "$T_TMP/save/quarantine" | wc -l)"
t_check "no image left in the save dir" test -z "$(find "$T_TMP/save" -maxdepth 1 -type f)"
t_grep "b's record says created after a failed restore" 'created from .* after a failed restore' "$T_TMP/state/b.start"

# image of a guest without config whose restore fails: kept, exit 1
echo "FAKEXL-IMAGE orphan 64 m1" > "$T_TMP/save/orphan"
fault restore orphan fail once
xd start
t_eq "orphan restore failure -> exit 1" 1 "$XD_RC"
t_grep "orphan: says no config" 'orphan: restore failed .* no config in' "$T_TMP/out"
t_check "orphan image preserved in quarantine" ls "$T_TMP"/save/quarantine/orphan.*

# stale image for a running guest: quarantined, not restored over the running one
echo "FAKEXL-IMAGE a 64 old" > "$T_TMP/save/a"
ma=$(marker a)
xd start
t_eq "running guest untouched" "$ma" "$(marker a)"
t_grep "stale image quarantined" 'a: already running, so its saved image is stale: moved to' "$T_TMP/out"

# the guest vanishes under the shutdown; save loses the domain
xd_conf XENDOMAINS_SAVE= XENDOMAINS_STOP_MAXWAIT=1
fault shutdown a gone; fault shutdown b crash once
xd stop
t_eq "vanished guest and crashed xl shutdown still end in a clean stop" 0 "$XD_RC"
t_grep "crashed shutdown is asked again" 'b: xl shutdown: killed by signal 11; asking again' "$T_TMP/out"
t_eq "none running" 0 "$(nrunning)"
: > "$FAKEXL_DIR/faults"
xd start
xd_conf XENDOMAINS_STOP_MAXWAIT=1
fault save d lose
xd stop
t_eq "a lost guest fails the stop" 1 "$XD_RC"
t_grep "a lost guest is logged as lost" 'd: save failed .* the domain is gone: its state is lost' "$T_TMP/out"

# shutdown hangs with the leave action; not enough room to save
: > "$FAKEXL_DIR/faults"; rm -f "$T_TMP"/save/?
xd start
xd_conf XENDOMAINS_STOP_MAXWAIT=1 XENDOMAINS_STOP_TIMEOUT_ACTION=leave XENDOMAINS_SAVE_MARGIN=1000000T
fault shutdown b hang
xd stop
t_grep "no room: says so and shuts down" "a: not enough room in .* for its memory image .*shutting it down instead" "$T_TMP/out"
t_grep "leave action logged" 'b: did not shut down within 1 s .*left running' "$T_TMP/out"
t_check "b left running" running b
t_eq "others stopped" 1 "$(nrunning)"

# a guest that is not saved this time: an older image of it is moved away
: > "$FAKEXL_DIR/faults"; xd start
echo "FAKEXL-IMAGE c 64 old" > "$T_TMP/save/c"
xd_conf XENDOMAINS_STOP_MAXWAIT=1 XENDOMAINS_SAVE_MARGIN=1000000T
xd stop
t_grep "stale image of an unsaved guest: moved away, logged" 'c: an older saved image would be restored at the next boot: moved to .*quarantine/c\.' "$T_TMP/out"
t_check "stale image gone from the save directory" test ! -e "$T_TMP/save/c"
xd start

# xl list crashes once: retried
: > "$FAKEXL_DIR/faults"
fault list '*' crash once
xd stop
t_eq "stop survives one crashing xl list" 0 "$XD_RC"
t_eq "b stopped now" 0 "$(nrunning)"
t_end

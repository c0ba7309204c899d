#!/bin/bash
# xendomains engine against fake-xl: the normal paths of start, stop, status, list.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xendomains/xdlib.sh"

guest web 64; guest db 128; guest mail 32
xd start
t_eq "start succeeds" 0 "$XD_RC"
t_eq "three guests created" 3 "$(nrunning)"
t_grep "each guest's creation is logged" 'db: created from .*/auto/db.cfg in' "$T_TMP/out"
m_web=$(marker web); m_db=$(marker db)

xd start
t_eq "second start is a no-op that succeeds" 0 "$XD_RC"
t_eq "second start keeps the same guests (no restart)" "$m_web" "$(marker web)"
t_grep "second start says already running" 'web: already running' "$T_TMP/out"

xd stop
t_eq "stop (save mode) succeeds" 0 "$XD_RC"
t_eq "no guest runs after stop" 0 "$(nrunning)"
t_eq "three complete images saved" 3 "$(grep -l '^FAKEXL-IMAGE' "$T_TMP"/save/* 2>/dev/null | wc -l)"
t_check "no partial image left" test -z "$(ls -A "$T_TMP/save" | grep partial)"
t_grep "save is logged" 'web: saved to .*/save/web in' "$T_TMP/out"

xd list
t_grep "list shows a restore" '^db +no +restore +.*/save/db' "$T_TMP/out"
xd start
t_eq "start after save succeeds" 0 "$XD_RC"
t_eq "all guests back" 3 "$(nrunning)"
t_eq "web restored, not recreated (memory marker survived)" "$m_web" "$(marker web)"
t_eq "db restored, not recreated (memory marker survived)" "$m_db" "$(marker db)"
t_check "images removed after successful restore" test ! -e "$T_TMP/save/web" -a ! -e "$T_TMP/save/db"

xd status
t_grep "status: running guest and last start" '^web: running' "$T_TMP/out"
t_grep "status: last start recorded" 'last start: .* ok: restored from' "$T_TMP/out"
t_grep "status: last stop recorded" 'last stop: .* ok: saved to' "$T_TMP/out"

xd_conf XENDOMAINS_SAVE=
xd stop
t_eq "stop (shutdown mode) succeeds" 0 "$XD_RC"
t_eq "no guest runs" 0 "$(nrunning)"
t_grep "shutdown logged" 'mail: shut down in' "$T_TMP/out"
t_check "nothing saved in shutdown mode" test -z "$(ls -A "$T_TMP/save")"

# a guest not in the auto directory: AUTO_ONLY leaves it alone
xd start
echo "99 64 manual" > "$FAKEXL_DIR/doms/manual"
xd_conf XENDOMAINS_SAVE= XENDOMAINS_AUTO_ONLY=true
xd stop
t_check "AUTO_ONLY leaves a manual guest running" running manual
t_grep "AUTO_ONLY says why" 'manual: not in .* left alone' "$T_TMP/out"
xd_conf XENDOMAINS_SAVE= 'XENDOMAINS_MIGRATE="otherhost --debug"'
echo "99 64 manual" > "$FAKEXL_DIR/doms/manual"
xd start; xd stop
t_eq "migrate mode succeeds" 0 "$XD_RC"
t_eq "migrate mode: every guest migrated" 4 "$(ls "$FAKEXL_DIR/migrated" | wc -l)"
t_grep "migrate gets the configured arguments" 'otherhost --debug' "$FAKEXL_DIR/migrated/web"

# a dying domain is left to die; two concurrent starts do not start a guest twice
rm -f "$FAKEXL_DIR"/migrated/* "$FAKEXL_DIR"/doms/*
xd_conf
echo "98 64 z --ps-d" > "$FAKEXL_DIR/doms/zombie"
xd stop
t_grep "dying domain: nothing to do" 'zombie: already dying, nothing to do' "$T_TMP/out"
t_check "dying domain not saved" test ! -e "$T_TMP/save/zombie"
rm -f "$FAKEXL_DIR/doms/zombie"
# (creates take 1.5 s: the two runs overlap even on a loaded machine; either may win the lock)
( FAKEXL_LAT_create=1.5 "$XD_BIN" -c "$XD_CONF" --xl "$T_TOP/tests/xendomains/fake-xl" start > first.out 2>&1; echo $? > first.rc ) &
sleep 0.3
FAKEXL_LAT_create=1.5 xd start
wait
cat first.out >> "$T_TMP/out"
t_eq "concurrent starts: both succeed" "0 0" "$(cat first.rc) $XD_RC"
t_grep "one start waited for the other" 'waiting for another xendomains start or stop' "$T_TMP/out"
t_eq "concurrent starts: each guest once" 3 "$(nrunning)"
t_end

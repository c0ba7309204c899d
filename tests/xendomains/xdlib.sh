# tests/xendomains/xdlib.sh - sourced after tests/lib.sh: the engine driven
# against fake-xl in a scratch world ($T_TMP/{auto,save,state,xl}).
# the test build (src/lib/testhooks.h: XENHOST_XD_POLL_MS); XD_PROD the one installed
XD_BIN=$T_TOP/src/tools/xendomains/test/xendomains
XD_PROD=$T_TOP/src/tools/xendomains/xendomains
export XENHOST_XD_POLL_MS=50
make -s -C "$T_TOP/src/tools/xendomains" all test >"$T_TMP/build.log" 2>&1 ||
    { t_fail "xendomains builds with -Werror" "$(tail -20 "$T_TMP/build.log")"; t_end; }
export FAKEXL_DIR=$T_TMP/xl
mkdir -p "$T_TMP/auto" "$FAKEXL_DIR/doms"
XD_CONF=$T_TMP/xendomains.conf
# xd_conf [KEY=VALUE...]: write the config file (test defaults plus overrides)
xd_conf() {
    {
        echo "XENDOMAINS_AUTO=$T_TMP/auto"
        echo "XENDOMAINS_SAVE=$T_TMP/save"
        echo "XENDOMAINS_STATE_DIR=$T_TMP/state"
        echo "XENDOMAINS_STOP_MAXWAIT=5"
        echo "XENDOMAINS_START_MAXWAIT=5"
        echo "XENDOMAINS_DISK_WAIT=2"
        echo "XENDOMAINS_SAVE_MARGIN=1M"
        printf '%s\n' "$@"
    } > "$XD_CONF"
}
xd_conf
# xd CMD: run the engine; output in $T_TMP/out, exit status in $XD_RC
xd() { "$XD_BIN" -c "$XD_CONF" --xl "$T_TOP/tests/xendomains/fake-xl" "$@" > "$T_TMP/out" 2>&1; XD_RC=$?; }
# guest NAME [MEM] [DISK...]: a config in the auto directory
guest() {
    local n=$1 m=${2:-64} d; shift 2 || shift $#
    { echo "# test guest $n"; echo "name = \"$n\""; echo "memory = $m"; echo "vcpus = 1"
      printf 'disk = ['; for d; do printf " '%s'," "$d"; done; echo ' ]'; } > "$T_TMP/auto/$n.cfg"
}
running() { [ -f "$FAKEXL_DIR/doms/$1" ]; }
marker()  { local id mem m=; read -r id mem m < "$FAKEXL_DIR/doms/$1" 2>/dev/null; echo "$m"; }
nrunning() { local f=("$FAKEXL_DIR"/doms/*); [ -e "${f[0]}" ] && echo ${#f[@]} || echo 0; }
fault() { echo "$*" >> "$FAKEXL_DIR/faults"; }

# tests/network/netlib.sh - sourced by the tests/network scripts after tests/lib.sh.
# The scripts run in their own network and mount namespaces (t_netns, before lib.sh):
# nothing they do reaches the machine's network or its files, and every address
# they send to lives in a namespace they made.
XN_SRC=$T_TOP/src/tools/xenhost-network
XN=$XN_SRC/test/xenhost-network          # the test build (fixture-root hooks)
XN_PROD=$XN_SRC/xenhost-network
export XENHOST_NET_SELF=$XN
make -s -C "$XN_SRC" all test >"$T_TMP/build.log" 2>&1 ||
    { t_fail "xenhost-network builds with -Werror" "$(tail -20 "$T_TMP/build.log")"; t_end; }
# xn ARGS...: run the tool; output in $T_TMP/xn.out, status in $XN_RC
xn() { "$XN" "$@" > "$T_TMP/xn.out" 2>&1; XN_RC=$?; }
# xn_wait_trial_end SECONDS: wait until no trial is pending; 0 if it ended
xn_wait_trial_end() {
    local i
    for ((i = 0; i < $1 * 5; i++)); do [ -e "$XENHOST_NET_ROOT/var/lib/xenhost-network/trial" ] || return 0; sleep 0.2; done
    return 1
}
# xn_root DIR: a host root for the tool: the shipped settings files
xn_root() {
    mkdir -p "$1/etc/default" "$1/etc/xen" "$1/etc/network/if-pre-up.d" "$1/run" "$1/var/lib"
    cp "$T_TOP/etc/default/xenhost-network" "$1/etc/default/"
    cp "$T_TOP/etc/xen/xl.conf" "$1/etc/xen/"
}

# tests/xen-tools/common.sh - sourced by the xen-create-image tests after lib.sh.
XT_SRC=$T_TOP/src/xen-tools
# xen-create-image is the test build (its hooks, src/lib/testhooks.h); XCI_PROD the one installed
XCI=$XT_SRC/test/xen-create-image
XCI_PROD=$XT_SRC/xen-create-image
XDI=$XT_SRC/xen-delete-image
XLI=$XT_SRC/xen-list-images
make -s -C "$XT_SRC" all test >make.log 2>&1 || { t_fail "src/xen-tools builds with -Werror" "$(tail -20 make.log)"; t_end; }
# Isolate from the machine (test-build hooks): no /etc/xen-tools/xen-tools.conf, a fake apt configuration.
export XENHOST_XEN_TOOLS_CONF=$T_TMP/xen-tools.conf
export XENHOST_APT_DIR=$T_TMP/apt
export XENHOST_NETWORK_DEFAULTS=$T_TMP/xenhost-network.defaults   # absent: xenbr0
mkdir -p "$XENHOST_APT_DIR/sources.list.d"
: > "$XENHOST_XEN_TOOLS_CONF"
cat > "$XENHOST_APT_DIR/sources.list.d/debian.sources" <<'EOS'
Types: deb
URIs: http://mirror.test/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://security.test/debian-security
Suites: bookworm-security
Components: main
EOS
# The toolstack: tests/xendomains/fake-xl first on PATH, with no guest running unless a
# test puts one in $FAKEXL_DIR/doms (xen-delete-image asks it which guests run).
export FAKEXL_DIR=$T_TMP/fakexl
mkdir -p "$T_TMP/fakebin" "$FAKEXL_DIR/doms"
ln -sf "$T_TOP/tests/xendomains/fake-xl" "$T_TMP/fakebin/xl"
export PATH=$T_TMP/fakebin:$PATH
# xci_out NAME ARGS...: run xen-create-image, stdout+stderr to NAME.out, exit code to NAME.rc
xci_out() { local n=$1; shift; "$XCI" "$@" >"$n.out" 2>&1; echo $? >"$n.rc"; }

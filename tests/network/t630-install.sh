#!/bin/bash
# make install of src/tools/xenhost-network: the program, its man page, the one
# setting, the restore and NAT units and the SysV restore script, with their modes
# (the list the RPM spec and debian/xenhost-utils.install follow); the installed
# program has no test hooks.
. "$(dirname "$0")/../lib.sh"
S=$T_TOP/src/tools/xenhost-network
make -s -C "$S" install DESTDIR="$T_TMP/d" prefix=/usr systemdunitdir=/lib/systemd/system >install.log 2>&1
t_eq "make install succeeds" 0 "$?"
(cd d && find . -type f -printf '%m %p\n' | sort) > got
cat > want <<'LIST'
644 ./etc/default/xenhost-network
644 ./lib/systemd/system/xenhost-network-nat.service
644 ./lib/systemd/system/xenhost-network-restore.service
644 ./usr/share/man/man8/xenhost-network.8
755 ./etc/init.d/xenhost-network-restore
755 ./usr/sbin/xenhost-network
LIST
t_eq "installed files and modes" "$(cat want)" "$(cat got)"
for f in $(sed 's/^[0-9]* \.\///' want); do
    case $f in etc/init.d/*|usr/*|lib/systemd/*) ;; *) continue ;; esac
    grep -qxF "$f" "$T_TOP/debian/xenhost-utils.install" || [ "${f#etc/init.d/}" != "$f" ] ||
        t_fail "debian/xenhost-utils.install lists $f"
done
t_grep "the SysV restore script is registered by dh_installinit" 'name=xenhost-network-restore' "$T_TOP/debian/rules"
t_grep "the units are handled by dh_installsystemd, never restarted by an upgrade" \
    'no-restart-after-upgrade.*\\$' "$T_TOP/debian/rules"
t_grep "... both of them" 'xenhost-network-restore.service xenhost-network-nat.service' "$T_TOP/debian/rules"
t_check "the shipped setting is xenbr0" grep -qx 'XENHOST_GUEST_BRIDGE=xenbr0' d/etc/default/xenhost-network
if grep -aq XENHOST_NET_ROOT "$T_TMP/d/usr/sbin/xenhost-network"; then t_fail "installed program: no test hooks (XENHOST_NET_ROOT)"
else t_ok "installed program: no test hooks (XENHOST_NET_ROOT)"; fi
if command -v shellcheck >/dev/null; then t_check "the SysV script passes shellcheck" shellcheck -s sh "$T_TOP/scripts/init/sysv/xenhost-network-restore"; fi
if command -v groff >/dev/null; then
    groff -mdoc -Tutf8 -ww -z "$S/xenhost-network.8" > man.err 2>&1
    t_check "xenhost-network.8: groff -mdoc reports nothing" test ! -s man.err
    [ -s man.err ] && t_diag "$(head man.err)"
fi
t_end

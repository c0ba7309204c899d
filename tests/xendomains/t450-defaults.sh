#!/bin/bash
# The shipped settings files (Debian /etc/default, RPM sysconfig template):
# every key defined, read without a warning, values equal to the built-in defaults.
. "$(dirname "$0")/../lib.sh"
make -s -C "$T_TOP/src/tools/xendomains" >build.log 2>&1 || { t_fail "xendomains builds" "$(tail build.log)"; t_end; }
XD=$T_TOP/src/tools/xendomains/xendomains
: > empty.conf
"$XD" -c empty.conf check | grep -v '^#' > builtin
for f in "$T_TOP/etc/default/xendomains" "$T_TOP/rpm/sysconfig.xendomains"; do
    n=${f#"$T_TOP"/}
    "$XD" -c "$f" check > eff 2> err
    t_eq "$n: read with exit 0" 0 "$?"
    t_check "$n: no warnings" test ! -s err
    t_eq "$n: values equal the built-in defaults" "$(cat builtin)" "$(grep -v '^#' eff)"
    for k in $(cut -d= -f1 builtin); do
        t_grep "$n: defines $k" "^$k=" "$f"
    done
done
t_eq "the RPM template is the Debian file with a fillup header" \
    "$(tail -n +4 "$T_TOP/etc/default/xendomains")" "$(tail -n +6 "$T_TOP/rpm/sysconfig.xendomains")"
t_end

# tests/qemu/boot/bootlib.sh - host side of the boot tests (bash; sourced after
# tests/lib.sh and tests/qemu/hostlib.sh).
t_need_root
t_need_cmd qemu-system-x86_64 debootstrap
t_need_packages
QX_DIR=$T_TOP/tests/qemu/boot
QX_IMG=$(qh_host_image) || { t_skip "$T_NAME" "no host disk image (qh_host_image failed)"; exit 0; }
BOOT_SECONDS=()

# qx_boot OUTDIR SCRIPT [qh_boot options]: boot once, running SCRIPT with report.sh.
qx_boot() {
    local out=$1 script=$2; shift 2
    qh_boot "$QX_IMG" "$out" "$QX_DIR/$script" --file "$QX_DIR/report.sh:/usr/local/sbin/report.sh" "$@"
    local rc=$?
    BOOT_SECONDS+=("$(basename "$out")/$script: $(cat "$out/seconds" 2>/dev/null) s")
    return $rc
}
# qx OUTDIR KEY: the values of the "QX-KEY ..." lines of the last boot's test log
qx() { sed -n "s/^QX-$2 //p" "$1/test.log"; }
qx_re() { printf '%s' "$1" | sed 's/[]+*.^$[]/\\&/g'; }
# Xen's dom0_mem=SIZE[,max:SIZE] in MiB from a Xen command line (lower-case m only)
qx_dom0_mem() { sed -n 's/.*dom0_mem=\([0-9]*\)m,max:\1m.*/\1/p' <<< "$1"; }
# xl's own test (tools/xl/xl.c, auto_autoballoon): autoballoon="auto" is off when it matches
QX_SIZE='-?[0-9]+[bBkKmMgGtT]?'
QX_XL_RE="(^| )dom0_mem=((|min:|max:)($QX_SIZE|($QX_SIZE\\+)?[0-9]{1,2}%),?)+($| )"

# qx_xen_checks OUT LABEL MIB: booted Xen by default, dom0 has MIB MiB, ballooning off.
qx_xen_checks() {
    local o=$1 l=$2 mib=$3 cmd
    t_eq "$l: booted Xen by default" xen "$(qx "$o" HV)"
    t_grep "$l: through the xenhost-xen entry (trial token on dom0's command line)" 'xenhost\.trial=' <(qx "$o" CMDLINE)
    cmd=$(qx "$o" XLINFO | sed -n 's/^xen_commandline *: //p')
    t_eq "$l: Xen's command line has dom0_mem=${mib}m,max:${mib}m" "$mib" "$(qx_dom0_mem "$cmd")"
    t_eq "$l: dom0 has $mib MiB (xl list 0)" "$mib" "$(qx "$o" DOM0-MEM)"
    t_eq "$l: dom0's balloon target is fixed at $mib MiB" "$((mib * 1024))" "$(qx "$o" BALLOON-TARGET-KB)"
    t_check "$l: ballooning off: xl's autoballoon test sees dom0_mem" grep -Eq "$QX_XL_RE" <<< "$cmd"
    t_eq "$l: xl.conf leaves autoballoon to Xen's command line" 'autoballoon="auto"' "$(qx "$o" XLCONF)"
    t_grep "$l: the trial was confirmed" '^xenhost-boot-confirm.service active$' <(qx "$o" UNIT)
    t_grep "$l: status: running the confirmed configuration" 'state: running the confirmed Xen configuration' <(qx "$o" STATUS)
}
qx_end() { t_diag "boot times (QEMU start to power-off):" "${BOOT_SECONDS[@]}"; t_end; }

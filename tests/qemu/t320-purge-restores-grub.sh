#!/bin/bash
# Purge: after removing our packages, the grub.cfg the distribution writes is
# byte for byte the one it wrote before they were installed; its 20_linux_xen
# is back, untouched.
# The host boots its own Linux kernel without Xen (qh_boot --native): purge, reinstall and
# purge are package work that needs no hypervisor, and a PV dom0 under TCG ran them 1.8
# times as slowly (the whole boot 558 s under Xen, 307 s native, measured 2026-12-03).
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
. "$T_TOP/tests/qemu/boot/bootlib.sh"
O=$T_TMP/host
files=()
# the packages the host was made from (qh_host_debs)
for d in $(qh_host_debs); do files+=(--file "$d:/root/debs/$(basename "$d")"); done

qx_boot "$O" purge.sh "${files[@]}" --native --timeout 1200; t_eq "the boot ran to power-off" 0 $?
t_eq "native Linux (no hypervisor)" none "$(qx "$O" HV)"
t_grep "our packages were installed" 'xenhost-hypervisor' <(qx "$O" PKGS)
t_eq "purge succeeded" "rc=0" "$(qx "$O" PURGE1)"
t_eq "reinstall from the .debs succeeded" "rc=0" "$(qx "$O" REINSTALL)"
t_check "installed: Xen entries in grub.cfg" test "$(qx "$O" INSTALLED-XEN-ENTRIES)" -gt 0
t_eq "installed: 20_linux_xen diverted" 1 "$(qx "$O" DIVERTED-WHILE-INSTALLED)"
t_eq "second purge succeeded" "rc=0" "$(qx "$O" PURGE2)"
t_eq "grub.cfg after purge equals grub.cfg before install" same "$(qx "$O" GRUBCFG)"
[ "$(qx "$O" GRUBCFG)" = same ] || t_diag "$(qx "$O" DIFF)"
t_eq "no diversion left" 0 "$(qx "$O" DIVERSIONS-AFTER)"
t_eq "20_linux_xen is grub-common's, executable" "pristine 755" "$(qx "$O" 20_linux_xen-md5)"
t_eq "no file of ours left" "" "$(qx "$O" LEFTOVERS | sed 's/ *$//')"
t_eq "no grubenv variable of ours left" 0 "$(qx "$O" GRUBENV)"
t_diag "uptime (s) after each step: $(qx "$O" T | tr '\n' ' ')"
qx_end

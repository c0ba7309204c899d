#!/bin/bash
# GRUB's real grub-mkconfig over a matrix of host configurations with our
# 09_xenhost generator (fixture roots: see grublib.sh). Every case: grub-mkconfig
# succeeds, grub-script-check accepts the result, a native Linux entry is kept,
# and the default resolves to the Xen entry by its id, or the printed reason
# says why not.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/grub/grublib.sh"

XV=$G_XEN KV=$G_KERNEL
XVRE=${XV//+/\\+}   # XV in an extended regex
# xl's own test for "dom0_mem= is on Xen's command line" (tools/xl/xl.c,
# auto_autoballoon, Xen 4.20): autoballoon="auto" means off when this matches.
SIZE='-?[0-9]+[bBkKmMgGtT]?'
XL_DOM0_MEM_RE="(^| )dom0_mem=((|min:|max:)($SIZE|($SIZE\\+)?[0-9]{1,2}%),?)+($| )"
cases=0

# case NAME: run grub-mkconfig and the checks every configuration must pass.
run_case() {
    cases=$((cases + 1))
    if g_run "$@"; then t_ok "$CASE: grub-mkconfig succeeds"
    else t_fail "$CASE: grub-mkconfig succeeds" "$(tail -n 15 "$G/err")"; return 1; fi
    g_check_valid "$CASE"
}
xen_line() { g_ours | grep -m1 -P '^\s*multiboot2?\t' | sed 's/^[[:space:]]*//'; }
dom0_line() { g_ours | grep -m1 -P '^\s*module2?\t/boot/vmlinuz' | sed 's/^[[:space:]]*//'; }
expect_default() { t_eq "$CASE: default entry is $1" "$1" "$(g_default "${@:2}")"; }
# The Xen command line, made of xen_args alone (the part xl's regex sees).
xen_cmdline() { xen_line | sed 's/^[^ ]* [^ ]* placeholder //; s/ *\${xen_rm_opts}$//'; }

# 1. Stock Debian 12 settings.
CASE=stock; g_new $CASE; run_case
expect_default xenhost-xen
t_grep "$CASE: Xen entry boots with multiboot2" "^multiboot2	/boot/xen-$XVRE.gz placeholder dom0_mem=1280m,max:1280m " <(xen_line)
t_grep "$CASE: dom0 gets the root device and panic=10" "^module2	/boot/vmlinuz-$KV placeholder root=/dev/sda1 ro  quiet panic=10 xenhost.trial=" <(dom0_line)
t_check "$CASE: auto memory (3858 MiB host -> 1280 MiB) turns xl's autoballoon off" grep -Eq "$XL_DOM0_MEM_RE" <(xen_cmdline)
t_grep "$CASE: advanced submenu has a stable id" "^submenu '.*' \\\$menuentry_id_option 'xenhost-advanced' \\{" "$G/grub.cfg"
t_check "$CASE: advanced and recovery entries" bash -c "grep -q \"'xenhost-$XV-$KV' {\" '$G/grub.cfg' && grep -q \"'xenhost-$XV-$KV-recovery' {\" '$G/grub.cfg'"
t_nogrep "$CASE: no .efi, xen-syms or .config boot entries" '(xen-[^ ]*\.(efi|config)|xen-syms)' <(g_ours)
t_grep "$CASE: xenhost-xen is the first menu entry" "^menuentry .*'xenhost-xen' \\{" <(grep -m1 -E '^(menuentry|submenu) ' "$G/grub.cfg")
TOKEN=$(g_token)
t_grep "$CASE: the trial token names Xen, Linux and a checksum" "^$XVRE/$KV/[0-9]+$" <(echo "$TOKEN")
t_grep "$CASE: dom0 carries the same token" "xenhost.trial=${TOKEN//+/\\+}\$" <(dom0_line)
expect_default "$G_NATIVE" xenhost_tried="$TOKEN"
expect_default xenhost-xen xenhost_tried="$TOKEN" xenhost_good="$TOKEN"
expect_default xenhost-xen xenhost_tried="old/token/1" xenhost_good="old/token/1"
expect_default "$G_NATIVE" next="$G_NATIVE" xenhost_tried="old/token/1"
expect_default xenhost-xen next=xenhost-xen xenhost_tried="$TOKEN"
t_check "$CASE: the native fallback entry exists" g_has_id "$G_NATIVE"
cp "$G/grub.cfg" "$T_TMP/stock.cfg"
g_run; t_check "$CASE: same configuration, same grub.cfg" cmp "$T_TMP/stock.cfg" "$G/grub.cfg"

# 2-3. No submenus (the values GRUB accepts for it).
for v in true y; do
    CASE=disable-submenu-$v; g_new $CASE; g_grub GRUB_DISABLE_SUBMENU $v; run_case
    expect_default xenhost-xen
    t_nogrep "$CASE: no submenu" '^submenu ' "$G/grub.cfg"
    fb="gnulinux-$KV-advanced-$G_UUID"
    expect_default "$fb" xenhost_tried="$(g_token)"
    t_check "$CASE: fallback entry $fb exists" g_has_id "$fb"
done

# 4-5. GRUB_DEFAULT=saved: nothing saved -> Xen; a saved native entry stays.
CASE=saved-empty; g_new $CASE; g_grub GRUB_DEFAULT saved; run_case
expect_default xenhost-xen
expect_default xenhost-xen saved_entry=xenhost-xen
expect_default "$G_NATIVE" saved_entry=xenhost-xen xenhost_tried="$(g_token)"
CASE=saved-native; g_new $CASE; g_grub GRUB_DEFAULT saved
grub-editenv "$G/boot/grub/grubenv" set saved_entry="$G_NATIVE"
run_case
expect_default "$G_NATIVE" saved_entry="$G_NATIVE"
t_grep "$CASE: the reason is printed" "GRUB_DEFAULT=saved and the saved entry is '$G_NATIVE'" "$G/err"

# 6-8. Numeric and explicit defaults.
CASE=numeric-0; g_new $CASE; g_grub GRUB_DEFAULT 0; run_case
expect_default xenhost-xen
CASE=numeric-2; g_new $CASE; g_grub GRUB_DEFAULT 2; run_case
expect_default "$G_NATIVE"
t_grep "$CASE: the reason is printed" 'GRUB_DEFAULT=2 in /etc/default/grub is an explicit choice' "$G/err"
CASE=explicit-id; g_new $CASE; g_grub GRUB_DEFAULT "gnulinux-advanced-$G_UUID>gnulinux-$KV-advanced-$G_UUID"; run_case
expect_default "gnulinux-advanced-$G_UUID>gnulinux-$KV-advanced-$G_UUID"
t_grep "$CASE: the reason is printed" 'is an explicit choice: Xen is not made the default' "$G/err"

# 9-10. XEN_DEFAULT_ENTRY=force and =no.
CASE=force; g_new $CASE; g_grub GRUB_DEFAULT 2; g_xenconf XEN_DEFAULT_ENTRY force; run_case
expect_default xenhost-xen
CASE=default-no; g_new $CASE; g_xenconf XEN_DEFAULT_ENTRY no; run_case
expect_default "$G_NATIVE"
t_check "$CASE: the Xen entry is still in the menu" g_has_id xenhost-xen

# 11. A non-English locale with translations installed (French: translated
# titles with an apostrophe, the Debian bug 865086 situation).
CASE=locale-fr; g_new $CASE
mkdir -p "$T_TMP/locales"
if command -v localedef >/dev/null && command -v msgfmt >/dev/null &&
   localedef -i fr_FR -f UTF-8 "$T_TMP/locales/fr_FR.UTF-8" >/dev/null 2>&1; then
    cat > "$T_TMP/fr.po" <<'EOF'
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"
msgid "%s, with Xen hypervisor"
msgstr "%s, avec l'hyperviseur Xen"
msgid "%s, with Xen %s and Linux %s"
msgstr "%s, avec Xen %s et Linux %s"
msgid "%s, with Xen %s and Linux %s (%s)"
msgstr "%s, avec Xen %s et Linux %s (%s)"
msgid "Advanced options for %s (with Xen hypervisor)"
msgstr "Options avancées pour %s (avec l'hyperviseur Xen)"
msgid "Advanced options for %s"
msgstr "Options avancées pour %s"
msgid "%s, with Linux %s"
msgstr "%s, avec Linux %s"
msgid "recovery mode"
msgstr "mode de dépannage"
msgid "Loading Xen %s ..."
msgstr "Chargement de Xen %s…"
msgid "Loading Linux %s ..."
msgstr "Chargement de Linux %s…"
EOF
    msgfmt -o "$T_TMP/fr.mo" "$T_TMP/fr.po"
    G_MO=$T_TMP/fr.mo G_MO_LANG=fr
    run_case LOCPATH="$T_TMP/locales" LANG=fr_FR.UTF-8 LC_ALL= LANGUAGE=
    G_MO=
    t_grep "$CASE: titles are translated and quoted" "^menuentry 'Debian GNU/Linux, avec l'\\\\''hyperviseur Xen' .*'xenhost-xen' \\{" "$G/grub.cfg"
    t_grep "$CASE: native titles are translated too" "Options avancées pour Debian GNU/Linux" "$G/grub.cfg"
    expect_default xenhost-xen
else
    t_skip "$CASE" "localedef or msgfmt unavailable"
fi

# 12. Two kernels, one without CONFIG_XEN_DOM0.
CASE=two-kernels; g_new $CASE; g_kernel 6.1.0-99-custom nodom0; run_case
expect_default xenhost-xen
t_nogrep "$CASE: the non-dom0 kernel is not offered under Xen" 'vmlinuz-6.1.0-99-custom' <(g_ours)
t_grep "$CASE: ... and stderr says why" '/boot/vmlinuz-6.1.0-99-custom: /boot/config-6.1.0-99-custom lacks CONFIG_XEN_DOM0=y' "$G/err"
t_grep "$CASE: native Linux still lists it" "vmlinuz-6.1.0-99-custom" "$G/grub.cfg"

# 13-14. No kernel can be dom0 (config says no; config missing).
CASE=no-dom0-kernel; g_new $CASE; g_kernel "$KV" nodom0; run_case
t_nogrep "$CASE: no Xen entry" 'xenhost-xen' "$G/grub.cfg"
t_grep "$CASE: the warning names the kernel and why" "Warning: 09_xenhost: no Xen entry: no installed kernel can run as Xen's dom0" "$G/err"
t_grep "$CASE: ... per kernel" "/boot/vmlinuz-$KV: /boot/config-$KV lacks CONFIG_XEN_DOM0=y" "$G/err"
expect_default "$G_NATIVE"
CASE=no-kernel-config; g_new $CASE; g_kernel "$KV" noconfig; run_case
t_grep "$CASE: the warning says the config file is missing" "/boot/vmlinuz-$KV: no kernel config file \\(config-$KV\\)" "$G/err"
expect_default "$G_NATIVE"

# 15. .efi, -dbg and xen-syms files next to the release build.
CASE=efi-dbg-syms; g_new $CASE; g_xen "$XV" dbg
echo syms > "$G/boot/xen-syms-$XV"; echo syms > "$G/boot/xen-syms-$XV-dbg"; echo map > "$G/boot/xen-$XV.map"
run_case
expect_default xenhost-xen
t_grep "$CASE: the default entry boots the release build" "^multiboot2	/boot/xen-$XVRE.gz " <(xen_line)
t_check "$CASE: debug build has its own advanced entries" g_has_id "xenhost-$XV-dbg-$KV"
t_eq "$CASE: exactly one top-level Xen entry" 1 "$(grep -c "^menuentry .*--class xen" "$G/grub.cfg")"
t_eq "$CASE: entry ids are unique" "" "$(grep -o "\$menuentry_id_option '[^']*'" "$G/grub.cfg" | sort | uniq -d)"
t_nogrep "$CASE: no entry boots .efi, xen-syms, .map or .config" '/boot/(xen-syms|xen-[^ ]*\.(efi|config|map))' "$G/grub.cfg"

# 16. Only the debug build installed.
CASE=only-dbg; g_new $CASE; rm "$G/boot/xen-$XV".*; g_xen "$XV" dbg; run_case
expect_default xenhost-xen
t_grep "$CASE: the default entry boots the debug build" "^multiboot2	/boot/xen-$XVRE-dbg.gz " <(xen_line)

# 17. Two hypervisor versions: the newest is the default.
CASE=two-xens; g_new $CASE; g_xen 4.20.1+10-gabcdef0123; g_xen 4.20.10+1-g0123456789; run_case
t_grep "$CASE: newest Xen (4.20.10) is the default" "^multiboot2	/boot/xen-4.20.10\\+1-g0123456789.gz " <(xen_line)
t_check "$CASE: older ones stay in the advanced menu" g_has_id "xenhost-4.20.1+10-gabcdef0123-$KV"

# 18-20. Malformed and explicit memory values.
for v in 8X 64M 999G; do
    CASE=bad-mem-$v; g_new $CASE; g_xenconf XEN_DOM0_MEM "$v"; run_case
    expect_default xenhost-xen
    t_grep "$CASE: error names the variable and the value" "/etc/default/xen:[0-9]+: XEN_DOM0_MEM=\"$v\": .*; using auto \\(1280m\\)" "$G/err"
    t_grep "$CASE: auto memory used instead" "dom0_mem=1280m,max:1280m" <(xen_line)
done
CASE=mem-2G; g_new $CASE; g_xenconf XEN_DOM0_MEM 2G; run_case
t_grep "$CASE: dom0_mem=2048m,max:2048m" " dom0_mem=2048m,max:2048m " <(xen_line)
t_check "$CASE: xl sees dom0_mem (autoballoon off)" grep -Eq "$XL_DOM0_MEM_RE" <(xen_cmdline)

# 21-22. Serial console, alone and with GRUB already on the serial port.
CASE=serial; g_new $CASE; g_xenconf XEN_SERIAL_CONSOLE com1; run_case
expect_default xenhost-xen
t_grep "$CASE: GRUB's menu on the serial port" '^if serial --unit=0 --speed=115200; then$' <(g_ours)
t_grep "$CASE: Xen console on com1" ' com1=115200,8n1 console=com1,vga ' <(xen_line)
t_grep "$CASE: dom0 console on hvc0" ' console=hvc0 panic=10 ' <(dom0_line)
CASE=serial-grub-terminal; g_new $CASE; g_xenconf XEN_SERIAL_CONSOLE com2,57600
g_grub GRUB_TERMINAL serial; g_grub GRUB_SERIAL_COMMAND "serial --unit=1 --speed=57600"; run_case
t_nogrep "$CASE: no second serial setup" '^if serial ' <(g_ours)
t_grep "$CASE: Xen console on com2 at 57600" ' com2=57600,8n1 console=com2,vga ' <(xen_line)

# 23. Ballooning on: no dom0_mem, so xl's autoballoon "auto" balloons.
CASE=ballooning-on; g_new $CASE; g_xenconf XEN_DOM0_BALLOONING yes; run_case
expect_default xenhost-xen
t_nogrep "$CASE: no dom0_mem on Xen's command line" 'dom0_mem=' <(xen_line)
t_check "$CASE: xl does not see dom0_mem (autoballoon on)" bash -c "! grep -Eq '$XL_DOM0_MEM_RE' <<< '$(xen_cmdline)'"

# 24. The distribution's variables keep working.
CASE=legacy-vars; g_new $CASE
g_grub GRUB_CMDLINE_XEN "loglvl=all"; g_grub GRUB_CMDLINE_XEN_DEFAULT "sched=credit2"
g_grub GRUB_CMDLINE_LINUX_XEN_REPLACE "nomodeset"; g_grub GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT "loglevel=4"
run_case
t_grep "$CASE: GRUB_CMDLINE_XEN and _DEFAULT on Xen's line" ' dom0_mem=1280m,max:1280m loglvl=all sched=credit2 ' <(xen_line)
t_grep "$CASE: _XEN_REPLACE(_DEFAULT) replace dom0's Linux options" ' ro nomodeset loglevel=4 panic=10 ' <(dom0_line)
t_grep "$CASE: recovery keeps GRUB_CMDLINE_XEN but not _DEFAULT" "placeholder dom0_mem=1280m,max:1280m loglvl=all \\\$\\{xen_rm_opts\\}" <(g_ours | sed -n "/'xenhost-$XV-$KV-recovery'/,/^	}/p")
t_grep "$CASE: native Linux entries keep GRUB_CMDLINE_LINUX_DEFAULT" 'ro  quiet$' <(sed -n '/BEGIN .*10_linux/,/END .*10_linux/p' "$G/grub.cfg")

# 25. Malformed Xen options: reported, left out, never a broken grub.cfg.
CASE=bad-xen-options; g_new $CASE
g_grub GRUB_CMDLINE_XEN 'loglvl=all x;reboot $(id) a}b'
printf '%s\n' "XEN_CMDLINE_EXTRA='iommu=verbose rm\"-rf dom0_mem=9G'" >> "$G/etc/default/xen"
run_case
expect_default xenhost-xen
t_grep "$CASE: GRUB_CMDLINE_XEN's bad word named" "GRUB_CMDLINE_XEN=\".*\": word 'x;reboot': character ';' is not allowed" "$G/err"
t_grep "$CASE: XEN_CMDLINE_EXTRA's bad word named" "XEN_CMDLINE_EXTRA=\".*\": word 'rm\"-rf': character '\"' is not allowed" "$G/err"
t_grep "$CASE: dom0_mem in XEN_CMDLINE_EXTRA refused" "word 'dom0_mem=9G': dom0's memory is set by XEN_DOM0_MEM" "$G/err"
t_grep "$CASE: good words kept" ' dom0_mem=1280m,max:1280m loglvl=all iommu=verbose ' <(xen_line)

# 26. /etc/default/xen is data, never run as shell.
CASE=no-shell-eval; g_new $CASE
printf '%s\n' 'XEN_DOM0_VCPUS=$(touch '"$T_TMP"'/pwned)' 'XEN_DOM0_VCPUS_PIN=yes' >> "$G/etc/default/xen"
run_case
t_check "$CASE: nothing was executed" test ! -e "$T_TMP/pwned"
t_grep "$CASE: the line is reported" '/etc/default/xen:[0-9]+: XEN_DOM0_VCPUS: shell syntax is not supported' "$G/err"
t_grep "$CASE: later lines still apply" ' dom0_vcpus_pin ' <(xen_line)

# 27. Trial boots off; 28. storage GRUB cannot write (LVM).
CASE=trial-off; g_new $CASE; g_xenconf XEN_TRIAL_BOOT no; run_case
expect_default xenhost-xen xenhost_tried="$(dom0_line | sed 's/.*xenhost.trial=//')"
t_nogrep "$CASE: no trial recording" 'save_env xenhost_tried' "$G/grub.cfg"
CASE=lvm; g_new $CASE; run_case FAKE_ABSTRACTION=lvm
t_grep "$CASE: the reason the trial is off is printed" 'cannot write its environment on lvm storage' "$G/err"
t_nogrep "$CASE: no trial recording" 'save_env xenhost_tried' "$G/grub.cfg"
expect_default xenhost-xen

# 29. The distribution's 20_linux_xen, diverted by our package, adds nothing.
CASE=diverted-20_linux_xen; g_new $CASE
cp -p /etc/grub.d/20_linux_xen "$G/etc/grub.d/20_linux_xen.dpkg-xenhost"
printf 'CONFIG_XEN_DOM0=y\n' > "$G/boot/config-$KV"
run_case
t_nogrep "$CASE: no entries from 20_linux_xen" "'xen-gnulinux-|BEGIN /etc/grub.d/20_linux_xen" "$G/grub.cfg"
t_eq "$CASE: exactly one Xen entry at the top level" 1 "$(grep -c "^menuentry .*--class xen" "$G/grub.cfg")"

# 30. Recovery entries can be disabled; 31. XEN_PANIC_REBOOT=0 keeps crashes halted.
CASE=no-recovery; g_new $CASE; g_grub GRUB_DISABLE_RECOVERY true; run_case
t_nogrep "$CASE: no Xen recovery entries" "recovery' \\{" <(g_ours)
CASE=panic-0; g_new $CASE; g_xenconf XEN_PANIC_REBOOT 0; run_case
t_grep "$CASE: Xen noreboot" ' noreboot ' <(xen_line)
t_grep "$CASE: dom0 panic=0" ' panic=0 ' <(dom0_line)

# 32. A changed configuration is a new trial: its token differs.
CASE=token-changes; g_new $CASE; run_case; t1=$(g_token)
g_xenconf XEN_DOM0_MEM 2G; run_case; t2=$(g_token)
t_check "$CASE: a new setting makes a new token ($t1 -> $t2)" test "$t1" != "$t2"
expect_default xenhost-xen xenhost_tried="$t1" xenhost_good=""

# 33-34. Package removed but its conffile hook left: silent; no hypervisor: silent.
CASE=removed; g_new $CASE; rm "$G/bin/xenhost-boot"; run_case
t_nogrep "$CASE: no Xen entries" 'xenhost-' "$G/grub.cfg"
CASE=no-hypervisor; g_new $CASE; rm "$G/boot/xen-"*; run_case
t_nogrep "$CASE: no Xen entries" 'xenhost-' "$G/grub.cfg"
t_nogrep "$CASE: quiet" '09_xenhost' "$G/err"

t_diag "$cases grub-mkconfig runs over $(grep -Ec '^ *CASE=' "$0") configurations (two of them loops)"
t_end

#!/bin/bash
# xenhost-boot: the dom0 memory formula, grub-args' checks, and the trial boot
# commands (confirm, check, status, retry) against a real grubenv, a fake /proc
# and a fake xl.
. "$(dirname "$0")/../lib.sh"
t_need_cmd grub-editenv
make -s -C "$T_TOP/src/tools/xenhost-boot" >make.log 2>&1 || { t_fail "xenhost-boot builds" "$(tail make.log)"; t_end; }
XB=$T_TOP/src/tools/xenhost-boot/xenhost-boot

# The documented formula: R = host GiB rounded up; min(1024 + 64 R, 8192, 512 R) MiB.
for pair in 1:512 2:1024 3:1216 4:1280 16:2048 64:5120 112:8192 1024:8192; do
    gib=${pair%%:*} want=${pair#*:}
    # MemTotal as Linux reports it: a little less than the RAM installed
    printf 'MemTotal: %d kB\n' $((gib * 1024 * 1024 - 150000)) > meminfo
    got=$("$XB" -c /dev/null -m meminfo grub-args | sed -n 's/^xen_args=dom0_mem=\([0-9]*\)m,max:\1m$/\1/p')
    t_eq "auto dom0 memory for a ${gib} GiB host is ${want} MiB" "$want" "$got"
done

# Under Xen, dom0's MemTotal is dom0's share: the host's size comes from xl info.
mkdir -p proc/xen bin
echo "control_d" > proc/xen/capabilities
printf 'MemTotal: 1048576 kB\n' > proc/meminfo
cat > bin/xl <<'EOF'
#!/bin/sh
case "$1 $2" in
    "info ") printf 'host                   : h\ntotal_memory           : 16383\nfree_memory            : 14000\n' ;;
    "list 0") [ -n "${XL_FAIL:-}" ] && { echo "xl: cannot connect to xenstored" >&2; exit 1; }
              printf 'Name ID Mem VCPUs State Time(s)\nDomain-0 0 1280 2 r----- 1.0\n' ;;
    *) exit 1 ;;
esac
EOF
chmod +x bin/xl
export PATH=$T_TMP/bin:$PATH
t_grep "under Xen the host size comes from xl info (16 GiB -> 2048 MiB)" '^xen_args=dom0_mem=2048m,max:2048m$' <("$XB" -c /dev/null -p proc grub-args)

printf 'MemTotal: %d kB\n' $((4 * 1024 * 1024 - 150000)) > meminfo
# grub-args: exit 0 for good settings, 2 (bad configuration) with the output still complete.
cat > good.conf <<'EOF'
XEN_DOM0_MEM=3G
XEN_DOM0_VCPUS=2-4
XEN_DOM0_VCPUS_PIN=yes
XEN_SERIAL_CONSOLE=com2,38400
XEN_CMDLINE_EXTRA="iommu=verbose sched=credit2"
XEN_PANIC_REBOOT=30
XEN_DEFAULT_ENTRY=force
XEN_TRIAL_BOOT=no
EOF
t_check "grub-args exits 0 for good settings" "$XB" -c good.conf -m meminfo grub-args
"$XB" -c good.conf -m meminfo grub-args > good.out 2>&1
t_grep "every setting reaches Xen's command line" '^xen_args=dom0_mem=3072m,max:3072m dom0_max_vcpus=2-4 dom0_vcpus_pin com2=38400,8n1 console=com2,vga iommu=verbose sched=credit2$' good.out
t_grep "dom0 gets hvc0 and the panic timeout" '^linux_args=console=hvc0 panic=30$' good.out
t_grep "GRUB's serial port" '^serial=--unit=1 --speed=38400$' good.out
t_grep "default policy" '^default=force$' good.out
t_grep "trial setting" '^trial=no$' good.out
cat > bad.conf <<'EOF'
XEN_DOM0_MEM=lots
XEN_DOM0_VCPUS=0
XEN_DOM0_BALLOONING=maybe
XEN_SERIAL_CONSOLE=com9
XEN_PANIC_REBOOT=-1
XEN_DEFAULT_ENTRY=sometimes
XEN_TRIAL_BOOT=perhaps
XEN_DOM0_MEMORY=2G
EOF
"$XB" -c bad.conf -m meminfo grub-args > bad.out 2> bad.err; rc=$?
t_eq "grub-args exits 2 for bad settings" 2 "$rc"
t_eq "every bad value is reported" 7 "$(grep -c '^xenhost-boot: bad.conf:[0-9]*: XEN_' bad.err)"
t_grep "an unknown key is a warning" "bad.conf:8: XEN_DOM0_MEMORY: unknown setting, ignoring" bad.err
t_grep "bad values fall back to the defaults" '^xen_args=dom0_mem=1280m,max:1280m$' bad.out
t_grep "... trial stays on" '^trial=yes$' bad.out
"$XB" -c "$T_TMP" -m meminfo grub-args > dir.out 2> dir.err; rc=$?
t_eq "a settings path that is a directory: exit 2" 2 "$rc"
t_grep "... says so, and the defaults are used" "$(t_re "$T_TMP"): Is a directory; using the defaults" dir.err
t_must_fail "an unknown command is a usage error" "$XB" frobnicate
"$XB" frobnicate 2>/dev/null; t_eq "usage errors exit 2" 2 $?

# The trial boot.
grub-editenv grubenv create
TOK=$T_XEN_VERSION/6.1.0-13-amd64/123
TOKRE=$(t_re "$TOK")
run() { "$XB" -e grubenv -p proc -s state -M motd/xenhost-boot -x xl.conf "$@"; }
env_get() { grub-editenv grubenv list | sed -n "s/^$1=//p"; }
echo "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet" > proc/cmdline

rm proc/xen/capabilities
t_check "confirm on native Linux does nothing" run confirm
t_eq "... and marks nothing" "" "$(env_get xenhost_good)"
echo control_d > proc/xen/capabilities
t_check "confirm in dom0 without a token does nothing" run confirm
t_eq "... and marks nothing" "" "$(env_get xenhost_good)"

echo "placeholder root=/dev/sda1 ro quiet panic=10 xenhost.trial=$TOK" > proc/cmdline
grub-editenv grubenv set xenhost_tried="$TOK"
XL_FAIL=1 run confirm 2> confirm.err; rc=$?
t_eq "confirm fails when the toolstack does not answer" 1 "$rc"
t_grep "... saying why" "trial boot $TOKRE not confirmed: the Xen toolstack did not answer: xl list 0: xl: cannot connect to xenstored" confirm.err
t_eq "... and marks nothing" "" "$(env_get xenhost_good)"
t_grep "... and records the reason" "^$TOKRE\$" state/trial-failure
XL_FAIL=1 "$XB" -e grubenv -p proc -s "$T_TMP/new/deeper/state" -M motd/xenhost-boot -x xl.conf confirm 2> confirm2.err
t_grep "... even where the state directory's parents do not exist yet" "^$TOKRE\$" "$T_TMP/new/deeper/state/trial-failure"

# next boot: native Linux after the failed trial
rm proc/xen/capabilities; echo "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet" > proc/cmdline
run check 2> check.err
t_grep "check reports the failed trial in the journal" "the trial boot of Xen \\($TOKRE\\) failed: dom0 came up but the Xen toolstack did not answer" check.err
t_grep "... and in the login message" "xenhost: the trial boot of Xen \\($TOKRE\\) failed: dom0 came up but the Xen toolstack did not answer" motd/xenhost-boot
t_grep "status shows it" "^state: failed trial: dom0 came up" <(run status)
rm state/trial-failure
run check 2> check.err
t_grep "without a record, the hypervisor or dom0 never came up" "failed: the hypervisor or dom0 did not come up" motd/xenhost-boot
t_check "retry forgets the failed trial" run retry
t_eq "... xenhost_tried is unset" "" "$(env_get xenhost_tried)"
t_check "... and the login message is gone" test ! -e motd/xenhost-boot

# the retry: dom0 up, toolstack answers
echo control_d > proc/xen/capabilities; echo "placeholder ro xenhost.trial=$TOK" > proc/cmdline
grub-editenv grubenv set xenhost_tried="$TOK"
t_check "confirm succeeds when the toolstack answers" run confirm
t_eq "... and records the configuration as good" "$TOK" "$(env_get xenhost_good)"
t_grep "status: running the confirmed configuration" '^state: running the confirmed Xen configuration$' <(run status)
rm proc/xen/capabilities; echo "ro quiet" > proc/cmdline
run check 2> check.err
t_check "check on a later native boot reports nothing" test ! -s check.err -a ! -e motd/xenhost-boot

# GRUB that cannot write grubenv: confirm still marks good, and warns.
grub-editenv grubenv unset xenhost_tried xenhost_good
echo control_d > proc/xen/capabilities; echo "ro xenhost.trial=$TOK" > proc/cmdline
run confirm 2> confirm.err
t_grep "confirm warns when GRUB did not record the trial" "GRUB did not record this trial" confirm.err
t_eq "... and still marks the configuration good" "$TOK" "$(env_get xenhost_good)"

echo 'autoballoon="on"' > xl.conf
t_grep "status warns when xl.conf does not follow /etc/default/xen" 'warning: xl.conf sets autoballoon="on"' <(run status 2>&1)
t_nogrep "... on stderr: stdout has the status only" 'autoballoon' <(run status 2>/dev/null)
echo 'autoballoon="auto"' > xl.conf
t_nogrep "... not when it says auto" 'warning' <(run status 2>&1)
t_grep "the shipped xl.conf keeps autoballoon=\"auto\"" '^autoballoon="auto"$' "$T_TOP/etc/xen/xl.conf"
t_end

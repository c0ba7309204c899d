#!/bin/bash
# Safe first boot: a configuration whose dom0 cannot come up (a broken command
# line) is booted once as a trial; the next boot is native Linux by itself and
# says why (journal, login message); after a fix, Xen is the default again.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
. "$T_TOP/tests/qemu/boot/bootlib.sh"
O=$T_TMP/host

qx_boot "$O" break-dom0.sh --timeout 900; t_eq "boot 1 ran to power-off" 0 $?
t_eq "boot 1 is Xen" xen "$(qx "$O" HV)"
bad=$(qx "$O" TOKEN)
t_grep "update-grub wrote a new trial configuration" '/' <(echo "$bad")

# Boot 2: the trial; dom0 panics (init=/bin/false), panic=10 reboots, QEMU exits.
qx_boot "$O" report-only.sh --timeout 900; rc=$?
t_eq "boot 2 (the broken trial) ended by itself" 0 $rc
t_grep "boot 2 booted the broken configuration" "xenhost\\.trial=$(qx_re "$bad")" "$O/console.log"
t_grep "... and dom0 panicked" 'Kernel panic' "$O/console.log"
t_nogrep "... and never reached the test unit" '^QH-TEST-START' "$O/test.log"
cp "$O/console.log" "$T_TMP/console-trial.log"

# Boot 3: native Linux, told why.
qx_boot "$O" repair.sh --timeout 900; t_eq "boot 3 ran to power-off" 0 $?
t_eq "boot 3 fell back to native Linux" none "$(qx "$O" HV)"
t_nogrep "... not a Xen entry" 'xenhost\.trial=' <(qx "$O" CMDLINE)
t_grep "the failed trial is in the journal" "the trial boot of Xen \\($(qx_re "$bad")\\) failed: the hypervisor or dom0 did not come up" <(qx "$O" JOURNAL)
t_grep "... and in the login message" "xenhost: the trial boot of Xen \\($(qx_re "$bad")\\) failed" <(qx "$O" MOTD)
t_grep "... and in xenhost-boot status" 'state: failed trial: the hypervisor or dom0 did not come up' <(qx "$O" STATUS)
good=$(qx "$O" TOKEN)

# Boot 4: the repaired configuration is tried and confirmed: Xen again.
qx_boot "$O" report-only.sh --timeout 900; t_eq "boot 4 ran to power-off" 0 $?
t_eq "boot 4 is Xen again" xen "$(qx "$O" HV)"
t_grep "... with the repaired configuration" "xenhost\\.trial=$(qx_re "$good")" <(qx "$O" CMDLINE)
t_grep "... confirmed" "^xenhost_good=$(qx_re "$good")\$" <(qx "$O" ENV)
t_eq "... and no failure message left" "" "$(qx "$O" MOTD)"
qx_end

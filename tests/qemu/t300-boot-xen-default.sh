#!/bin/bash
# A Debian 12 disk with xenhost installed by apt boots through real GRUB into Xen
# by default, for BIOS (SeaBIOS) and UEFI (OVMF); dom0's memory is what
# /etc/default/xen says and ballooning is off.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/qemu/hostlib.sh"
. "$T_TOP/tests/qemu/boot/bootlib.sh"
O=$T_TMP/host

# Boot 1 (BIOS): the image as installed (auto memory, computed where the image
# was built); then XEN_DOM0_MEM=1024M and update-grub.
qx_boot "$O" set-mem-1024.sh --timeout 900; t_eq "boot 1 (BIOS) ran to power-off" 0 $?
for f in /etc/grub.d/09_xenhost /usr/sbin/xenhost-boot /etc/default/xen; do
    t_grep "the packages installed $f" "^$f\$" <(qx "$O" HAVE)
done
t_eq "the distribution's 20_linux_xen is diverted away" absent "$(qx "$O" 20_linux_xen)"
t_grep "... by xenhost-hypervisor" 'to /etc/grub.d/20_linux_xen.dpkg-xenhost by xenhost-hypervisor' <(qx "$O" DIVERT)
cmd=$(qx "$O" XLINFO | sed -n 's/^xen_commandline *: //p')
qx_xen_checks "$O" "boot 1 (BIOS, as installed)" "$(qx_dom0_mem "$cmd")"
t_grep "in dom0, auto sizes dom0 from the host's memory (xl info: 3 GiB -> 1216 MiB)" '^dom0_mem=1216m,max:1216m$' <(qx "$O" AUTO)
t_grep "update-grub takes the new setting" 'dom0 1024 MiB \(host' <(qx "$O" UPDATE)
token=$(qx "$O" TOKEN)

# Boot 2 (BIOS): the new configuration, booted as a trial and confirmed.
qx_boot "$O" report-only.sh --timeout 900; t_eq "boot 2 (BIOS) ran to power-off" 0 $?
qx_xen_checks "$O" "boot 2 (BIOS)" 1024
t_grep "boot 2 booted the configuration update-grub wrote" "xenhost\\.trial=$(qx_re "$token")( |\$)" <(qx "$O" CMDLINE)
t_grep "... and GRUB recorded its trial" "^xenhost_tried=$(qx_re "$token")\$" <(qx "$O" ENV)
t_grep "... and dom0 confirmed it" "^xenhost_good=$(qx_re "$token")\$" <(qx "$O" ENV)

# Boot 3 (UEFI, same disk): the same menu through GRUB for EFI.
qx_boot "$O" report-only.sh --uefi --timeout 900; t_eq "boot 3 (UEFI) ran to power-off" 0 $?
t_eq "boot 3 ran under UEFI" uefi "$(qx "$O" FIRMWARE)"
qx_xen_checks "$O" "boot 3 (UEFI)" 1024
t_diag "$(qx "$O" BOOTTIME)"
qx_end

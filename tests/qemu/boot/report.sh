# tests/qemu/boot/report.sh - dom0/native side of the boot tests (POSIX sh):
# print what the boot tests assert on, one "QX-" marker line each.
echo "QX-HV $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
echo "QX-FIRMWARE $([ -d /sys/firmware/efi ] && echo uefi || echo bios)"
echo "QX-CMDLINE $(cat /proc/cmdline)"
echo "QX-CAPS $(cat /proc/xen/capabilities 2>/dev/null)"
for f in /etc/grub.d/09_xenhost /usr/sbin/xenhost-boot /etc/default/xen /etc/xen/xl.conf; do
    [ -e "$f" ] && echo "QX-HAVE $f"
done
echo "QX-20_linux_xen $([ -x /etc/grub.d/20_linux_xen ] && echo active || echo absent)"
dpkg-divert --list '*20_linux_xen*' | sed 's/^/QX-DIVERT /'
echo "QX-XLCONF $(grep '^autoballoon' /etc/xen/xl.conf 2>/dev/null)"
if [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then
    systemctl start xencommons.service 2>/dev/null
    xl info 2>&1 | grep -E '^(xen_version|xen_commandline|total_memory|free_memory) ' | sed 's/^/QX-XLINFO /'
    echo "QX-DOM0-MEM $(xl list 0 2>/dev/null | awk 'NR == 2 { print $3 }')"
    echo "QX-BALLOON-TARGET-KB $(cat /sys/devices/system/xen_memory/xen_memory0/target_kb 2>/dev/null)"
    # the auto formula as update-grub computes it here (host size from xl info)
    echo "QX-AUTO $(xenhost-boot -c /dev/null grub-args 2>/dev/null | sed -n 's/^xen_args=//p')"
fi
for u in xenhost-boot-confirm.service xenhost-boot-check.service; do
    echo "QX-UNIT $u $(systemctl is-active "$u")"
done
xenhost-boot status 2>&1 | sed 's/^/QX-STATUS /'
grub-editenv /boot/grub/grubenv list | sed 's/^/QX-ENV /'
[ ! -e /run/motd.d/xenhost-boot ] || sed 's/^/QX-MOTD /' /run/motd.d/xenhost-boot
journalctl -b -o cat -u xenhost-boot-check.service -u xenhost-boot-confirm.service 2>/dev/null | sed 's/^/QX-JOURNAL /'
# messages of xenhost-boot itself, by identifier (unit attribution of short-lived processes can be lost)
journalctl -b -o cat -t xenhost-boot 2>/dev/null | sed 's/^/QX-JOURNAL /'
systemd-analyze time 2>/dev/null | head -n 1 | sed 's/^/QX-BOOTTIME /'

# dom0 side of the boot tests and the demo: start the Xen daemons through the packaged
# units and show what the toolstack sees. POSIX sh, runs inside dom0.
echo "QH-HYPERVISOR $(cat /sys/hypervisor/type 2>/dev/null) $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"
# The packaged units start the daemons; without them the test must fail, not work around.
systemctl start xencommons.service
echo "QH-UNITS xencommons $(systemctl is-active xencommons.service)"
for f in /boot/xen-*; do echo "QH-BOOT ${f#/boot/}"; done
echo "---- xl info"
xl info
echo "---- xl list"
xl list
echo "---- dom0 memory"
free -m

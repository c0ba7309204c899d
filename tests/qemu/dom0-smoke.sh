# dom0 side of the boot tests and the demo: start the Xen daemons through the packaged
# units and show what the toolstack sees. POSIX sh, runs inside dom0.
echo "QH-HYPERVISOR $(cat /sys/hypervisor/type 2>/dev/null) $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"
if systemctl cat xencommons.service >/dev/null 2>&1; then
    systemctl start xencommons.service
    echo "QH-UNITS xencommons $(systemctl is-active xencommons.service)"
else
    # until the packaged units exist: the daemons by hand, as upstream's init script does
    echo "QH-UNITS none (starting the daemons by hand)"
    grep -q xenfs /proc/mounts || mount -t xenfs xenfs /proc/xen
    mkdir -p /var/run/xen /var/log/xen
    /usr/sbin/xenstored --pid-file /var/run/xen/xenstored.pid
    sleep 1
    /usr/lib/xen/bin/xen-init-dom0
    /usr/sbin/xenconsoled --pid-file=/var/run/xen/xenconsoled.pid
fi
echo "---- xl info"
xl info
echo "---- xl list"
xl list
echo "---- dom0 memory"
free -m

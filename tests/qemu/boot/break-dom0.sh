# Report, then give dom0 a command line it cannot survive (init=/bin/false: the
# kernel panics, panic=10 reboots) and rewrite the menu: the next boot is a
# trial that fails.
. /usr/local/sbin/report.sh
echo 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="console=hvc0 earlyprintk=xen init=/bin/false"' > /etc/default/grub.d/zz-xenhost-test-broken.cfg
update-grub 2>&1 | sed 's/^/QX-UPDATE /'
echo "QX-TOKEN $(sed -n 's/.*xenhost.trial=\([^ ]*\).*/\1/p' /boot/grub/grub.cfg | head -n 1)"

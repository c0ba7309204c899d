# After the fallback: report, then remove the broken setting and rewrite the menu.
. /usr/local/sbin/report.sh
rm -f /etc/default/grub.d/zz-xenhost-test-broken.cfg
update-grub 2>&1 | sed 's/^/QX-UPDATE /'
echo "QX-TOKEN $(sed -n 's/.*xenhost.trial=\([^ ]*\).*/\1/p' /boot/grub/grub.cfg | head -n 1)"

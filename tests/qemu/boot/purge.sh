# Purge our packages, install them again from the debs on the test disk, purge
# again: the distribution's grub.cfg must come back byte for byte.
. /usr/local/sbin/report.sh
up() { cut -d. -f1 /proc/uptime; }
echo "QX-T report $(up)"
export DEBIAN_FRONTEND=noninteractive
pkgs=$(dpkg-query -W -f '${db:Status-Status} ${Package}\n' 'xenhost*' | awk '$1 == "installed" { print $2 }' | tr '\n' ' ')
echo "QX-PKGS $pkgs"
cp /boot/grub/grub.cfg /root/cfg.installed
# shellcheck disable=SC2086
apt-get purge -y $pkgs > /root/purge1.log 2>&1; echo "QX-PURGE1 rc=$?"; echo "QX-T purge1 $(up)"
cp /boot/grub/grub.cfg /root/cfg.before
debs=
for p in $pkgs; do debs="$debs $(ls /root/debs/${p}_*.deb)"; done
# shellcheck disable=SC2086
apt-get install -y $debs > /root/install.log 2>&1; echo "QX-REINSTALL rc=$?"; echo "QX-T reinstall $(up)"
tail -n 5 /root/install.log | sed 's/^/QX-INSTALL-LOG /'
echo "QX-INSTALLED-XEN-ENTRIES $(grep -c "menuentry_id_option 'xenhost-" /boot/grub/grub.cfg)"
echo "QX-DIVERTED-WHILE-INSTALLED $(dpkg-divert --list '*20_linux_xen*' | grep -c xenhost)"
# shellcheck disable=SC2086
apt-get purge -y $pkgs > /root/purge2.log 2>&1; echo "QX-PURGE2 rc=$?"; echo "QX-T purge2 $(up)"
if cmp -s /root/cfg.before /boot/grub/grub.cfg; then echo "QX-GRUBCFG same"; else echo "QX-GRUBCFG differs"; diff /root/cfg.before /boot/grub/grub.cfg | head -n 40 | sed 's/^/QX-DIFF /'; fi
echo "QX-DIVERSIONS-AFTER $(dpkg-divert --list | grep -c xenhost)"
want=$(dpkg-query -W -f '${Conffiles}\n' grub-common | awk '$1 == "/etc/grub.d/20_linux_xen" { print $2 }')
echo "QX-20_linux_xen-md5 $([ "$(md5sum < /etc/grub.d/20_linux_xen | cut -d' ' -f1)" = "$want" ] && echo pristine || echo modified) $(stat -c %a /etc/grub.d/20_linux_xen)"
echo "QX-LEFTOVERS $(ls -d /etc/grub.d/09_xenhost /etc/default/xen /var/lib/xenhost /etc/grub.d/20_linux_xen.dpkg-xenhost 2>/dev/null | tr '\n' ' ')"
echo "QX-GRUBENV $(grub-editenv /boot/grub/grubenv list | grep -c xenhost)"

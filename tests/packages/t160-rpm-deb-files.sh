#!/bin/bash
# The RPM and the Debian builds install the same files, in the same packages, with the same
# modes, except where the two distributions' conventions differ. Each difference is a rule
# below (docs/packaging.md lists them); the Debian list, rewritten by the rules, must equal
# the RPM list exactly, and every rule must still be needed.
. "$(dirname "$0")/../lib.sh"
t_need_cmd rpm dpkg-deb
t_need_packages
t_need_rpms

# "PACKAGE MODE PATH" for the files and links (not directories) of every package but the
# debug symbols (Debian's -dbgsym, RPM's -debuginfo: each distribution's own scheme).
for d in "$T_DEBS"/*.deb; do
    case $d in *-dbgsym_*) continue ;; esac
    p=$(dpkg-deb -f "$d" Package)
    # (a hard link, "h" in dpkg-deb's listing, is a file as rpm lists it)
    dpkg-deb -c "$d" | awk -v p="$p" '$1 !~ /^d/ { sub(/^\.\//, "", $6); sub(/^h/, "-", $1); print p, $1, "/" $6 }'
done | LC_ALL=C sort > deb.list
for r in "$T_RPMS"/*.rpm; do
    case $r in *-debuginfo-*) continue ;; esac
    rpm -qp --qf '[%{=NAME} %{FILEMODES:perms} %{FILENAMES}\n]' "$r" 2>/dev/null | awk '$2 !~ /^d/'
done | LC_ALL=C sort > rpm.list
t_check "Debian file list read" test -s deb.list
t_check "RPM file list read" test -s rpm.list

# The conventions, as sed rules on "PACKAGE MODE PATH" lines of the Debian list.
# Each is NAME<tab>RULE: a rule that matches no line is a stale rule (a failure).
rules() {
cat <<'EOF'
dev-is-devel	s/^xenhost-dev /xenhost-devel /
libdir	s# /usr/lib/x86_64-linux-gnu/# /usr/lib64/#
units-in-usr	s# /lib/systemd/# /usr/lib/systemd/#
sysconfig-templates	s# /etc/default/\(xendomains\|xencommons\)$# /usr/share/fillup-templates/sysconfig.\1#
no-sysv	\# /etc/init\.d/#d
no-sysv-functions	\# /usr/lib/xen/xenhost-init-functions$#d
debian-doc-files	\# /usr/share/doc/[^/]*/\(copyright\|changelog\.Debian\.gz\)$#d
lintian-overrides	\# /usr/share/lintian/overrides/#d
symbol-files-in-boot	s# /usr/lib/debug/boot/xen-syms-# /boot/xen-syms-#
doc-compression	s#^\(xenhost-hypervisor .* /usr/share/doc/xenhost-hypervisor/boot\.md\)\.gz$#\1#
no-device-model-rpm	\#^xenhost-qemu #d
EOF
}
# RPM-only files (conventions with no Debian counterpart), as extended regexes.
rpm_only() {
cat <<'EOF'
licenses	^[^ ]+ -rw-r--r-- /usr/share/licenses/[^/]+/COPYING$
presets	^xenhost-(utils|hypervisor) -rw-r--r-- /usr/lib/systemd/system-preset/50-xenhost-(utils|hypervisor)\.preset$
pattern-marker	^patterns-xenhost -rw-r--r-- /usr/share/doc/patterns/xenhost\.txt$
grub2-names	^xenhost-hypervisor [-lrwx]+ /usr/lib/(systemd/system/xenhost-boot-(check|confirm)\.service\.d/50-grub2\.conf|xenhost/grub2/grub-editenv)$
EOF
}

cp deb.list mapped
while IFS=$'\t' read -r name rule; do
    before=$(md5sum < mapped)
    sed -i -e "$rule" mapped
    if [ "$before" = "$(md5sum < mapped)" ]; then t_fail "convention '$name' still applies to the Debian list" "rule: $rule"
    else t_ok "convention '$name' applies"; fi
done < <(rules)
LC_ALL=C sort -o mapped mapped
cp rpm.list rpm.rest
while IFS=$'\t' read -r name re; do
    n=$(grep -cE "$re" rpm.rest)
    if [ "$n" -gt 0 ]; then t_ok "RPM-only convention '$name' ($n files)"; else t_fail "RPM-only convention '$name' still applies"; fi
    grep -vE "$re" rpm.rest > rpm.tmp; mv rpm.tmp rpm.rest
done < <(rpm_only)

t_eq "Debian files, after the conventions, are exactly the RPM files (package, mode, path)" "" \
    "$(diff mapped rpm.rest | grep '^[<>]' | sed 's/^</deb:/; s/^>/rpm:/' | head -n 40)"
t_diag "$(wc -l < deb.list) Debian files, $(wc -l < rpm.list) RPM files, $(wc -l < rpm.rest) compared after the conventions"
t_end

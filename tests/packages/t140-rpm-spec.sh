#!/bin/bash
# The RPM recipe parses, names the same packages as debian/control, and makes the host
# pattern installable with `zypper install -t pattern xenhost`.
# (Not built here: Debian has no RPM build dependencies; see docs/packaging.md.)
. "$(dirname "$0")/../lib.sh"
t_need_cmd rpmspec
spec=$T_TOP/rpm/xenhost.spec
t_check "rpmspec parses rpm/xenhost.spec" rpmspec -P "$spec" --define "xen_version $T_XEN_VERSION"
rpmspec -q --define "xen_version $T_XEN_VERSION" --qf '%{NAME}\n' "$spec" 2>/dev/null | sort > rpm-pkgs
sed -n 's/^Package: //p' "$T_TOP/debian/control" | sed 's/^xenhost-dev$/xenhost-devel/' | sort > deb-pkgs
t_eq "RPM and Debian recipes build the same packages" "$(cat deb-pkgs)" "$(cat rpm-pkgs)"
rpmspec -q --provides --define "xen_version $T_XEN_VERSION" "$spec" 2>/dev/null > provides
t_grep "xenhost provides the zypper pattern" '^pattern\(\) = xenhost' provides
t_grep "RPM version carries the upstream version" "^xenhost = $(t_re "${T_XEN_VERSION//-/_}")-0\\.xenhost1" provides
t_nogrep "no systemd restart-on-upgrade scriptlet for the toolstack" 'systemd_postun_with_restart' "$spec"
t_end

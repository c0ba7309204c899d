#!/bin/bash
# The RPM recipe and the RPMs make rpm builds from it (rpm/xenhost.spec, src/build/build-rpms):
# the packages of debian/control plus the pattern, the pinned version and tarball, what each
# package holds (every file in exactly one package), our programs built with the
# distribution's flags, scriptlets and presets, every BuildRequires mapped to a Debian
# package; rpmlint on every RPM and on the spec: no error, and no warning that
# tests/packages/xenhost-rpmlintrc does not filter with its reason.
. "$(dirname "$0")/../lib.sh"
t_need_cmd rpm rpmspec rpmbuild rpm2cpio cpio
spec=$T_TOP/rpm/xenhost.spec
mapfile -t defs < <(t_rpm_defs)
ver=$T_XEN_VERSION
rpmver=${ver//-/_}
orig=$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/xen/recipe" ORIG_FILE)

# --- the recipe
t_check "rpmspec parses rpm/xenhost.spec with the pin of src/xen/recipe" rpmspec -P "${defs[@]}" "$spec"
t_must_fail "rpm/xenhost.spec refuses to parse without the pin" \
    rpmspec -P --load="$T_TOP/rpm/macros.debian-build" "$spec"
rpmspec -q "${defs[@]}" --qf '%{NAME}\n' "$spec" 2>/dev/null | grep -vx xenhost-debuginfo | sort > rpm-pkgs
{ sed -n 's/^Package: //p' "$T_TOP/debian/control" | sed 's/^xenhost-dev$/xenhost-devel/'; echo patterns-xenhost; } | sort > deb-pkgs
t_eq "the spec builds debian/control's packages (-dev as -devel) and patterns-xenhost" "$(cat deb-pkgs)" "$(cat rpm-pkgs)"
rpmspec -q "${defs[@]}" --provides "$spec" 2>/dev/null > provides
t_grep "patterns-xenhost provides the zypper pattern" '^pattern\(\) = xenhost$' provides
t_grep "RPM version carries the upstream version" "^xenhost = $(t_re "$rpmver")-0\\.xenhost1$" provides

# Every BuildRequires (of the Debian and the SUSE branch) maps to something installed here.
{ rpmspec -q "${defs[@]}" --buildrequires "$spec"; rpmspec -q "${defs[@]}" --define 'suse_version 1600' --buildrequires "$spec"; } \
    2>/dev/null | sed 's/ .*//' | sort -u > buildreqs
t_check "the spec has BuildRequires" test -s buildreqs
t_grep "the SUSE branch requires fillup" '^fillup$' buildreqs
while read -r br; do
    case $br in
        pkgconfig\(*\)) m=${br#pkgconfig(}; m=${m%)}; t_check "BuildRequires $br: pkg-config finds $m" pkg-config --exists "$m" ;;
        *)  deb=$(awk -v c="$br" '$1 == c { print $2; exit }' "$T_TOP/rpm/buildrequires.debian")
            if [ -z "$deb" ]; then t_fail "BuildRequires $br is mapped in rpm/buildrequires.debian"
            elif [ "$deb" = - ]; then t_ok "BuildRequires $br: stood in for by rpm/macros.debian-build"
            else t_eq "BuildRequires $br: Debian package $deb installed" installed "$(dpkg-query -W -f '${db:Status-Status}' "$deb" 2>/dev/null)"; fi ;;
    esac
done < buildreqs

# %prep checks the SHA-256 of Source0 before it unpacks anything.
mkdir -p rb/SOURCES
echo 'not the Xen tarball' > "rb/SOURCES/$orig"
: > "rb/SOURCES/xenhost-$ver.tar.gz"
rpmbuild -bp --nodeps "${defs[@]}" --define "_topdir $T_TMP/rb" "$spec" > prep.log 2>&1
t_eq "rpmbuild refuses a Source0 without the pinned SHA-256" 1 "$([ $? -ne 0 ] && grep -c '^xenhost.spec: .* does not have the SHA-256 src/xen/recipe pins' prep.log)"

# --- the built RPMs
t_need_rpms
t_eq "the RPMs were built from the version src/xen/recipe pins" "$ver" "$(cat "$T_RPMS/xen-version")"
rpm -qp --qf '%{NAME}\n' "$T_RPMS"/*.rpm 2>/dev/null | sort > built
t_eq "every package of the spec was built (plus xenhost-debuginfo)" "$(sort rpm-pkgs <(echo xenhost-debuginfo) | tr '\n' ' ')" "$(tr '\n' ' ' < built)"
t_eq "every RPM is version $rpmver-0.xenhost1" "$rpmver-0.xenhost1" \
    "$(rpm -qp --qf '%{VERSION}-%{RELEASE}\n' "$T_RPMS"/*.rpm 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')"
srpm=$(ls "$T_RPMS"/source/xenhost-*.src.rpm 2>/dev/null | head -n 1)
if [ -n "$srpm" ]; then
    mkdir srpm && (cd srpm && rpm2cpio "$srpm" | cpio -idm --quiet)
    t_eq "the source RPM's Source0 is the pinned tarball" "$(sh "$T_TOP/src/build/recipe-value" "$T_TOP/src/xen/recipe" ORIG_SHA256)" \
        "$(sha256sum "srpm/$orig" 2>/dev/null | cut -d' ' -f1)"
    t_grep "the source RPM's spec carries the pin (rebuilds with plain rpmbuild)" "^%define xen_version $(t_re "$ver")$" srpm/xenhost.spec
else
    t_fail "a source RPM in $T_RPMS/source"
fi

for r in "$T_RPMS"/*.rpm; do
    p=$(rpm -qp --qf '%{NAME}' "$r" 2>/dev/null)
    mkdir -p "x/$p" && (cd "x/$p" && rpm2cpio "$r" | cpio -idm --quiet 2>/dev/null)
    rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$r" 2>/dev/null | awk -v p="$p" '$1 !~ /^d/ { print p, $2 }' >> files.txt
done
t_eq "every file belongs to exactly one package" "" "$(awk '{ print $2 }' files.txt | sort | uniq -d | head -n 10)"
t_eq "no Python program or module shipped" "" "$(grep -v '^xenhost-debuginfo ' files.txt | grep -E '\.py$|/python3' | head -n 5)"
t_eq "no SysV init script shipped (systemd only)" "" "$(grep ' /etc/init.d/' files.txt)"
t_eq "nothing under /lib (RPM distributions keep units in /usr/lib)" "" "$(awk '$2 ~ /^\/lib\// { print $2 }' files.txt | head -n 5)"
t_eq "no file owned by another user than root" "" \
    "$(rpm -qp --qf '[%{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "$T_RPMS"/*.rpm 2>/dev/null | grep -v '^root:root ' | head -n 5)"

# the hypervisor, as t110 checks the Debian one
t_hypervisor_images x "$ver"
t_grep "debug build has CONFIG_DEBUG" '^CONFIG_DEBUG=y' "x/xenhost-hypervisor-debug/boot/xen-$ver-dbg.config"
t_check "release xen-syms keeps its symbol table" \
    sh -c "nm 'x/xenhost-hypervisor/boot/xen-syms-$ver' | grep -q ' __start_xen\$'"
t_check "hvmloader is shipped unstripped (guest firmware, as on Debian)" \
    sh -c "file -L x/xenhost-utils/usr/lib/xen/boot/hvmloader | grep -q 'not stripped'"
for b in xenhost-utils/usr/sbin/xendomains xenhost-utils/usr/sbin/xl xenhost-libs/usr/lib64/libxenlight.so.$(echo "$ver" | cut -d. -f1,2).0; do
    t_check "$(basename "$b") is stripped (its debug information is in xenhost-debuginfo)" \
        sh -c "file 'x/$b' | grep -q ', stripped'"
done

series=$(echo "$ver" | cut -d. -f1,2)
for so in libxencall.so.1 libxenstore.so.4 libxenctrl.so.$series libxenlight.so.$series libxlutil.so.$series; do
    lib=$(ls x/xenhost-libs/usr/lib64/"$so".* 2>/dev/null | head -n 1)
    if [ -n "$lib" ]; then t_eq "$so in /usr/lib64 has soname $so" "$so" "$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')"
    else t_fail "xenhost-libs ships /usr/lib64/$so"; fi
done
t_check "xl.1 names the Xen version built" sh -c "zcat x/xenhost-utils/usr/share/man/man1/xl.1.gz | grep -qF '$ver'"
t_eq "xendomains reads domain state through libxenlight (linked against it)" "libxenlight.so.$series" \
    "$(objdump -p x/xenhost-utils/usr/sbin/xendomains | awk '$1 == "NEEDED" && $2 ~ /^libxenlight/ { print $2 }')"

# Our programs are compiled in %build with %optflags and linked with %build_ldflags
# (rpm/macros.debian-build: -z now, which Debian's default flags do not set); upstream's
# programs are built with upstream's own flags.
for b in xenhost-utils/usr/sbin/xendomains xenhost-hypervisor/usr/sbin/xenhost-boot xenhost-create-image/usr/sbin/xen-create-image; do
    t_check "$(basename "$b") linked with %build_ldflags (BIND_NOW)" sh -c "readelf -d 'x/$b' | grep -q 'FLAGS.*NOW'"
done
t_grep "our programs compiled with %optflags in %build" \
    "^cc .*-D_FORTIFY_SOURCE=3 .*-fstack-clash-protection.* -c -o main\.o main\.c" "$T_RPMS/build.log"
t_grep "the build log shows them compiled in %build (before %install)" '^\+ make -f Makefile programs ' "$T_RPMS/build.log"

# Settings: fillup templates of the Debian files
t_eq "sysconfig.xencommons is the Debian file with a fillup header" \
    "$(tail -n +2 "$T_TOP/etc/default/xencommons")" "$(tail -n +4 x/xenhost-utils/usr/share/fillup-templates/sysconfig.xencommons)"
t_check "sysconfig.xendomains is rpm/sysconfig.xendomains" \
    cmp "$T_TOP/rpm/sysconfig.xendomains" x/xenhost-utils/usr/share/fillup-templates/sysconfig.xendomains

# Presets enable exactly the units the Debian packages enable.
cat x/*/usr/lib/systemd/system-preset/*.preset 2>/dev/null | awk '$1 == "enable" { print $2 }' | sort > enabled
t_eq "presets enable exactly what Debian enables" \
    "$T_ENABLED_UNITS" "$(tr '\n' ' ' < enabled | sed 's/ $//')"
for u in x/*/usr/lib/systemd/system/*; do
    n=$(basename "$u")
    grep -q '^\[Install\]' "$u" || continue
    t_check "$n ([Install]) has a preset line" grep -qE "^(enable|disable) $n$" $(ls x/*/usr/lib/systemd/system-preset/*.preset)
done

# Scriptlets: POSIX sh (or ldconfig), and the upgrade rules of debian/rules.
for r in "$T_RPMS"/*.rpm; do
    p=$(rpm -qp --qf '%{NAME}' "$r" 2>/dev/null)
    for tag in PREIN POSTIN PREUN POSTUN POSTTRANS; do
        prog=$(rpm -qp --qf "%{${tag}PROG}" "$r" 2>/dev/null)
        body=$(rpm -qp --qf "%{${tag}}" "$r" 2>/dev/null)
        [ "$body" = "(none)" ] && [ "$prog" = "(none)" ] && continue
        case $prog in
            /bin/sh) printf '%s\n' "$body" > "$p.$tag.sh"
                if command -v shellcheck >/dev/null; then t_check "$p %$tag: POSIX sh (shellcheck)" shellcheck -s sh -S warning "$p.$tag.sh"
                else t_check "$p %$tag: sh -n" sh -n "$p.$tag.sh"; fi ;;
            /sbin/ldconfig) t_ok "$p %$tag: /sbin/ldconfig" ;;
            *) t_fail "$p %$tag runs $prog (POSIX sh or ldconfig only)" ;;
        esac
    done
done
rpm -qp --scripts "$T_RPMS"/xenhost-utils-[0-9]*.rpm > utils.scripts 2>/dev/null
rpm -qp --scripts "$T_RPMS"/xenhost-hypervisor-[0-9]*.rpm > hv.scripts 2>/dev/null
t_eq "upgrades restart nothing but the watchdog (never xencommons, xenstored or xendomains)" \
    "try-restart xen-watchdog.service" "$(grep -o 'try-restart.*' utils.scripts | sed 's/ *|| :.*//' | tr '\n' ' ' | sed 's/ $//')"
t_grep "xenhost-utils %post applies the presets on first install" 'systemctl --no-reload preset xencommons.service xendomains.service' utils.scripts
t_grep "xenhost-utils %post creates /etc/sysconfig/xendomains (fillup)" 'xh_conf=/etc/sysconfig/xendomains' utils.scripts
t_grep "xenhost-utils %post creates /etc/sysconfig/xencommons (fillup)" 'xh_conf=/etc/sysconfig/xencommons' utils.scripts
t_grep "xenhost-hypervisor %post applies the trial-boot units' presets" 'preset xenhost-boot-check.service xenhost-boot-confirm.service' hv.scripts
t_grep "xenhost-hypervisor writes the menu with grub2-mkconfig after the transaction" 'grub2-mkconfig -o /boot/grub2/grub.cfg' \
    <(rpm -qp --qf '%{POSTTRANS}' "$T_RPMS"/xenhost-hypervisor-[0-9]*.rpm 2>/dev/null)
t_grep "xenhost-hypervisor switches grub2's 20_linux_xen off again after grub2 updates (file trigger)" 'chmod a-x /etc/grub.d/20_linux_xen' \
    <(rpm -qp --filetriggers "$T_RPMS"/xenhost-hypervisor-[0-9]*.rpm 2>/dev/null)
t_grep "xenhost-hypervisor tells zypper a reboot is needed" '^installhint\(reboot-needed\)' \
    <(rpm -qp --provides "$T_RPMS"/xenhost-hypervisor-[0-9]*.rpm 2>/dev/null)

# rpmlint: every RPM, the source RPM and the spec that was built, in one run (so that
# rpmlint sees which package provides what); the filters are documented in the rc file.
if command -v rpmlint >/dev/null; then
    # the spec is linted with the macros a distribution would define (rpm/macros.debian-build)
    mkdir -p home && cp "$T_TOP/rpm/macros.debian-build" home/.rpmmacros
    HOME=$T_TMP/home rpmlint -c "$T_TOP/tests/packages/rpmlint.toml" -r "$T_TOP/tests/packages/xenhost-rpmlintrc" \
        "$T_RPMS"/*.rpm "$T_RPMS"/source/*.src.rpm "$T_RPMS/xenhost.spec" > all.rpmlint 2>&1
    sum=$(grep -E '[0-9]+ errors, [0-9]+ warnings' all.rpmlint | tail -n 1)
    if [ -n "$sum" ]; then t_ok "rpmlint ran: $sum"; else t_fail "rpmlint ran" "$(tail -n 5 all.rpmlint)"; fi
    for n in $(cat built) xenhost.src xenhost.spec; do
        case $n in *.src|*.spec) re="^$(t_re "$n")(:[0-9]+)?: " ;; *) re="^$(t_re "$n")\.x86_64: " ;; esac
        grep -E "$re" all.rpmlint > "$n.rpmlint"
        e=$(grep -c ': E: ' "$n.rpmlint") w=$(grep -c ': W: ' "$n.rpmlint")
        if [ "$e" = 0 ]; then t_ok "rpmlint: $n has no errors"; else t_fail "rpmlint: $n has no errors" "$(grep ': E: ' "$n.rpmlint" | head -n 20)"; fi
        if [ "$w" = 0 ]; then t_ok "rpmlint: $n has no warning left unexplained in tests/packages/xenhost-rpmlintrc"
        else t_fail "rpmlint: $n has no warning left unexplained in tests/packages/xenhost-rpmlintrc" "$(grep ': W: ' "$n.rpmlint" | head -n 20)"; fi
    done
    t_eq "rpmlint: no error or warning at all" "0 0" "$(echo "$sum" | sed -n 's/.* \([0-9]*\) errors, \([0-9]*\) warnings.*/\1 \2/p')"
    t_eq "rpmlint: every filter of tests/packages/xenhost-rpmlintrc is still needed" "" "$(grep 'unused-rpmlintrc-filter' all.rpmlint)"
else
    t_skip "rpmlint" "rpmlint not installed (src/build/deps.test)"
fi
t_end

#!/bin/bash
# zypper installs the xenhost pattern (and dnf the xenhost package, Fedora having no
# patterns) from a createrepo_c repository of our RPMs into an empty root, offline; the root
# holds our files with the right owners and modes, rpm -V is clean, the scriptlets did their
# work (presets, fillup, grub2-mkconfig); removing our packages leaves nothing of ours.
#
# No RPM distribution is reachable here: the distribution's packages come from a second
# local repository of stand-ins generated below, one per package an openSUSE (or Fedora)
# host would supply, under that distribution's name. They are empty except for what the
# scriptlets run: busybox as sh and the coreutils, Debian's systemctl (so that presets are
# really applied), a grub2-mkconfig that records its calls. Library stand-ins provide the
# sonames our RPMs were linked against HERE (Debian 12's: libbz2.so.1.0 for one), which is
# why the RPMs built here are proven for resolution and scriptlets, not for running on
# openSUSE (docs/packaging.md). Both repositories are local file: repositories without
# signatures: gpgcheck is off for them.
. "$(dirname "$0")/../lib.sh"
t_need_root
t_need_cmd rpm rpmbuild createrepo_c modifyrepo_c busybox
t_need_rpms
ver=$T_XEN_VERSION

# role      openSUSE name          Fedora name          contents and capabilities
#   so:SONAME     every SONAME(...) capability our RPMs require
#   cap:C         capability C ("=" stands for " = ")
#   bb:PATH       PATH is busybox (sh, coreutils applets)
#   copy:PATH=SRC PATH is a copy of the host's SRC
#   dir:PATH      the package owns directory PATH
#   req:NAME      requires NAME
#   special roles: systemd (Debian's systemctl and its libraries), grub (recording stand-ins)
standins() {
cat <<'EOF'
glibc       glibc                   glibc                so:libc.so.6 so:libm.so.6 so:ld-linux-x86-64.so.2 so:libdl.so.2 so:libpthread.so.0 so:librt.so.1 so:libutil.so.1 so:libresolv.so.2 cap:rtld(GNU_HASH) copy:/sbin/ldconfig=/sbin/ldconfig
bash        bash                    bash                 bb:/usr/bin/busybox bb:/bin/sh bb:/bin/bash bb:/usr/bin/sh bb:/usr/bin/bash
coreutils   coreutils               coreutils            req:bash bb:/usr/bin/mkdir bb:/usr/bin/rm bb:/usr/bin/rmdir bb:/usr/bin/cp bb:/usr/bin/mv bb:/usr/bin/ln bb:/usr/bin/chmod bb:/usr/bin/touch bb:/usr/bin/cat bb:/usr/bin/true bb:/usr/bin/false bb:/usr/bin/echo bb:/usr/bin/date bb:/usr/bin/sleep
diffutils   diffutils               diffutils            req:bash bb:/usr/bin/cmp bb:/usr/bin/diff
systemd     systemd                 systemd              req:bash
grub        grub2                   grub2-tools          req:bash
grubpc      grub2-i386-pc           grub2-pc             req:grub2|grub2-tools
kernel      kernel-default          kernel-core
basesystem  patterns-base-basesystem -                   cap:pattern()=basesystem
bridge      bridge-utils            bridge-utils
iproute     iproute2                iproute
debootstrap debootstrap             debootstrap
e2fsprogs   e2fsprogs               e2fsprogs
ssh         openssh-clients         openssh-clients
uuid        libuuid1                libuuid              so:libuuid.so.1
yajl        libyajl2                yajl                 so:libyajl.so.2
zlib        libz1                   zlib-ng-compat       so:libz.so.1
lzma        liblzma5                xz-libs              so:liblzma.so.5
bz2         libbz2-1                bzip2-libs           so:libbz2.so.1.0
lzo         liblzo2-2               lzo                  so:liblzo2.so.2
zstd        libzstd1                libzstd              so:libzstd.so.1
ncurses     libncurses6             ncurses-libs         so:libncurses.so.6 so:libncursesw.so.6 so:libtinfo.so.6
nl          libnl3-200              libnl3               so:libnl-3.so.200 so:libnl-route-3.so.200
glib        libglib-2_0-0           glib2                so:libglib-2.0.so.0
aio         libaio1                 libaio               so:libaio.so.1
crypt       libcrypt1               libxcrypt            so:libcrypt.so.1
gcc         libgcc_s1               libgcc               so:libgcc_s.so.1
libsystemd  libsystemd0             systemd-libs         so:libsystemd.so.0
EOF
}

# The capabilities our RPMs require from the distribution.
rpm -qp --requires "$T_RPMS"/*.rpm 2>/dev/null | sed 's/ *$//' | sort -u > requires

# standin_repo DIST(suse|fedora) DIR: build the stand-in RPMs of DIST into DIR, with its metadata.
standin_repo() {
    local dist=$1 dir=$2 col role suse fedora rest name t spec=$T_TMP/standins-$1.spec bb sd
    col=$([ "$dist" = suse ] && echo 2 || echo 3)
    bb=$(command -v busybox)
    {
        printf '%s\n' 'Name: xenhost-standins' 'Version: 1' 'Release: 1' 'Summary: stand-ins' 'License: none' \
            'AutoReqProv: no' '%global debug_package %{nil}' '%global __os_install_post %{nil}' \
            '%description' 'Stand-ins for distribution packages (tests/packages/t150).'
        standins | while read -r role suse fedora rest; do
            name=$([ "$col" = 2 ] && echo "$suse" || echo "$fedora")
            [ "$name" = - ] && continue
            printf '%%package -n %s\nSummary: stand-in for %s\nVersion: 99\n' "$name" "$name"
            for t in $rest; do
                case $t in
                    so:*) grep -E "^$(t_re "${t#so:}")(\(|$)" requires | sed 's/^/Provides: /' ;;
                    cap:*) echo "Provides: $(echo "${t#cap:}" | sed 's/=/ = /')" ;;
                    req:*) echo "Requires: (${t#req:})" | sed 's/|/ or /g' ;;
                esac
            done
            printf '%%description -n %s\nstand-in\n%%files -n %s\n' "$name" "$name"
            for t in $rest; do
                case $t in bb:*|copy:*) p=${t#*:}; echo "${p%%=*}" ;; dir:*) echo "%dir ${t#dir:}" ;; esac
            done
            case $role in
                glibc) echo '%ghost /etc/ld.so.cache' ;;
                systemd) printf '%s\n' /usr/bin/systemctl /usr/lib/xenhost-standin '%dir /usr/lib/systemd' \
                    '%dir /usr/lib/systemd/system' /usr/lib/systemd/system/multi-user.target '%dir /usr/lib/systemd/system-preset' \
                    /usr/lib/systemd/system-preset/99-default-disable.preset '%dir /usr/lib/systemd/system-generators' \
                    '%dir /etc/systemd' '%dir /etc/systemd/system' '%dir /etc/systemd/system/multi-user.target.wants' ;;
                grub) printf '%s\n' /usr/sbin/grub2-mkconfig /usr/bin/grub2-editenv '%dir /etc/grub.d' \
                    '%attr(0755,root,root) /etc/grub.d/20_linux_xen' '%dir /boot/grub2' '%ghost /var/log/grub2-mkconfig.calls' ;;
            esac
        done
        echo '%install'
        standins | while read -r role suse fedora rest; do
            name=$([ "$col" = 2 ] && echo "$suse" || echo "$fedora")
            [ "$name" = - ] && continue
            for t in $rest; do
                case $t in
                    bb:/usr/bin/busybox) echo "install -D -m 0755 $bb %{buildroot}/usr/bin/busybox" ;;
                    bb:*) p=${t#bb:}; echo "mkdir -p %{buildroot}$(dirname "$p") && ln -sf /usr/bin/busybox %{buildroot}$p" ;;
                    copy:*) p=${t#copy:}; echo "install -D -m 0755 ${p#*=} %{buildroot}${p%%=*}" ;;
                    dir:*) echo "mkdir -p %{buildroot}${t#dir:}" ;;
                esac
            done
            case $role in
                glibc) echo 'mkdir -p %{buildroot}/etc && touch %{buildroot}/etc/ld.so.cache' ;;
                systemd)
                    sd=/usr/lib/xenhost-standin
                    echo "mkdir -p %{buildroot}$sd %{buildroot}/usr/bin %{buildroot}/usr/lib/systemd/system %{buildroot}/usr/lib/systemd/system-preset %{buildroot}/usr/lib/systemd/system-generators %{buildroot}/etc/systemd/system/multi-user.target.wants"
                    echo "cp -L /usr/bin/systemctl $(ldd /usr/bin/systemctl | awk '/=>/ { print $3 } !/=>/ && /ld-linux/ { print $1 }' | tr '\n' ' ') %{buildroot}$sd/"
                    printf 'printf "#!/bin/sh\\nexec %s/ld-linux-x86-64.so.2 --library-path %s %s/systemctl \\"\\$@\\"\\n" > %%{buildroot}/usr/bin/systemctl\n' "$sd" "$sd" "$sd"
                    echo 'chmod 0755 %{buildroot}/usr/bin/systemctl'
                    echo "printf '[Unit]\\nDescription=Multi-User System\\n' > %{buildroot}/usr/lib/systemd/system/multi-user.target"
                    echo "echo 'disable *' > %{buildroot}/usr/lib/systemd/system-preset/99-default-disable.preset" ;;
                grub)
                    echo 'mkdir -p %{buildroot}/usr/sbin %{buildroot}/usr/bin %{buildroot}/etc/grub.d %{buildroot}/boot/grub2 %{buildroot}/var/log'
                    # grub2-mkconfig: records how it was called and which generators would run
                    printf '%s\n' "cat > %{buildroot}/usr/sbin/grub2-mkconfig <<'XEOF'" '#!/bin/sh' \
                        'x=; for f in /etc/grub.d/*; do [ -x "$f" ] && x="$x ${f##*/}"; done' \
                        'echo "grub2-mkconfig $* (generators:$x)" >> /var/log/grub2-mkconfig.calls' \
                        '[ "$1" != -o ] || echo "# stand-in menu" > "$2"' 'XEOF' \
                        "printf '#!/bin/sh\\nexit 0\\n' > %{buildroot}/usr/bin/grub2-editenv" \
                        "printf '#!/bin/sh\\n# the distribution Xen generator (stand-in)\\n' > %{buildroot}/etc/grub.d/20_linux_xen" \
                        'chmod 0755 %{buildroot}/usr/sbin/grub2-mkconfig %{buildroot}/usr/bin/grub2-editenv %{buildroot}/etc/grub.d/20_linux_xen' \
                        'touch %{buildroot}/var/log/grub2-mkconfig.calls' ;;
            esac
        done
        echo '%files'
    } > "$spec"
    rpmbuild -bb --nodeps --define "_topdir $T_TMP/rb-$dist" --define '_build_id_links none' "$spec" > "standins-$dist.log" 2>&1 || return 1
    rm -f "$T_TMP/rb-$dist"/RPMS/*/xenhost-standins-*.rpm
    mkdir -p "$dir" && mv "$T_TMP/rb-$dist"/RPMS/*/*.rpm "$dir/" && createrepo_c -q "$dir"
}

mkdir -p repo/ours
cp "$T_RPMS"/*.rpm repo/ours/
t_check "createrepo_c makes a repository of our RPMs" createrepo_c -q repo/ours

# zypper makes pattern:NAME from a package that provides pattern() = NAME (libsolv's
# "autopattern", what openSUSE's repositories rely on). Debian builds libsolv without it
# (no SUSE define), so the test does on the repository side what libsolv does on the
# client: a pattern made from patterns-xenhost's own provides (name, visible, icon, order,
# category; requires the package itself), as repository metadata of type "patterns".
pat=$(ls repo/ours/patterns-xenhost-[0-9]*.rpm)
pv() { rpm -qp --provides "$pat" 2>/dev/null | awk -v k="$1 = " 'index($0, k) == 1 { print substr($0, length(k) + 1) }'; }
xml() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
pname=$(pv 'pattern()')
t_eq "patterns-xenhost provides pattern() = xenhost" xenhost "$pname"
pvr=$(rpm -qp --qf 'epoch="0" ver="%{VERSION}" rel="%{RELEASE}"' "$pat" 2>/dev/null)
cat > patterns.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<patterns xmlns="http://novell.com/package/metadata/suse/pattern" xmlns:rpm="http://linux.duke.edu/metadata/rpm" count="1">
<pattern>
  <name>$pname</name>
  <arch>$(rpm -qp --qf '%{ARCH}' "$pat" 2>/dev/null)</arch>
  <version $pvr/>
  <summary>$(rpm -qp --qf '%{SUMMARY}' "$pat" 2>/dev/null | xml)</summary>
  <description>$(rpm -qp --qf '%{DESCRIPTION}' "$pat" 2>/dev/null | xml)</description>
  $(rpm -qp --provides "$pat" 2>/dev/null | grep -qx 'pattern-visible()' && echo '<uservisible/>')
  <category lang="en">$(pv 'pattern-category()' | sed 's/%20/ /g' | xml)</category>
  <icon>$(pv 'pattern-icon()')</icon>
  <order>$(pv 'pattern-order()')</order>
  <rpm:requires><rpm:entry name="patterns-xenhost" flags="EQ" $pvr/></rpm:requires>
</pattern>
</patterns>
EOF
t_check "the pattern goes into the repository metadata (modifyrepo_c)" modifyrepo_c --mdtype=patterns patterns.xml repo/ours/repodata
t_check "stand-in repository of openSUSE packages builds" standin_repo suse "$T_TMP/repo/suse"
t_check "stand-in repository of Fedora packages builds" standin_repo fedora "$T_TMP/repo/fedora"
[ "$T_FAILED" = 0 ] || { t_diag "$(tail -n 20 standins-*.log)"; t_end; }

# snapshot ROOT: its files and links (not directories), without the package managers' state.
snapshot() {
    (cd "$1" && find . \( -path ./var/lib/rpm -o -path ./root/.rpmdb -o -path ./usr/lib/sysimage -o -path ./var/cache -o -path ./var/lib/zypp \
        -o -path ./var/lib/dnf -o -path ./var/log -o -path ./etc/zypp -o -path ./etc/dnf -o -path ./run -o -path ./tmp \
        -o -path ./proc -o -path ./dev \) -prune -o ! -type d -print | LC_ALL=C sort)
}
# a root as a fresh distribution install would have it: GRUB's menu exists
# (and /dev/null, which scriptlets redirect to)
newroot() {
    rm -rf "$1"; mkdir -p "$1/boot/grub2" "$1/dev"; echo '# installer menu' > "$1/boot/grub2/grub.cfg"
    mknod -m 0666 "$1/dev/null" c 1 3
}

# check_root TOOL ROOT EXPECTED-PACKAGES: what an installed host has.
check_root() {
    local tool=$1 r=$2 want=$3 p bad
    ours=$(rpm --root "$r" -qa --qf '%{NAME}\n' 2>/dev/null | grep -E '^(xenhost|patterns-xenhost)' | sort | tr '\n' ' ' | sed 's/ $//')
    t_eq "$tool: installed exactly our host packages (with the recommended ones)" "$want" "$ours"
    bad=$(for p in $ours; do rpm --root "$r" -V "$p"; done 2>&1)
    t_eq "$tool: rpm -V of our packages is clean" "" "$bad"
    for p in $ours; do rpm --root "$r" -ql "$p"; done 2>/dev/null | grep '^/' | sort -u > "$tool.owned"
    bad=$(while read -r f; do [ -e "$r$f" ] || [ -L "$r$f" ] || continue; [ "$(stat -c %u:%g "$r$f")" = 0:0 ] || echo "$f"; done < "$tool.owned")
    t_eq "$tool: every file of ours is owned by root:root" "" "$bad"
    t_eq "$tool: /usr/sbin/xl is -rwxr-xr-x" "-rwxr-xr-x" "$(stat -c %A "$r/usr/sbin/xl" 2>&1)"
    t_eq "$tool: /etc/xen/xl.conf is -rw-r--r--" "-rw-r--r--" "$(stat -c %A "$r/etc/xen/xl.conf" 2>&1)"
    t_eq "$tool: the hypervisor is /boot/xen-$ver.gz, -rw-r--r--" "-rw-r--r--" "$(stat -c %A "$r/boot/xen-$ver.gz" 2>&1)"
    t_check "$tool: /etc/xen/auto exists" test -d "$r/etc/xen/auto"
    for n in xendomains xencommons; do
        t_check "$tool: %post created /etc/sysconfig/$n from its template (fillup)" \
            cmp "$r/etc/sysconfig/$n" "$r/usr/share/fillup-templates/sysconfig.$n"
    done
    t_eq "$tool: the presets enabled exactly what Debian enables" \
        "$T_ENABLED_UNITS" \
        "$(find "$r"/etc/systemd/system -path '*.wants/*' -printf '%f\n' 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//')"
    t_check "$tool: the trial-boot state directory exists" test -d "$r/var/lib/xenhost/boot"
    t_grep "$tool: xenhost-boot-confirm uses /boot/grub2/grubenv" '^ExecStart=/usr/sbin/xenhost-boot -e /boot/grub2/grubenv confirm$' \
        "$r/usr/lib/systemd/system/xenhost-boot-confirm.service.d/50-grub2.conf"
    t_eq "$tool: the trial-boot units' grub-editenv is grub2's grub2-editenv" "$r/usr/bin/grub2-editenv" \
        "$(readlink -f "$r/usr/lib/xenhost/grub2/grub-editenv")"
    t_check "$tool: grub2's own Xen generator is switched off" test ! -x "$r/etc/grub.d/20_linux_xen"
    t_grep "$tool: the menu was written by grub2-mkconfig, with our generator and without grub2's" \
        '^grub2-mkconfig -o /boot/grub2/grub.cfg \(generators: 09_xenhost\)$' "$r/var/log/grub2-mkconfig.calls"
}

# check_removed TOOL ROOT BASELINE-ROOT: after removing ours, the root is the baseline's.
check_removed() {
    local tool=$1 r=$2 b=$3 extra=${4:-}
    t_eq "$tool: no package of ours left" "" "$(rpm --root "$r" -qa 2>/dev/null | grep -E '^(xenhost|patterns-xenhost)')"
    # (not ours: the stand-in's record of its calls, glibc's cache that ldconfig rewrote)
    snapshot "$r" | grep -vxF -e ./var/log/grub2-mkconfig.calls -e ./etc/ld.so.cache > "$tool.after"
    { snapshot "$b" | grep -vxF -e ./etc/ld.so.cache; [ -z "$extra" ] || echo "$extra"; } | LC_ALL=C sort > "$tool.base"
    t_eq "$tool: removal leaves nothing of ours (files as in a root of the same distribution packages)" "" \
        "$(diff "$tool.base" "$tool.after" | grep '^[<>]' | head -n 20)"
    left=$(grep -vxFf <(rpm --root "$b" -qa --qf '[%{FILENAMES}\n]' 2>/dev/null) "$tool.owned" | while read -r f; do [ -e "$r$f" ] && echo "$f"; done)
    t_eq "$tool: no directory of ours left" "" "$left"
    t_check "$tool: grub2's Xen generator is back" test -x "$r/etc/grub.d/20_linux_xen"
    t_grep "$tool: the menu was rewritten without us" '^grub2-mkconfig -o /boot/grub2/grub.cfg \(generators: 20_linux_xen\)$' \
        "$r/var/log/grub2-mkconfig.calls"
}

# --- zypper, openSUSE-style root
if command -v zypper >/dev/null; then
    R=$T_TMP/zroot
    newroot "$R"
    Z=(zypper --root "$R" --non-interactive --no-gpg-checks)
    "${Z[@]}" addrepo --no-gpgcheck "file://$T_TMP/repo/ours" xenhost > z-repo.log 2>&1 &&
        "${Z[@]}" addrepo --no-gpgcheck "file://$T_TMP/repo/suse" standins >> z-repo.log 2>&1 &&
        "${Z[@]}" refresh >> z-repo.log 2>&1
    t_eq "zypper: local repositories added and refreshed" 0 "$?"
    "${Z[@]}" install -t pattern xenhost > z-install.log 2>&1
    rc=$?
    t_eq "zypper --root install -t pattern xenhost exits 0" 0 "$rc"
    [ $rc = 0 ] || t_diag "$(tail -n 30 z-install.log)"
    t_nogrep "zypper: no scriptlet failed" '(scriptlet failed|warning: %.*(failed|exit status))' z-install.log
    "${Z[@]}" search -t pattern xenhost > z-pattern.log 2>&1
    t_grep "zypper knows the pattern xenhost" '^.* \| xenhost +\| .* \| pattern$' z-pattern.log
    check_root zypper "$R" "patterns-xenhost xenhost xenhost-create-image xenhost-hypervisor xenhost-libs xenhost-utils"
    stand=$(rpm --root "$R" -qa --qf '%{NAME}\n' 2>/dev/null | grep -vE '^(xenhost|patterns-xenhost|gpg-pubkey)' | sort)
    "${Z[@]}" remove $(rpm --root "$R" -qa --qf '%{NAME}\n' | grep -E '^(xenhost|patterns-xenhost)') > z-remove.log 2>&1
    t_eq "zypper remove of our packages exits 0" 0 "$?"
    B=$T_TMP/zbase
    newroot "$B"
    zypper --root "$B" --non-interactive --no-gpg-checks addrepo --no-gpgcheck "file://$T_TMP/repo/suse" standins > z-base.log 2>&1
    # shellcheck disable=SC2086
    zypper --root "$B" --non-interactive --no-gpg-checks install $stand >> z-base.log 2>&1 || t_diag "$(tail -n 10 z-base.log)"
    check_removed zypper "$R" "$B"
else
    t_skip "zypper install -t pattern xenhost" "zypper not installed (src/build/deps.test)"
fi

# --- dnf, Fedora-style root (no patterns there: the xenhost package is the host)
if command -v dnf >/dev/null; then
    R=$T_TMP/droot
    newroot "$R"
    printf '[main]\ngpgcheck=0\ninstall_weak_deps=True\nreposdir=%s/no-repos.d\ncachedir=%s/dnf-cache\n' "$T_TMP" "$T_TMP" > dnf.conf
    D=(dnf -y -q --config "$T_TMP/dnf.conf" --releasever 40 --nogpgcheck --installroot "$R" --disablerepo='*'
       --repofrompath "xenhost,file://$T_TMP/repo/ours" --repofrompath "standins,file://$T_TMP/repo/fedora"
       --enablerepo xenhost --enablerepo standins)
    "${D[@]}" install xenhost > d-install.log 2>&1
    rc=$?
    t_eq "dnf --installroot install xenhost exits 0" 0 "$rc"
    [ $rc = 0 ] || t_diag "$(tail -n 30 d-install.log)"
    check_root dnf "$R" "xenhost xenhost-create-image xenhost-hypervisor xenhost-libs xenhost-utils"
    # An admin's change to a settings file survives the removal (the unchanged one goes).
    echo 'XENSTORED_ARGS="--trace-file /var/log/xen/xenstored-trace.log"' >> "$R/etc/sysconfig/xencommons"
    stand=$(rpm --root "$R" -qa --qf '%{NAME}\n' 2>/dev/null | grep -vE '^(xenhost|patterns-xenhost|gpg-pubkey)' | sort)
    "${D[@]}" --setopt=clean_requirements_on_remove=False remove $(rpm --root "$R" -qa --qf '%{NAME}\n' | grep -E '^xenhost') > d-remove.log 2>&1
    t_eq "dnf remove of our packages exits 0" 0 "$?"
    t_grep "dnf: the admin's /etc/sysconfig/xencommons is kept" '^XENSTORED_ARGS="--trace-file' "$R/etc/sysconfig/xencommons"
    B=$T_TMP/dbase
    newroot "$B"
    # shellcheck disable=SC2086
    dnf -y -q --config "$T_TMP/dnf.conf" --releasever 40 --nogpgcheck --installroot "$B" --disablerepo='*' \
        --repofrompath "standins,file://$T_TMP/repo/fedora" --enablerepo standins install $stand > d-base.log 2>&1 ||
        t_diag "$(tail -n 10 d-base.log)"
    check_removed dnf "$R" "$B" ./etc/sysconfig/xencommons
else
    t_skip "dnf --installroot install xenhost" "dnf not installed (src/build/deps.test)"
fi
t_end

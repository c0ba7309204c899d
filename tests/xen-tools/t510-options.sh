#!/bin/bash
# xen-create-image: command line, xen-tools.conf, validation, exit codes, the
# planned xl config (--dry-run). Nothing here builds an image.
. "$(dirname "$0")/../lib.sh"
. "$T_TOP/tests/xen-tools/common.sh"

# --- a static guest, planned
xci_out s --hostname=web1 --dist=bookworm --size=4G --memory=512M --maxmem=1G --vcpus=2 \
    --ip=192.168.1.10/24 --gateway=192.168.1.1 --nameserver="192.168.1.2, 9.9.9.9" --dry-run \
    --output="$T_TMP/etc" --dir="$T_TMP/srv"
t_eq "static guest plan exits 0" 0 "$(cat s.rc)"
t_grep "xl name" '^name += "web1"$' s.out
t_grep "xl type pvh by default" '^type += "pvh"$' s.out
t_grep "PVH GRUB loader of grub-xen-host" '^kernel += "/usr/lib/grub-xen/grub-i386-xen_pvh.bin"$' s.out
t_grep "memory in MiB" '^memory += 512$' s.out
t_grep "maxmem in MiB" '^maxmem += 1024$' s.out
t_grep "vcpus" '^vcpus += 2$' s.out
t_grep "root disk target" "vdev=xvda, access=rw, target=$T_TMP/srv/domains/web1/disk.img'" s.out
t_grep "swap disk target" "vdev=xvdb, access=rw, target=$T_TMP/srv/domains/web1/swap.img'" s.out
t_grep "vif with derived Xen MAC and bridge" "^vif += \[ 'mac=00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}, ip=192.168.1.10, bridge=xenbr0' \]$" s.out
t_grep "bookworm NIC is enX0" 'network: +enX0 192.168.1.10' s.out
t_grep "mirror from the host's deb822 sources" 'system: +bookworm amd64 from http://mirror.test/debian' s.out
t_grep "security from the host's sources" '\+ security http://security.test/debian-security' s.out
t_grep "config path" "config: +$T_TMP/etc/web1.cfg" s.out
t_grep "address with prefix, gateway and nameservers" 'address: +192.168.1.10/24 gateway 192.168.1.1 nameservers 192.168.1.2, 9.9.9.9' s.out
[ ! -e "$T_TMP/etc" ] && [ ! -e "$T_TMP/srv" ] && t_ok "dry run creates nothing" || t_fail "dry run creates nothing"

mac1=$(grep -o 'mac=00:16:3e:[0-9a-f:]*' s.out)
xci_out s2 --hostname=web1 --dry-run; t_eq "MAC is stable for a hostname" "$mac1" "$(grep -o 'mac=00:16:3e:[0-9a-f:]*' s2.out)"
xci_out s3 --hostname=web2 --dry-run; [ "$mac1" != "$(grep -o 'mac=00:16:3e:[0-9a-f:]*' s3.out)" ] && t_ok "MAC differs between hostnames" || t_fail "MAC differs between hostnames"
xci_out s4 --hostname=web1 --mac=00:16:3E:AA:bb:01 --dry-run; t_grep "--mac is used" "mac=00:16:3E:AA:bb:01" s4.out
xci_out s5 --hostname=web1 --randommac --dry-run; t_nogrep "--randommac leaves the MAC to xl" "'mac=" s5.out

# --- dhcp, older dist, PV, LVM, no swap, extension, vifname
xci_out d --hostname=db.example.org --dist=bullseye --dhcp --type=pv --lvm=vg0 --noswap --extension=.xl --vifname=vif-db --dry-run
t_eq "dhcp LVM plan exits 0" 0 "$(cat d.rc)"
t_grep "bullseye NIC is eth0" 'network: +eth0 dhcp' d.out
t_grep "PV GRUB loader" '^kernel += "/usr/lib/grub-xen/grub-x86_64-xen.bin"$' d.out
t_grep "LVM volume" "target=/dev/vg0/db.example.org-disk'" d.out
t_grep "no swap" 'swap: +none' d.out
t_grep "extension" 'config: +/etc/xen/db.example.org.xl' d.out
t_grep "vifname" "vifname=vif-db, bridge=xenbr0" d.out
t_nogrep "dhcp: no ip in vif" "ip=" d.out

# --- --type=hvm: a partitioned disk, SeaBIOS, the guest's own GRUB for BIOS
xci_out h --hostname=hv1 --type=hvm --size=4G --ip=192.0.2.30/24 --dry-run --output="$T_TMP/etc" --dir="$T_TMP/srv"
t_eq "hvm plan exits 0" 0 "$(cat h.rc)"
t_grep "hvm: xl type" '^type += "hvm"$' h.out
t_nogrep "hvm: no kernel line (SeaBIOS boots the disk)" '^kernel' h.out
t_grep "hvm: boots from the disk" '^boot += "c"$' h.out
t_grep "hvm: serial port on a pty (xl console)" '^serial += "pty"$' h.out
t_grep "hvm: VNC" '^vnc += 1$' h.out
t_grep "hvm: VNC on localhost only" '^vnclisten += "127.0.0.1"$' h.out
t_grep "hvm: the USB tablet offered, commented" '^#usbdevice += "tablet"$' h.out
t_nogrep "hvm: USB not on" '^usb' h.out
t_grep "hvm: the whole disk as xvda" "^disk += \[ 'format=raw, vdev=xvda, access=rw, target=$T_TMP/srv/domains/hv1/disk.img'" h.out
t_grep "hvm: a PV NIC only (type=vif)" "^vif += \[ 'mac=00:16:3e:[0-9a-f:]+, ip=192.0.2.30, bridge=xenbr0, type=vif' \]$" h.out
t_grep "hvm: grub-pc-bin added to the packages" 'packages: +linux-image-cloud-amd64,openssh-server,grub-pc-bin$' h.out
t_grep "hvm: the root is partition 1 of xvda" 'root: +.*/hv1/disk.img 4G ext4 image=sparse \(guest xvda1: an MBR partition from 1 MiB' h.out
t_grep "hvm: console ttyS0 by default" 'console: +ttyS0 \(login getty\)' h.out
t_grep "pvh: console hvc0 by default" 'console: +hvc0 \(login getty\)' s.out
t_nogrep "pvh: no grub-pc-bin" 'grub-pc-bin' s.out
t_nogrep "pvh: no hvm lines" '^(boot|serial|vnc|vnclisten) ' s.out
xci_out h2 --hostname=hv1 --type=hvm --serial_device=/dev/ttyS1 --lvm=vg0 --include=vim --dry-run
t_eq "hvm with ttyS1 and LVM exits 0" 0 "$(cat h2.rc)"
t_grep "hvm: --serial_device ttyS1 kept" 'console: +ttyS1 ' h2.out
t_grep "hvm: the LV as the whole disk" "vdev=xvda, access=rw, target=/dev/vg0/hv1-disk'" h2.out
t_grep "hvm: grub-pc-bin before --include" 'packages: +linux-image-cloud-amd64,openssh-server,grub-pc-bin,vim$' h2.out
echo 'type = hvm' > hvm.conf
xci_out h3 --hostname=hv3 --config="$T_TMP/hvm.conf" --dry-run
t_grep "type = hvm in a config file" '^type += "hvm"$' h3.out

# --- every xen-tools option this tool accepts, in one command line
xci_out all --hostname=all1 --dist=trixie --mirror=http://m.test/debian --arch=amd64 --size=8Gb --swap=256 \
    --memory=256 --maxmem=512M --vcpus 4 --fs=ext3 --image=full --dir=/srv/x --install-method=debootstrap \
    --cache=no --cachedir=/var/tmp/c --ip 10.0.0.5 --netmask=255.255.0.0 --gateway=10.0.0.1 --broadcast=10.0.255.255 \
    --nameserver=10.0.0.1 --bridge=br0 --password=pw --hash_method=sha512 --role=udev,extra --role-args="a b" \
    --roledir=/etc/r --hooks=0 --output=/etc/x --extension --force --verbose --boot --autostart --pygrub \
    --kernel=/boot/vmlinuz --initrd=/boot/initrd.img --serial_device=/dev/hvc0 --disk_device=xvdc --ide --scsi \
    --include=vim,less --exclude=nano --components=main,contrib --variant=minbase --genpass_len=12 --no-xen-ok --dry-run
t_eq "all options together exit 0" 0 "$(cat all.rc)"
t_grep "sizes: 8Gb root, bare 256 = MiB swap, ext3 full" 'root: +/srv/x/domains/all1/disk.img 8G ext3 image=full \(guest xvdc\)' all.out
t_grep "swap next to the root device" 'swap: +/srv/x/domains/all1/swap.img 256M \(guest xvdd\)' all.out
t_grep "netmask gives the prefix" 'address: +10.0.0.5/16 gateway 10.0.0.1' all.out
t_grep "empty --extension" 'config: +/etc/x/all1 \+ /etc/x/auto/all1' all.out
t_grep "given mirror" 'from http://m.test/debian' all.out
t_grep "include list with the kernel and ssh" 'packages: +linux-image-cloud-amd64,openssh-server,vim,less exclude=nano' all.out
t_grep "compat options noted" 'accepted for compatibility and ignored' all.out
t_grep "memory bare number is MiB" '^memory += 256$' all.out

# --- errors: exit 2 with a message naming the input
bad() {  # bad DESC PATTERN ARGS...
    local d=$1 pat=$2; shift 2
    "$XCI" "$@" >bad.out 2>&1; local rc=$?
    if [ $rc = 2 ] && grep -Eq -- "$pat" bad.out; then t_ok "$d"; else t_fail "$d" "exit $rc: $*" "$(cat bad.out)"; fi
}
bad "missing hostname"        'hostname is required'         --dry-run
bad "unknown option"          "unknown option '--bogus'"     --hostname=a --bogus
bad "stray argument"          "unexpected argument 'web1'"   web1
bad "hostname with underscore" "--hostname 'a_b'"            --hostname=a_b --dry-run
bad "hostname label too long" "RFC 1123"                     --hostname=$(printf 'a%.0s' {1..64}) --dry-run
bad "hostname ending in -"    "RFC 1123"                     --hostname=web- --dry-run
bad "size junk"               "--size: '4X'"                 --hostname=a --size=4X --dry-run
bad "size too small"          "at least 256M"                --hostname=a --size=10M --dry-run
bad "memory missing value"    "--memory: needs a value"       --hostname=a --memory
bad "maxmem below memory"     "smaller than --memory"        --hostname=a --memory=1G --maxmem=512M --dry-run
bad "vcpus zero"              "--vcpus: '0'"                 --hostname=a --vcpus=0 --dry-run
bad "vcpus junk"              "--vcpus: 'x'"                 --hostname=a --vcpus=x --dry-run
bad "bad IP"                  "--ip '10.0.0.300/24'"            --hostname=a --ip=10.0.0.300/24 --dry-run
bad "IP without prefix"       "needs a prefix"               --hostname=a --ip=10.0.0.3 --dry-run
bad "bad netmask"             "--netmask '255.0.255.0'"      --hostname=a --ip=10.0.0.3 --netmask=255.0.255.0 --dry-run
bad "bad gateway"             "--gateway 'gw'"               --hostname=a --dhcp --gateway=gw --dry-run
bad "bad nameserver"          "--nameserver 'dns.example'"   --hostname=a --nameserver="1.1.1.1 dns.example" --dry-run
bad "dhcp and ip"             "choose one"                   --hostname=a --dhcp --ip=10.0.0.3/8 --dry-run
bad "bad MAC"                 "--mac '00:16:3e:zz:00:01'"    --hostname=a --mac=00:16:3e:zz:00:01 --dry-run
bad "multicast MAC"           "not a unicast"                --hostname=a --mac=01:00:5e:00:00:01 --dry-run
bad "mac and randommac"       "choose one"                   --hostname=a --mac=00:16:3e:00:00:01 --randommac --dry-run
bad "xfs refused with why"    "without mounting"             --hostname=a --fs=xfs --dry-run
bad "unknown fs"              "unknown filesystem"           --hostname=a --fs=zfs --dry-run
bad "image type"              "sparse or full"               --hostname=a --image=thin --dry-run
bad "install method"          "debootstrap, copy or tar"     --hostname=a --install-method=wget --dry-run
bad "rpm install method"      "Debian guests only"           --hostname=a --install-method=rinse --dry-run
bad "copy needs a source"     "needs --install-source"       --hostname=a --install-method=copy --dry-run
bad "cache yes/no"            "yes or no"                    --hostname=a --cache=maybe --dry-run
bad "unknown dist, the known ones listed" "unknown distribution \(known: buster bullseye bookworm trixie forky duke sid unstable;" --hostname=a --dist=hamm --dry-run
bad "an archive alias is not a --dist" "--dist 'stable': unknown distribution" --hostname=a --dist=stable --dry-run
bad "mirror without scheme"   "not an http"                  --hostname=a --mirror=mirror.test/debian --dry-run
bad "arch"                    "--arch 'sparc'"               --hostname=a --arch=sparc --dry-run
bad "hash method"             "yescrypt, sha512 or sha256"   --hostname=a --hash_method=des --dry-run
bad "genpass value"           "--genpass: '2'"               --hostname=a --genpass=2 --dry-run
bad "password and genpass"    "choose one"                   --hostname=a --password=x --genpass=1 --dry-run
bad "relative dir"            "--dir 'srv'"                  --hostname=a --dir=srv --dry-run
bad "extension with slash"    "--extension"                  --hostname=a --extension=/x --dry-run
bad "serial device"           "--serial_device 'ttyS'"       --hostname=a --serial_device=ttyS --dry-run
bad "disk device"             "--disk_device 'sda'"          --hostname=a --disk_device=sda --dry-run
bad "role name"               "--role '../x'"                --hostname=a --role=../x --dry-run
bad "bridge name too long"    "--bridge"                     --hostname=a --bridge=averyveryverylongbridge --dry-run
bad "type"                    "--type 'xen': must be pvh, pv or hvm" --hostname=a --type=xen --dry-run
bad "hvm: no 2 TiB disk"       "--size: at most 2047G for --type=hvm" --hostname=a --type=hvm --size=2T --dry-run
bad "hvm: no '?' in --dir"      "--dir '/srv/a[?]b': no '[?]' with --type=hvm" --hostname=a --type=hvm --dir='/srv/a?b' --dry-run
bad "hvm: serial device ttyS"   "--serial_device 'ttyS': must be hvcN, ttyN, ttySN or xvcN" --hostname=a --type=hvm --serial_device=ttyS --dry-run
bad "unsupported option says why" "--evms: not supported: EVMS" --hostname=a --evms=x
bad "unsupported lvm_thin"    "not supported"                --hostname=a --lvm_thin=pool
bad "unsupported passwd prompt" "not supported"              --hostname=a --passwd
bad "boolean with junk value" "not a yes/no"                 --hostname=a --force=perhaps
bad "--noswap=junk"            "not a yes/no"                 --hostname=a --noswap=1x
bad "--nodhcp takes no value" "takes no value"               --hostname=a --nodhcp=1
xci_out b1 --hostname=a --force=on --autostart=OFF --dhcp=True --dry-run
t_eq "booleans take the words of every xenhost program (on, OFF, True)" 0 "$(cat b1.rc)"
t_grep "... on is yes" 'overwrite: +yes \(--force\)' b1.out
t_grep "... OFF is no" 'config: +[^ ]*/a.cfg$' b1.out
"$XCI" --hostname=a --hash_method=md5 --dry-run >md5.out 2>&1
t_grep "md5 is upgraded with a warning" 'warning: --hash_method=md5 is broken; using yescrypt' md5.out

xci_out dk --hostname=a --dist=duke --dry-run
t_eq "every Debian code name of the one list is a --dist (duke)" 0 "$(cat dk.rc)"
t_grep "... with its NIC name and security suite" 'network: +enX0 dhcp' dk.out

# --- the installed program has no test hooks (src/lib/testhooks.h)
printf 'size = lots\n' > hook.conf
XENHOST_XEN_TOOLS_CONF=$T_TMP/hook.conf "$XCI_PROD" --hostname=a --mirror=http://m.test/debian --dry-run > prod.out 2>&1
t_eq "installed build: XENHOST_XEN_TOOLS_CONF is not read" 0 "$?"
XENHOST_XEN_TOOLS_CONF=$T_TMP/hook.conf "$XCI" --hostname=a --dry-run > hook.out 2>&1
t_eq "test build: XENHOST_XEN_TOOLS_CONF is read" 2 "$?"
for h in XENHOST_XEN_TOOLS_CONF XENHOST_APT_DIR XENHOST_XCI_FAULT; do
    grep -q "$h" "$XCI_PROD" && t_fail "installed build: no $h in the binary" || t_ok "installed build: no $h in the binary"
done

# --- help and version
"$XCI" --help >help.out 2>&1; t_eq "--help exits 0" 0 $?
for o in hostname dist mirror arch size swap noswap memory maxmem vcpus fs image dir lvm install-method install-source \
         cache cachedir dhcp ip gateway netmask broadcast nameserver mac randommac bridge vifname password genpass \
         genpass_len hash_method role role-args hooks output extension force verbose config boot autostart pygrub \
         kernel initrd serial_device ide scsi; do
    grep -q -- "--$o\b" help.out || { t_fail "--help lists --$o"; continue; }
done
t_ok "--help lists every xen-tools option in the issue"
"$XCI" --version | grep -q '^xen-create-image ' && t_ok "--version" || t_fail "--version"

# --- xen-tools.conf: defaults, overrides, unknown keys, shell values, errors
# the default bridge is the host's one setting (docs/network.md): XENHOST_GUEST_BRIDGE in
# /etc/default/xenhost-network; xen-tools.conf's "bridge =" and --bridge win over it
printf '# set by xenhost-network setup\nXENHOST_GUEST_BRIDGE=xenbr-nat\n' > "$XENHOST_NETWORK_DEFAULTS"
xci_out gb --hostname=gb1 --dry-run
t_grep "default bridge from XENHOST_GUEST_BRIDGE" "bridge=xenbr-nat' \]$" gb.out
xci_out gbc --hostname=gb1 --bridge=br9 --dry-run
t_grep "--bridge wins over the setting" "bridge=br9' \]$" gbc.out
echo 'bridge = br-conf' > gbx.conf
xci_out gbx --hostname=gb1 --config="$T_TMP/gbx.conf" --dry-run
t_grep "a config file's bridge = wins over the setting" "bridge=br-conf' \]$" gbx.out
printf 'XENHOST_GUEST_BRIDGE=\n' > "$XENHOST_NETWORK_DEFAULTS"
xci_out gbe --hostname=gb1 --dry-run
t_grep "an empty setting means xenbr0" "bridge=xenbr0' \]$" gbe.out
printf 'XENHOST_GUEST_BRIDGE="bad bridge name"\n' > "$XENHOST_NETWORK_DEFAULTS"
xci_out gbb --hostname=gb1 --dry-run
t_eq "a bad setting is a configuration error (exit 2)" 2 "$(cat gbb.rc)"
t_grep "... naming the file and the value" 'xenhost-network.defaults: XENHOST_GUEST_BRIDGE="bad bridge name": not an interface name' gbb.out
rm -f "$XENHOST_NETWORK_DEFAULTS"
cat > "$XENHOST_XEN_TOOLS_CONF" <<'EOC'
# a xen-tools.conf as admins have it
size   = 2G       # Root disk
memory = 256M
swap   = 128Mb
dist   = `xt-guess-suite-and-mirror --suite`
kernel = /boot/vmlinuz-`uname -r`
bridge = br-lan
lvm =
frobnicate = 1
apt_proxy = http://proxy:3128/
dir = /srv/conf
EOC
xci_out c --hostname=c1 --memory=384M --dry-run
t_eq "xen-tools.conf accepted" 0 "$(cat c.rc)"
t_grep "config size used" 'disk.img 2G ext4' c.out
t_grep "config swap 128Mb" 'swap.img 128M' c.out
t_grep "config dir used" 'root: +/srv/conf/domains/c1/' c.out
t_grep "command line overrides config" '^memory += 384$' c.out
t_grep "config bridge" "bridge=br-lan' \]" c.out
t_grep "backtick value reported, default kept" 'xen-tools.conf:5: dist: value needs a shell.*ignored' c.out
t_grep "dist default kept" 'system: +bookworm amd64' c.out
t_grep "unknown key reported" 'xen-tools.conf:9: frobnicate: unknown setting, ignoring' c.out
t_grep "unsupported key reported" 'apt_proxy: not supported, ignored' c.out
cat > extra.conf <<'EOC'
memory = 768M
vcpus = 3
EOC
xci_out c2 --hostname=c1 --config="$T_TMP/extra.conf" --dry-run
t_grep "--config adds a file" '^vcpus += 3$' c2.out
t_grep "--config overrides xen-tools.conf" '^memory += 768$' c2.out
xci_out c3 --hostname=c1 --config="$T_TMP/extra.conf" --vcpus=1 --dry-run
t_grep "command line overrides --config" '^vcpus += 1$' c3.out
xci_out c4 --hostname=c1 --config="$T_TMP/missing.conf" --dry-run
t_eq "missing --config exits 2" 2 "$(cat c4.rc)"
printf 'size = lots\n' > badval.conf
xci_out c5 --hostname=c1 --config="$T_TMP/badval.conf" --dry-run
t_eq "invalid config value exits 2" 2 "$(cat c5.rc)"
t_grep "invalid config value names file and line" 'badval.conf:1: size: .lots. is not a size' c5.out
printf 'this line has no equals\n' > syntax.conf
xci_out c6 --hostname=c1 --config="$T_TMP/syntax.conf" --dry-run
t_eq "config syntax error exits 2" 2 "$(cat c6.rc)"
: > "$XENHOST_XEN_TOOLS_CONF"

# --- default mirror from a one-line .list; none found -> exit 2
rm -f "$XENHOST_APT_DIR"/sources.list.d/*
echo "deb [signed-by=/x.gpg] http://list.test/debian bookworm main" > "$XENHOST_APT_DIR/sources.list"
xci_out m1 --hostname=m --dry-run
t_grep "mirror from a .list file" 'from http://list.test/debian' m1.out
rm -f "$XENHOST_APT_DIR/sources.list"
xci_out m2 --hostname=m --dry-run
t_eq "no mirror anywhere: exit 2" 2 "$(cat m2.rc)"
t_grep "no mirror: says so" 'no Debian archive found' m2.out
xci_out m3 --hostname=m --mirror=http://given.test/debian --dry-run
t_eq "no host mirror but --mirror: fine" 0 "$(cat m3.rc)"
t_end

# xenhost top-level Makefile.
#   make deps     install the Debian packages the build and the tests need (when missing)
#   make          build our own C programs (src/lib, src/tools, src/xen-tools)
#   make deb      fetch upstream Xen and QEMU, build them and package everything into build/debs
#   make rpm      the same into RPMs and the zypper pattern in build/rpms (rpm/xenhost.spec)
#   make demo     make deb, then boot the packaged hypervisor in QEMU and show xl info / xl list
#   make check    the whole test suite (builds what it needs first); ends "N passed, N failed"
#   make check-hvm  the HVM guest boots under QEMU TCG (tests/qemu/t595; too slow for check)
#   make bench    benchmarks against the peers, printed as ratios
#   make repro    build the packages twice from empty caches and compare them byte for byte
# Expensive inputs are cached outside the clone in $(XENHOST_CACHE), keyed by what they depend on.
XENHOST_CACHE ?= /var/cache/xenhost-build
XENHOST_BUILD ?= $(CURDIR)/build
export XENHOST_CACHE XENHOST_BUILD

# Our C components; each has its own Makefile with all/install/clean.
COMPONENTS = src/lib $(wildcard src/tools/*/Makefile src/xen-tools/Makefile)
COMPONENT_DIRS = src/lib $(patsubst %/Makefile,%,$(filter %/Makefile,$(COMPONENTS)))

all: programs
programs:
	@for d in $(COMPONENT_DIRS); do $(MAKE) -C $$d all || exit 1; done

# Install our programs and data files under DESTDIR (used by debian/rules and rpm/xenhost.spec).
# Each component installs its own files (src/tools/xendomains: the service units and SysV
# scripts); this adds the boot integration that belongs to no C component.
prefix ?= /usr
unitdir ?= /lib/systemd/system
install: programs
	@for d in $(COMPONENT_DIRS); do $(MAKE) -C $$d install DESTDIR=$(DESTDIR) prefix=$(prefix) systemdunitdir=$(unitdir) || exit 1; done
	install -D -m 0755 scripts/grub.d/09_xenhost $(DESTDIR)/etc/grub.d/09_xenhost
	install -D -m 0644 etc/default/xen $(DESTDIR)/etc/default/xen
	install -D -m 0644 etc/xen/xl.conf $(DESTDIR)/etc/xen/xl.conf
	install -d $(DESTDIR)/etc/xen/auto $(DESTDIR)$(unitdir)
	install -m 0644 scripts/init/xenhost-boot-*.service $(DESTDIR)$(unitdir)/

deps:
	sh src/build/ensure-deps $(DEPS_SETS)

deb: DEPS_SETS = build
deb: deps
	sh src/build/build-debs
	sh src/build/build-qemu

rpm: DEPS_SETS = build rpm
rpm: deps
	sh src/build/build-rpms

demo: DEPS_SETS = build test
demo: deps deb
	bash tests/qemu/demo

# The Xen .debs first (everything needs them); then two lanes, one per core (tests/run
# --lanes): the QEMU boots in one, the device model and RPM builds and the other tiers in
# the other.
check: DEPS_SETS = build rpm test
check: deps
	sh src/build/build-debs
	XENHOST_REQUIRE_BUILD=1 bash tests/run --lanes --build qemu --build rpms $(TESTS)

# The HVM guests under Xen under QEMU TCG (tests/qemu/t595): too slow for make check's
# budget, so on request (make check skips it, saying so).
check-hvm: DEPS_SETS = build test
check-hvm: deps
	sh src/build/build-debs
	sh src/build/build-qemu
	XENHOST_TEST_HVM=1 XENHOST_REQUIRE_BUILD=1 bash tests/run qemu/t595

# Only the fast tiers that need no packages (unit, parsers, fake toolstack).
check-fast: DEPS_SETS = test
check-fast: deps programs
	bash tests/run unit/ grub/ xendomains/ xen-tools/ network/

# Two full package builds (about 25 minutes on 2 cores): not part of make check.
repro: DEPS_SETS = build repro
repro: deps
	sh src/build/repro

bench: DEPS_SETS = build test
bench: deps programs
	@for b in tests/bench/*.sh; do [ -f "$$b" ] && bash "$$b" || exit 1; done

clean:
	@for d in $(COMPONENT_DIRS); do $(MAKE) -C $$d clean; done
	rm -rf $(XENHOST_BUILD)

.PHONY: all programs install deps deb rpm demo check check-hvm check-fast bench repro clean

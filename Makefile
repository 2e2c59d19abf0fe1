# pod1 - a tiny runit-style PID 1 and pod supervisor; see README.
include config.mk

BIN = \
	build/pod1 \
	build/pod1-exec \
	build/pod1-init \
	build/pod1-stage1 \
	build/pod1-supervise \
	build/pod1-svlog

LIBSRC = \
	lib/cgroup.c \
	lib/err.c \
	lib/errname.c \
	lib/fd.c \
	lib/fmt.c \
	lib/kv.c \
	lib/opt.c \
	lib/proc.c \
	lib/sig.c \
	lib/slurp.c \
	lib/svstatus.c \
	lib/tai.c \
	lib/utc.c

HDR = \
	exec/exec.h \
	init/init.h \
	lib/err.h \
	lib/errname.h \
	lib/fd.h \
	lib/fmt.h \
	lib/kv.h \
	lib/opt.h \
	lib/proc.h \
	lib/sig.h \
	lib/slurp.h \
	lib/svstatus.h \
	lib/tai.h \
	lib/utc.h \
	stage0/stage0.h \
	stage1/stage1.h \
	stage1/stage1_isol.h \
	supervise/supervise.h \
	svlog/svlog.h \
	tests/unit/tap.h

UNIT = \
	tests/unit/cgroup.t \
	tests/unit/fmt.t \
	tests/unit/kv.t \
	tests/unit/opt.t \
	tests/unit/proc.t \
	tests/unit/sig.t \
	tests/unit/slurp.t \
	tests/unit/stage0_flag.t \
	tests/unit/stage0_path.t \
	tests/unit/stage1_isol.t \
	tests/unit/supervise_policy.t \
	tests/unit/svlog_config.t \
	tests/unit/svlog_journal.t \
	tests/unit/svlog_line.t \
	tests/unit/svlog_match.t \
	tests/unit/svstatus.t \
	tests/unit/tai.t \
	tests/unit/utc.t

HELPERS = \
	tests/helpers/isol \
	tests/helpers/probe

INITSRC = \
	init/init.c \
	init/init_dir.c \
	init/init_machine.c

SUPSRC = \
	supervise/supervise.c \
	supervise/supervise_conf.c \
	supervise/supervise_policy.c \
	supervise/supervise_state.c \
	supervise/supervise_tree.c

EXECSRC = \
	exec/exec.c \
	exec/exec_cgroup.c \
	exec/exec_conf.c \
	exec/exec_priv.c

STAGE1SRC = \
	stage1/stage1.c \
	stage1/stage1_enter.c \
	stage1/stage1_isol.c \
	stage1/stage1_mount.c \
	stage1/stage1_pod.c \
	stage1/stage1_run.c

STAGE0SRC = \
	stage0/stage0.c \
	stage0/stage0_flag.c \
	stage0/stage0_fs.c \
	stage0/stage0_image.c \
	stage0/stage0_list.c \
	stage0/stage0_path.c \
	stage0/stage0_pod.c \
	stage0/stage0_sha.c \
	stage0/stage0_src.c \
	stage0/stage0_unpack.c

SVLOGSRC = \
	svlog/svlog.c \
	svlog/svlog_config.c \
	svlog/svlog_copy.c \
	svlog/svlog_dir.c \
	svlog/svlog_journal.c \
	svlog/svlog_line.c \
	svlog/svlog_match.c

LIBOBJ = $(LIBSRC:.c=.o)
INITOBJ = $(INITSRC:.c=.o)
SUPOBJ = $(SUPSRC:.c=.o)
SVLOGOBJ = $(SVLOGSRC:.c=.o)
EXECOBJ = $(EXECSRC:.c=.o)
STAGE1OBJ = $(STAGE1SRC:.c=.o)
STAGE0OBJ = $(STAGE0SRC:.c=.o)
LIBUSEROBJ = $(EXECOBJ) $(STAGE1OBJ) $(STAGE0OBJ)
OBJ = $(LIBOBJ) $(INITOBJ) $(SUPOBJ) $(SVLOGOBJ) $(LIBUSEROBJ) \
	$(HELPERS:=.o) $(UNIT:=.o)
DEPS = build/deps/.done

# the short-lived programs link libraries: static musl ones from make deps,
# or Debian's own (glibc, dynamic) for the sanitizer build
ifeq ($(SANITIZE),1)
PKGCONF = pkg-config
DEPINC =
else
PKGCONF = PKG_CONFIG_LIBDIR=build/deps/lib/pkgconfig pkg-config --static
DEPINC = -Ibuild/deps/include
endif

all: $(BIN) build/stage1.aci

$(LIBUSEROBJ): CPPFLAGS += $(DEPINC)
$(LIBUSEROBJ): | $(DEPS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# objects follow the flags: a SANITIZE=1 build must not reuse musl objects
$(OBJ): $(HDR) config.mk build/.flags
build/.flags: FORCE
	@mkdir -p build
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

lib/libpod1.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

build/pod1-init: $(INITOBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(INITOBJ) lib/libpod1.a

build/pod1-supervise: $(SUPOBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(SUPOBJ) lib/libpod1.a

build/pod1-svlog: $(SVLOGOBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(SVLOGOBJ) lib/libpod1.a

build/pod1-exec: $(EXECOBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(EXECOBJ) lib/libpod1.a \
		$$($(PKGCONF) --libs libcap libseccomp)

build/pod1-stage1: $(STAGE1OBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(STAGE1OBJ) lib/libpod1.a \
		$$($(PKGCONF) --libs jansson)

build/pod1: $(STAGE0OBJ) lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(STAGE0OBJ) lib/libpod1.a \
		$$($(PKGCONF) --libs libarchive jansson libmd)

# the stage1 image: an ACI of the static programs (mk/aci.sh)
STAGE1BIN = build/pod1-exec build/pod1-init build/pod1-stage1 \
	build/pod1-supervise build/pod1-svlog
build/stage1.aci: $(STAGE1BIN) mk/aci.sh
	sh mk/aci.sh $@ $(STAGE1BIN)

# the stage1's isolator translation, driven through jansson
ISOLTEST = tests/unit/stage1_isol.t tests/helpers/isol
$(ISOLTEST:=.o): CPPFLAGS += $(DEPINC)
$(ISOLTEST:=.o): | $(DEPS)
$(ISOLTEST): %: %.o stage1/stage1_isol.o lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) lib/libpod1.a \
		$$($(PKGCONF) --libs jansson)

# stage0's pure parts, its digests by libmd among them
STAGE0TEST = tests/unit/stage0_flag.t tests/unit/stage0_path.t
$(STAGE0TEST:=.o): CPPFLAGS += $(DEPINC)
$(STAGE0TEST:=.o): | $(DEPS)
$(STAGE0TEST): %: %.o lib/libpod1.a | $(DEPS)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) lib/libpod1.a \
		$$($(PKGCONF) --libs libmd)

$(filter-out $(ISOLTEST) $(STAGE0TEST),$(HELPERS) $(UNIT)): %: %.o lib/libpod1.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) lib/libpod1.a

# unit tests of a program's pure parts link its object
tests/unit/supervise_policy.t: supervise/supervise_policy.o
tests/unit/stage0_path.t: stage0/stage0_path.o stage0/stage0_sha.o
tests/unit/stage0_flag.t: stage0/stage0_flag.o

# svlog's unit tests #include the private sources they test
tests/unit/svlog_config.t.o: svlog/svlog_config.c
tests/unit/svlog_journal.t.o: svlog/svlog_journal.c
tests/unit/svlog_line.t.o: svlog/svlog_config.c svlog/svlog_line.c \
	svlog/svlog_match.c
tests/unit/svlog_match.t.o: svlog/svlog_match.c

# the long-lived programs again, glibc and dynamic, for valgrind (which does
# not run static musl binaries well): tests/integration/94-valgrind.t
VGBIN = build/valgrind/pod1-init build/valgrind/pod1-supervise \
	build/valgrind/pod1-svlog
VGCC = cc
VGFLAGS = -std=c99 -O1 -g -Wall -Wextra -Werror
build/valgrind/pod1-init: $(INITSRC) $(LIBSRC) $(HDR)
build/valgrind/pod1-supervise: $(SUPSRC) $(LIBSRC) $(HDR)
build/valgrind/pod1-svlog: $(SVLOGSRC) $(LIBSRC) $(HDR)
$(VGBIN):
	@mkdir -p build/valgrind
	$(VGCC) $(CPPFLAGS) $(VGFLAGS) -o $@ $(filter %.c,$^)

# static musl libraries and the build tools, from Debian's archive
deps: $(DEPS)
$(DEPS): mk/deps.sh
	sh mk/deps.sh build/deps

# the real tools the tests use as oracles and harness
TESTTOOLS = prove:perl busybox:busybox-static jq:jq flock:util-linux unshare:util-linux script:bsdutils pgrep:procps \
	python3:python3 umoci:umoci skopeo:skopeo xz:xz-utils bzip2:bzip2 zstd:zstd \
	sv:runit runsv:runit svlogd:runit tai64nlocal:daemontools \
	qemu-system-x86_64:qemu-system-x86 cpio:cpio /vmlinuz:linux-image-amd64 \
	crun:crun podman:podman nsenter:util-linux nginx:nginx-light \
	memcached:memcached man:man-db groff:groff-base make:make \
	prlimit:util-linux valgrind:valgrind

# the sanitizer build links Debian's own libraries
ifeq ($(SANITIZE),1)
TESTTOOLS += /usr/include/archive.h:libarchive-dev \
	/usr/include/seccomp.h:libseccomp-dev \
	/usr/include/sys/capability.h:libcap-dev \
	/usr/include/jansson.h:libjansson-dev \
	/usr/include/sha2.h:libmd-dev
$(LIBUSEROBJ) $(ISOLTEST:=.o) $(STAGE0TEST:=.o): | sandeps
sandeps:
	sh mk/tools.sh $(filter /%,$(TESTTOOLS))
endif

check: all $(UNIT) $(HELPERS) $(VGBIN)
	sh mk/tools.sh $(TESTTOOLS)
	prove -v --exec '' tests/unit/*.t tests/integration/*.t
	$(MAKE) fuzz FUZZ_SECONDS=0

demo: all
	sh mk/demo.sh

bench: all $(HELPERS)
	sh bench/run.sh
	sh bench/svlog.sh
	sh bench/supervise.sh
	sh bench/stage0.sh
	sh bench/stage1.sh
	sh bench/scale.sh

# the long runs: the fault tests at full length (POD1_STRESS=1: 1000
# supervisor kills, a 30 s signal storm) and 5 minutes of each fuzz target
STRESS = \
	tests/integration/90-supervise-kill.t \
	tests/integration/93-signal-storm.t
stress: all $(HELPERS)
	sh mk/tools.sh $(TESTTOOLS)
	POD1_STRESS=1 prove -v --exec '' $(STRESS)
	$(MAKE) fuzz FUZZ_SECONDS=300

# make fuzz: libFuzzer on every parser of outside input, with clang against
# glibc (libFuzzer does not work with musl), ASan and UBSan. A target is one
# line here, tests/fuzz/NAME, with tests/fuzz/NAME.c (which defines
# LLVMFuzzerTestOneInput and #includes the private sources it needs) and
# its seed corpus tests/fuzz/NAME/, where the inputs of every bug found
# stay as regressions. FUZZ_SECONDS=0 replays the corpora, no fuzzing:
# make check does that.
FUZZ = \
	tests/fuzz/control \
	tests/fuzz/fmt \
	tests/fuzz/kv \
	tests/fuzz/pod_manifest \
	tests/fuzz/proc_stat \
	tests/fuzz/svlog_config \
	tests/fuzz/svlog_line \
	tests/fuzz/svstatus \
	tests/fuzz/tai
FUZZ_SECONDS = 10
FUZZCC = clang-14
FUZZFLAGS = -std=c99 -g -O1 -D_GNU_SOURCE -I. -Wall -Wextra -Werror \
	-fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
# the parsers of stage0 and stage1 link these (Debian's, glibc)
FUZZLIBS = -Wl,--as-needed $$(pkg-config --libs jansson libarchive)
FUZZTOOLS = clang-14:clang-14 \
	/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev \
	/usr/include/archive.h:libarchive-dev \
	/usr/include/jansson.h:libjansson-dev
FUZZBIN = $(FUZZ:tests/fuzz/%=build/fuzz/%)
FUZZLIB = $(LIBSRC:lib/%.c=build/fuzz/lib/%.o)

fuzztools:
	sh mk/tools.sh $(FUZZTOOLS)

$(FUZZLIB): build/fuzz/lib/%.o: lib/%.c $(HDR) | fuzztools
	@mkdir -p build/fuzz/lib
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZBIN): build/fuzz/%: tests/fuzz/%.c $(FUZZLIB) $(HDR) $(SUPSRC) \
    $(SVLOGSRC) $(INITSRC) $(STAGE0SRC) $(STAGE1SRC) | fuzztools
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZLIB) \
		$(FUZZLIBS)

fuzz: $(FUZZBIN)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

# every man page in the tree: tests/integration/80-install.t fails when
# one is missing here
MAN1 = \
	stage0/pod1.1
MAN8 = \
	exec/pod1-exec.8 \
	init/pod1-init.8 \
	stage1/pod1-stage1.8 \
	supervise/pod1-supervise.8 \
	svlog/pod1-svlog.8

# pod1 for users; the programs images and service dirs name in sbin, side
# by side (pod1-init finds pod1-supervise beside itself); pod1-stage1
# runs only inside the stage1 image
SBIN = build/pod1-exec build/pod1-init build/pod1-supervise build/pod1-svlog
install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man8
	cp -f build/pod1 $(DESTDIR)$(BINDIR)/
	chmod 755 $(DESTDIR)$(BINDIR)/pod1
	for b in $(SBIN); do \
		cp -f $$b $(DESTDIR)$(SBINDIR)/ && \
		chmod 755 $(DESTDIR)$(SBINDIR)/$${b##*/} || exit 1; \
	done
	cp -f build/pod1-stage1 $(DESTDIR)$(LIBEXECDIR)/
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/pod1-stage1
	cp -f build/stage1.aci $(DESTDIR)$(LIBDIR)/
	chmod 644 $(DESTDIR)$(LIBDIR)/stage1.aci
	for m in $(MAN1) $(MAN8); do \
		s=$${m##*.}; \
		sed 's/VERSION/$(VERSION)/g' $$m \
			>$(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/} && \
		chmod 644 $(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/} || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pod1 $(DESTDIR)$(LIBDIR)/stage1.aci \
		$(DESTDIR)$(LIBEXECDIR)/pod1-stage1
	for b in $(SBIN); do rm -f $(DESTDIR)$(SBINDIR)/$${b##*/}; done
	for m in $(MAN1) $(MAN8); do \
		rm -f $(DESTDIR)$(MANPREFIX)/man$${m##*.}/$${m##*/}; \
	done
	-rmdir $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

clean:
	rm -f $(OBJ) lib/libpod1.a $(BIN) build/stage1.aci $(UNIT) $(HELPERS) \
		build/.flags
	rm -rf build/fuzz build/valgrind

.PHONY: all deps sandeps check demo bench stress fuzz fuzztools install \
	uninstall clean FORCE

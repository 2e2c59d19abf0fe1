# pod1 - a tiny runit-style PID 1 and pod supervisor; see README.
include config.mk

BIN = \
	build/pod1-init \
	build/pod1-supervise \
	build/pod1-svlog

LIBSRC = \
	lib/err.c \
	lib/fd.c \
	lib/fmt.c \
	lib/kv.c \
	lib/opt.c \
	lib/proc.c \
	lib/sig.c \
	lib/svstatus.c \
	lib/tai.c \
	lib/utc.c

HDR = \
	init/init.h \
	lib/err.h \
	lib/fd.h \
	lib/fmt.h \
	lib/kv.h \
	lib/opt.h \
	lib/proc.h \
	lib/sig.h \
	lib/svstatus.h \
	lib/tai.h \
	lib/utc.h \
	supervise/supervise.h \
	svlog/svlog.h \
	tests/unit/tap.h

UNIT = \
	tests/unit/fmt.t \
	tests/unit/kv.t \
	tests/unit/opt.t \
	tests/unit/proc.t \
	tests/unit/sig.t \
	tests/unit/supervise_policy.t \
	tests/unit/svlog_config.t \
	tests/unit/svlog_journal.t \
	tests/unit/svlog_line.t \
	tests/unit/svlog_match.t \
	tests/unit/svstatus.t \
	tests/unit/tai.t \
	tests/unit/utc.t

HELPERS = \
	tests/helpers/probe

INITSRC = \
	init/init.c \
	init/init_dir.c

SUPSRC = \
	supervise/supervise.c \
	supervise/supervise_conf.c \
	supervise/supervise_policy.c \
	supervise/supervise_state.c \
	supervise/supervise_tree.c

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
OBJ = $(LIBOBJ) $(INITOBJ) $(SUPOBJ) $(SVLOGOBJ) tests/helpers/probe.o $(UNIT:=.o)
DEPS = build/deps/.done

all: $(BIN)

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

$(HELPERS) $(UNIT): %: %.o lib/libpod1.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) lib/libpod1.a

# unit tests of a program's pure parts link its object
tests/unit/supervise_policy.t: supervise/supervise_policy.o

# svlog's unit tests #include the private sources they test
tests/unit/svlog_config.t.o: svlog/svlog_config.c
tests/unit/svlog_journal.t.o: svlog/svlog_journal.c
tests/unit/svlog_line.t.o: svlog/svlog_config.c svlog/svlog_line.c \
	svlog/svlog_match.c
tests/unit/svlog_match.t.o: svlog/svlog_match.c

# static musl libraries and the build tools, from Debian's archive
deps: $(DEPS)
$(DEPS): mk/deps.sh
	sh mk/deps.sh build/deps

# the real tools the tests use as oracles and harness
TESTTOOLS = prove:perl unshare:util-linux script:bsdutils pgrep:procps \
	sv:runit runsv:runit svlogd:runit tai64nlocal:daemontools

check: all $(UNIT) $(HELPERS)
	sh mk/tools.sh $(TESTTOOLS)
	prove -v --exec '' tests/unit/*.t tests/integration/*.t

demo: all
	sh mk/demo.sh

bench: all $(HELPERS)
	sh bench/run.sh
	sh bench/svlog.sh
	sh bench/supervise.sh

install: all
	mkdir -p $(DESTDIR)$(SBINDIR)
	for b in $(BIN); do cp -f $$b $(DESTDIR)$(SBINDIR)/; done

clean:
	rm -f $(OBJ) lib/libpod1.a $(BIN) $(UNIT) $(HELPERS) build/.flags

.PHONY: all deps check demo bench install clean FORCE

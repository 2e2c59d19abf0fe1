# pod1 version
VERSION = 0.1.0

# paths
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
# the stage1 image, and the program only it runs
LIBDIR = $(PREFIX)/lib/pod1
LIBEXECDIR = $(PREFIX)/libexec/pod1
MANPREFIX = $(PREFIX)/share/man

# static musl build, small and self-contained
CC = musl-gcc
CPPFLAGS = -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" -I.
CFLAGS = -std=c99 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
# static musl applies no RELRO at run time, so its page padding is waste
LDFLAGS = -static -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,--build-id=none

# `make SANITIZE=1`: glibc, dynamic, ASan + UBSan (GCC's ASan supports
# neither -static nor musl)
ifeq ($(SANITIZE),1)
CC = cc
CFLAGS = -std=c99 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS = -fsanitize=address,undefined
endif

AR = ar
STRIP = strip

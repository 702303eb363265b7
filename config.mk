# Build settings for tjconv; override on the command line (make PREFIX=/opt/tj).
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
PLUGINDIR ?= $(LIBDIR)/tjconv
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/tjconv
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

CC ?= cc
PKG_CONFIG ?= pkg-config
OPT ?= -O2 -g
WARN = -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2
# SAN=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer.
ifeq ($(SAN),1)
OPT = -O1 -g -fno-omit-frame-pointer
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all
endif
BUILD ?= build

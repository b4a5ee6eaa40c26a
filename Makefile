# SPDX-License-Identifier: GPL-3.0-or-later
# relance - build, test and install.
#
#   make            build/relanced and build/relancectl
#   make demo       a private Postfix with relanced: invoices, reminders, a dispute
#   make deps       install the Debian packages the build and tests need
#   make layering   dependencies run down the layers of src/, no cycle
#   make check      deps, layering, unit tests and fuzz-target replays (ASan+UBSan),
#                   milter tests (miltertest, no MTA), integration tests (real Postfix)
#   make milter     relanced driven by miltertest scripts: no MTA, no root
#   make soak       the fault tests at full size (a few minutes; root, a private Postfix)
#   make fuzz       coverage-guided fuzzing with clang's libFuzzer
#   make accuracy   recognition accuracy per source and field (corpus + tests/data)
#   make man-check  the man pages name every key and command, and render cleanly
#   make bench      the store at 100k and 1M cases, extraction in process, mail
#                   through Postfix with relanced against a no-op milter (BENCH.md)
#   make bench-milter  the last alone (root, a private Postfix)
#   make install    honours PREFIX, DESTDIR, SYSCONFDIR (programs, configuration,
#                   templates, lexicons, man pages, the systemd unit)

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
LIBEXECDIR  ?= $(PREFIX)/libexec
UNITDIR     ?= $(PREFIX)/lib/systemd/system
STATEDIR    ?= /var/lib/relance
DESTDIR     ?=

VERSION     := 0.1.0
# The invoice corpus the tests read: the copy carried in tests/data, or
# another named by RELANCE_CORPUS (or CORPUS=) when set.
CORPUS      ?= $(or $(RELANCE_CORPUS),$(abspath $(CURDIR)/tests/data/corpus))

PKGS        := milter gmime-3.0 sqlite3 libsodium libxml-2.0 poppler-glib libcmark cairo libqrencode
# pkg-config runs once, here, and not for the goals that only recurse or
# install packages: `make check` must start on a machine where the
# libraries are not there yet (its first step installs them). A missing
# library stops the build with pkg-config's own message.
NO_PKG_GOALS := deps clean check demo uninstall
ifneq ($(filter-out $(NO_PKG_GOALS),$(or $(MAKECMDGOALS),all)),)
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS))
ifneq ($(.SHELLSTATUS),0)
$(error pkg-config: $(PKGS) not all found; run `make deps` (as root) first)
endif
PKG_LIBS    := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
endif

WARN        := -Wall -Wextra -Werror -Wformat=2 -Wno-format-nonliteral -Wvla
DEFS        := -D_GNU_SOURCE -DRELANCE_VERSION='"$(VERSION)"' \
               -DRELANCE_SYSCONFDIR='"$(SYSCONFDIR)"' -DRELANCE_STATEDIR='"$(STATEDIR)"' \
               -DRELANCE_LIBEXECDIR='"$(LIBEXECDIR)"'
CFLAGS      ?= -O2 -g
LDFLAGS     ?=
ALL_CFLAGS   = -std=gnu11 $(WARN) $(DEFS) -Isrc -Iinclude $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
SAN_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined

# Layers, lowest first; a file may use its own directory and those to its
# left (`make layering` checks it). The programs sit side by side on top:
# pdfworker is relance-pdf, the process that reads PDFs (lib/pdf_extract.h).
LAYERS      := lib text core store recognise remind replies
PROGRAMS    := relanced relancectl pdfworker
LIB_SRCS    := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
DAEMON_SRCS := $(wildcard src/relanced/*.c)
CTL_SRCS    := $(wildcard src/relancectl/*.c)
WORKER_SRCS := $(wildcard src/pdfworker/*.c)
LIB_OBJS    := $(LIB_SRCS:src/%.c=build/obj/%.o)
SAN_OBJS    := $(LIB_SRCS:src/%.c=build/asan/obj/%.o)
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
SUPPORT_SRCS := $(wildcard tests/unit/support/*.c)
SUPPORT_OBJS := $(SUPPORT_SRCS:tests/unit/support/%.c=build/asan/support/%.o)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRCS:tests/fuzz/%.c=build/asan/fuzz/%)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_TIME   ?= 600
TOOL_SRCS   := $(wildcard tests/tools/*.c)
TOOL_BINS   := $(TOOL_SRCS:tests/tools/%.c=build/tools/%)
# Benchmark programs link the library (bench/*.c): the store generator
# and the in-process extraction loop.
BENCH_SRCS  := $(wildcard bench/*.c)
BENCH_BINS  := $(BENCH_SRCS:bench/%.c=build/bench/%)

.PHONY: fuzz-deps all bench bench-milter demo deps check layering unit milter integration soak fuzz-replay fuzz accuracy install uninstall clean asan tools man man-check model model-check

all: build/relanced build/relancectl build/relance-pdf man

build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/librelance.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

build/asan/librelance.a: $(SAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

build/relanced: $(DAEMON_SRCS:src/%.c=build/obj/%.o) build/librelance.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/relancectl: $(CTL_SRCS:src/%.c=build/obj/%.o) build/librelance.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/relance-pdf: $(WORKER_SRCS:src/%.c=build/obj/%.o) build/librelance.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Sanitized daemon, tool and PDF worker, used by the integration tests.
asan: build/asan/relanced build/asan/relancectl build/asan/relance-pdf

build/asan/relanced: $(DAEMON_SRCS:src/%.c=build/asan/obj/%.o) build/asan/librelance.a
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/relancectl: $(CTL_SRCS:src/%.c=build/asan/obj/%.o) build/asan/librelance.a
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/relance-pdf: $(WORKER_SRCS:src/%.c=build/asan/obj/%.o) build/asan/librelance.a
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/support/%.o: tests/unit/support/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit/support -c -o $@ $<

# The unit tests run the real PDF worker, whose RLIMIT_AS applies.
build/asan/tests/%: tests/unit/%.c $(SUPPORT_OBJS) build/asan/librelance.a build/relance-pdf
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit/support -DTEST_PDF_WORKER='"$(abspath build/relance-pdf)"' -DTEST_DYING_WORKER='"$(abspath tests/unit/support/dying-worker.sh)"' -o $@ $< $(SUPPORT_OBJS) build/asan/librelance.a $(PKG_LIBS) -lz -lcmocka

# Fuzz targets replayed over seeds and mutations with gcc (part of check).
build/asan/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c build/asan/librelance.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $< tests/fuzz/replay.c build/asan/librelance.a $(PKG_LIBS)

fuzz-replay: $(FUZZ_REPLAY) build/asan/relance-pdf
	RELANCE_CORPUS="$(CORPUS)" bash tests/fuzz/run-replay.sh

# Real coverage-guided fuzzing with clang's libFuzzer, FUZZ_TIME seconds
# per target (default 600); figures in build/fuzz/summary.tsv, crashes
# kept in build/fuzz/crashes (tests/fuzz/campaign.sh).
FUZZ_CC     ?= clang
# clang is needed by this target alone, so make check does not install it.
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null || apt-get install -y --no-install-recommends clang

build/fuzz/obj/%.o: src/%.c | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=gnu11 $(DEFS) -Isrc -Iinclude $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS:src/%.c=build/fuzz/obj/%.o)
	$(FUZZ_CC) -std=gnu11 $(DEFS) -Isrc -Iinclude $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	  -o $@ $^ $(PKG_LIBS)

fuzz: $(FUZZ_BINS)
	RELANCE_CORPUS="$(CORPUS)" FUZZ_TIME=$(FUZZ_TIME) bash tests/fuzz/campaign.sh

tools: $(TOOL_BINS) $(BENCH_BINS)

# The reply model's trainer (tools/train_replies.c): make model writes
# conf/replies/model.tsv from the tuning half of tests/data/replies.
build/train_replies: tools/train_replies.c build/librelance.a
	$(CC) $(ALL_CFLAGS) -o $@ $< build/librelance.a $(PKG_LIBS)

model: build/train_replies
	build/train_replies . >conf/replies/model.tsv.new && mv conf/replies/model.tsv.new conf/replies/model.tsv

# The checked-in model is what the trainer makes of the tuning half, byte
# for byte (nobody edits it by hand; training takes about a second).
model-check: build/train_replies
	build/train_replies . 2>/dev/null | cmp - conf/replies/model.tsv

build/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(if $(filter pdf_bomb,$*),-lz)

build/bench/%: bench/%.c build/librelance.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< build/librelance.a $(PKG_LIBS)

# Figures, not tests: the store at 100k and 1M cases, extraction in
# process against pdfdetach + xmllint (BENCH.md says what they mean).
bench: all $(BENCH_BINS)
	RELANCE_CORPUS="$(CORPUS)" bash bench/store.sh
	RELANCE_CORPUS="$(CORPUS)" bash bench/extract.sh
	RELANCE_CORPUS="$(CORPUS)" bash bench/milter.sh

# Mail through a private Postfix: relanced against the cheapest possible
# milter (bench/noop_milter.c) and no milter, per kind of mail.
bench-milter: all $(BENCH_BINS)
	RELANCE_CORPUS="$(CORPUS)" bash bench/milter.sh

# Man pages: the paths and version of this build written in; the keys of
# relanced.conf(5) made from conf/relanced.conf, the one description of
# every key (man/conf2man.awk).
MAN_PAGES   := build/man/relanced.8 build/man/relancectl.8 build/man/relanced.conf.5
MAN_SUBST   := sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
               -e 's|@STATEDIR@|$(STATEDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@UNITDIR@|$(UNITDIR)|g'

man: $(MAN_PAGES)

build/man/%.8: man/%.8.in
	@mkdir -p $(@D)
	$(MAN_SUBST) $< >$@

build/man/relanced.conf.5: man/relanced.conf.5.in man/conf2man.awk conf/relanced.conf
	@mkdir -p $(@D)
	awk -f man/conf2man.awk conf/relanced.conf >$@.body
	sed -e '/^@BODY@$$/ {' -e 'r $@.body' -e 'd' -e '}' $< | $(MAN_SUBST) >$@
	rm -f $@.body

# Every key of src/core/config_keys.h in relanced.conf(5), every command
# of `relancectl --help` in relancectl(8), and groff renders each page
# without a warning.
man-check: $(MAN_PAGES) build/relancectl
	bash tests/man.sh

deps:
	bash tests/deps.sh

demo: deps
	@$(MAKE) -s all tools
	RELANCE_CORPUS="$(CORPUS)" bash tests/demo/run.sh

unit: $(UNIT_BINS)
	RELANCE_CORPUS="$(CORPUS)" bash tests/run-unit.sh $(UNIT_BINS)

# The milter callbacks driven by miltertest's scripted conversations, with
# no MTA; run as root, the tests run as nobody (tests/milter/run.sh).
milter: asan
	RELANCE_CORPUS="$(CORPUS)" bash tests/milter/run.sh

integration: all asan tools
	RELANCE_CORPUS="$(CORPUS)" bash tests/integration/run.sh

# The fault tests at full size (1000 mails over 20 sessions, a 30 s lock,
# a run-due of 1000 reminders killed five times); `make check` runs them
# scaled down. The optimised binaries: the sanitized ones run the same
# code in make check, and would make this one take far longer.
soak: all tools
	RELANCE_FAULTS_SIZE=soak RELANCED=$(abspath build/relanced) RELANCECTL=$(abspath build/relancectl) \
	  RELANCE_PDF=$(abspath build/relance-pdf) bash tests/integration/test_faults.sh

# Recognition accuracy per source and field (report only; the thresholds
# are enforced by test_accuracy in `make unit`).
accuracy: all tools
	RELANCE_CORPUS="$(CORPUS)" bash tests/accuracy.sh

# Dependencies run down the layers and never round a cycle (includes and
# the symbols between objects; see tests/layering.sh).
layering: build/relanced build/relancectl build/relance-pdf
	bash tests/layering.sh build/obj "$(LAYERS)" "$(PROGRAMS)"

check: deps
	$(MAKE) layering
	$(MAKE) man-check
	$(MAKE) model-check
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) milter
	$(MAKE) integration
	@# The README's first command must keep working: the demo runs here too.
	$(MAKE) demo

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 build/relanced $(DESTDIR)$(SBINDIR)/relanced
	install -m 0755 build/relancectl $(DESTDIR)$(BINDIR)/relancectl
	install -d $(DESTDIR)$(LIBEXECDIR)/relance
	install -m 0755 build/relance-pdf $(DESTDIR)$(LIBEXECDIR)/relance/relance-pdf
	install -d $(DESTDIR)$(SYSCONFDIR)/relance
	test -e $(DESTDIR)$(SYSCONFDIR)/relance/relanced.conf || \
	  install -m 0644 conf/relanced.conf $(DESTDIR)$(SYSCONFDIR)/relance/relanced.conf
	# Reminder templates: an administrator's edited copy is never overwritten.
	for f in conf/templates/README.md conf/templates/fr/*.md conf/templates/en/*.md; do \
	  dest=$(DESTDIR)$(SYSCONFDIR)/relance/templates/$${f#conf/templates/}; \
	  install -d "$${dest%/*}"; \
	  test -e "$$dest" || install -m 0644 "$$f" "$$dest"; \
	done
	install -d $(DESTDIR)$(SYSCONFDIR)/relance/replies
	install -m 0644 conf/replies/*.conf conf/replies/model.tsv $(DESTDIR)$(SYSCONFDIR)/relance/replies/
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  systemd/relanced.service.in >$(DESTDIR)$(UNITDIR)/relanced.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/relanced.service
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 build/man/relanced.conf.5 $(DESTDIR)$(MANDIR)/man5/relanced.conf.5
	install -m 0644 build/man/relanced.8 build/man/relancectl.8 $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/relanced $(DESTDIR)$(BINDIR)/relancectl
	rm -f $(DESTDIR)$(LIBEXECDIR)/relance/relance-pdf
	rm -f $(DESTDIR)$(UNITDIR)/relanced.service
	rm -f $(DESTDIR)$(MANDIR)/man5/relanced.conf.5 $(DESTDIR)$(MANDIR)/man8/relanced.8 \
	  $(DESTDIR)$(MANDIR)/man8/relancectl.8

clean:
	rm -rf build

-include $(wildcard build/obj/*/*.d build/asan/obj/*/*.d build/asan/tests/*.d build/asan/support/*.d build/asan/fuzz/*.d \
  build/fuzz/obj/*/*.d build/fuzz/*.d build/tools/*.d)

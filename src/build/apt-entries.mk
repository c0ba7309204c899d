# src/build/apt-entries.mk - the apt-entries program (apt-entries.c on src/lib's apt
# sources reader), built on demand by src/build/apt-entries into OUT: the build
# scripts run before `make programs`. Linked under a temporary name, then renamed, so
# concurrent first uses never run a half-written program.
CC ?= cc
OUT ?= .
LIB = ../lib
SRCS = apt-entries.c $(LIB)/aptsrc.c $(LIB)/files.c
$(OUT)/apt-entries: $(SRCS) $(LIB)/aptsrc.h $(LIB)/files.h apt-entries.mk
	@mkdir -p $(OUT)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@.tmp.$$$$ $(SRCS) && mv -f $@.tmp.$$$$ $@

# SPDX-License-Identifier: GPL-2.0
# One static program, $(PROG).c over the uapi header, for the busybox test
# guest; included by the Makefiles of devsoak and devbench, which set PROG.
#
#   make [OUT=dir]     builds $(OUT)/$(PROG) (default: the program's directory)

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
OUT ?= .
CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -I$(TOP)/uapi
LDFLAGS += -static

all: $(OUT)/$(PROG)

$(OUT)/$(PROG): $(PROG).c $(TOP)/uapi/linux/lfq.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) -o $@ $(PROG).c $(LDFLAGS)

clean:
	rm -f $(PROG)

.PHONY: all clean

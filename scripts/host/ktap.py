#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a KTAP document into one line per result, for make check.

usage: scripts/host/ktap.py [-p PREFIX] [-v] FILE

The document is parsed by the kernel's own KTAP parser (kunit_parser.py
of tools/testing/kunit in the linux source scripts/host/linux-src.sh
unpacks), so nested subtests, plans, SKIP directives, missing results and
crashed programs mean here what they mean to kunit.py.  Printed:

  PASS: PREFIX/path   a test case that passed
  SKIP: PREFIX/path   one that was skipped (never counted as passed)
  FAIL: PREFIX/path   one that failed, crashed or is missing; and a test
                      with subtests that failed (not ok, crashed, fewer
                      results than planned) while none of them did

path joins the names from the top level down, leaving out a name that
repeats its parent's last one (a KUnit suite inside its debugfs result).
Exits 1 if anything failed or the document holds no results.
-v shows kunit_parser's own report on stderr.
"""
import argparse
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
src = subprocess.run([os.path.join(here, 'linux-src.sh')],
		     stdout=subprocess.PIPE, text=True)
if src.returncode:
	print('FAIL: ktap (no linux source for kunit_parser.py; make deps-check)')
	sys.exit(1)
sys.path.insert(0, os.path.join(src.stdout.strip(), 'tools', 'testing', 'kunit'))
import kunit_parser  # noqa: E402
import kunit_printer  # noqa: E402

Status = kunit_parser.TestStatus


def walk(test, path, out):
	"""Append (verdict, path, note) for test's subtests; True if one failed."""
	failed = False
	for i, sub in enumerate(test.subtests, 1):
		name = sub.name.strip()
		if not name:
			name = f'#{i}' if not sub.subtests else ''
		if not name or name == path.rsplit('/', 1)[-1]:
			p = path
		else:
			p = f'{path}/{name}' if path else name
		if sub.subtests:
			sub_failed = walk(sub, p, out)
			if not sub.ok_status() and not sub_failed:
				out.append(('FAIL', p, sub.status.name.lower()))
				sub_failed = True
			failed |= sub_failed
		elif sub.status == Status.SUCCESS:
			out.append(('PASS', p, ''))
		elif sub.status == Status.SKIPPED:
			out.append(('SKIP', p, ''))
		else:
			out.append(('FAIL', p, sub.status.name.lower()))
			failed = True
	return failed


def main():
	ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
	ap.add_argument('-p', '--prefix', default='')
	ap.add_argument('-v', '--verbose', action='store_true')
	ap.add_argument('file')
	args = ap.parse_args()

	if not args.verbose:
		kunit_printer.stdout._output = open(os.devnull, 'w')
	else:
		kunit_printer.stdout._output = sys.stderr
	with open(args.file, errors='replace') as f:
		lines = [line.replace('\r', '') for line in f]
	test = kunit_parser.parse_run_tests(lines)
	out = []
	walk(test, args.prefix, out)
	if not out:
		out.append(('FAIL', args.prefix or 'ktap', 'no results'))
	for verdict, path, note in out:
		print(f'{verdict}: {path}' + (f' ({note})' if note else ''))
	return 1 if any(v == 'FAIL' for v, _, _ in out) else 0


if __name__ == '__main__':
	sys.exit(main())

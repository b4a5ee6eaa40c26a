#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A PDF worker that dies of a signal nobody sent it (as a crash would):
# test_pdf_worker checks that relance counts it as a failure.
kill -SEGV $$

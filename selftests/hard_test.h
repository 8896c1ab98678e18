/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest side of the race tests cve_test and storm_test: their
 * fixture and how a case ends. fuzz/hard.h holds the helpers, which never
 * assert, so that the fuzzer can use them outside the harness.
 */
#ifndef MODEMLINE_HARD_TEST_H
#define MODEMLINE_HARD_TEST_H

#include "ml_test.h"
#include "fuzz/hard.h"

#include <stdio.h>

/* TEST_F() wrappers do not use their variant. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* Each case bounds itself (hard_deadline()); the harness's 30 s would not fit make stress. */
FIXTURE(hard) {};
FIXTURE_SETUP(hard) {}
FIXTURE_TEARDOWN(hard) {}
#define HARD_TEST(name) TEST_F_TIMEOUT(hard, name, 1800)

#define CALL_CACHE	"modemline_call"

/* The line scripts/stress.sh collects: how far the case got in its time. */
static inline void report(const char *name, long n)
{
	printf("# race iterations %s %ld\n", name, n);
	fflush(stdout);
}

/* The kernel log since @mark has no reports. */
#define ASSERT_LOG_CLEAN(mark) ASSERT_EQ(0, kmsg_reports((mark), stdout))

/*
 * The end of a case that made calls: report @n iterations; no call object
 * may be left alive, waited for since freeing can lag behind the last
 * close(); and the log since @mark must be clean.
 */
#define HARD_CASE_END(name, n, mark) do {				\
	report(name, n);						\
	ASSERT_EQ(0, slab_wait(CALL_CACHE, 0, ML_WAIT_MS) > 0);		\
	ASSERT_LOG_CLEAN(mark);						\
} while (0)

#endif /* MODEMLINE_HARD_TEST_H */

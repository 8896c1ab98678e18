// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer (fuzz/fuzz, built next to this binary), bounded: a fixed
 * seed and a seed from the clock, each for a few seconds over simulated
 * and pty lines. Each run must execute operations, see no result outside
 * the ABI and leave no checker report in the kernel log and no call
 * object behind. HARD_SCALE (env) multiplies the duration.
 */
#include "ml_test.h"
#include "fuzz/hard.h"

/* TEST_F() wrappers do not use their variant. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

/* A run takes its -d seconds plus set-up and teardown: more than the default 30 s may be needed. */
FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void run_fuzz(struct __test_metadata *_metadata, const char *args)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 256], line[512];
	long ops = -1, unexpected = -1, reports = -1;
	char *slash;
	ssize_t n;
	FILE *f;
	int st;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	ASSERT_LT(0, n);
	exe[n] = 0;
	slash = strrchr(exe, '/');
	snprintf(slash, exe + sizeof(exe) - slash, "/fuzz/fuzz");
	ASSERT_EQ(0, access(exe, X_OK)) TH_LOG("no fuzzer at %s", exe);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", exe, args);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		long v;

		printf("# %s", line);
		/* The fuzzer's summary lines; other lines are only shown. */
		if (sscanf(line, "operations: %ld", &v) == 1)
			ops = v;
		else if (sscanf(line, "unexpected results: %ld", &v) == 1)
			unexpected = v;
		else if (sscanf(line, "sanitizer reports: %ld", &v) == 1)
			reports = v;
	}
	st = pclose(f);
	fflush(stdout);
	ASSERT_EQ(0L, unexpected);
	ASSERT_EQ(0L, reports);
	ASSERT_LT(1000L, ops);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("fuzz status 0x%x", st);
}

TEST_F_TIMEOUT(fuzz, fixed_seed, 600)
{
	char args[64];

	snprintf(args, sizeof(args), "-s 8 -t 4 -l 3 -p 2 -d %ld", 15 * hard_scale());
	run_fuzz(_metadata, args);
}

TEST_F_TIMEOUT(fuzz, clock_seed, 600)
{
	char args[64];

	snprintf(args, sizeof(args), "-t 3 -l 2 -p 2 -d %ld", 10 * hard_scale());
	run_fuzz(_metadata, args);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The module and its device node: /dev/modemline exists, an open file
 * pins the module, and unloading it while a file is open is refused.
 * These tests never unload anything when the module behaves: the run
 * harness unloads the modules at the end.
 */
#include "ml_test.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

FIXTURE(mod) {
	int fd;
};

FIXTURE_SETUP(mod)
{
	ML_OPEN(self->fd, 0);
}

FIXTURE_TEARDOWN(mod)
{
	close(self->fd);
}

TEST_F(mod, device_node_is_a_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(ML_DEV, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0, fstat(self->fd, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(mod, open_file_pins_the_module)
{
	long before, during, after;
	int fd2;

	ASSERT_EQ(0, mls_module_refcnt("modemline", &before));
	ASSERT_LE(1, before) TH_LOG("an open file holds no module reference");
	ML_OPEN(fd2, 0);
	ASSERT_EQ(0, mls_module_refcnt("modemline", &during));
	ASSERT_EQ(before + 1, during);
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(0, mls_module_refcnt("modemline", &after));
	ASSERT_EQ(before, after);
}

TEST_F(mod, rmmod_refused_while_file_open)
{
	long refcnt;
	int ret;

	/*
	 * Only try when the open file demonstrably holds a reference: if it
	 * did not, delete_module() could really unload the module, taking
	 * every later test with it.
	 */
	ASSERT_EQ(0, mls_module_refcnt("modemline", &refcnt));
	ASSERT_LE(1, refcnt) TH_LOG("an open file holds no module reference");
	ret = syscall(__NR_delete_module, "modemline", O_NONBLOCK);
	ASSERT_EQ(-1, ret) TH_LOG("modemline was unloaded with a file open");
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	/* Still working. */
	ASSERT_EQ(0, mls_call_count(self->fd));
	ASSERT_EQ(0, access(ML_DEV, F_OK));
}

TEST_HARNESS_MAIN

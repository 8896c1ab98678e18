/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data streams for call data descriptors: a deterministic byte
 * pattern that embeds the texts a modem reacts to in command mode, and
 * threads that write or read (and check) it. Include after ml_test.h.
 */
#ifndef MODEMLINE_SELFTEST_STREAM_H
#define MODEMLINE_SELFTEST_STREAM_H

#include <pthread.h>

#define MIB		((size_t)1024 * 1024)

/* Open the call's data descriptor or fail. */
#define DATA_OPEN(dfd, ml, call, flags) do { \
	__typeof__(call) __call = (call); \
	int __dfd = mls_call_data((ml), __call, (flags)); \
	(dfd) = __dfd; \
	ASSERT_LE(0, __dfd) TH_LOG("CALL_DATA on call %u: %s", __call, \
				   strerror(-__dfd)); \
} while (0)

/*
 * The byte at offset @pos of every test stream: pseudo-random, with the
 * texts a modem would react to in command mode inserted every 1000
 * bytes. In a flowing stream they are data and must pass untouched.
 */
static inline unsigned char pattern_byte(size_t pos)
{
	static const char magic[] = "+++\r\nNO CARRIER\r\nOK\r\nRING\r\nATH\r\n";
	size_t off = pos % 1000;
	__u32 x;

	if (off < sizeof(magic) - 1)
		return magic[off];
	x = (__u32)pos * 2654435761u;
	return x >> 24;
}

static inline void pattern_fill(unsigned char *buf, size_t pos, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(pos + i);
}

/* Offset of the first byte of @buf that is not the pattern at @pos, or -1. */
static inline long pattern_check(const unsigned char *buf, size_t pos, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != pattern_byte(pos + i))
			return (long)(pos + i);
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* A stream thread: writes or reads the pattern until told or stopped. */

struct stream {
	pthread_t thread;
	int fd;
	size_t limit;		/* bytes to move; 0: until an error or EOF */
	size_t done;		/* bytes moved */
	int err;		/* 0 (limit reached or EOF), or errno */
	long bad;		/* reader: first offset that was wrong, or -1 */
};

static inline void *writer_main(void *arg)
{
	struct stream *s = arg;
	unsigned char buf[3000];	/* not a divisor of any buffer size */
	size_t len;
	ssize_t n;

	while (!s->limit || s->done < s->limit) {
		len = sizeof(buf);
		if (s->limit && s->limit - s->done < len)
			len = s->limit - s->done;
		pattern_fill(buf, s->done, len);
		n = write(s->fd, buf, len);
		if (n < 0) {
			s->err = errno;
			break;
		}
		s->done += n;
	}
	return NULL;
}

static inline void *reader_main(void *arg)
{
	struct stream *s = arg;
	unsigned char buf[2500];
	ssize_t n;
	long b;

	s->bad = -1;
	while (!s->limit || s->done < s->limit) {
		n = read(s->fd, buf, sizeof(buf));
		if (n < 0) {
			s->err = errno;
			break;
		}
		if (!n)
			break;
		b = pattern_check(buf, s->done, n);
		if (b >= 0 && s->bad < 0)
			s->bad = b;
		s->done += n;
	}
	return NULL;
}

static inline int stream_start(struct stream *s, int fd, size_t limit, bool writer)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->limit = limit;
	s->bad = -1;
	return -pthread_create(&s->thread, NULL, writer ? writer_main : reader_main, s);
}

#define STREAM_START(s, fd, limit, writer) \
	ASSERT_EQ(0, stream_start((s), (fd), (limit), (writer)))
#define STREAM_JOIN(s) ASSERT_EQ(0, pthread_join((s)->thread, NULL))

/*
 * Write @len bytes of the pattern into @fd and, if the far end echoes,
 * read them back at the same time: every byte moved, and right.
 */
static inline void stream_exchange(struct __test_metadata *_metadata, int fd,
				   size_t len, bool echoed)
{
	struct stream rd, wr;

	STREAM_START(&wr, fd, len, true);
	if (echoed)
		STREAM_START(&rd, fd, len, false);
	STREAM_JOIN(&wr);
	EXPECT_EQ(0, wr.err);
	EXPECT_EQ(len, wr.done);
	if (echoed) {
		STREAM_JOIN(&rd);
		EXPECT_EQ(0, rd.err);
		EXPECT_EQ(len, rd.done);
		EXPECT_EQ(-1, rd.bad) TH_LOG("first wrong byte at %ld", rd.bad);
	}
}

/* The call's record counts @rx bytes received and @tx sent. */
static inline void check_bytes(struct __test_metadata *_metadata, int ml, __u32 call,
			       __u64 rx, __u64 tx)
{
	struct modemline_call_info ci;

	ASSERT_EQ(0, mls_call_info(ml, call, &ci));
	EXPECT_EQ(rx, ci.rx_bytes);
	EXPECT_EQ(tx, ci.tx_bytes);
}

#endif /* MODEMLINE_SELFTEST_STREAM_H */

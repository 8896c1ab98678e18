// SPDX-License-Identifier: GPL-2.0
/*
 * Figure 10, ppp_vs_pty: TCP throughput over PPP on a modemline call ÷
 * over the same pppd pair on a plain pty, the classic way (pppd on the
 * tty, chat dials, no line discipline). Figure 11, ppp_vs_pty_relay: the
 * same call ÷ pppd's pty option with a plain byte relay (socat) to the
 * modem's pty, no line discipline: the same path as the call's but for
 * the line discipline, the data descriptor and mlinectl in place of
 * socat, so it prices what modemline adds to pppd's pty option.
 *
 * Both sides dial a modemsim on a pty of its own,
 *   modemsim --pty --guard 100 --answer-delay 0 --data 'exec:FAR'
 * whose far end of each call (FAR) is a pppd in a network namespace the
 * figure makes,
 *   ip netns exec NS pppd notty nodetach OPTS ifname xxfar0 FARIP:NEARIP
 * and differ in the near end only:
 *   modemline: the line discipline on modemsim's pty (attached here, as
 *              figure 3 does) and
 *              pppd pty "mlinectl call LINE 5551234" OPTS ifname mlnear0 ...
 *   pty:       pppd /dev/pts/N 115200 connect "chat '' ATD5551234 CONNECT ''"
 *              OPTS ifname ptnear0 ...
 *   relay:     pppd pty "socat -b65536 STDIO /dev/pts/N,raw,echo=0"
 *              connect "chat '' ATD5551234 CONNECT ''" OPTS ifname rlnear0 ...
 * OPTS: noauth local nolock nocrtscts noccp nodefaultroute
 * lcp-echo-interval 0. Once both ends of a link have their addresses,
 * the bench sends XFER_MIB MiB over TCP to a listener in the far
 * namespace and XFER_MIB back, timing each: MB/s per direction, the
 * worse direction's ratio counts. A socket made by a thread that
 * setns()'d into the namespace stays there, so this process is both TCP
 * ends. Each round every side brings its link up, measures and takes
 * it down, the order rotating round by round.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ROUNDS		5	/* a disturbed round does not make the median */
#define XFER_MIB	4
#define XFER_TRIES	2	/* per direction, side and round: the best counts */
#define WARM_BYTES	(64L << 10)
#define PORT		7079
#define LINK_UP_MS	60000	/* a link not up by then fails the figure */
#define LINK_DOWN_MS	20000
#define IO_TIMEOUT_S	60	/* any TCP send, receive, connect, accept */
#define CMD_MS		10000	/* ip netns ... */
#define PPP_OPTS	"noauth", "local", "nolock", "nocrtscts", "noccp", \
			"nodefaultroute", "lcp-echo-interval", "0"
#define PPP_OPTS_STR	"noauth local nolock nocrtscts noccp nodefaultroute " \
			"lcp-echo-interval 0"
#define VLOG(...) do { if (verbose) blog(__VA_ARGS__); } while (0)

enum { SIDE_ML, SIDE_PTY, SIDE_RELAY, SIDES };

struct side {
	const char *name;	/* "modemline", "pty", "relay" */
	const char *near_if, *far_if, *near_ip, *far_ip;
	bool ml;		/* the call's data stream */
	bool relay;		/* pppd pty "socat ...": a relay to the modem's pty */
	const char *abs_to, *abs_from, *abs_up;	/* its absolute figures */
	struct msim m;
	int tty;		/* ml: the line's tty, kept open */
	uint32_t line;
	pid_t pppd;		/* the near pppd, leader of its process group */
	char near_log[96], near_out[96], far_log[96];
};

struct ppp {
	struct figure *f;	/* ppp_vs_pty: says why both could not measure */
	struct figure *f_relay;	/* ppp_vs_pty_relay */
	char pppd[256], ip[256], chat[256], socat[256], mlinectl[256];
	char ns[32];
	bool ns_made;
	int nsfd;		/* /run/netns/NS */
	int far_dgram;		/* a socket in NS, for its interfaces */
	int near_dgram;
	int lfd;		/* TCP listener in NS, any address */
	int mlfd;		/* /dev/modemline, for the line's state */
	struct side s[SIDES];
	bool relay;		/* socat found: the relay side is measured */
};

/*
 * @s could not be measured (@s NULL: nothing could): fail the figures
 * it is a side of, the modemline side being a side of both.
 */
static void __attribute__((format(printf, 3, 4)))
ppp_fail(struct ppp *p, const struct side *s, const char *fmt, ...)
{
	char msg[sizeof(p->f->note)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s != &p->s[SIDE_RELAY])
		fig_fail(p->f, "%s", msg);
	if (s != &p->s[SIDE_PTY] && p->relay)
		fig_fail(p->f_relay, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* processes                                                           */

/* @name in $PATH (or as is if it has a '/'), executable: 0 and @out. */
static int find_exec(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK) ? -errno : 0;
	}
	for (p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, ':');
		if ((size_t)snprintf(out, len, "%.*s/%s", (int)(e - p), p, name) < len &&
		    !access(out, X_OK))
			return 0;
	}
	return -ENOENT;
}

/*
 * Start @argv in a process group of its own, stdin /dev/null, stdout and
 * stderr to @log (appended) or, with @log NULL, to a pipe whose read end
 * is *@out. It gets SIGTERM if this process dies. The pid or -errno.
 */
static pid_t spawn(const char *const argv[], const char *log, int *out)
{
	pid_t parent = getpid(), pid;
	int p[2] = { -1, -1 }, fd;

	if (!log && pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		pid = -errno;
	} else if (!pid) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
			_exit(127);
		fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : p[1];
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (!log) {
		close(p[1]);
		if (pid < 0)
			close(p[0]);
		else
			*out = p[0];
	}
	return pid;
}

/* Up to @ms for @pid to end, leaving it unreaped (its group stays). */
static bool ended(pid_t pid, int ms)
{
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000ULL;
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT)) {
			if (errno != EINTR)
				return true;	/* not ours to wait for */
		} else if (si.si_pid == pid) {
			return true;
		}
		if (now_ns() >= deadline)
			return false;
		sleep_ms(20);
	}
}

/*
 * End the process group @pid leads: @sig to the leader (0: none), up to
 * @ms for it to end, then SIGKILL to whatever is left of the group, and
 * reap the leader. Its wait status, or -1.
 */
static int stop_group(pid_t pid, int sig, int ms)
{
	int st = -1;

	if (pid <= 0)
		return -1;
	if (sig)
		kill(pid, sig);
	if (!ended(pid, ms))
		blog("ppp_vs_pty: pid %d still there %d ms after signal %d: SIGKILL",
		     (int)pid, ms, sig);
	/* The leader is not reaped yet, so its group id is still its own. */
	killpg(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/*
 * Run @argv to its end, at most @ms; its output (stdout and stderr) in
 * @out. 0 if it exited 0, a positive exit status, or -errno.
 */
static int run(const char *const argv[], int ms, char *out, size_t len)
{
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000ULL;
	size_t have = 0;
	int fd = -1, st;
	pid_t pid;

	pid = spawn(argv, NULL, &fd);
	if (pid < 0)
		return pid;
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		char junk[256];
		uint64_t now = now_ns();
		ssize_t n;

		if (now >= deadline)
			break;
		if (poll(&pf, 1, (int)((deadline - now) / 1000000ULL) + 1) <= 0)
			continue;
		if (have + 1 < len)
			n = read(fd, out + have, len - 1 - have);
		else
			n = read(fd, junk, sizeof(junk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (have + 1 < len)
			have += (size_t)n;
	}
	close(fd);
	if (len)
		out[have] = '\0';
	if (now_ns() >= deadline) {
		stop_group(pid, 0, 0);
		return -ETIMEDOUT;
	}
	st = stop_group(pid, 0, ms);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return -ECHILD;
}

/* The last @n bytes of file @path, lines joined by " | ", in @buf. */
static void tail(const char *path, size_t n, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0;
	struct stat st;

	buf[0] = '\0';
	if (fd < 0)
		return;
	if (n > len - 1)
		n = len - 1;
	if (!fstat(fd, &st) && st.st_size > (off_t)n)
		lseek(fd, st.st_size - (off_t)n, SEEK_SET);
	got = read(fd, buf, n);
	close(fd);
	if (got < 0)
		got = 0;
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		buf[--got] = '\0';
	for (ssize_t i = 0; i < got; i++)
		if (buf[i] == '\n')
			buf[i] = '|';
		else if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
}

/* A failed link: the figure fails with its logs' tails. */
static void fail_logs(struct ppp *p, struct side *s, const char *what)
{
	char near[160], out[120], far[160], more[1500];
	const char *logs[] = { s->near_log, s->near_out, s->far_log };

	/* More of each on stderr (the VM's log). */
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		tail(logs[i], sizeof(more) - 1, more, sizeof(more));
		blog("ppp_vs_pty: %s: %s", logs[i], more);
	}

	tail(s->near_log, sizeof(near) - 1, near, sizeof(near));
	tail(s->near_out, sizeof(out) - 1, out, sizeof(out));
	tail(s->far_log, sizeof(far) - 1, far, sizeof(far));
	ppp_fail(p, s, "%s: %s; near pppd: ...%s; its stdout: ...%s; far pppd: ...%s",
		 s->name, what, near, out, far);
}

/* ------------------------------------------------------------------ */
/* the network namespace                                               */

struct ns_sock {
	int nsfd, type, fd;
};

static void *ns_sock_thread(void *arg)
{
	struct ns_sock *n = arg;

	/* Only this thread moves: a network namespace is per thread. */
	if (setns(n->nsfd, CLONE_NEWNET)) {
		n->fd = -errno;
		return NULL;
	}
	n->fd = socket(AF_INET, n->type | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		n->fd = -errno;
	return NULL;
}

/* A socket of @type in the namespace @nsfd (it stays there), or -errno. */
static int ns_socket(int nsfd, int type)
{
	struct ns_sock n = { .nsfd = nsfd, .type = type, .fd = -EAGAIN };
	pthread_t t;
	int err = pthread_create(&t, NULL, ns_sock_thread, &n);

	if (err)
		return -err;
	pthread_join(t, NULL);
	return n.fd;
}

static int set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

static int ns_make(struct ppp *p)
{
	const char *add[] = { p->ip, "netns", "add", p->ns, NULL };
	const char *lo[] = { p->ip, "-n", p->ns, "link", "set", "lo", "up", NULL };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	char path[64], out[256];
	int ret, one = 1;

	ret = run(add, CMD_MS, out, sizeof(out));
	if (ret) {
		ppp_fail(p, NULL, "ip netns add %s: %s", p->ns, ret < 0 ? strerror(-ret) : out);
		return -1;
	}
	p->ns_made = true;
	ret = run(lo, CMD_MS, out, sizeof(out));
	if (ret) {
		ppp_fail(p, NULL, "ip -n %s link set lo up: %s", p->ns,
			 ret < 0 ? strerror(-ret) : out);
		return -1;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", p->ns);
	p->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->nsfd < 0) {
		ppp_fail(p, NULL, "%s: %s", path, strerror(errno));
		return -1;
	}
	p->far_dgram = ns_socket(p->nsfd, SOCK_DGRAM);
	p->lfd = ns_socket(p->nsfd, SOCK_STREAM);
	p->near_dgram = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->far_dgram < 0 || p->lfd < 0 || p->near_dgram < 0) {
		ppp_fail(p, NULL, "sockets in %s: %s", p->ns, strerror(p->far_dgram < 0 ?
			 -p->far_dgram : p->lfd < 0 ? -p->lfd : errno));
		return -1;
	}
	/* Any address in NS: the far end of either link. */
	if (setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(p->lfd, 4) ||
	    set_timeouts(p->lfd)) {
		ppp_fail(p, NULL, "TCP listener in %s: %s", p->ns, strerror(errno));
		return -1;
	}
	return 0;
}

/* Every process left in the namespace killed, then the namespace removed. */
static void ns_remove(struct ppp *p)
{
	const char *pids[] = { p->ip, "netns", "pids", p->ns, NULL };
	const char *del[] = { p->ip, "netns", "del", p->ns, NULL };
	char out[1024];
	int ret;

	if (!p->ns_made)
		return;
	for (int i = 0; i < 50; i++) {
		char *s = out, *e;
		bool any = false;

		if (run(pids, CMD_MS, out, sizeof(out)))
			break;
		for (long pid; (pid = strtol(s, &e, 10)) > 0; s = e) {
			any = true;
			blog("ppp_vs_pty: pid %ld left in %s: SIGKILL", pid, p->ns);
			kill((pid_t)pid, SIGKILL);
		}
		if (!any)
			break;
		sleep_ms(100);
	}
	ret = run(del, CMD_MS, out, sizeof(out));
	if (ret)
		blog("ppp_vs_pty: ip netns del %s: %s", p->ns, ret < 0 ? strerror(-ret) : out);
	p->ns_made = false;
}

/* ------------------------------------------------------------------ */
/* links                                                               */

/* 1 if @ifname (on @sock's namespace) has @addr and peer @peer, 0 if not. */
static int if_up(int sock, const char *ifname, const char *addr, const char *peer)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	struct sockaddr_in *dst = (struct sockaddr_in *)&ifr.ifr_dstaddr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFADDR, &ifr) || sin->sin_addr.s_addr != inet_addr(addr))
		return 0;
	if (ioctl(sock, SIOCGIFDSTADDR, &ifr) || dst->sin_addr.s_addr != inet_addr(peer))
		return 0;
	/* pppd sets the addresses first, then brings it up (the peer's route). */
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) ||
	    (ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
		return 0;
	return 1;
}

static bool if_exists(int sock, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	return !ioctl(sock, SIOCGIFINDEX, &ifr);
}

/* Whether @s's modem (and line) has no call: modemsim's status. */
static bool idle(struct ppp *p, struct side *s)
{
	struct modemline_line_info li;
	char st[1024], *e;

	if (msim_ctl(s->m.ctl, "status", st, sizeof(st)) || !strstr(st, " call=0 "))
		return false;
	e = strstr(st, " exec_pid=");
	if (!e || atol(e + 10))
		return false;
	if (!s->ml)
		return true;
	memset(&li, 0, sizeof(li));
	return !ml_line_info(p->mlfd, s->line, &li) && !(li.flags & MODEMLINE_LINE_BUSY);
}

/* Up to @ms for @s's link to be gone: interfaces, call, far pppd. */
static bool wait_down(struct ppp *p, struct side *s, int ms)
{
	uint64_t deadline = now_ns() + (uint64_t)ms * 1000000ULL;

	while (if_exists(p->near_dgram, s->near_if) || if_exists(p->far_dgram, s->far_if) ||
	       !idle(p, s)) {
		if (now_ns() >= deadline)
			return false;
		sleep_ms(50);
	}
	return true;
}

/* Start @s's near pppd and wait for both ends' addresses: 0, or -1 after fig_fail. */
static int link_up(struct ppp *p, struct side *s, double *secs)
{
	char script[512], cmd[600], addrs[64];
	uint64_t t0, deadline;
	const char *argv[32];
	int argc = 0;

	if (!wait_down(p, s, LINK_DOWN_MS)) {
		ppp_fail(p, s, "%s: the modem or the last link is still busy", s->name);
		return -1;
	}
	unlink(s->near_log);
	unlink(s->near_out);
	unlink(s->far_log);
	snprintf(addrs, sizeof(addrs), "%s:%s", s->near_ip, s->far_ip);
	argv[argc++] = p->pppd;
	if (s->ml) {
		snprintf(cmd, sizeof(cmd), "%s call %u " NUMBER, p->mlinectl, s->line);
		argv[argc++] = "pty";
		argv[argc++] = cmd;
	} else {
		snprintf(script, sizeof(script), "%s -v -s -t 20 '' ATD" NUMBER
			 " CONNECT ''", p->chat);
		if (s->relay) {
			snprintf(cmd, sizeof(cmd), "%s -b65536 STDIO %s,raw,echo=0",
				 p->socat, s->m.pty);
			argv[argc++] = "pty";
			argv[argc++] = cmd;
		} else {
			argv[argc++] = s->m.pty;
			argv[argc++] = "115200";
		}
		argv[argc++] = "connect";
		argv[argc++] = script;
	}
	{
		const char *opts[] = { "nodetach", PPP_OPTS, "ifname", s->near_if,
				       "logfile", s->near_log, addrs };

		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			argv[argc++] = opts[i];
	}
	argv[argc] = NULL;
	t0 = now_ns();
	deadline = t0 + LINK_UP_MS * 1000000ULL;
	s->pppd = spawn(argv, s->near_out, NULL);
	if (s->pppd < 0) {
		ppp_fail(p, s, "%s: pppd: %s", s->name, strerror(-s->pppd));
		s->pppd = 0;
		return -1;
	}
	VLOG("%s: pppd %d started", s->name, (int)s->pppd);
	while (!if_up(p->near_dgram, s->near_if, s->near_ip, s->far_ip) ||
	       !if_up(p->far_dgram, s->far_if, s->far_ip, s->near_ip)) {
		if (ended(s->pppd, 0)) {
			fail_logs(p, s, "our pppd ended before the link was up");
			return -1;
		}
		if (now_ns() >= deadline) {
			char what[64];

			snprintf(what, sizeof(what), "the link was not up within %d s",
				 LINK_UP_MS / 1000);
			fail_logs(p, s, what);
			return -1;
		}
		sleep_ms(20);
	}
	*secs = (double)(now_ns() - t0) / 1e9;
	VLOG("%s: link up in %.2f s", s->name, *secs);
	return 0;
}

/* Our pppd told to stop (it ends the link), then the link gone. */
static int link_down(struct ppp *p, struct side *s)
{
	int st;

	if (!s->pppd)
		return 0;
	st = stop_group(s->pppd, SIGTERM, LINK_DOWN_MS);
	VLOG("%s: pppd %d exit status %d", s->name, (int)s->pppd,
	     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	s->pppd = 0;
	if (!wait_down(p, s, LINK_DOWN_MS)) {
		fail_logs(p, s, "the link did not go down");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* TCP                                                                 */

struct tcp {
	int lfd;
	long total;
	bool to_far;		/* near -> far: the far end receives */
	bool cancel;		/* our end failed: stop waiting for it */
	uint64_t t0, t1;	/* first byte sent, last byte received */
	int err;
};

static int send_all(int fd, long total, uint64_t *t0)
{
	char buf[64 << 10];
	long done = 0;

	memset(buf, 'p', sizeof(buf));
	*t0 = now_ns();
	while (done < total) {
		size_t n = total - done < (long)sizeof(buf) ? (size_t)(total - done) : sizeof(buf);
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);

		if (w < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		done += w;
	}
	return shutdown(fd, SHUT_WR) ? -errno : 0;
}

/* Read until end of stream; -EPROTO unless it was @total bytes. */
static int recv_all(int fd, long total, uint64_t *t1)
{
	char buf[64 << 10];
	long got = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (!n)
			break;
		got += n;
		if (got == total)
			*t1 = now_ns();
	}
	return got == total ? 0 : -EPROTO;
}

static void *far_end(void *arg)
{
	struct tcp *t = arg;
	struct pollfd pf = { .fd = t->lfd, .events = POLLIN };
	uint64_t deadline = now_ns() + IO_TIMEOUT_S * 1000000000ULL;
	int fd;

	/* Our end's connection, unless it gave up first. */
	while (poll(&pf, 1, 50) != 1) {
		if (__atomic_load_n(&t->cancel, __ATOMIC_ACQUIRE))
			return NULL;
		if (now_ns() >= deadline) {
			t->err = -ETIMEDOUT;
			return NULL;
		}
	}
	fd = accept4(t->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		t->err = errno == EAGAIN ? -ETIMEDOUT : -errno;
		return NULL;
	}
	t->err = set_timeouts(fd);
	if (!t->err)
		t->err = t->to_far ? recv_all(fd, t->total, &t->t1) :
			 send_all(fd, t->total, &t->t0);
	close(fd);
	return NULL;
}

/* @total bytes between us and @far_ip: MB/s, or 0 with *@err. */
static double tcp_xfer(struct ppp *p, const char *far_ip, long total, bool to_far, int *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct tcp t = { .lfd = p->lfd, .total = total, .to_far = to_far };
	pthread_t th;
	int fd, ret;

	inet_pton(AF_INET, far_ip, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = -errno;
		return 0;
	}
	ret = pthread_create(&th, NULL, far_end, &t);
	if (ret) {
		close(fd);
		*err = -ret;
		return 0;
	}
	ret = set_timeouts(fd);
	if (!ret && connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		ret = errno == EINPROGRESS || errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (!ret)
		ret = to_far ? send_all(fd, total, &t.t0) : recv_all(fd, total, &t.t1);
	/* Closing ours ends the far end's wait too. */
	if (ret)
		__atomic_store_n(&t.cancel, true, __ATOMIC_RELEASE);
	if (!to_far || ret)
		shutdown(fd, SHUT_RDWR);
	else
		ret = recv_all(fd, 0, &(uint64_t){ 0 });	/* until it has it all */
	pthread_join(th, NULL);
	close(fd);
	if (!ret)
		ret = t.err;
	*err = ret;
	if (ret || t.t1 <= t.t0)
		return 0;
	return (double)total / 1e6 / ((double)(t.t1 - t.t0) / 1e9);
}

/* One round of side @s: up, warm-up, both directions, down. */
static int measure(struct ppp *p, struct side *s, double *to_far, double *from_far,
		   double *up)
{
	int err = 0;

	if (link_up(p, s, up))
		return -1;
	tcp_xfer(p, s->far_ip, WARM_BYTES, true, &err);
	if (!err)
		tcp_xfer(p, s->far_ip, WARM_BYTES, false, &err);
	/* Each direction's best: what the path does when nothing gets in the way. */
	*to_far = *from_far = 0;
	for (int t = 0; t < XFER_TRIES && !err; t++) {
		double v = tcp_xfer(p, s->far_ip, XFER_MIB << 20, true, &err);

		if (v > *to_far)
			*to_far = v;
		if (!err)
			v = tcp_xfer(p, s->far_ip, XFER_MIB << 20, false, &err);
		if (v > *from_far)
			*from_far = v;
	}
	if (err) {
		char what[80];

		snprintf(what, sizeof(what), "TCP over the link: %s", strerror(-err));
		fail_logs(p, s, what);
		return -1;
	}
	VLOG("%s: %.3f MB/s to the far end, %.3f MB/s back", s->name, *to_far, *from_far);
	return link_down(p, s);
}

/* ------------------------------------------------------------------ */
/* the figure                                                          */

/* modemsim whose calls run the far pppd of @s in NS. */
static int side_start(struct ppp *p, struct side *s)
{
	char data[1024];
	int ret;

	snprintf(s->near_log, sizeof(s->near_log), "/tmp/ml_bench.%d.%s-near.log",
		 (int)getpid(), s->name);
	snprintf(s->near_out, sizeof(s->near_out), "/tmp/ml_bench.%d.%s-near.out",
		 (int)getpid(), s->name);
	snprintf(s->far_log, sizeof(s->far_log), "/tmp/ml_bench.%d.%s-far.log",
		 (int)getpid(), s->name);
	snprintf(data, sizeof(data), "exec:%s netns exec %s %s notty nodetach "
		 PPP_OPTS_STR " ifname %s logfile %s %s:%s", p->ip, p->ns, p->pppd,
		 s->far_if, s->far_log, s->far_ip, s->near_ip);
	ret = msim_start_on(&s->m, NULL, "100", data);
	if (ret) {
		ppp_fail(p, s, "%s: modemsim (%s): %s", s->name, modemsim_path, strerror(-ret));
		return -1;
	}
	if (!s->ml)
		return 0;
	s->tty = ml_tty_open(s->m.pty, 0);
	ret = s->tty < 0 ? s->tty : attach_line(s->tty, &s->line, 100, NULL);
	if (ret) {
		ppp_fail(p, s, "attach to %s: %s", s->m.pty, strerror(-ret));
		return -1;
	}
	return 0;
}

static void side_stop(struct side *s)
{
	if (s->pppd)
		stop_group(s->pppd, SIGTERM, LINK_DOWN_MS);
	s->pppd = 0;
	if (s->tty >= 0)
		close(s->tty);
	s->tty = -1;
	/* It ends the far pppd of a call still up (SIGHUP to its group). */
	msim_stop(&s->m);
	unlink(s->near_log);
	unlink(s->near_out);
	unlink(s->far_log);
}

/* mlinectl: next to modemsim (the build's userspace directory), or in $PATH. */
static int find_mlinectl(char *out, size_t len)
{
	const char *slash = strrchr(modemsim_path, '/');

	if (!slash)
		return find_exec("mlinectl", out, len);
	snprintf(out, len, "%.*s/mlinectl", (int)(slash - modemsim_path), modemsim_path);
	return access(out, X_OK) ? -errno : 0;
}

static bool tools(struct ppp *p)
{
	struct { const char *name; char *buf; } t[] = {
		{ "pppd", p->pppd }, { "ip", p->ip }, { "chat", p->chat },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (find_exec(t[i].name, t[i].buf, sizeof(p->pppd))) {
			fig_na(p->f, "no %s in $PATH (Debian's ppp and iproute2 packages)",
			       t[i].name);
			return false;
		}
	if (access("/dev/ppp", R_OK | W_OK)) {
		fig_na(p->f, "/dev/ppp: %s (a kernel without PPP, or ppp_generic not loaded)",
		       strerror(errno));
		return false;
	}
	if (access("/sys/module/ppp_async", F_OK)) {
		fig_na(p->f, "no ppp_async in the kernel (the PPP line discipline)");
		return false;
	}
	if (find_mlinectl(p->mlinectl, sizeof(p->mlinectl))) {
		ppp_fail(p, NULL, "no mlinectl next to %s", modemsim_path);
		return false;
	}
	return true;
}

/* One side's best MB/s per direction and link-up time in one round. */
struct round {
	double to_far, from_far, up;
};

static double worse_ratio(const struct round *a, const struct round *b)
{
	double t = a->to_far / b->to_far, f = a->from_far / b->from_far;

	return t < f ? t : f;
}

void fig_ppp(struct figure *f, struct figure *f_relay)
{
	struct ppp p = {
		.f = f, .f_relay = f_relay,
		.nsfd = -1, .far_dgram = -1, .near_dgram = -1, .lfd = -1, .mlfd = -1,
		.s = {
			[SIDE_ML] = {
				.name = "modemline", .ml = true,
				.abs_to = "modemline_to_far", .abs_from = "modemline_from_far",
				.abs_up = "modemline_link_up",
				.near_if = "mlnear0", .far_if = "mlfar0",
				.near_ip = "10.79.1.1", .far_ip = "10.79.1.2", .tty = -1,
			},
			[SIDE_PTY] = {
				.name = "pty",
				.abs_to = "pty_to_far", .abs_from = "pty_from_far",
				.abs_up = "pty_link_up",
				.near_if = "ptnear0", .far_if = "ptfar0",
				.near_ip = "10.79.2.1", .far_ip = "10.79.2.2", .tty = -1,
			},
			[SIDE_RELAY] = {
				.name = "relay", .relay = true,
				.abs_to = "relay_to_far", .abs_from = "relay_from_far",
				.abs_up = "relay_link_up",
				.near_if = "rlnear0", .far_if = "rlfar0",
				.near_ip = "10.79.3.1", .far_ip = "10.79.3.2", .tty = -1,
			},
		},
	};
	uint64_t t0 = now_ns();
	struct pin pin;
	int i;

	if (!tools(&p)) {
		/* The same reason keeps the relay figure from measuring. */
		fig_na(f_relay, "%s", f->note);
		return;
	}
	p.relay = !find_exec("socat", p.socat, sizeof(p.socat));
	if (!p.relay)
		fig_na(f_relay, "no socat in $PATH (Debian's socat package)");
	/* Before anything starts: the processes and threads inherit it. */
	pin_one_cpu(&pin);
	snprintf(p.ns, sizeof(p.ns), "mlbench%d", (int)getpid());
	if (ns_make(&p))
		goto out;
	p.mlfd = ml_open(0);
	if (p.mlfd < 0) {
		ppp_fail(&p, NULL, "open: %s", strerror(-p.mlfd));
		p.mlfd = -1;
		goto out;
	}
	for (i = 0; i < SIDES; i++)
		if ((i != SIDE_RELAY || p.relay) && side_start(&p, &p.s[i]))
			goto out;
	for (int r = 0; r < ROUNDS; r++) {
		struct round m[SIDES] = {};
		const struct round *ml = &m[SIDE_ML], *pt = &m[SIDE_PTY], *rl = &m[SIDE_RELAY];

		/* Each side goes first, second and last in turn. */
		for (i = 0; i < SIDES; i++) {
			int k = (r + i) % SIDES;

			if (k == SIDE_RELAY && !p.relay)
				continue;
			if (!measure(&p, &p.s[k], &m[k].to_far, &m[k].from_far, &m[k].up))
				continue;
			/* ppp_fail() failed the relay figure alone: go on without it. */
			if (k != SIDE_RELAY)
				break;
			p.relay = false;
		}
		if (i < SIDES)
			break;
		for (i = 0; i < SIDES; i++) {
			struct figure *to = i == SIDE_RELAY ? f_relay : f;

			if (m[i].up) {
				fig_abs(to, p.s[i].abs_to, "MB/s", m[i].to_far);
				fig_abs(to, p.s[i].abs_from, "MB/s", m[i].from_far);
				fig_abs(to, p.s[i].abs_up, "s", m[i].up);
			}
		}
		/* The worse direction counts. */
		fig_add(f, worse_ratio(ml, pt));
		if (p.relay)
			fig_add(f_relay, worse_ratio(ml, rl));
		blog("ppp_vs_pty: round %d: modemline %.3f/%.3f MB/s, pty %.3f/%.3f MB/s, "
		     "relay %.3f/%.3f MB/s (to/from the far end), link up in %.1f/%.1f/%.1f s",
		     r, ml->to_far, ml->from_far, pt->to_far, pt->from_far, rl->to_far,
		     rl->from_far, ml->up, pt->up, rl->up);
	}
	fig_extra(f, ", \"bytes_per_transfer\": %ld, \"seconds\": %.1f, \"method\": "
		  "\"TCP from this process to a listener in the far network namespace "
		  "and back, over pppd on a modemline call (pppd pty 'mlinectl call LINE "
		  "NUMBER') against the same pppd pair on modemsim's pty (pppd on the "
		  "tty, chat dials) and (ppp_vs_pty_relay) against pppd pty 'socat "
		  "-b65536 STDIO PTY,raw,echo=0' to modemsim's pty (chat dials); every "
		  "modem modemsim --pty --guard 100 "
		  "--answer-delay 0 --data exec: the far pppd (notty); pppd options "
		  PPP_OPTS_STR "; per round each side brings its link up, sends, "
		  "receives and takes it down, the order rotating; the "
		  "round's ratio is the worse direction's; each side and direction "
		  "the best of %d transfers per round\", \"pinned_to_one_cpu\": %s, "
		  "\"unbound_workqueues_on_cpu0\": %s",
		  (long)XFER_MIB << 20, (double)(now_ns() - t0) / 1e9, XFER_TRIES,
		  pin.cpu ? "true" : "false", pin.wq ? "true" : "false");
	fig_extra(f_relay, ", \"method\": \"the modemline side of ppp_vs_pty, in "
		  "the same rounds, against pppd pty 'socat -b65536 STDIO PTY,raw,echo=0' "
		  "to modemsim's pty (chat dials): see ppp_vs_pty\"");
out:
	for (i = 0; i < SIDES; i++)
		side_stop(&p.s[i]);
	ns_remove(&p);
	if (p.mlfd >= 0)
		ml_close(p.mlfd);
	if (p.lfd >= 0)
		close(p.lfd);
	if (p.far_dgram >= 0)
		close(p.far_dgram);
	if (p.near_dgram >= 0)
		close(p.near_dgram);
	if (p.nsfd >= 0)
		close(p.nsfd);
	unpin(&pin);
}

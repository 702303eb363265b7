/*
 * The "load" scenario's cast: the process and thread table of a busy server,
 * who is running, runnable or asleep when tracing starts, and the LTTng
 * statedump that lists them (with a few file descriptors per process).
 */
#include "load.h"

struct load_proc {
	const char *comm;
	int32_t pid;
	int32_t ppid;
	int nthreads;
	const char *thread_comm; /* comm of threads after the first (NULL: same) */
	int32_t epfd;
	uint16_t port;
	const char *file;
	bool kernel;
};

static const struct load_proc load_procs[] = {
	{"lttng-sessiond", 1200, 1, 1, NULL, 7, 0, "/var/lib/lttng/sessiond.pid", false},
	{"rcu_sched", 15, 2, 1, NULL, -1, 0, NULL, true},
	{"kworker/u16:2", 310, 2, 1, NULL, -1, 0, NULL, true},
	{"jbd2/vda1-8", 289, 2, 1, NULL, -1, 0, NULL, true},
	{"systemd-journal", 412, 1, 1, NULL, 6, 0, "/run/log/journal/system.journal", false},
	{"containerd", 980, 1, 5, NULL, 4, 0, "/var/lib/containerd/meta.db", false},
	{"sshd", 1021, 1, 1, NULL, 5, 22, "/etc/ssh/sshd_config", false},
	{"nginx", 1404, 1, 1, NULL, 8, 443, "/etc/nginx/nginx.conf", false},
	{"nginx", 1405, 1404, 1, NULL, 8, 443, "/var/www/html/index.html", false},
	{"nginx", 1406, 1404, 1, NULL, 8, 443, "/var/www/html/index.html", false},
	{"nginx", 1407, 1404, 1, NULL, 8, 443, "/var/www/html/app.js", false},
	{"nginx", 1408, 1404, 1, NULL, 8, 443, "/var/www/html/style.css", false},
	{"postgres", 1550, 1, 1, NULL, 4, 5432, "/var/lib/postgresql/15/main/global/pg_control",
	 false},
	{"postgres", 1561, 1550, 1, NULL, 4, 5432, "/var/lib/postgresql/15/main/base/16384/2619",
	 false},
	{"postgres", 1562, 1550, 1, NULL, 4, 5432, "/var/lib/postgresql/15/main/base/16384/1259",
	 false},
	{"postgres", 1563, 1550, 1, NULL, 4, 5432, "/var/lib/postgresql/15/main/pg_wal/0001",
	 false},
	{"postgres", 1564, 1550, 1, NULL, 4, 5432, "/var/lib/postgresql/15/main/base/16384/2840",
	 false},
	{"java", 2001, 1, 1, NULL, 11, 8080, "/opt/app/lib/app.jar", false},
	{"java", 2001, 1, 1, "GC Thread#0", 11, 8080, NULL, false},
	{"java", 2001, 1, 1, "GC Thread#1", 11, 8080, NULL, false},
	{"java", 2001, 1, 1, "C2 CompilerThre", 11, 8080, NULL, false},
	{"java", 2001, 1, 1, "VM Thread", 11, 8080, NULL, false},
	{"java", 2001, 1, 8, "http-nio-8080-e", 11, 8080, "/opt/app/conf/app.properties", false},
	{"java", 2001, 1, 2, "Catalina-utilit", 11, 8080, "/opt/app/logs/catalina.out", false},
	{"redis-server", 2210, 1, 1, NULL, 5, 6379, "/var/lib/redis/dump.rdb", false},
	{"redis-server", 2210, 1, 1, "bio_close_file", 5, 6379, NULL, false},
	{"redis-server", 2210, 1, 1, "bio_aof_fsync", 5, 6379, "/var/lib/redis/appendonly.aof",
	 false},
	{"redis-server", 2210, 1, 1, "bio_lazy_free", 5, 6379, NULL, false},
	{"redis-server", 2210, 1, 1, "io_thd_1", 5, 6379, NULL, false},
	{"redis-server", 2210, 1, 1, "io_thd_2", 5, 6379, NULL, false},
};

void load_add_threads(struct load *L)
{
	unsigned i;
	int k;
	int32_t next_tid[3000] = {0}; /* per pid; the table's pids stay below 3000 */

	for (i = 0; i < sizeof(load_procs) / sizeof(load_procs[0]); i++) {
		const struct load_proc *p = &load_procs[i];

		for (k = 0; k < p->nthreads && L->nth < LOAD_MAX_THREADS; k++) {
			struct lthread *lt = &L->th[L->nth];
			bool leader = (k == 0 && p->thread_comm == NULL);
			/* Threads of a process get tids after its pid, in table order. */
			int32_t tid = leader ? p->pid : p->pid + 2 + next_tid[p->pid]++;

			tjg_thread_init(&lt->t, p->thread_comm ? p->thread_comm : p->comm, tid,
					p->pid, p->ppid, 20);
			lt->cpu = L->nth % L->ncpus;
			lt->kernel = p->kernel;
			lt->epfd = p->epfd;
			lt->port = p->port;
			lt->file = p->file ? p->file : "/etc/ld.so.cache";
			lt->ubuf = 0x7f3a00000000ull + ((uint64_t)tid << 20);
			lt->futex = 0x55a1c0000000ull + ((uint64_t)p->pid << 12) + (uint64_t)(k * 64);
			lt->blocked_pos = -1;
			L->nth++;
		}
	}
}

void load_statedump(struct load *L)
{
	struct lcpu *c = &L->cpus[0];
	static const char *const std_files[] = {"/dev/null", "/dev/null", "/dev/null"};
	unsigned i;
	int32_t fd;

	tjg_emit_statedump_mark(c->s, at(L, c, 2000, 1), TJG_EV_LTTNG_STATEDUMP_START);
	for (i = 0; i < L->ncpus; i++)
		tjg_emit_statedump_process(c->s, at(L, c, 900, 600), &L->cpus[i].ksoftirqd,
					   TJG_SD_KERNEL_THREAD, TJG_SD_STATUS_WAIT, i,
					   0xffffffff9a6c3f40ull);
	for (i = 0; i < L->nth; i++) {
		struct lthread *T = &L->th[i];
		/* Kernel threads share init_files. */
		uint64_t files = T->kernel ? 0xffffffff9a6c3f40ull :
					     0xffff9d2a4b000000ull + ((uint64_t)T->t.pid << 10);

		tjg_emit_statedump_process(c->s, at(L, c, 900, 600), &T->t,
					   T->kernel ? TJG_SD_KERNEL_THREAD : TJG_SD_USER_THREAD,
					   T->state == LT_RUNNING ? TJG_SD_STATUS_RUN :
								    TJG_SD_STATUS_WAIT,
					   T->cpu, files);
		if (T->kernel || T->t.tid != T->t.pid)
			continue; /* one file table per process */
		for (fd = 0; fd < 3; fd++)
			tjg_emit_statedump_fd(c->s, at(L, c, 600, 400), files, fd, 02, 0x1f,
					      std_files[fd]);
		if (T->epfd > 0)
			tjg_emit_statedump_fd(c->s, at(L, c, 600, 400), files, T->epfd, 02000002,
					      0x3, "anon_inode:[eventpoll]");
		if (T->port)
			tjg_emit_statedump_fd(c->s, at(L, c, 600, 400), files, T->epfd + 1, 02,
					      0x3, "socket:[31337]");
		tjg_emit_statedump_fd(c->s, at(L, c, 600, 400), files, T->epfd + 2, 0100000,
				      0x1d, T->file);
	}
	tjg_emit_statedump_mark(c->s, at(L, c, 1500, 600), TJG_EV_LTTNG_STATEDUMP_END);
}

void load_init_state(struct load *L, bool statedump)
{
	unsigned i;

	for (i = 0; i < L->ncpus; i++)
		L->cpus[i].curr = -1;
	for (i = 0; i < L->nth; i++) {
		struct lthread *T = &L->th[i];
		struct lcpu *c = &L->cpus[T->cpu];

		if (c->curr < 0 && (i > 0 || statedump)) {
			/* The first thread of each CPU is on it when tracing starts. */
			c->curr = (int)i;
			T->state = LT_RUNNING;
		} else if (i == 0) {
			T->state = LT_BLOCKED; /* lttng-sessiond without statedump: asleep */
			T->pending = LS_POLL;
			T->fd = 9;
			blocked_add(L, (int)i);
		} else if (T->kernel || rnd(L, 4) != 0) {
			/* Asleep in a syscall entered before the trace started. */
			T->state = LT_BLOCKED;
			T->pending = T->kernel ? LS_NONE : (uint8_t)(LS_FUTEX + rnd(L, 2));
			T->fd = sock_fd(L);
			blocked_add(L, (int)i);
		} else {
			T->state = LT_RUNNABLE;
			rq_push(c, (int)i);
		}
	}
	for (i = 0; i < L->ncpus; i++) {
		struct lcpu *c = &L->cpus[i];

		tjg_stream_set_current(c->s, curr_thread(L, c));
		c->now = c->s->trace->t_begin + (i == 0 ? 0 : 1000 + rnd(L, 20000));
	}
}

/*
 * The table classes the "stats" exporter can produce: what `--metadata`
 * declares to Trace Compass and what the text renderer prints as headers.
 * Column keys follow lttng-analyses where it has the same table.
 */
#include <stddef.h>

#include "table.h"

#define COLS(a) (uint32_t)(sizeof(a) / sizeof((a)[0])), a

static const struct col sys_cols[] = {
	{"syscall", "System call", C_SYSCALL, NULL},
	{"count", "Call count", C_INT, "calls"},
	{"errors", "Error count", C_INT, "calls"},
	{"min_duration", "Minimum call duration", C_DUR, NULL},
	{"avg_duration", "Average call duration", C_DUR, NULL},
	{"max_duration", "Maximum call duration", C_DUR, NULL},
	{"stdev_duration", "Call duration standard deviation", C_DUR, NULL},
	{"return_values", "Errors by errno", C_STR, NULL},
};
static const struct table_class sys_stats = {"syscall-stats", "System call statistics",
					      W_SYSCALLS, COLS(sys_cols)};

static const struct col sys_tid_cols[] = {
	{"process", "Thread", C_PROCESS, NULL},
	{"syscall", "System call", C_SYSCALL, NULL},
	{"count", "Call count", C_INT, "calls"},
	{"errors", "Error count", C_INT, "calls"},
	{"min_duration", "Minimum call duration", C_DUR, NULL},
	{"avg_duration", "Average call duration", C_DUR, NULL},
	{"max_duration", "Maximum call duration", C_DUR, NULL},
	{"stdev_duration", "Call duration standard deviation", C_DUR, NULL},
};
static const struct table_class sys_tid = {"syscall-per-tid", "Per-thread system call statistics",
					    W_SYSCALLS, COLS(sys_tid_cols)};

static const struct col sys_top_cols[] = {
	{"time_begin", "Entry time", C_TS, NULL},
	{"duration", "Duration", C_DUR, NULL},
	{"syscall", "System call", C_SYSCALL, NULL},
	{"process", "Thread", C_PROCESS, NULL},
	{"cpu", "CPU", C_CPU, NULL},
	{"ret", "Return value", C_INT, NULL},
	{"args", "Arguments", C_STR, NULL},
};
static const struct table_class sys_top = {"syscall-top", "Slowest system calls", W_SYSCALLS,
					    COLS(sys_top_cols)};

static const struct col freq_cols[] = {
	{"duration_lower", "Duration (lower bound)", C_DUR, NULL},
	{"duration_upper", "Duration (upper bound)", C_DUR, NULL},
	{"count", "Call count", C_INT, "calls"},
};
static const struct table_class sys_freq = {"syscall-latency-freq",
					     "System call duration frequency distribution",
					     W_SYSCALLS, COLS(freq_cols)};

static const struct col wake_cols[] = {
	{"process", "Woken thread", C_PROCESS, NULL},
	{"count", "Wakeup count", C_INT, "wakeups"},
	{"min_latency", "Minimum wakeup latency", C_DUR, NULL},
	{"avg_latency", "Average wakeup latency", C_DUR, NULL},
	{"max_latency", "Maximum wakeup latency", C_DUR, NULL},
	{"stdev_latency", "Wakeup latency standard deviation", C_DUR, NULL},
};
static const struct table_class sched_tid = {"sched-wakeup-per-tid",
					      "Wakeup latency (waking to switched in) per thread",
					      W_SCHED, COLS(wake_cols)};

static const struct col wake_total_cols[] = {
	{"count", "Wakeup count", C_INT, "wakeups"},
	{"min_latency", "Minimum wakeup latency", C_DUR, NULL},
	{"avg_latency", "Average wakeup latency", C_DUR, NULL},
	{"max_latency", "Maximum wakeup latency", C_DUR, NULL},
	{"stdev_latency", "Wakeup latency standard deviation", C_DUR, NULL},
};
static const struct table_class sched_total = {"sched-wakeup-total",
						"Wakeup latency (waking to switched in), all threads",
						W_SCHED, COLS(wake_total_cols)};

static const struct col wake_top_cols[] = {
	{"wakeup_ts", "Wakeup time", C_TS, NULL},
	{"switch_ts", "Switch-in time", C_TS, NULL},
	{"latency", "Wakeup latency", C_DUR, NULL},
	{"process", "Woken thread", C_PROCESS, NULL},
	{"cpu", "CPU", C_CPU, NULL},
};
static const struct table_class sched_top = {"sched-wakeup-top", "Longest wakeup latencies",
					      W_SCHED, COLS(wake_top_cols)};

static const struct col cpu_tid_cols[] = {
	{"process", "Thread", C_PROCESS, NULL},
	{"usage", "CPU time", C_DUR, NULL},
	{"ratio", "Share of the window", C_RATIO, NULL},
};
static const struct table_class cpu_tid = {"cpu-usage-per-tid", "CPU usage per thread", W_SCHED,
					    COLS(cpu_tid_cols)};

static const struct col cpu_cpu_cols[] = {
	{"cpu", "CPU", C_CPU, NULL},
	{"busy", "Busy time (not idle)", C_DUR, NULL},
	{"ratio", "Share of the window", C_RATIO, NULL},
};
static const struct table_class cpu_cpu = {"cpu-usage-per-cpu", "CPU usage per CPU", W_SCHED,
					    COLS(cpu_cpu_cols)};

static const struct col hard_cols[] = {
	{"irq", "Interrupt", C_IRQ, NULL},
	{"count", "Interrupt count", C_INT, "interrupts"},
	{"min_duration", "Minimum duration", C_DUR, NULL},
	{"avg_duration", "Average duration", C_DUR, NULL},
	{"max_duration", "Maximum duration", C_DUR, NULL},
	{"stdev_duration", "Duration standard deviation", C_DUR, NULL},
};
static const struct table_class irq_hard = {"irq-hard-stats", "Hardware interrupt statistics",
					     W_IRQ, COLS(hard_cols)};

static const struct col soft_cols[] = {
	{"irq", "Interrupt", C_IRQ, NULL},
	{"count", "Interrupt count", C_INT, "interrupts"},
	{"min_duration", "Minimum duration", C_DUR, NULL},
	{"avg_duration", "Average duration", C_DUR, NULL},
	{"max_duration", "Maximum duration", C_DUR, NULL},
	{"stdev_duration", "Duration standard deviation", C_DUR, NULL},
	{"raise_count", "Raises followed by an entry", C_INT, "raises"},
	{"raise_min_latency", "Minimum raise latency", C_DUR, NULL},
	{"raise_avg_latency", "Average raise latency", C_DUR, NULL},
	{"raise_max_latency", "Maximum raise latency", C_DUR, NULL},
	{"raise_stdev_latency", "Raise latency standard deviation", C_DUR, NULL},
};
static const struct table_class irq_soft = {"irq-soft-stats", "Software interrupt statistics",
					     W_IRQ, COLS(soft_cols)};

static const struct col io_kind_cols[] = {
	{"kind", "File descriptor kind", C_STR, NULL},
	{"read_count", "Read calls", C_INT, "calls"},
	{"read_bytes", "Bytes read", C_SIZE, NULL},
	{"write_count", "Write calls", C_INT, "calls"},
	{"write_bytes", "Bytes written", C_SIZE, NULL},
	{"min_duration", "Minimum call duration", C_DUR, NULL},
	{"avg_duration", "Average call duration", C_DUR, NULL},
	{"max_duration", "Maximum call duration", C_DUR, NULL},
};
static const struct table_class io_kind = {"io-per-kind", "I/O per file descriptor kind", W_IO,
					    COLS(io_kind_cols)};

static const struct col io_target_cols[] = {
	{"target", "File or peer", C_PATH, NULL},
	{"kind", "Kind", C_STR, NULL},
	{"read_count", "Read calls", C_INT, "calls"},
	{"read_bytes", "Bytes read", C_SIZE, NULL},
	{"write_count", "Write calls", C_INT, "calls"},
	{"write_bytes", "Bytes written", C_SIZE, NULL},
	{"avg_duration", "Average call duration", C_DUR, NULL},
	{"max_duration", "Maximum call duration", C_DUR, NULL},
};
static const struct table_class io_target = {"io-per-target", "I/O per file or peer", W_IO,
					      COLS(io_target_cols)};

static const struct col netif_cols[] = {
	{"netif", "Interface", C_NETIF, NULL},
	{"tx_packets", "Packets sent", C_INT, "packets"},
	{"tx_bytes", "Bytes sent", C_SIZE, NULL},
	{"rx_packets", "Packets received", C_INT, "packets"},
	{"rx_bytes", "Bytes received", C_SIZE, NULL},
	{"avg_tx_latency", "Average queue-to-transmit latency", C_DUR, NULL},
	{"max_tx_latency", "Maximum queue-to-transmit latency", C_DUR, NULL},
	{"avg_rx_latency", "Average receive-to-copy latency", C_DUR, NULL},
	{"max_rx_latency", "Maximum receive-to-copy latency", C_DUR, NULL},
};
static const struct table_class net_if = {"net-per-netif", "Network traffic per interface",
					   W_NET, COLS(netif_cols)};

static const struct col conn_cols[] = {
	{"connection", "Connection", C_STR, NULL},
	{"protocol", "Protocol", C_STR, NULL},
	{"tx_packets", "Packets queued", C_INT, "packets"},
	{"tx_bytes", "Bytes queued", C_SIZE, NULL},
	{"rx_packets", "Packets received", C_INT, "packets"},
	{"rx_bytes", "Bytes received", C_SIZE, NULL},
	{"avg_latency", "Average queue-to-receive latency", C_DUR, NULL},
	{"max_latency", "Maximum queue-to-receive latency", C_DUR, NULL},
};
static const struct table_class net_conn = {"net-per-connection",
					     "Network traffic per connection (network_header)",
					     W_NET, COLS(conn_cols)};

const struct table_class *const stats_table_classes[] = {
	&sys_stats, &sys_tid, &sys_top, &sys_freq, &sched_total, &sched_tid, &sched_top,
	&cpu_tid, &cpu_cpu, &irq_hard, &irq_soft, &io_kind, &io_target, &net_if, &net_conn,
	NULL,
};

/*
 * Event catalog: every event class tjgen can emit, with its TSDL field
 * declarations. Field names, integer sizes, signedness, bases, byte orders and
 * order follow lttng-modules 2.13.8 on x86-64 (Linux 6.2, where char is
 * unsigned), as printed in /work/shared/traces/reference-metadata. Events the
 * reference session did not enable (net_dev_xmit, net_if_rx,
 * lttng_statedump_file_descriptor) follow the 2.13 probe definitions.
 * The binary encoders in emit.c must match these declarations field by field.
 */
#include "catalog.h"

#include <stddef.h>

/* Integer types as lttng-modules prints them (packed: align = 8 bits). */
#define S32 "integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; }"
#define S32X "integer { size = 32; align = 8; signed = 1; encoding = none; base = 16; }"
#define U32 "integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; }"
#define U32O "integer { size = 32; align = 8; signed = 0; encoding = none; base = 8; }"
#define U32X "integer { size = 32; align = 8; signed = 0; encoding = none; base = 16; }"
#define S64 "integer { size = 64; align = 8; signed = 1; encoding = none; base = 10; }"
#define U64 "integer { size = 64; align = 8; signed = 0; encoding = none; base = 10; }"
#define X64 "integer { size = 64; align = 8; signed = 0; encoding = none; base = 16; }"
#define U16 "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; }"
#define U8 "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; }"
#define TEXT "integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; }"
#define BE8 "integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }"
#define BE16X "integer { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; }"
#define BE32X "integer { size = 32; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; }"
#define BE16 "integer { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; }"

/* One field line at event-field depth. */
#define TJG_F(type, name) "\t\t" type " " name ";\n"

/* struct pollfd as LTTng's poll probes record it (events decoded as bits). */
#define TJG_POLLFDS \
	"\t\tstruct {\n" \
	"\t\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _fd;\n" \
	"\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; } _raw_events;\n" \
	"\t\t\tstruct {\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _POLLIN;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _POLLPRI;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _POLLOUT;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _POLLERR;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _POLLHUP;\n" \
	"\t\t\t\tinteger { size = 3; align = 1; signed = 0; encoding = none; base = 10; } _padding;\n" \
	"\t\t\t} _events;\n" \
	"\t\t} _fds[ _fds_length ];\n"

/* struct epoll_event as LTTng's epoll_wait probe records it. */
#define TJG_EPOLL_EVENTS \
	"\t\tstruct {\n" \
	"\t\t\tstruct {\n" \
	"\t\t\t\tinteger { size = 64; align = 8; signed = 0; encoding = none; base = 16; } _u64;\n" \
	"\t\t\t\tinteger { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _fd;\n" \
	"\t\t\t} _data_union;\n" \
	"\t\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 16; } _raw_events;\n" \
	"\t\t\tstruct {\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _EPOLLIN;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _EPOLLPRI;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _EPOLLOUT;\n" \
	"\t\t\t\tinteger { size = 1; align = 1; signed = 0; encoding = none; base = 10; } _EPOLLERR;\n" \
	"\t\t\t\tinteger { size = 4; align = 1; signed = 0; encoding = none; base = 10; } _padding;\n" \
	"\t\t\t} _events;\n" \
	"\t\t} _fds[ _fds_length ];\n"

/* The transport-header variant LTTng declares identically inside the IPv4
 * and the IPv6 network headers. */
#define TRANSPORT_HEADER_TSDL \
	"\t\t\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } {\n" \
	"\t\t\t\t\t\"_unknown\" = 0,\n" \
	"\t\t\t\t\t\"_tcp\" = 1,\n" \
	"\t\t\t\t\t\"_udp\" = 2,\n" \
	"\t\t\t\t\t\"_icmp\" = 3,\n" \
	"\t\t\t\t} _transport_header_type;\n" \
	"\t\t\t\tvariant <_transport_header_type> {\n" \
	"\t\t\t\t\tstruct {\n" \
	"\t\t\t\t\t} _unknown;\n" \
	"\t\t\t\t\tstruct {\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _source_port;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _dest_port;\n" \
	"\t\t\t\t\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _seq;\n" \
	"\t\t\t\t\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _ack_seq;\n" \
	"\t\t\t\t\t\tinteger { size = 4; align = 4; signed = 0; encoding = none; base = 10; byte_order = be; } _data_offset;\n" \
	"\t\t\t\t\t\tinteger { size = 3; align = 1; signed = 0; encoding = none; base = 10; byte_order = be; } _reserved;\n" \
	"\t\t\t\t\t\tinteger { size = 9; align = 1; signed = 0; encoding = none; base = 16; byte_order = be; } _flags;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _window_size;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _checksum;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _urg_ptr;\n" \
	"\t\t\t\t\t} _tcp;\n" \
	"\t\t\t\t\tstruct {\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _source_port;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _dest_port;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _len;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _check;\n" \
	"\t\t\t\t\t} _udp;\n" \
	"\t\t\t\t\tstruct {\n" \
	"\t\t\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _type;\n" \
	"\t\t\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _code;\n" \
	"\t\t\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _checksum;\n" \
	"\t\t\t\t\t\tinteger { size = 32; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _gateway;\n" \
	"\t\t\t\t\t} _icmp;\n" \
	"\t\t\t\t} _transport_header;\n"

/*
 * net_dev_template (net_dev_queue, net_if_rx, net_if_receive_skb): the skb,
 * then LTTng's network_header variant (IPv4/IPv6, then TCP/UDP/ICMP), whose
 * fields are big endian copies of the packet headers.
 */
static const char tjg_net_dev_template[] =
	TJG_F(X64, "_skbaddr")
	TJG_F(U32, "_len")
	TJG_F("string", "_name")
	"\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } {\n"
	"\t\t\t\"_unknown\" = 0,\n"
	"\t\t\t\"_ipv4\" = 1,\n"
	"\t\t\t\"_ipv6\" = 2,\n"
	"\t\t} _network_header_type;\n"
	"\t\tvariant <_network_header_type> {\n"
	"\t\t\tstruct {\n"
	"\t\t\t} _unknown;\n"
	"\t\t\tstruct {\n"
	"\t\t\t\tinteger { size = 4; align = 4; signed = 0; encoding = none; base = 10; byte_order = be; } _version;\n"
	"\t\t\t\tinteger { size = 4; align = 4; signed = 0; encoding = none; base = 10; byte_order = be; } _ihl;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _tos;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _tot_len;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _id;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _frag_off;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _ttl;\n"
	"\t\t\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } {\n"
	"\t\t\t\t\t\"_unknown\" = 0,\n"
	"\t\t\t\t\t\"_icmp\" = 1,\n"
	"\t\t\t\t\t\"_unknown\" = 2 ... 5,\n"
	"\t\t\t\t\t\"_tcp\" = 6,\n"
	"\t\t\t\t\t\"_unknown\" = 7 ... 16,\n"
	"\t\t\t\t\t\"_udp\" = 17,\n"
	"\t\t\t\t\t\"_unknown\" = 18 ... 255,\n"
	"\t\t\t\t} _protocol;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _checksum;\n"
	"\t\t\t\tstruct { } align(8) _saddr_padding;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _saddr[4];\n"
	"\t\t\t\tstruct { } align(8) _daddr_padding;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _daddr[4];\n"
	TRANSPORT_HEADER_TSDL
	"\t\t\t} _ipv4;\n"
	"\t\t\tstruct {\n"
	"\t\t\t\tinteger { size = 4; align = 4; signed = 0; encoding = none; base = 10; byte_order = be; } _version;\n"
	"\t\t\t\tinteger { size = 4; align = 4; signed = 0; encoding = none; base = 10; byte_order = be; } _prio;\n"
	"\t\t\t\tstruct { } align(8) _flow_lbl_padding;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _flow_lbl[3];\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _payload_len;\n"
	"\t\t\t\tenum : integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } {\n"
	"\t\t\t\t\t\"_unknown\" = 0,\n"
	"\t\t\t\t\t\"_icmp\" = 1,\n"
	"\t\t\t\t\t\"_unknown\" = 2 ... 5,\n"
	"\t\t\t\t\t\"_tcp\" = 6,\n"
	"\t\t\t\t\t\"_unknown\" = 7 ... 16,\n"
	"\t\t\t\t\t\"_udp\" = 17,\n"
	"\t\t\t\t\t\"_unknown\" = 18 ... 255,\n"
	"\t\t\t\t} _nexthdr;\n"
	"\t\t\t\tinteger { size = 8; align = 8; signed = 0; encoding = none; base = 10; byte_order = be; } _hop_limit;\n"
	"\t\t\t\tstruct { } align(8) _saddr_padding;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _saddr[8];\n"
	"\t\t\t\tstruct { } align(8) _daddr_padding;\n"
	"\t\t\t\tinteger { size = 16; align = 8; signed = 0; encoding = none; base = 16; byte_order = be; } _daddr[8];\n"
	TRANSPORT_HEADER_TSDL
	"\t\t\t} _ipv6;\n"
	"\t\t} _network_header;\n";
#define TJG_NET_DEV_TEMPLATE tjg_net_dev_template

static const struct tjg_event_class tjg_classes[TJG_EV_COUNT] = {
	[TJG_EV_LTTNG_STATEDUMP_START] = {"lttng_statedump_start",
		""},
	[TJG_EV_LTTNG_STATEDUMP_END] = {"lttng_statedump_end",
		""},
	[TJG_EV_LTTNG_STATEDUMP_PROCESS_STATE] = {"lttng_statedump_process_state",
		TJG_F(S32, "_tid")
		TJG_F(S32, "_pid")
		TJG_F(S32, "_ppid")
		TJG_F(TEXT, "_name[16]")
		TJG_F(S32, "_type")
		TJG_F(S32, "_mode")
		TJG_F(S32, "_submode")
		TJG_F(S32, "_status")
		TJG_F(U32, "_cpu")
		TJG_F(X64, "_file_table_address")},
	[TJG_EV_LTTNG_STATEDUMP_FILE_DESCRIPTOR] = {"lttng_statedump_file_descriptor",
		TJG_F(X64, "_file_table_address")
		TJG_F(S32, "_fd")
		TJG_F(U32O, "_flags")
		TJG_F(U32X, "_fmode")
		TJG_F("string", "_filename")},
	[TJG_EV_SCHED_SWITCH] = {"sched_switch",
		TJG_F(TEXT, "_prev_comm[16]")
		TJG_F(S32, "_prev_tid")
		TJG_F(S32, "_prev_prio")
		TJG_F(S64, "_prev_state")
		TJG_F(TEXT, "_next_comm[16]")
		TJG_F(S32, "_next_tid")
		TJG_F(S32, "_next_prio")},
	[TJG_EV_SCHED_WAKING] = {"sched_waking",
		TJG_F(TEXT, "_comm[16]")
		TJG_F(S32, "_tid")
		TJG_F(S32, "_prio")
		TJG_F(S32, "_target_cpu")},
	[TJG_EV_SCHED_WAKEUP] = {"sched_wakeup",
		TJG_F(TEXT, "_comm[16]")
		TJG_F(S32, "_tid")
		TJG_F(S32, "_prio")
		TJG_F(S32, "_target_cpu")},
	[TJG_EV_SCHED_PROCESS_EXIT] = {"sched_process_exit",
		TJG_F(TEXT, "_comm[16]")
		TJG_F(S32, "_tid")
		TJG_F(S32, "_prio")},
	[TJG_EV_IRQ_HANDLER_ENTRY] = {"irq_handler_entry",
		TJG_F(S32, "_irq")
		TJG_F("string", "_name")},
	[TJG_EV_IRQ_HANDLER_EXIT] = {"irq_handler_exit",
		TJG_F(S32, "_irq")
		TJG_F(S32, "_ret")},
	[TJG_EV_IRQ_SOFTIRQ_RAISE] = {"irq_softirq_raise",
		TJG_F(U32, "_vec")},
	[TJG_EV_IRQ_SOFTIRQ_ENTRY] = {"irq_softirq_entry",
		TJG_F(U32, "_vec")},
	[TJG_EV_IRQ_SOFTIRQ_EXIT] = {"irq_softirq_exit",
		TJG_F(U32, "_vec")},
	[TJG_EV_NET_DEV_QUEUE] = {"net_dev_queue", TJG_NET_DEV_TEMPLATE},
	[TJG_EV_NET_DEV_XMIT] = {"net_dev_xmit",
		TJG_F(X64, "_skbaddr")
		TJG_F(S32, "_rc")
		TJG_F(U32, "_len")
		TJG_F("string", "_name")},
	[TJG_EV_NET_IF_RX] = {"net_if_rx", TJG_NET_DEV_TEMPLATE},
	[TJG_EV_NET_IF_RECEIVE_SKB] = {"net_if_receive_skb", TJG_NET_DEV_TEMPLATE},
	[TJG_EV_SYSCALL_ENTRY_SOCKET] = {"syscall_entry_socket",
		TJG_F(S32, "_family")
		TJG_F(S32, "_type")
		TJG_F(S32, "_protocol")},
	[TJG_EV_SYSCALL_EXIT_SOCKET] = {"syscall_exit_socket",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_BIND] = {"syscall_entry_bind",
		TJG_F(S32, "_fd")
		TJG_F(U64, "_umyaddr")
		TJG_F(S32, "_addrlen")},
	[TJG_EV_SYSCALL_EXIT_BIND] = {"syscall_exit_bind",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_LISTEN] = {"syscall_entry_listen",
		TJG_F(S32, "_fd")
		TJG_F(S32, "_backlog")},
	[TJG_EV_SYSCALL_EXIT_LISTEN] = {"syscall_exit_listen",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_ACCEPT4] = {"syscall_entry_accept4",
		TJG_F(S32, "_fd")
		TJG_F(X64, "_upeer_sockaddr")
		TJG_F(S32, "_upeer_addrlen")
		TJG_F(S32X, "_flags")},
	[TJG_EV_SYSCALL_EXIT_ACCEPT4] = {"syscall_exit_accept4",
		TJG_F(S64, "_ret")
		TJG_F(S32, "_upeer_addrlen")
		TJG_F(U16, "_family")
		TJG_F(BE16, "_sport")
		TJG_F(U32, "__v4addr_length")
		TJG_F(BE8, "_v4addr[ __v4addr_length ]")
		TJG_F(U32, "__v6addr_length")
		TJG_F(BE16, "_v6addr[ __v6addr_length ]")},
	[TJG_EV_SYSCALL_ENTRY_CONNECT] = {"syscall_entry_connect",
		TJG_F(S32, "_fd")
		TJG_F(X64, "_uservaddr")
		TJG_F(S32X, "_addrlen")
		TJG_F(U16, "_family")
		TJG_F(BE16, "_dport")
		TJG_F(U32, "__v4addr_length")
		TJG_F(BE8, "_v4addr[ __v4addr_length ]")
		TJG_F(U32, "__v6addr_length")
		TJG_F(BE16, "_v6addr[ __v6addr_length ]")},
	[TJG_EV_SYSCALL_EXIT_CONNECT] = {"syscall_exit_connect",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_POLL] = {"syscall_entry_poll",
		TJG_F(S32, "_timeout_msecs")
		TJG_F(U32, "_nfds")
		TJG_F(U32, "_fds_length")
		TJG_F(U8, "_overflow")
		TJG_POLLFDS},
	[TJG_EV_SYSCALL_EXIT_POLL] = {"syscall_exit_poll",
		TJG_F(S64, "_ret")
		TJG_F(U32, "_nfds")
		TJG_F(U32, "_fds_length")
		TJG_POLLFDS},
	[TJG_EV_SYSCALL_ENTRY_READ] = {"syscall_entry_read",
		TJG_F(U32, "_fd")
		TJG_F(U64, "_count")},
	[TJG_EV_SYSCALL_EXIT_READ] = {"syscall_exit_read",
		TJG_F(S64, "_ret")
		TJG_F(U64, "_buf")},
	[TJG_EV_SYSCALL_ENTRY_WRITE] = {"syscall_entry_write",
		TJG_F(U32, "_fd")
		TJG_F(U64, "_buf")
		TJG_F(U64, "_count")},
	[TJG_EV_SYSCALL_EXIT_WRITE] = {"syscall_exit_write",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_SHUTDOWN] = {"syscall_entry_shutdown",
		TJG_F(S32, "_fd")
		TJG_F(S32, "_how")},
	[TJG_EV_SYSCALL_EXIT_SHUTDOWN] = {"syscall_exit_shutdown",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_CLOSE] = {"syscall_entry_close",
		TJG_F(U32, "_fd")},
	[TJG_EV_SYSCALL_EXIT_CLOSE] = {"syscall_exit_close",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_EXIT_GROUP] = {"syscall_entry_exit_group",
		TJG_F(S32, "_error_code")},
	[TJG_EV_SYSCALL_EXIT_CLOCK_NANOSLEEP] = {"syscall_exit_clock_nanosleep",
		TJG_F(S64, "_ret")
		TJG_F(U64, "_rmtp")},
	[TJG_EV_SYSCALL_ENTRY_OPENAT] = {"syscall_entry_openat",
		TJG_F(S32, "_dfd")
		TJG_F("string", "_filename")
		TJG_F(S32, "_flags")
		TJG_F(U16, "_mode")},
	[TJG_EV_SYSCALL_EXIT_OPENAT] = {"syscall_exit_openat",
		TJG_F(S64, "_ret")},
	[TJG_EV_SYSCALL_ENTRY_FUTEX] = {"syscall_entry_futex",
		TJG_F(U64, "_uaddr")
		TJG_F(S32, "_op")
		TJG_F(U32, "_val")
		TJG_F(U64, "_utime")
		TJG_F(U64, "_uaddr2")
		TJG_F(U32, "_val3")},
	[TJG_EV_SYSCALL_EXIT_FUTEX] = {"syscall_exit_futex",
		TJG_F(S64, "_ret")
		TJG_F(U64, "_uaddr")
		TJG_F(U64, "_uaddr2")},
	[TJG_EV_SYSCALL_ENTRY_EPOLL_WAIT] = {"syscall_entry_epoll_wait",
		TJG_F(S32, "_epfd")
		TJG_F(S32, "_maxevents")
		TJG_F(S32, "_timeout")},
	[TJG_EV_SYSCALL_EXIT_EPOLL_WAIT] = {"syscall_exit_epoll_wait",
		TJG_F(S64, "_ret")
		TJG_F(U32, "_fds_length")
		TJG_F(U8, "_overflow")
		TJG_EPOLL_EVENTS},
	/* lttng-modules addons (Trace Compass's trace synchronization guide):
	 * __field_hex sk, __field_network_hex seq, ack_seq, and flags =
	 * tcp_flag_word >> 16 (data offset, reserved bits, flags). */
	[TJG_EV_INET_SOCK_LOCAL_OUT] = {"inet_sock_local_out",
		TJG_F(X64, "_sk")
		TJG_F(BE32X, "_seq")
		TJG_F(BE32X, "_ack_seq")
		TJG_F(BE16X, "_flags")},
	[TJG_EV_INET_SOCK_LOCAL_IN] = {"inet_sock_local_in",
		TJG_F(X64, "_sk")
		TJG_F(BE32X, "_seq")
		TJG_F(BE32X, "_ack_seq")
		TJG_F(BE16X, "_flags")},
	[TJG_EV_SKB_CONSUME] = {"skb_consume",
		TJG_F(X64, "_skbaddr")},
};

const struct tjg_event_class *tjg_event_class_borrow(enum tjg_event_id id)
{
	return &tjg_classes[id];
}

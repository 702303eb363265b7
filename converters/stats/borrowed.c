/*
 * Code the "stats" exporter shares with the analyzers, compiled in from
 * their sources so each thing keeps one definition (plugins are built only
 * from the public headers and their own directory, and never link one
 * another): the network_header reader from plugins/packets, errno names and
 * the fd table from plugins/syscalls.  All of it stays hidden in this .so.
 * header.c comes first: errnames.c has a file-scope table that a local of
 * header.c would shadow.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, as fdtable.c asks */
#include "../../plugins/packets/header.c"
#include "../../plugins/syscalls/errnames.c"
#include "../../plugins/syscalls/fdtable.c"

#!/usr/bin/env bash
# Captures claiming absurd sizes: a 4 GB snaplen, a packet of 4 GB, a pcapng
# block of 4 GB.  Bounded memory (ru_maxrss well under 64 MB), a one-line
# error naming the file, no output file.
. "$(dirname "$0")/../lib/tap.sh"
require_shared
plan 7
T="$TRACES/live-ncat-3/kernel"
python3 - "$TMP" <<'PY'
import struct, sys
d = sys.argv[1]
hdr = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 0xffffffff, 1)  # snaplen 2^32-1
open(d + '/snap.pcap', 'wb').write(hdr)
open(d + '/bigpkt.pcap', 'wb').write(hdr + struct.pack('<IIII', 1796157716, 0, 0xfffffff0, 0xfffffff0) + b'\0' * 64)
shb = struct.pack('<IIIHHq', 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + struct.pack('<I', 28)
idb = struct.pack('<IIHHI', 1, 20, 1, 0, 0xffffffff) + struct.pack('<I', 20)
epb = struct.pack('<IIIIIII', 6, 0xfffffff0, 0, 0, 0, 0xffffff00, 0xffffff00) + b'\0' * 64
open(d + '/bigblock.pcapng', 'wb').write(shb + idb + epb)
PY
maxrss() { python3 -c 'import resource,subprocess,sys; r=subprocess.run(sys.argv[1:],stderr=subprocess.PIPE); sys.stderr.buffer.write(r.stderr); print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$@"; }
set -- $(maxrss "$TJCONV" -q "$T" --pcap "$TMP/snap.pcap" --summary -o "$TMP/snap.txt" 2> "$TMP/snap.err")
check_eq "a 4 GB snaplen and no packet: read, exit 0" 0 "$1"
check "... in bounded memory (${2} MB)" test "$2" -lt 64
check_match "... and the summary says nothing was captured" "^capture: 0/0 packets matched" "$(cat "$TMP/snap.err")"
set -- $(maxrss "$TJCONV" -q "$T" --pcap "$TMP/bigpkt.pcap" -o "$TMP/bigpkt.txt" 2> "$TMP/bigpkt.err")
check_eq "a 4 GB packet: exit 1, no output file" "1 0" "$1 $(ls "$TMP" | grep -c '^bigpkt\.txt')"
check_match "... one error line naming the file and the length" \
	"^tjconv: error: '$TMP/bigpkt\.pcap': cannot read packet 1: invalid packet capture length 4294967280" "$(cat "$TMP/bigpkt.err")"
set -- $(maxrss "$TJCONV" -q "$T" --pcap "$TMP/bigblock.pcapng" -o "$TMP/bb.txt" 2> "$TMP/bb.err")
check_eq "a 4 GB pcapng block: exit 1, no output file" "1 0" "$1 $(ls "$TMP" | grep -c '^bb\.txt')"
check_match "... one error line naming the file and the block" \
	"^tjconv: error: '$TMP/bigblock\.pcapng': corrupt pcapng block \(type 0x6, length 4294967280\)" "$(cat "$TMP/bb.err")"
done_testing

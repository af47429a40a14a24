#!/usr/bin/env python3
"""Writes a contract with N request/reply events and N server emits (a struct of five
fields per request, one of two per reply), the shape of a large real API, for
benchmarks/contracts/compile.sh.

    make_contract.py N > big.rtdl
"""
import sys

n = int(sys.argv[1])
out = ["rtdl 1;", "", "package scale;", ""]
for i in range(n):
    out.append(f"struct Req{i} {{ id: string, @length(max: 64) name: string, count: i32, "
               f"tags: array<string>, note: optional<string> }}")
    out.append(f"struct Ack{i} {{ ok: bool, at: timestamp }}")
out.append('namespace big at "/big" {')
out.append('    room lobby "lobby" { join = server; }')
for i in range(n):
    out.append(f"    on ev{i}(Req{i}) -> Ack{i};")
    out.append(f"    emit note{i}(Ack{i}) to lobby;")
out.append("}")
print("\n".join(out))

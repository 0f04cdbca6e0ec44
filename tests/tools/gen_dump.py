#!/usr/bin/env python3
"""tests/tools/gen_dump.py: writes a latitude-ndjson dump of N prompt spans,
each with one completion, for tests that need volume (crash, paging).
Usage: gen_dump.py N [SEED] > dump.ndjson"""
import datetime
import json
import random
import sys


def main():
    n = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    for i in range(n):
        trace = "%032x" % rng.getrandbits(128)
        pid, cid = "%016x" % (2 * i + 1), "%016x" % (2 * i + 2)
        ms = 1767225600000 + rng.randrange(0, 86400000 * 30)
        prompt = {"id": pid, "trace_id": trace, "workspace_id": 1,
                  "type": "prompt", "started_at": fmt(ms)}
        meta = {"type": "completion",
                "input": [{"role": "system", "content": "be brief"},
                          {"role": "user", "content": "question %d, with \"quotes\"" % i}],
                "output": [{"role": "assistant",
                            "content": [{"type": "text", "text": "answer %d\nline two" % i}]}]}
        comp = {"id": cid, "trace_id": trace, "parent_id": pid,
                "workspace_id": 1, "type": "completion",
                "started_at": fmt(ms + 5), "tokens_prompt": i % 1000,
                "tokens_completion": 7, "model": "m-%d" % (i % 5),
                "cost": i * 3, "metadata": meta}
        out.write(json.dumps(prompt, separators=(",", ":")) + "\n")
        out.write(json.dumps(comp, separators=(",", ":")) + "\n")


def fmt(ms):
    d = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M:%S") + ".%03d" % (ms % 1000)


if __name__ == "__main__":
    main()

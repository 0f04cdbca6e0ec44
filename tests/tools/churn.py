"""tests/tools/churn.py STORE SECONDS: another writer, for tests of
readers' snapshots: for SECONDS, adds copies of 20 spans (under other
trace ids) in one transaction and removes them in the next, over and over."""
import sqlite3
import sys
import time

con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
con.execute("CREATE TEMP TABLE x AS SELECT * FROM spans LIMIT 20")
con.execute("UPDATE x SET trace_id = 'ffff' || substr(trace_id, 5)")
print("churning", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    con.execute("INSERT INTO spans SELECT * FROM x")
    con.execute("DELETE FROM spans WHERE trace_id LIKE 'ffff%'")

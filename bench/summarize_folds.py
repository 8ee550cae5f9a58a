import json, sys
rs = [json.loads(l) for l in sys.stdin if l.strip()]
m = lambda k: sum(r[k] for r in rs) / len(rs)
per = " ".join("%.3f/%.3f/%.3f" % (r["auc"], r["ap"], r["cp100"]) for r in rs)
print("%-40s %-10s auc %.4f ap %.4f cp100 %.4f   %s" % (sys.argv[1], sys.argv[2], m("auc"), m("ap"), m("cp100"), per), flush=True)

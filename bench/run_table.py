"""The scale benchmark's report (bench/run.py): one line per page as it runs, the tables, and writing them
into bench/README.md between markers."""

import re
import statistics
from pathlib import Path

from run_load import pages

README = Path(__file__).resolve().parent / "README.md"


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.0f} s"


def progress_line(size, row):
    parts = [f"[{size}] {row['page']}: {row['status']} {row['bytes'] / 1024:.0f} KB single {_ms(row['single'])}"]
    for c in (1, 10):
        r = row[c]
        if "skipped" in r:
            parts.append(f"c={c} skipped ({r['skipped']})")
        else:
            parts.append(
                f"c={c} p50 {_ms(r['p50'])} p95 {_ms(r['p95'])} {r['rps']:.1f}/s {r['ratio']:.0f}× n={r['n']}"
                + (f" errors {r['errors']}" if r["errors"] else "")
            )
    return "; ".join(parts)


def table(results, label):
    sizes = [r["size"] for r in results]
    lines = [f"<!-- bench:{label}:start -->", ""]
    lines.append(
        "Sizes: "
        + "; ".join(f"{r['size']} → {r['targets']['n']} services, {r['targets']['areas']} areas" for r in results)
        + ". Each cell: p50 / p95 ms, requests/s, **p95 ÷ bare p95** (bare measured just before, same concurrency)."
    )
    for c in (1, 10):
        lines += ["", f"**{c} client{'s' if c > 1 else ''}**", ""]
        header = "| page | " + " | ".join(f"{s}" for s in sizes) + " |"
        lines += [header, "|---" * (len(sizes) + 1) + "|"]
        bare_cells = []
        for r in results:
            bares = [row[c]["bare"]["p95"] for row in r["rows"]]
            bare_cells.append(f"p95 {statistics.median(bares) * 1000:.1f} ms (median of runs)")
        lines.append("| bare `base.html` view | " + " | ".join(bare_cells) + " |")
        for i, (name, _target) in enumerate(pages(results[0]["targets"])):
            cells = []
            for r in results:
                row = r["rows"][i]
                cell = row[c]
                if "skipped" in cell:
                    cells.append(f"not run ({cell['skipped']})")
                else:
                    err = f", {cell['errors']} errors" if cell["errors"] else ""
                    cells.append(
                        f"{_ms(cell['p50'])} / {_ms(cell['p95'])}, {cell['rps']:.1f}/s, **{cell['ratio']:.0f}×**{err}"
                    )
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Response size; one request alone, cold (first after emptying the cache) / warm:", ""]
    lines += ["| page | " + " | ".join(str(s) for s in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for i, (name, _target) in enumerate(pages(results[0]["targets"])):
        cells = [
            f"{r['rows'][i]['bytes'] / 1024:.0f} KB, {_ms(r['rows'][i]['cold'])} / {_ms(r['rows'][i]['single'])}"
            + ("" if r["rows"][i]["status"] == 200 else f" (HTTP {r['rows'][i]['status']})")
            for r in results
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Worker peak RSS growth serving one export (fresh server, VmHWM − RSS before):", ""]
    lines += ["| export | " + " | ".join(str(s) for s in sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for target in results[0]["memory"]:
        cells = []
        for r in results:
            m = r["memory"][target]
            cells.append(
                f"+{m['growth_mib']:.0f} MiB ({m['bytes'] / 1024:.0f} KB, {_ms(m['seconds'])}, "
                + ("streamed" if m["streamed"] else "not streamed")
                + ")"
            )
        lines.append(f"| `{target}` | " + " | ".join(cells) + " |")
    lines += ["", f"<!-- bench:{label}:end -->"]
    return "\n".join(lines)


def write_readme(text, label):
    readme = README
    content = readme.read_text()
    pattern = re.compile(rf"<!-- bench:{label}:start -->.*?<!-- bench:{label}:end -->", re.S)
    if pattern.search(content):
        content = pattern.sub(lambda _m: text, content)
    else:
        content = content.rstrip() + f"\n\n### Table: {label}\n\n{text}\n"
    readme.write_text(content)

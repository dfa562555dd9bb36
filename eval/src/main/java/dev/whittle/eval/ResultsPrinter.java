package dev.whittle.eval;

import dev.whittle.core.util.HumanUnits;

import java.util.Locale;
import java.util.Map;

/** Renders a {@link Results} as the human-readable table {@code whittle eval} prints. */
public final class ResultsPrinter {
    private ResultsPrinter() {
    }

    public static String render(Results r) {
        StringBuilder out = new StringBuilder();
        String name = r.command() == null ? "run" : r.command().name();
        out.append(f("whittle %s — %s (whittle %s, results schema %d)%n", name, r.timestamp(), r.whittleVersion(),
                r.schemaVersion()));
        model(out, "model", r.model());
        model(out, "base", r.baseModel());
        if (r.dataset() != null) {
            Results.Dataset d = r.dataset();
            out.append(f("%-10s %s", "dataset", d.name()));
            if (d.sha256() != null) {
                out.append(f(" (sha256 %s…)", d.sha256().substring(0, Math.min(12, d.sha256().length()))));
            }
            if (d.tokens() != null) {
                out.append(f(", %d tokens", d.tokens()));
            }
            out.append('\n');
        }
        if (r.protocol() != null) {
            Results.Protocol p = r.protocol();
            out.append(f("%-10s %s, n_ctx %d, stride %d, %s, %d chunks, %d scored tokens%n", "protocol", p.name(),
                    p.nCtx(), p.stride(), p.bos() ? "BOS per chunk" : "no BOS", p.chunks(), p.scoredTokens()));
        }
        if (r.environment() != null) {
            EnvironmentInfo e = r.environment();
            out.append(f("%-10s %s, %d cores, %d threads, JDK %s, %s-bit vectors, %s%n", "machine",
                    e.cpuModel() == null ? "unknown CPU" : e.cpuModel(), e.cores(), e.threads(), e.jdk(),
                    e.vectorBits() == null ? "no" : e.vectorBits().toString(), e.os()));
        }
        if (r.seed() != null) {
            out.append(f("%-10s %d%n", "seed", r.seed()));
        }
        if (r.metrics() != null && !r.metrics().isEmpty()) {
            out.append('\n');
            out.append(f("%-34s %16s %14s  %-31s %s%n", "metric", "value", "± stderr", "95% CI", "unit"));
            for (Map.Entry<String, Metric> e : r.metrics().entrySet()) {
                Metric m = e.getValue();
                String ci = m.ci95() == null ? "" : "[" + num(m.ci95()[0]) + ", " + num(m.ci95()[1]) + "]";
                String unit = m.unit() == null ? "" : m.unit();
                if ("bytes".equals(unit)) {
                    unit = "bytes (" + bytes(m.value()) + ")";
                }
                if (Boolean.TRUE.equals(m.estimated())) {
                    unit += ", estimated";
                }
                out.append(f("%-34s %16s %14s  %-31s %s%n", e.getKey(), num(m.value()),
                        m.stderr() == null ? "" : num(m.stderr()), ci, unit));
            }
        }
        if (r.latency() != null) {
            LatencyResult l = r.latency();
            out.append('\n');
            out.append(f("%-10s %8s %8s %14s %12s%n", "test", "n_prompt", "n_gen", "avg_ts", "stddev_ts"));
            test(out, "pp" + l.prefill().nPrompt(), l.prefill());
            if (l.decode() != null) {
                test(out, "tg" + l.decode().nGen(), l.decode());
            }
        }
        return out.toString();
    }

    private static void test(StringBuilder out, String label, LatencyResult.Test t) {
        out.append(f("%-10s %8d %8d %14.2f %12.2f%n", label, t.nPrompt(), t.nGen(), t.avgTs(), t.stddevTs()));
    }

    private static void model(StringBuilder out, String label, ModelInfo m) {
        if (m == null) {
            return;
        }
        out.append(f("%-10s %s, %s, %s params, %.2f bits/weight%n", label, m.path(), m.architecture(),
                count(m.parameterCount()), m.bitsPerWeight()));
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return f("%d", (long) v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e7)) {
            return f("%.4e", v);
        }
        return f("%.6f", v).replaceAll("(\\.\\d*?[1-9])0+$", "$1").replaceAll("\\.0+$", "");
    }

    static String bytes(double b) {
        return HumanUnits.bytes(b);
    }

    static String count(long n) {
        return HumanUnits.count(n);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

package dev.whittle.cli;

import dev.whittle.core.progress.Progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, plain lines (at most one per 10 % or per 5 s) when
 * it is not, e.g. in CI logs.
 */
final class ConsoleProgress implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final boolean terminal;
    private String task = "";
    private long total;
    private long startNanos;
    private long lastLineNanos;
    private int lastDecile = -1;

    ConsoleProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    static ConsoleProgress forStderr() {
        boolean tty = System.console() != null && System.getenv("CI") == null;
        return new ConsoleProgress(System.err, tty);
    }

    @Override
    public synchronized void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastLineNanos = 0;
        this.lastDecile = -1;
        if (!terminal) err.println(task + ": started");
    }

    @Override
    public synchronized void advance(long done, String detail) {
        double frac = total > 0 ? Math.min(1.0, done / (double) total) : 0;
        long now = System.nanoTime();
        String d = detail == null ? "" : " " + detail;
        if (terminal) {
            int filled = (int) Math.round(frac * WIDTH);
            err.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%%%s\u001b[K", task, "#".repeat(filled), ".".repeat(WIDTH - filled), frac * 100, d));
            err.flush();
        } else {
            int decile = (int) (frac * 10);
            if (decile > lastDecile || now - lastLineNanos > 5_000_000_000L) {
                lastDecile = decile;
                lastLineNanos = now;
                err.println(String.format(Locale.ROOT, "%s: %d/%d (%.0f%%)%s", task, done, total, frac * 100, d));
            }
        }
    }

    @Override
    public synchronized void finish(String summary) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        if (terminal) err.print("\r\u001b[K");
        err.println(String.format(Locale.ROOT, "%s: %s (%.1f s)", task, summary, secs));
    }
}

package dev.whittle.bench;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Whether HotSpot's optimising compiler (C2) is still working on whittle's code: a benchmark's warm-up is not
 * over while it is, because the engine's loops run several times slower before C2 has compiled them. Read from the
 * JVM's {@code compilerQueue} diagnostic command (what {@code jcmd PID Compiler.queue} prints), which shows the
 * compiles in flight as well as those queued; the compilation-time counter only moves once a compile finishes,
 * which can be seconds after it started on a busy two-core machine.
 */
final class JitActivity {
    private static final String OWN_CODE = "dev.whittle.";

    private JitActivity() {}

    /** True while C2 is compiling or has queued a method of whittle's; false when not, or when the JVM cannot tell. */
    static boolean compilingOwnCode() {
        String queue = compilerQueue();
        return queue != null && c2MentionsOwnCode(queue);
    }

    /** The {@code compilerQueue} text, or null when this JVM does not offer the diagnostic command. */
    static String compilerQueue() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object text = server.invoke(diagnostics, "compilerQueue", new Object[] {null},
                    new String[] {String[].class.getName()});
            return text instanceof String s ? s : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Scans the command's output: the "Current compiles:" section lists one line per compiler thread ("C2
     * CompilerThread0 ... method"), then one section per queue ("C2 compile queue:" followed by method lines).
     */
    static boolean c2MentionsOwnCode(String queue) {
        boolean inC2Queue = false, inCurrent = false;
        for (String line : queue.split("\n")) {
            String t = line.strip();
            if (t.startsWith("Current compiles:")) {
                inCurrent = true;
                inC2Queue = false;
            } else if (t.endsWith("compile queue:")) {
                inCurrent = false;
                inC2Queue = t.startsWith("C2");
            } else if (inCurrent && t.startsWith("C2") && t.contains(OWN_CODE)) {
                return true;
            } else if (inC2Queue && t.contains(OWN_CODE)) {
                return true;
            }
        }
        return false;
    }
}

package dev.whittle.engine.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HotSpot's {@code -XX:+LogCompilation} file: for the last full (not on-stack-replacement) C2 compile of
 * each method, how many of its Vector API operations stayed calls instead of becoming instructions, and how
 * often C2 gave up inlining one of our own helpers (a class under the prefix) at its parse-time node cutoff. A vector operation is a late-inlined
 * {@code VectorSupport} method; it became instructions when C2 logged an {@code _Vector…} intrinsic for it.
 */
final class CompilationLog {
    /** One method's last C2 compile. */
    record Compile(String method, int vectorCalls, int intrinsics, int nodeCutoffs) {
        int leftAsCalls() {
            return Math.max(0, vectorCalls - intrinsics);
        }
    }

    private static final Pattern TASK = Pattern.compile("^<task compile_id='\\d+'(.*)>$");
    private static final Pattern METHOD_ATTR = Pattern.compile("method='([^ ']+) ([^ ']+) ");
    private static final Pattern KLASS = Pattern.compile("^<klass id='(\\d+)' name='([^']*)'");
    private static final Pattern METHOD = Pattern.compile("^<method id='(\\d+)' holder='(\\d+)' name='([^']*)'");
    private static final Pattern LATE_INLINE = Pattern.compile("^<late_inline method='(\\d+)' +inline_id='(\\d+)'");
    private static final Pattern CALL = Pattern.compile("^<call method='(\\d+)'");

    private CompilationLog() {
    }

    /** The last C2, non-OSR compile of every method whose class name starts with {@code prefix}, by "Class::method". */
    static Map<String, Compile> read(Reader log, String prefix) throws IOException {
        Map<String, Compile> last = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(log);
        String name = null;
        Map<String, String> klasses = new HashMap<>(), methods = new HashMap<>();
        Set<String> vectorCalls = new HashSet<>();
        int intrinsics = 0, cutoffs = 0;
        String callee = "";
        for (String line; (line = r.readLine()) != null; ) {
            if (name == null) {
                Matcher t = TASK.matcher(line);
                if (!t.matches()) continue;
                String attrs = t.group(1);
                // C1 tasks carry a level (1-3); C2's carry none (or 4); on-stack replacement is not the method's code
                if (attrs.contains("compile_kind='osr'") || (attrs.contains("level='") && !attrs.contains("level='4'"))) continue;
                Matcher m = METHOD_ATTR.matcher(attrs);
                if (!m.find() || !m.group(1).startsWith(prefix)) continue;
                name = m.group(1).substring(m.group(1).lastIndexOf('.') + 1) + "::" + m.group(2);
                klasses.clear();
                methods.clear();
                vectorCalls.clear();
                intrinsics = cutoffs = 0;
                continue;
            }
            if (line.startsWith("</task>")) {
                last.put(name, new Compile(name, vectorCalls.size(), intrinsics, cutoffs));
                name = null;
                continue;
            }
            Matcher k = KLASS.matcher(line);
            if (k.find()) {
                klasses.put(k.group(1), k.group(2));
                continue;
            }
            Matcher m = METHOD.matcher(line);
            if (m.find()) {
                methods.put(m.group(1), klasses.getOrDefault(m.group(2), "?") + "::" + m.group(3));
                continue;
            }
            Matcher late = LATE_INLINE.matcher(line);
            if (late.find()) {
                if (methods.getOrDefault(late.group(1), "").startsWith("jdk.internal.vm.vector.VectorSupport::")) {
                    vectorCalls.add(late.group(2));
                }
                continue;
            }
            Matcher call = CALL.matcher(line);
            if (call.find()) {
                callee = methods.getOrDefault(call.group(1), "");
                continue;
            }
            if (line.startsWith("<intrinsic id='_Vector")) intrinsics++;
            if (line.contains("reason='NodeCountInliningCutoff'") && callee.startsWith(prefix)) cutoffs++;
        }
        return last;
    }
}

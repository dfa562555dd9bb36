package dev.whittle.datasets;

import java.nio.file.Path;
import java.util.Map;

/** Where named datasets live: the {@code --data-dir} option, else {@code $WHITTLE_DATA}, else the user cache. */
public final class DataDirectory {
    public static final String ENV = "WHITTLE_DATA";
    public static final String DEFAULT_RELATIVE = "~/.cache/whittle/datasets";

    private DataDirectory() {}

    /** Resolves against the real environment and user home. {@code option} may be null (not given). */
    public static Path resolve(String option) {
        return resolve(option, System.getenv(), System.getProperty("user.home"));
    }

    public static Path resolve(String option, Map<String, String> env, String userHome) {
        if (option != null && !option.isBlank()) {
            return expand(option, userHome);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return expand(fromEnv, userHome);
        }
        return Path.of(userHome, ".cache", "whittle", "datasets");
    }

    /** A leading "~" means the user's home (the shell does not expand it inside env values or --opt=~/x). */
    private static Path expand(String path, String userHome) {
        if (path.equals("~")) {
            return Path.of(userHome);
        }
        if (path.startsWith("~/")) {
            return Path.of(userHome, path.substring(2));
        }
        return Path.of(path);
    }
}

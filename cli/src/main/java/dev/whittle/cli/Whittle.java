package dev.whittle.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The {@code whittle} command: a thin picocli front over the library modules. {@code --help} and {@code --version}
 * are inherited by every subcommand, so {@code whittle generate --help} prints usage and exits 0 instead of
 * complaining that MODEL is missing.
 */
@Command(name = "whittle", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "whittle 0.1.0",
        description = "Shrink language models to fit the hardware you own, and measure what it cost.",
        subcommands = {
                DemoCommand.class,
                InspectCommand.class,
                ConvertCommand.class,
                SynthCommand.class,
                GenerateCommand.class,
                QuantizeCommand.class,
                EvalCommand.class,
                BenchCommand.class,
                DatasetsCommand.class,
                ReportCommand.class,
                RunCommand.class,
                CommandLine.HelpCommand.class})
public final class Whittle implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line: bad input files and bad arguments print one line and exit 2, no stack trace
     * and no screen of usage (the line names the command's --help instead).
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Whittle());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String message = ex.getMessage().strip().replace('\n', ' ');
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
            }
            cmd.getErr().println("whittle: " + message + "; see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof dev.whittle.core.ModelFormatException || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.IOException || ex instanceof UncheckedIOException
                    || ex instanceof dev.whittle.datasets.DatasetException) {
                cmd.getErr().println("whittle: " + oneLine(ex));
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    /** The error's message; file-system errors, whose message is a bare path, also say what went wrong. */
    static String oneLine(Exception ex) {
        Throwable t = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
        if (t instanceof FileSystemException f && f.getFile() != null) {
            String what = switch (f) {
                case NoSuchFileException n -> "no such file or directory";
                case AccessDeniedException a -> "permission denied";
                // createDirectories reports a file standing where a directory should be so
                case FileAlreadyExistsException e -> Files.isRegularFile(Path.of(f.getFile())) ? "is a file, not a directory" : "already exists";
                case NotDirectoryException d -> "not a directory";
                default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            };
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        return ex.getMessage();
    }
}

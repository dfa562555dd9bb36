package dev.whittle.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code whittle} command: a thin picocli front over the library modules. */
@Command(name = "whittle", mixinStandardHelpOptions = true, version = "whittle 0.1.0",
        description = "Shrink language models to fit the hardware you own, and measure what it cost.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Whittle implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Whittle()).execute(args));
    }
}

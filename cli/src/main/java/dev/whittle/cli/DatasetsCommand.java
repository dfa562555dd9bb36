package dev.whittle.cli;

import dev.whittle.datasets.DataDirectory;
import dev.whittle.datasets.DatasetPuller;
import dev.whittle.datasets.DatasetRegistry;
import dev.whittle.datasets.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code whittle datasets list|pull}: the named evaluation and calibration datasets. */
@Command(name = "datasets", description = "List the named datasets, or download one (verified by SHA-256).",
        subcommands = {DatasetsCommand.ListDatasets.class, DatasetsCommand.Pull.class})
public final class DatasetsCommand implements Runnable {
    @Override
    public void run() {
        new ListDatasets().call();
    }

    static class DataDirOption {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $WHITTLE_DATA or ~/.cache/whittle/datasets).")
        String dataDir;

        Path resolve() {
            return DataDirectory.resolve(dataDir);
        }
    }

    @Command(name = "list", description = "Show each named dataset, where it is and whether its hash matches.")
    static final class ListDatasets implements Callable<Integer> {
        @picocli.CommandLine.Mixin DataDirOption dir = new DataDirOption();

        @Override
        public Integer call() {
            Path d = dir.resolve();
            System.out.println("data directory: " + d);
            System.out.print(Datasets.table(Datasets.list(d)));
            return 0;
        }
    }

    @Command(name = "pull", description = "Download a named dataset into the data directory (atomic, verified by SHA-256).")
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;

        @picocli.CommandLine.Mixin DataDirOption dir = new DataDirOption();

        @Override
        public Integer call() throws Exception {
            Path file = new DatasetPuller(System.err::println).pull(DatasetRegistry.get(name), dir.resolve());
            System.out.println("ready: " + file);
            return 0;
        }
    }
}

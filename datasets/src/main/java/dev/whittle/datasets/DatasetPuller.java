package dev.whittle.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Downloads a named dataset into the data directory. The body goes to a temp file beside the target, is
 * checked (complete body, SHA-256 of the dataset file, after extraction from a zip when the URL is an archive) and
 * only then moved into place atomically, so a failed or tampered download never leaves a file at the dataset's
 * path. Progress goes to the given consumer as short lines.
 */
public final class DatasetPuller {
    /** Archives are refused beyond this size: all of whittle's archives are a few MB. */
    static final long MAX_ARCHIVE_BYTES = 1L << 30;

    /** How long a download may go without receiving anything before it is abandoned. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final Duration idleTimeout;
    private final Consumer<String> progress;

    public DatasetPuller(Consumer<String> progress) {
        this(defaultClient(), DEFAULT_IDLE_TIMEOUT, progress);
    }

    /**
     * {@code progress} receives short lines (it may be called from an HTTP client thread, one call at a time).
     */
    public DatasetPuller(HttpClient client, Duration idleTimeout, Consumer<String> progress) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
        }
        this.client = client;
        this.idleTimeout = idleTimeout;
        this.progress = progress;
    }

    /** Follows redirects (HuggingFace "resolve" URLs redirect to a CDN) and gives up connecting after 30 s. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Downloads from the registry's URL; a dataset that is not pullable is refused with a one-line message. */
    public Path pull(NamedDataset dataset, Path dataDir) {
        if (!dataset.pullable()) {
            throw new DatasetException("dataset " + dataset.name() + " cannot be pulled: " + dataset.url()
                    + " does not serve this exact file (" + dataset.note() + "); copy " + dataset.relativePath()
                    + " into " + dataDir + " instead");
        }
        return pull(dataset, dataDir, dataset.url());
    }

    /**
     * Downloads from {@code url} instead of the registry's (a mirror, or a local server in tests); the file must
     * still hash to the registry's SHA-256. If the registry lists an archive entry, the body must be a zip holding
     * it. A file already present with the right hash is kept; one with a wrong hash is an error (never replaced
     * silently).
     */
    public Path pull(NamedDataset dataset, Path dataDir, URI url) {
        Path target = DatasetRegistry.fileIn(dataset, dataDir);
        if (Files.isRegularFile(target)) {
            String sha = Sha256.of(target);
            if (sha.equals(dataset.sha256())) {
                progress.accept(dataset.name() + ": already present and verified at " + target);
                return target;
            }
            throw new DatasetException("dataset " + dataset.name() + ": " + target + " exists with sha256 " + sha
                    + ", expected " + dataset.sha256() + "; delete it and pull again");
        }
        Path download = null;
        Path extracted = null;
        try {
            Files.createDirectories(target.getParent());
            download = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".download");
            progress.accept(dataset.name() + ": downloading " + url);
            long limit = dataset.archiveEntry() == null ? dataset.sizeBytes() : MAX_ARCHIVE_BYTES;
            String sha = download(dataset, url, download, limit);
            Path verified = download;
            if (dataset.archiveEntry() != null) {
                extracted = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".extract");
                sha = extract(dataset, url, download, extracted);
                verified = extracted;
            }
            if (!sha.equals(dataset.sha256())) {
                throw new DatasetException("dataset " + dataset.name() + ": sha256 mismatch for " + url + ": got "
                        + sha + ", expected " + dataset.sha256() + "; nothing was saved");
            }
            makeReadable(verified);
            Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
            progress.accept(dataset.name() + ": sha256 verified, saved " + target);
            return target;
        } catch (IOException e) {
            throw new DatasetException("dataset " + dataset.name() + ": download from " + url + " failed: "
                    + oneLine(e) + "; nothing was saved", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("dataset " + dataset.name() + ": download interrupted; nothing was saved", e);
        } finally {
            deleteQuietly(download);
            deleteQuietly(extracted);
        }
    }

    /**
     * Streams the body into {@code file}, returning the SHA-256 of the bytes written. Gives up when nothing
     * arrives (headers or body bytes) for the idle timeout, so a stalled server cannot hang the pull.
     */
    private String download(NamedDataset dataset, URI url, Path file, long limit)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).header("User-Agent", "whittle").GET().build();
        AtomicReference<DownloadSubscriber> body = new AtomicReference<>();
        AtomicLong announced = new AtomicLong(-1);
        HttpResponse.BodyHandler<String> handler = info -> {
            long expected = info.headers().firstValueAsLong("content-length").orElse(-1);
            announced.set(expected);
            if (info.statusCode() != 200 || expected > limit) {
                return refusing();
            }
            DownloadSubscriber subscriber = new DownloadSubscriber(file, limit, new ProgressReporter(dataset.name(), expected));
            body.set(subscriber);
            return subscriber;
        };
        CompletableFuture<HttpResponse<String>> future = client.sendAsync(request, handler);
        long started = System.nanoTime();
        HttpResponse<String> response;
        while (true) {
            try {
                response = future.get(200, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                DownloadSubscriber subscriber = body.get();
                long last = subscriber == null ? started : subscriber.lastActivityNanos();
                if (System.nanoTime() - last > idleTimeout.toNanos()) {
                    if (subscriber != null) {
                        subscriber.abort(new IOException("stalled"));
                    }
                    future.cancel(true);
                    throw new DatasetException("dataset " + dataset.name() + ": " + url + " sent nothing for "
                            + idleTimeout.toSeconds() + " s; nothing was saved");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof DatasetException de) {
                    throw de;
                }
                throw cause instanceof IOException io ? io : new IOException(cause);
            } catch (InterruptedException e) {
                future.cancel(true);
                throw e;
            }
        }
        if (response.statusCode() != 200) {
            throw new DatasetException("dataset " + dataset.name() + ": HTTP " + response.statusCode()
                    + " from " + url + "; nothing was saved");
        }
        long expected = announced.get();
        if (expected > limit) {
            throw new DatasetException("dataset " + dataset.name() + ": " + url + " announces " + expected
                    + " bytes, more than the expected " + limit + "; nothing was saved");
        }
        long received = body.get().received();
        if (expected >= 0 && received != expected) {
            throw new DatasetException("dataset " + dataset.name() + ": truncated download from " + url
                    + ": got " + received + " of " + expected + " bytes; nothing was saved");
        }
        return response.body();
    }

    /** A body subscriber that cancels at once: an error page or oversized body is not worth reading. */
    private static HttpResponse.BodySubscriber<String> refusing() {
        CompletableFuture<String> done = new CompletableFuture<>();
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public CompletionStage<String> getBody() {
                return done;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
                done.complete(null);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
                done.complete(null);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        };
    }

    /** Makes the saved file readable by others like any downloaded file (temp files are created owner-only). */
    private static void makeReadable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or not allowed: keep the default permissions
        }
    }

    /** Reports every 10% when the length is known, else every 4 MB. */
    private final class ProgressReporter implements java.util.function.LongConsumer {
        private final String name;
        private final long expected;
        private int reportedTenths;
        private long nextReport = 4L << 20;

        ProgressReporter(String name, long expected) {
            this.name = name;
            this.expected = expected;
        }

        @Override
        public void accept(long received) {
            if (expected > 0) {
                int tenths = (int) Math.min(10, received * 10 / expected);
                if (tenths > reportedTenths) {
                    reportedTenths = tenths;
                    progress.accept(String.format(Locale.ROOT, "%s: %s of %s (%d%%)", name, megabytes(received),
                            megabytes(expected), tenths * 10));
                }
            } else if (received >= nextReport) {
                nextReport += 4L << 20;
                progress.accept(name + ": " + megabytes(received));
            }
        }
    }

    /** Copies the archive entry into {@code out}, returning its SHA-256; stops past the expected size. */
    private String extract(NamedDataset dataset, URI url, Path archive, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry entry = zip.getEntry(dataset.archiveEntry());
            if (entry == null || entry.isDirectory()) {
                throw new DatasetException("dataset " + dataset.name() + ": archive from " + url
                        + " has no file " + dataset.archiveEntry() + "; nothing was saved");
            }
            progress.accept(dataset.name() + ": extracting " + dataset.archiveEntry());
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[1 << 16];
            long written = 0;
            try (InputStream in = zip.getInputStream(entry); OutputStream os = Files.newOutputStream(out)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    written += n;
                    if (written > dataset.sizeBytes()) {
                        throw new DatasetException("dataset " + dataset.name() + ": " + dataset.archiveEntry()
                                + " in " + url + " is larger than the expected " + dataset.sizeBytes()
                                + " bytes; nothing was saved");
                    }
                    digest.update(buffer, 0, n);
                    os.write(buffer, 0, n);
                }
            }
            return Sha256.hex(digest);
        } catch (java.util.zip.ZipException e) {
            throw new DatasetException("dataset " + dataset.name() + ": " + url + " did not send a valid zip archive ("
                    + oneLine(e) + "); nothing was saved", e);
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the temp name starts with '.' and ends in .download/.extract, so it is recognisable
            }
        }
    }
}

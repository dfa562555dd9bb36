package dev.whittle.datasets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Every download here goes to a server on 127.0.0.1 started by the test; nothing reaches the network. */
class DatasetPullerTest {
    private static final NamedDataset SHAKESPEARE = DatasetRegistry.get("tinyshakespeare");
    private static final NamedDataset WIKI_TEST = DatasetRegistry.get("wikitext2-test");

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static byte[] shakespeare;
    private static byte[] wikiZip;
    private static byte[] zipWithoutEntry;

    @BeforeAll
    static void readFixtures() throws IOException {
        shakespeare = Files.readAllBytes(DatasetRegistry.fileIn(SHAKESPEARE, Fixtures.datasets()));
        wikiZip = zip("wikitext-2-raw/wiki.test.raw",
                Files.readAllBytes(DatasetRegistry.fileIn(WIKI_TEST, Fixtures.datasets())));
        zipWithoutEntry = zip("wikitext-2-raw/other.raw", new byte[]{1, 2, 3});
    }

    @BeforeEach
    void start() throws IOException {
        byte[] tampered = shakespeare.clone();
        tampered[1000] ^= 1;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/input.txt", ex -> send(ex, 200, shakespeare, shakespeare.length));
        server.createContext("/tampered.txt", ex -> send(ex, 200, tampered, tampered.length));
        server.createContext("/huge.txt", ex -> send(ex, 200, new byte[0], 1L << 40));
        server.createContext("/missing.txt", ex -> send(ex, 404, "not found".getBytes(), 9));
        // announces the full length, sends half, then the connection closes
        server.createContext("/truncated.txt", ex -> send(ex, 200, Arrays.copyOf(shakespeare, shakespeare.length / 2),
                shakespeare.length));
        server.createContext("/wikitext.zip", ex -> send(ex, 200, wikiZip, wikiZip.length));
        server.createContext("/noentry.zip", ex -> send(ex, 200, zipWithoutEntry, zipWithoutEntry.length));
        server.createContext("/notzip.zip", ex -> send(ex, 200, shakespeare, shakespeare.length));
        // sends headers and a little, then goes silent until the test ends
        server.createContext("/stall.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, shakespeare.length);
            ex.getResponseBody().write(shakespeare, 0, 1000);
            ex.getResponseBody().flush();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    /**
     * Sends {@code body} after announcing {@code announced} bytes. When fewer bytes are sent, closing the body
     * throws; letting that escape the handler makes the server drop the connection, so the client sees a short
     * body followed by end of stream.
     */
    private void send(HttpExchange exchange, int status, byte[] body, long announced) throws IOException {
        requests.incrementAndGet();
        exchange.sendResponseHeaders(status, announced);
        OutputStream out = exchange.getResponseBody();
        out.flush(); // the headers reach the client even if the body is then cut short
        out.write(body);
        out.close();
    }

    private static byte[] zip(String entry, byte[] content) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("wikitext-2-raw/"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private DatasetPuller puller() {
        return new DatasetPuller(DatasetPuller.defaultClient(), Duration.ofSeconds(20), progress::add);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void downloadsVerifiesAndMovesIntoPlace(@TempDir Path dir) throws IOException {
        Path file = puller().pull(SHAKESPEARE, dir, url("/input.txt"));
        assertEquals(dir.resolve("tinyshakespeare").resolve("input.txt"), file);
        assertEquals(SHAKESPEARE.sha256(), Sha256.of(file));
        assertEquals(List.of(file), filesUnder(dir), "no temp files left");
        assertTrue(Files.isReadable(file));
        assertTrue(progress.stream().anyMatch(l -> l.contains("(100%)")), progress.toString());
        assertTrue(progress.getLast().contains("sha256 verified"), progress.toString());
        assertEquals("ok", Datasets.info(SHAKESPEARE, dir).status());

        // a second pull finds the verified file and does not download again
        assertEquals(file, puller().pull(SHAKESPEARE, dir, url("/input.txt")));
        assertEquals(1, requests.get());
    }

    @Test
    void extractsTheEntryFromAZipArchive(@TempDir Path dir) throws IOException {
        Path file = puller().pull(WIKI_TEST, dir, url("/wikitext.zip"));
        assertEquals(dir.resolve("wikitext-2-raw").resolve("wiki.test.raw"), file);
        assertEquals(WIKI_TEST.sha256(), Sha256.of(file));
        assertEquals(List.of(file), filesUnder(dir));
        DatasetRegistry.resolve("wikitext2-test", dir).verify();

        String noEntry = assertThrows(DatasetException.class,
                () -> puller().pull(DatasetRegistry.get("wikitext2-valid"), dir, url("/noentry.zip"))).getMessage();
        assertTrue(noEntry.contains("has no file wikitext-2-raw/wiki.valid.raw"), noEntry);
        String notZip = assertThrows(DatasetException.class,
                () -> puller().pull(DatasetRegistry.get("wikitext2-valid"), dir, url("/notzip.zip"))).getMessage();
        assertTrue(notZip.contains("valid zip"), notZip);
        assertEquals(List.of(file), filesUnder(dir));
    }

    @Test
    void hashMismatchLeavesNoFile(@TempDir Path dir) throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(SHAKESPEARE, dir, url("/tampered.txt")));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + SHAKESPEARE.sha256()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), filesUnder(dir));
    }

    @Test
    void http404IsReported(@TempDir Path dir) throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(SHAKESPEARE, dir, url("/missing.txt")));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), filesUnder(dir));
    }

    @Test
    void oversizedBodyIsRefusedFromItsLength(@TempDir Path dir) throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(SHAKESPEARE, dir, url("/huge.txt")));
        assertTrue(e.getMessage().contains("announces 1099511627776 bytes"), e.getMessage());
        assertEquals(List.of(), filesUnder(dir));
    }

    @Test
    void truncatedBodyLeavesNoFile(@TempDir Path dir) throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(SHAKESPEARE, dir, url("/truncated.txt")));
        assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
        // detected as a short body (HttpClient's end-of-stream error or our length check), not as a bad hash
        assertTrue(e.getMessage().contains("truncated download") || e.getMessage().contains("failed"), e.getMessage());
        assertFalse(e.getMessage().contains("sha256"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), filesUnder(dir));
    }

    @Test
    void stalledServerIsAbandonedAfterTheIdleTimeout(@TempDir Path dir) throws IOException {
        DatasetPuller impatient = new DatasetPuller(DatasetPuller.defaultClient(), Duration.ofSeconds(1), progress::add);
        DatasetException e = assertThrows(DatasetException.class,
                () -> impatient.pull(SHAKESPEARE, dir, url("/stall.txt")));
        assertTrue(e.getMessage().contains("sent nothing for 1 s"), e.getMessage());
        assertEquals(List.of(), filesUnder(dir));
    }

    @Test
    void existingWrongFileIsNeverReplacedSilently(@TempDir Path dir) throws IOException {
        Path target = DatasetRegistry.fileIn(SHAKESPEARE, dir);
        Files.createDirectories(target.getParent());
        Files.writeString(target, "mine");
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(SHAKESPEARE, dir, url("/input.txt")));
        assertTrue(e.getMessage().contains("delete it"), e.getMessage());
        assertEquals("mine", Files.readString(target));
        assertEquals(0, requests.get());
    }

    @Test
    void derivedDatasetsAreNotPulledFromTheirUpstream(@TempDir Path dir) throws IOException {
        DatasetException e = assertThrows(DatasetException.class,
                () -> puller().pull(DatasetRegistry.get("c4-sample"), dir));
        assertTrue(e.getMessage().contains("cannot be pulled"), e.getMessage());
        assertEquals(List.of(), filesUnder(dir));
        assertEquals(0, requests.get());
    }
}

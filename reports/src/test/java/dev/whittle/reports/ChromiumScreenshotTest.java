package dev.whittle.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders the HTML report in headless Chromium (offline, no GPU) and checks the screenshot shows a page,
 * not a blank or an error: a real fraction of non-white pixels, and the summary table's green "best"
 * highlight present. Skipped only when no chromium binary is installed.
 */
class ChromiumScreenshotTest {

    static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    @Test
    void reportRendersToANonBlankPage(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "chromium is not installed");
        Path html = dir.resolve("report.html");
        Reports.writeAtomically(html, Reports.render(SampleResults.variants(), ReportFormat.HTML));
        Path png = dir.resolve("shot.png");
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1280,2000", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        assertTrue(done, "chromium did not finish within 90 s: " + log(dir));
        assertTrue(Files.size(png) > 0, "no screenshot: " + log(dir));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        assertEquals(2000, img.getHeight());
        long ink = 0;
        long best = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (r < 235 || g < 235 || b < 235) ink++;
                if (rgb == 0xDCFCE7) best++;   // the highlight colour of best cells
            }
        }
        double fraction = ink / (double) (img.getWidth() / 2 * (img.getHeight() / 2));
        String keep = System.getProperty("whittle.screenshot");
        if (keep != null) Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(fraction > 0.03, "screenshot is nearly blank: " + fraction + " non-white");
        assertTrue(best > 200, "no highlighted best cells visible: " + best + " px");
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("chromium.log"));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}

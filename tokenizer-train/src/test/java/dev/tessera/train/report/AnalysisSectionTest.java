package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnalysisSectionTest {

    @Test
    void addsTheSectionBeforeTheEndOfTheBodyThenReplacesIt() {
        String page = "<html><body><h1>t</h1>\n</body></html>";
        String once = AnalysisSection.withSection(page, "<p>one</p>\n");
        assertEquals(
                "<html><body><h1>t</h1>\n"
                        + AnalysisSection.BEGIN
                        + "\n<p>one</p>\n"
                        + AnalysisSection.END
                        + "\n</body></html>",
                once);
        String twice = AnalysisSection.withSection(once, "<p>two</p>\n");
        assertEquals(once.replace("one", "two"), twice);
    }
}

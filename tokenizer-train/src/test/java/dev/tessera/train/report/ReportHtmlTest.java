package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReportHtmlTest {

    @Test
    void formatsNumbersForATable() {
        assertEquals("1,234,567", ReportHtml.formatNumber(1_234_567.0));
        assertEquals("0", ReportHtml.formatNumber(-0.0));
        assertEquals("-3", ReportHtml.formatNumber(-3.0));
        assertEquals("0.0012346", ReportHtml.formatNumber(0.0012345678));
        assertEquals("29.123", ReportHtml.formatNumber(29.123456));
        assertEquals("0.97", ReportHtml.formatNumber(0.97));
        assertEquals("-0.5", ReportHtml.formatNumber(-0.5));
        assertEquals("0.00021", ReportHtml.formatNumber(0.00021));
        assertEquals("1.5e-05", ReportHtml.formatNumber(1.5e-5));
        assertEquals("1e-07", ReportHtml.formatNumber(1e-7));
        assertEquals("1.2346e+06", ReportHtml.formatNumber(1_234_567.89));
        assertEquals("NaN", ReportHtml.formatNumber(Double.NaN));
        assertEquals("∞", ReportHtml.formatNumber(Double.POSITIVE_INFINITY));
        assertEquals("−∞", ReportHtml.formatNumber(Double.NEGATIVE_INFINITY));
    }

    @Test
    void escapesMarkupCharacters() {
        assertEquals(
                "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; é",
                ReportHtml.escape("a <b> & \"c\" 'd' é"));
    }
}

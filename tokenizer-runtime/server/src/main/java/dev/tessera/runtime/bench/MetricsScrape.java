package dev.tessera.runtime.bench;

import dev.tessera.cli.CommandFailedException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text endpoint (the server's {@code /metrics}), read by metric name and
 * labels in any order.
 */
final class MetricsScrape {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Sample(String name, Map<String, String> labels, double value) {}

    /** One client for every scrape: each client has a thread of its own. */
    private static final class Client {
        static final HttpClient HTTP =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    /** Parses the text format; comment lines and lines it cannot read are skipped. */
    static MetricsScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            try {
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            } catch (NumberFormatException e) {
                // NaN and ±Inf parse; anything else is not a sample.
            }
        }
        return new MetricsScrape(samples);
    }

    /**
     * Fetches and parses {@code url}.
     *
     * @throws CommandFailedException naming the address if it cannot be read
     */
    static MetricsScrape fetch(URI url) {
        try {
            HttpResponse<String> response =
                    Client.HTTP.send(
                            HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new CommandFailedException(
                        "--metrics " + url + ": HTTP status " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new CommandFailedException(
                    "--metrics " + url + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("--metrics " + url + ": interrupted", e);
        }
    }

    /**
     * The sum of the samples named {@code name} whose labels include {@code labels}; NaN if there
     * is none.
     */
    double sum(String name, Map<String, String> labels) {
        double sum = 0;
        boolean found = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                sum += s.value();
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}

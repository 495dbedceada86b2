package dev.tessera.runtime.measure;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line of a benchmark: {@code --name value} options and {@code --name} switches, each
 * from a fixed set, read with defaults. Every mistake is an {@link IllegalArgumentException} whose
 * message names the option and what it expects.
 */
public final class BenchmarkArguments {

    private final Map<String, String> values;
    private final Set<String> switches;

    private BenchmarkArguments(Map<String, String> values, Set<String> switches) {
        this.values = Map.copyOf(values);
        this.switches = Set.copyOf(switches);
    }

    /**
     * Parses {@code args}.
     *
     * @param valueOptions names (without {@code --}) of the options that take a value
     * @param switchOptions names of the options that take none
     * @throws IllegalArgumentException for an unknown option, a missing value or a stray argument
     */
    public static BenchmarkArguments parse(
            String[] args, Set<String> valueOptions, Set<String> switchOptions) {
        Map<String, String> values = new HashMap<>();
        Set<String> switches = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (switchOptions.contains(name)) {
                switches.add(name);
            } else if (valueOptions.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " expects a value");
                }
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new BenchmarkArguments(values, switches);
    }

    /** Whether {@code --name} was given, as a switch or with a value. */
    public boolean has(String name) {
        return switches.contains(name) || values.containsKey(name);
    }

    /** The value of {@code --name}, or {@code fallback}. */
    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * The directory or file named by {@code --name}.
     *
     * @throws IllegalArgumentException if the option is missing
     */
    public Path requiredPath(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return Path.of(v);
    }

    /**
     * The integer value of {@code --name}, or {@code fallback}.
     *
     * @throws IllegalArgumentException if the value is not an integer ≥ {@code min}
     */
    public int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return parseInteger(name, v, min);
    }

    /**
     * The decimal value of {@code --name}, or {@code fallback}.
     *
     * @throws IllegalArgumentException if the value is not a number
     */
    public double decimal(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": expected a number, got " + v);
        }
    }

    /**
     * The comma-separated integers of {@code --name}, or {@code fallback}.
     *
     * @throws IllegalArgumentException if one is not an integer ≥ {@code min}
     */
    public List<Integer> integers(String name, List<Integer> fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return Arrays.stream(v.split(",")).map(s -> parseInteger(name, s.trim(), min)).toList();
    }

    /**
     * The plan read from {@code --warmup-s}, {@code --measure-s} and {@code --repeats}, each
     * defaulting to the given value.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public MeasurementPlan plan(double warmupSeconds, double measureSeconds, int repeats) {
        return new MeasurementPlan(
                decimal("warmup-s", warmupSeconds),
                decimal("measure-s", measureSeconds),
                integer("repeats", repeats, 1));
    }

    private static int parseInteger(String name, String v, int min) {
        int value;
        try {
            value = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": expected an integer, got " + v);
        }
        if (value < min) {
            throw new IllegalArgumentException(
                    "--" + name + ": expected an integer ≥ " + min + ", got " + v);
        }
        return value;
    }
}

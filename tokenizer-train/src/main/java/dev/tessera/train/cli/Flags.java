package dev.tessera.train.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Parsed {@code --name value} and {@code --switch} arguments. Every name must be one the command
 * knows; a typo is a usage error, not a silently ignored option.
 */
public final class Flags {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Flags() {}

    /**
     * Parses {@code args}. {@code valued} names take a value ({@code --steps 100} or {@code
     * --steps=100}); {@code switches} take none.
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                flags.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                flags.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                flags.values.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return flags;
    }

    /**
     * A program's whole command line: the flags, or null when {@code -h} or {@code --help} asks for
     * the usage text. Arguments that are not flags are refused, naming {@code help}, the place that
     * lists the options (e.g. {@code tessera demo --help}).
     */
    public static Flags parseCommandLine(
            String[] args, Set<String> valued, Set<String> switches, String help) {
        if (List.of(args).contains("-h")) {
            return null;
        }
        Flags flags = parse(args, valued, switches);
        if (flags.has("help")) {
            return null;
        }
        if (!flags.positional().isEmpty()) {
            throw new UsageException(
                    "unexpected argument " + flags.positional().get(0) + "; see " + help);
        }
        return flags;
    }

    /**
     * Flags from a map of names to values (a JSON config file, or the settings stored in a
     * checkpoint), checked against the same names as the command line; {@code "true"} switches a
     * switch on, {@code "false"} leaves it off.
     */
    public static Flags of(
            Map<String, String> entries, Set<String> valued, Set<String> switches, String origin) {
        Flags flags = new Flags();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String name = e.getKey();
            if (switches.contains(name)) {
                if (!e.getValue().equals("true") && !e.getValue().equals("false")) {
                    throw new UsageException(
                            origin + ": \"" + name + "\" is a switch: true or false");
                }
                if (e.getValue().equals("true")) {
                    flags.values.put(name, "true");
                }
            } else if (valued.contains(name)) {
                flags.values.put(name, e.getValue());
            } else {
                throw new UsageException(origin + ": unknown setting \"" + name + "\"");
            }
        }
        return flags;
    }

    /** These flags, with {@code base}'s for the names not given here. */
    public Flags over(Flags base) {
        Flags merged = new Flags();
        merged.values.putAll(base.values);
        merged.values.putAll(values);
        merged.positional.addAll(positional);
        return merged;
    }

    /** Every flag given, by name (switches as "true"). */
    public Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        return parsed(name, fallback, Integer::parseInt, "a whole number");
    }

    public long longValue(String name, long fallback) {
        return parsed(name, fallback, Long::parseLong, "a whole number");
    }

    public double number(String name, double fallback) {
        return parsed(name, fallback, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, T fallback, Function<String, T> parser, String what) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be " + what + ", got '" + v + "'");
        }
    }

    /** A command-line mistake; the message is shown to the user as it is. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
